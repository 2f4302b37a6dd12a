"""A site's crawl folders on disk, and the records they hold taken together.

``archiver wacz`` and ``archiver site`` accept a crawl folder (``output/<site>/<UTC>/``)
or a site folder (``output/<site>/``, every crawl in it). :func:`crawl_folders` tells
which crawls a path means, oldest first; :func:`crawl_warcs` lists a crawl's WARC files
(a distributed crawl's are in its ``worker-*`` folders); :func:`read_records` reads the
crawls' ``posts.jsonl`` and ``comments.jsonl`` as one archive: an incremental crawl
writes only new and edited records, so the latest crawl holding a record gives it, and
records of earlier crawls stay (deletions are never removed from an archive).
:class:`RecordLines` finds the same latest records by where their lines are, for readers
that go through them one at a time.

Records are plain dicts as the JSONL holds them, so whatever writes records of the same
schema (another engine, a rebuild) is read the same way.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from archiver.state.idsets import IdSet
from archiver.state.layout import COMMENTS_FILE, POSTS_FILE, SUMMARY_FILE

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

__all__ = [
    "ArchivedRecords",
    "RecordLines",
    "crawl_folders",
    "crawl_warcs",
    "read_records",
    "start_url_of",
]

STATE_FILE = "state.sqlite"  # archiver.state.site.STATE_FILE (not imported: no SQLite layer)
WARC_PATTERNS = ("*.warc.gz", "*.warc")
WORKER_PATTERN = "worker-*"


def is_crawl_folder(path: Path) -> bool:
    """A folder one crawl wrote: WARC files or a summary, here or in worker folders."""
    if not path.is_dir():
        return False
    if (path / SUMMARY_FILE).is_file() or any(
        next(path.glob(pattern), None) for pattern in WARC_PATTERNS
    ):
        return True
    return any(is_crawl_folder(worker) for worker in path.glob(WORKER_PATTERN))


def crawl_folders(path: Path) -> list[Path]:
    """The crawl folders ``path`` names, oldest first: itself, or a site folder's crawls
    (in the order of the site's state when it has one, else by name, i.e. UTC time).

    :raises FileNotFoundError: ``path`` holds no crawl.
    """
    if not path.is_dir():
        raise FileNotFoundError(f"no such folder: {path}")
    if is_crawl_folder(path):
        return [path]
    found = sorted(child for child in path.iterdir() if is_crawl_folder(child))
    ordered = _state_order(path, found)
    if not ordered:
        raise FileNotFoundError(f"no crawl folder (WARC files, summary.json) in {path}")
    return ordered


def _state_order(site: Path, found: list[Path]) -> list[Path]:
    state = site / STATE_FILE
    if not state.is_file():
        return found
    try:
        db = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT crawl_dir FROM crawls ORDER BY id").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return found
    known = [(site / str(row[0])).resolve() for row in rows]
    rank = {folder: position for position, folder in enumerate(known)}
    # Folders the state does not know (copied in, made by hand) keep their name order, last.
    return sorted(found, key=lambda f: (f.resolve() not in rank, rank.get(f.resolve(), 0), f))


def crawl_warcs(folder: Path) -> list[Path]:
    """The WARC files of one crawl folder (its worker folders' too), in name order."""
    warcs = [warc for pattern in WARC_PATTERNS for warc in sorted(folder.glob(pattern))]
    for worker in sorted(folder.glob(WORKER_PATTERN)):
        if worker.is_dir():
            warcs.extend(crawl_warcs(worker))
    return warcs


@dataclass
class ArchivedRecords:
    """The posts and comments of some crawls, by id, with the crawl each came from."""

    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    crawl_of_post: dict[int, Path] = field(default_factory=dict)
    start_url: str = ""
    folders: list[Path] = field(default_factory=list)

    def comments_of(self, post_id: int) -> list[dict[str, Any]]:
        """The comments of one post, oldest first (then by id), parents before replies."""
        return sorted(
            (c for c in self.comments.values() if c.get("post_id") == post_id),
            key=lambda c: (str(c.get("published") or ""), int(c["id"])),
        )


def read_records(folders: Iterable[Path]) -> ArchivedRecords:
    """The records of ``folders`` (oldest first) as one archive: the latest crawl holding
    a post or comment gives it. A distributed crawl's merged JSONL is in its folder."""
    records = ArchivedRecords(folders=list(folders))
    for folder in records.folders:
        for post in _jsonl(folder / POSTS_FILE):
            if post.get("id") is not None:
                records.posts[int(post["id"])] = post
                records.crawl_of_post[int(post["id"])] = folder
        for comment in _jsonl(folder / COMMENTS_FILE):
            if comment.get("id") is not None:
                records.comments[int(comment["id"])] = comment
        summary = folder / SUMMARY_FILE
        if summary.is_file():
            url = json.loads(summary.read_text("utf-8")).get("start_url")
            records.start_url = str(url or records.start_url)
    return records


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open("rb") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


def start_url_of(folders: Iterable[Path]) -> str:
    """The blog's address, from the latest crawl's ``summary.json`` that names it."""
    url = ""
    for folder in folders:
        summary = folder / SUMMARY_FILE
        if summary.is_file():
            url = str(json.loads(summary.read_text("utf-8")).get("start_url") or url)
    return url


_OFFSET_BITS = 40  # a JSONL file below 1 TB; the folder's position in the bits above


class RecordLines:
    """Where the latest line of every post and comment of some crawls is, not the records
    themselves: a WACZ at the end of a crawl of a large blog must not hold its records in
    memory (the crawl's memory stays flat). Newest crawl first, the first line of an id
    wins; comments are found by their post, as packed (folder, offset) ints."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = list(folders)
        self.posts: dict[int, int] = {}  # post id -> packed location
        self.comments: dict[int, array[int]] = {}  # post id -> packed locations
        self._files: dict[int, IO[bytes]] = {}
        seen = IdSet()
        for position in reversed(range(len(self.folders))):
            folder = self.folders[position]
            for offset, record in _lines_at(folder / POSTS_FILE):
                if record.get("id") is not None:
                    self.posts.setdefault(int(record["id"]), position << _OFFSET_BITS | offset)
            for offset, record in _lines_at(folder / COMMENTS_FILE):
                comment_id = record.get("id")
                if comment_id is None or int(comment_id) in seen:
                    continue
                seen.add(int(comment_id))
                post_id = int(record.get("post_id") or 0)
                self.comments.setdefault(post_id, array("q")).append(
                    position << _OFFSET_BITS | offset
                )

    def post(self, post_id: int) -> dict[str, Any]:
        return self._read(POSTS_FILE, self.posts[post_id])

    def comments_of(self, post_id: int) -> Iterator[dict[str, Any]]:
        for location in self.comments.get(post_id, ()):
            yield self._read(COMMENTS_FILE, location)

    def _read(self, name: str, location: int) -> dict[str, Any]:
        position, offset = location >> _OFFSET_BITS, location & ((1 << _OFFSET_BITS) - 1)
        key = position * 2 + (name == COMMENTS_FILE)
        stream = self._files.get(key)
        if stream is None:
            stream = self._files[key] = (self.folders[position] / name).open("rb")
        stream.seek(offset)
        record: dict[str, Any] = json.loads(stream.readline())
        return record

    def close(self) -> None:
        for stream in self._files.values():
            stream.close()
        self._files.clear()


def _lines_at(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        return
    with path.open("rb") as stream:
        offset = 0
        for line in stream:
            if line.strip():
                yield offset, json.loads(line)
            offset += len(line)
