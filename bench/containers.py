"""The compact containers a crawl keeps (archiver.state.idsets, archiver.state.posttable,
archiver.records.sorting.LineSorter) against what could replace them: SQLite (a table in
an attached in-memory database, or in a temporary on-disk one, as the state could hold
them), pyroaring, and plain Python sets and dicts.

    python -m bench.containers                 # the sizes of a 12,000-post bench crawl
    python -m bench.containers --posts 3000 --comments 32000 --urls 4000

Each workload does what the crawl does with the container, at the crawl's sizes; each
(workload, candidate) runs in a fresh child process, which reports the CPU seconds its work
took and how much its resident memory grew (VmRSS after, minus before: SQLite's own
allocations count, which tracemalloc would miss). It prints one Markdown table. A report,
not a test: the figures decide which hand-written container stays (bench/README.md).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from collections.abc import Callable

SEED = 20261202
WORKLOADS: dict[str, tuple[str, ...]] = {
    # URL keys the spider has asked for: a membership test then an add, per URL found
    "seen URL keys (KeySet)": ("KeySet", "set", "BitMap64", "sqlite-memory", "sqlite-temp"),
    # comment ids the dedupe pipeline has seen: a test then an add, per comment
    "comment ids seen (IdSet)": ("IdSet", "set", "sqlite-memory", "sqlite-temp"),
    # comment -> (post, type), set per comment, read once at the end
    "comment owners (CommentOwners)": ("CommentOwners", "dict", "sqlite-memory", "sqlite-temp"),
    # comments counted per post (declared and captured), read once at the end
    "counts per post (KeyMap)": ("KeyMap", "dict", "sqlite-memory", "sqlite-temp"),
    # post id -> (type, link, modified), set per post, looked up per post, read at the end
    "posts (PostTable)": ("PostTable", "dict", "sqlite-memory", "sqlite-temp"),
    # the comment file's lines sorted by (post id, comment id) at the crawl's end
    "JSONL sort (LineSorter)": ("LineSorter", "list", "sqlite-temp", "sqlite-temp-512k"),
}


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _sqlite(kind: str) -> sqlite3.Connection:
    # The state would attach such a database to its own connection; a connection of its
    # own costs the same per statement.
    db = sqlite3.connect(":memory:" if kind == "sqlite-memory" else "")
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    return db


def data(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(SEED)  # noqa: S311 - test data, not secrets
    urls = [rng.getrandbits(64) for _ in range(args.urls)]
    comment_ids = list(range(1, args.comments + 1))
    rng.shuffle(comment_ids)
    posts = list(range(1, args.posts + 1))
    owner = {cid: (rng.choice(posts), "comment") for cid in comment_ids}
    return {"urls": urls, "comments": comment_ids, "posts": posts, "owner": owner}


def seen_urls(candidate: str, d: dict[str, Any]) -> Callable[[], int]:
    keys = d["urls"] + d["urls"][: len(d["urls"]) // 10]  # a tenth found twice
    if candidate in {"KeySet", "set", "BitMap64"}:
        if candidate == "KeySet":
            from archiver.state.idsets import KeySet

            seen: Any = KeySet()
        elif candidate == "BitMap64":
            from pyroaring import BitMap64

            seen = BitMap64()
        else:
            seen = set()

        def run() -> int:
            for key in keys:
                if key not in seen:
                    seen.add(key)
            return len(seen)

        return run
    db = _sqlite(candidate)
    db.execute("CREATE TABLE seen (key INTEGER PRIMARY KEY) WITHOUT ROWID")

    def run_sql() -> int:
        for key in keys:
            signed = key - (1 << 64) if key >= 1 << 63 else key  # SQLite ints are signed
            if db.execute("SELECT 1 FROM seen WHERE key = ?", (signed,)).fetchone() is None:
                db.execute("INSERT INTO seen VALUES (?)", (signed,))
        return int(db.execute("SELECT count(*) FROM seen").fetchone()[0])

    return run_sql


def seen_ids(candidate: str, d: dict[str, Any]) -> Callable[[], int]:
    ids = d["comments"]
    if candidate in {"IdSet", "set"}:
        if candidate == "IdSet":
            from archiver.state.idsets import IdSet

            seen: Any = IdSet()
        else:
            seen = set()

        def run() -> int:
            for comment_id in ids:
                if comment_id not in seen:
                    seen.add(comment_id)
            return len(seen)

        return run
    db = _sqlite(candidate)
    db.execute("CREATE TABLE seen (id INTEGER PRIMARY KEY)")

    def run_sql() -> int:
        for comment_id in ids:
            if db.execute("SELECT 1 FROM seen WHERE id = ?", (comment_id,)).fetchone() is None:
                db.execute("INSERT INTO seen VALUES (?)", (comment_id,))
        return int(db.execute("SELECT count(*) FROM seen").fetchone()[0])

    return run_sql


def owners(candidate: str, d: dict[str, Any]) -> Callable[[], int]:
    pairs = list(d["owner"].items())
    if candidate in {"CommentOwners", "dict"}:
        if candidate == "CommentOwners":
            from archiver.state.idsets import CommentOwners

            table: Any = CommentOwners()
        else:
            table = {}

        def run() -> int:
            for comment_id, owner in pairs:
                table[comment_id] = owner
            return sum(1 for _ in table.items())

        return run
    db = _sqlite(candidate)
    db.execute("CREATE TABLE owners (id INTEGER PRIMARY KEY, post INTEGER, type TEXT)")

    def run_sql() -> int:
        for comment_id, (post, kind) in pairs:
            db.execute("INSERT OR REPLACE INTO owners VALUES (?, ?, ?)", (comment_id, post, kind))
        return sum(1 for _ in db.execute("SELECT id, post, type FROM owners ORDER BY id"))

    return run_sql


def counts(candidate: str, d: dict[str, Any]) -> Callable[[], int]:
    posts = [owner[0] for owner in d["owner"].values()]
    if candidate in {"KeyMap", "dict"}:
        if candidate == "KeyMap":
            from archiver.state.idsets import KeyMap

            table: Any = KeyMap()

            def add(key: int) -> None:
                table.add(key, 1)
        else:
            table = {}

            def add(key: int) -> None:
                table[key] = table.get(key, 0) + 1

        def run() -> int:
            for post in posts:
                add(post)
            return sum(value for _, value in table.items())

        return run
    db = _sqlite(candidate)
    db.execute("CREATE TABLE counts (post INTEGER PRIMARY KEY, n INTEGER NOT NULL)")

    def run_sql() -> int:
        for post in posts:
            db.execute(
                "INSERT INTO counts VALUES (?, 1) ON CONFLICT(post) DO UPDATE SET n = n + 1",
                (post,),
            )
        return sum(n for _, n in db.execute("SELECT post, n FROM counts ORDER BY post"))

    return run_sql


def post_table(candidate: str, d: dict[str, Any]) -> Callable[[], int]:
    from archiver.state.posttable import KnownPost, PostTable

    posts = d["posts"]

    def make(pid: int) -> KnownPost:
        return KnownPost(
            pid,
            "post",
            f"https://blog.example/{pid // 100}/{pid}/a-post-{pid}/",
            f"2024-01-{1 + pid % 28:02d}T10:00:00+00:00",
        )

    if candidate in {"PostTable", "dict"}:
        table: Any = PostTable() if candidate == "PostTable" else {}

        def run() -> int:
            for pid in posts:
                table[pid] = make(pid)
            found = sum(1 for pid in posts if table[pid].id == pid)
            return found + sum(1 for _ in table.values())

        return run
    db = _sqlite(candidate)
    db.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, type TEXT, link TEXT, modified TEXT)")

    def run_sql() -> int:
        for pid in posts:
            post = make(pid)
            db.execute(
                "INSERT INTO posts VALUES (?, ?, ?, ?)",
                (post.id, post.type, post.link, post.modified),
            )
        found = 0
        for pid in posts:
            row = db.execute(
                "SELECT id, type, link, modified FROM posts WHERE id = ?", (pid,)
            ).fetchone()
            found += KnownPost(*row).id == pid
        return found + sum(1 for _ in db.execute("SELECT * FROM posts ORDER BY id"))

    return run_sql


def line_sort(candidate: str, d: dict[str, Any]) -> Callable[[], int]:
    """The comment file's lines, in arrival order, rewritten sorted by (post id, comment id):
    what ``sort_jsonl`` does at the crawl's end once each line's key is read."""
    from archiver.records.sorting import LineSorter, _write_spans

    folder = Path(tempfile.mkdtemp(prefix="bench-containers-"))
    path = folder / "comments.jsonl"
    entries = []
    with path.open("wb") as out:
        offset = 0
        for cid, (post, _) in d["owner"].items():
            line = json.dumps({"id": cid, "post_id": post, "text": "x" * 150}).encode() + b"\n"
            out.write(line)
            entries.append(((post, cid), offset, len(line)))
            offset += len(line)
    if candidate == "LineSorter":

        def run() -> int:
            sorter = LineSorter(path)
            for key, start, length in entries:
                sorter.add(key, start, length)
            return sorter.rewrite()

        return run
    if candidate == "list":

        def run_list() -> int:
            spans = [(key, start, length) for key, start, length in entries]
            spans.sort()
            return _write_spans(path, ((start, length) for _, start, length in spans))

        return run_list
    db = _sqlite("sqlite-temp")
    # SQLite's default page cache is 2 MB; a smaller one trades speed for memory
    db.execute(
        "PRAGMA cache_size=-512" if candidate.endswith("512k") else "PRAGMA cache_size=-2000"
    )
    db.execute("CREATE TABLE lines (post INTEGER, id INTEGER, start INTEGER, length INTEGER)")

    def run_sql() -> int:
        db.executemany(
            "INSERT INTO lines VALUES (?, ?, ?, ?)",
            ((key[0], key[1], start, length) for key, start, length in entries),
        )
        spans = db.execute("SELECT start, length FROM lines ORDER BY post, id, start")
        return _write_spans(path, spans)

    return run_sql


BUILDERS = {
    "seen URL keys (KeySet)": seen_urls,
    "comment ids seen (IdSet)": seen_ids,
    "comment owners (CommentOwners)": owners,
    "counts per post (KeyMap)": counts,
    "posts (PostTable)": post_table,
    "JSONL sort (LineSorter)": line_sort,
}


def child(workload: str, candidate: str, args: argparse.Namespace) -> dict[str, float]:
    d = data(args)
    run = BUILDERS[workload](candidate, d)
    gc.collect()  # what building the data left behind is freed before measuring
    before = rss_kib()
    start = time.process_time()
    result = run()
    cpu = time.process_time() - start
    grown = rss_kib() - before
    return {"cpu_s": cpu, "rss_mib": grown / 1024, "result": result}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=12_000)
    parser.add_argument("--comments", type=int, default=128_000)
    parser.add_argument("--urls", type=int, default=16_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("WORKLOAD", "CANDIDATE"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child, args)))
        return 0
    print(
        f"containers at {args.posts:,} posts, {args.comments:,} comments, {args.urls:,} URLs; "
        f"median of {args.repeat} runs, each in a fresh process; machine load "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print("| workload | candidate | CPU s | RSS growth MiB | result |")
    print("| --- | --- | --- | --- | --- |")
    for workload, candidates in WORKLOADS.items():
        for candidate in candidates:
            runs = []
            for _ in range(args.repeat):
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.containers",
                        "--child",
                        workload,
                        candidate,
                        "--posts",
                        str(args.posts),
                        "--comments",
                        str(args.comments),
                        "--urls",
                        str(args.urls),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=Path(__file__).resolve().parent.parent,
                )
                runs.append(json.loads(out.stdout))
            cpu = sorted(r["cpu_s"] for r in runs)[len(runs) // 2]
            rss = sorted(r["rss_mib"] for r in runs)[len(runs) // 2]
            print(f"| {workload} | {candidate} | {cpu:.3f} | {rss:.1f} | {runs[0]['result']:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
