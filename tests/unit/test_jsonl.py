from __future__ import annotations

import json
import random

import pytest

from archiver.records import sorting as jsonl
from archiver.records.sorting import comment_sort_key, post_sort_key, sort_jsonl


def test_sorting_is_stable_by_id_and_keeps_every_byte_of_each_line(tmp_path):
    path = tmp_path / "comments.jsonl"
    lines = [
        json.dumps({"id": 30, "post_id": 2, "text": "é"}, ensure_ascii=False),
        json.dumps({"id": 4, "post_id": 2}),
        json.dumps({"id": 12, "post_id": 1}),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert sort_jsonl(path, comment_sort_key) == 3
    assert path.read_text("utf-8").splitlines() == [lines[1], lines[2], lines[0]]
    assert not list(tmp_path.glob("*.sorting"))


def test_posts_without_an_id_go_last_in_url_order(tmp_path):
    path = tmp_path / "posts.jsonl"
    records = [{"id": None, "url": "b"}, {"id": 7, "url": "z"}, {"id": None, "url": "a"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    sort_jsonl(path, post_sort_key)
    assert [json.loads(line)["url"] for line in path.read_text().splitlines()] == ["z", "a", "b"]


def test_keys_too_large_to_pack_sort_like_the_others(tmp_path):
    path = tmp_path / "comments.jsonl"
    ids = [(5, 1), (2**45, 3), (3, 2**41), (1, 9), (-2, 0), (5, 0)]
    lines = [json.dumps({"id": i, "post_id": p}) for i, p in ids]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert sort_jsonl(path, comment_sort_key) == 6
    expected = sorted(lines, key=lambda line: comment_sort_key(json.loads(line)))
    assert path.read_text("utf-8").splitlines() == expected


@pytest.mark.parametrize("run_entries", [1, 3, 1000])
def test_long_files_are_sorted_in_runs_and_merged(tmp_path, monkeypatch, run_entries):
    # Tiny runs and few open runs: spilled runs, merges of runs into one, and keys too
    # large to pack among packed ones, in one file.
    monkeypatch.setattr(jsonl, "RUN_ENTRIES", run_entries)
    monkeypatch.setattr(jsonl, "MAX_RUNS", 2)
    rng = random.Random(9)  # noqa: S311 - a fixed shuffle, not a secret
    ids = [(rng.randrange(60), rng.randrange(5)) for _ in range(150)]
    ids += [(2**45, 1), (3, 2**41), (-1, 0)]
    rng.shuffle(ids)
    lines = [json.dumps({"id": i, "post_id": p, "n": n}) for n, (i, p) in enumerate(ids)]
    path = tmp_path / "comments.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert sort_jsonl(path, comment_sort_key) == len(lines)
    # Equal keys keep the file's order (ties broken by offset), as in one sort.
    expected = sorted(lines, key=lambda line: comment_sort_key(json.loads(line)))
    assert path.read_text("utf-8").splitlines() == expected
    posts = tmp_path / "posts.jsonl"
    records = [{"id": rng.choice([None, *range(20)]), "url": f"/{n}/"} for n in range(40)]
    posts.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    sort_jsonl(posts, post_sort_key)
    got = [json.loads(line) for line in posts.read_text("utf-8").splitlines()]
    assert got == sorted(records, key=post_sort_key)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comments.jsonl", "posts.jsonl"]
