"""Merging the worker folders of a distributed crawl (issue 7): finished workers only,
every record once, sorted, provenance pointing into the worker folders, coverage computed
over all of them."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any

from archiver.fleet.merge import merge_crawl

if TYPE_CHECKING:
    from pathlib import Path

BLOG = "https://blog.example/"


def post(post_id: int, warc: str, declared: int | None = None) -> dict[str, Any]:
    return {
        "id": post_id,
        "type": "post",
        "url": f"{BLOG}{post_id}/",
        "comment_count_declared": declared,
        "provenance": [{"url": f"{BLOG}{post_id}/", "source": "html", "warc_file": warc}],
    }


def comment(comment_id: int, post_id: int, warc: str) -> dict[str, Any]:
    return {
        "id": comment_id,
        "post_id": post_id,
        "provenance": [{"url": f"{BLOG}{post_id}/", "source": "html", "warc_file": warc}],
    }


def worker(
    crawl: Path,
    name: str,
    posts: list[dict[str, Any]],
    comments: list[dict[str, Any]],
    summary: dict[str, Any] | None,
) -> None:
    folder = crawl / f"worker-{name}"
    folder.mkdir(parents=True)
    (folder / f"blog-archiver-{name}-1-00000-host.warc.gz").write_bytes(b"")
    for file, records in (("posts.jsonl", posts), ("comments.jsonl", comments)):
        lines = "".join(json.dumps(record) + "\n" for record in records)
        (folder / file).write_text(lines, "utf-8")
    if summary is not None:
        (folder / "summary.json").write_text(json.dumps(summary), "utf-8")


def finished(**extra: Any) -> dict[str, Any]:
    return {
        "finish_reason": "finished",
        "start_url": BLOG,
        "started_at": "2026-01-01T00:00:00+00:00",
        "finished_at": "2026-01-01T00:01:00+00:00",
        "counts": {"requests": 10, "warc_records": 20},
        "failures": [],
        "discovery": {},
        "files": {"warc": []},
        **extra,
    }


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_finished_workers_are_merged_once_each_and_sorted(tmp_path):
    warc_a, warc_b = "blog-archiver-a-1-00000-host.warc.gz", "blog-archiver-b-1-00000-host.warc.gz"
    worker(
        tmp_path,
        "a",
        [post(3, warc_a, declared=1), post(1, warc_a, declared=2)],
        [comment(11, 1, warc_a)],
        finished(discovery={"rest_api": "used", "declared_posts": 3}),
    )
    # Worker b read post 1's second comment page, and post 2.
    worker(
        tmp_path,
        "b",
        [post(2, warc_b)],
        [comment(12, 1, warc_b), comment(13, 3, warc_b)],
        finished(),
    )
    summary = merge_crawl(tmp_path)
    posts = read(tmp_path / "posts.jsonl")
    assert [p["id"] for p in posts] == [1, 2, 3]
    assert posts[0]["provenance"][0]["warc_file"] == f"worker-a/{warc_a}"
    assert posts[1]["provenance"][0]["warc_file"] == f"worker-b/{warc_b}"
    assert [c["id"] for c in read(tmp_path / "comments.jsonl")] == [11, 12, 13]
    # Declared comments are compared over all workers: post 1's two are in a and b.
    assert summary["coverage"]["comment_mismatches"] == []
    assert summary["coverage"]["posts_missing"] == 0
    assert summary["complete"] is True
    assert summary["counts"]["requests"] == 20
    assert summary["discovery"]["rest_api"] == "used"


def test_a_worker_that_did_not_finish_is_left_out(tmp_path):
    warc = "blog-archiver-a-1-00000-host.warc.gz"
    worker(tmp_path, "a", [post(1, warc)], [], finished(discovery={"declared_posts": 2}))
    worker(tmp_path, "dead", [post(2, "x.warc.gz")], [], None)
    summary = merge_crawl(tmp_path)
    assert [p["id"] for p in read(tmp_path / "posts.jsonl")] == [1]
    assert summary["workers"]["worker-dead"]["included"] is False
    assert summary["coverage"]["posts_missing"] == 1
    assert summary["complete"] is False


def test_provenance_in_a_dead_workers_warc_is_pointed_at_a_finished_copy(tmp_path):
    url = f"{BLOG}wp-json/wp/v2/posts?page=1"
    dead_warc = "blog-archiver-dead-1-00000-host.warc.gz"
    listed = post(1, "blog-archiver-a-1-00000-host.warc.gz")
    listed["provenance"].append({"url": url, "source": "api", "warc_file": dead_warc})
    worker(tmp_path, "a", [listed], [], finished())
    # Worker a fetched the listing again after the dead worker's requests were requeued.
    record = b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1234>\r\n\r\n"
    warc = tmp_path / "worker-a" / "blog-archiver-a-1-00000-host.warc.gz"
    warc.write_bytes(b"padding!" + gzip.compress(record))
    length = warc.stat().st_size - 8
    index = {"url": url, "offset": "8", "length": str(length), "filename": warc.name}
    (tmp_path / "worker-a" / "index.cdxj").write_text(f"key 2026 {json.dumps(index)}\n")
    summary = merge_crawl(tmp_path)
    (merged,) = read(tmp_path / "posts.jsonl")
    api = merged["provenance"][1]
    assert (api["warc_file"], api["warc_offset"]) == (f"worker-a/{warc.name}", 8)
    assert api["warc_record_id"] == "<urn:uuid:1234>"
    assert summary["complete"] is True


def test_the_merged_summary_adds_the_workers_backoffs_and_prints(tmp_path):
    """The last worker prints the merged summary: it has every section a crawl's has."""
    from archiver.crawl.summary import format_summary

    def politeness(honoured: int, longest: float) -> dict[str, Any]:
        return {
            "robots_txt_obeyed": True,
            "forbidden_by_robots": 0,
            "retry_after_honoured": honoured,
            "longest_backoff_seconds": longest,
            "longest_retry_after_asked_seconds": longest,
            "retry_after_capped": 0,
            "retry_after_max_seconds": 300.0,
            "retries": honoured,
        }

    warc_a, warc_b = "blog-archiver-a-1-00000-host.warc.gz", "blog-archiver-b-1-00000-host.warc.gz"
    worker(tmp_path, "a", [post(1, warc_a)], [], finished(politeness=politeness(1, 2.0)))
    worker(tmp_path, "b", [post(2, warc_b)], [], finished(politeness=politeness(2, 5.0)))
    summary = merge_crawl(tmp_path)
    assert summary["politeness"]["retry_after_honoured"] == 3
    assert summary["politeness"]["longest_backoff_seconds"] == 5.0
    assert summary["politeness"]["robots_txt_obeyed"] is True
    assert "3 Retry-After honoured, waited up to 5 s" in format_summary(summary)
