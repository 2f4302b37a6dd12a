"""Sorted JSON Lines: a crawl's records in a stable order, whatever order pages arrived in.

Pages arrive in a different order on every crawl, so the JSONL files are sorted by record
id once the crawl has written them (``SortedRecordsExtension``, on ``engine_stopped``,
after the feed exports are closed). A rebuild from the WARC sorts the same way, so the
two are byte-identical. Sorting keeps only (key, offset, length) per line in memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from archiver.layout import COMMENTS_FILE, POSTS_FILE

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Spider
    from scrapy.crawler import Crawler

SortKey = tuple[Any, ...]


def post_sort_key(record: dict[str, Any]) -> SortKey:
    post_id = record.get("id")
    return (post_id is None, post_id or 0, record.get("url") or "")


def comment_sort_key(record: dict[str, Any]) -> SortKey:
    return (record.get("id") or 0, record.get("post_id") or 0)


def sort_jsonl(path: Path, key: Callable[[dict[str, Any]], SortKey]) -> int:
    """Sort the lines of a JSONL file in place (atomically); return the line count."""
    entries: list[tuple[SortKey, int, int]] = []
    with path.open("rb") as source:
        offset = 0
        for line in source:
            if line.strip():
                entries.append((key(json.loads(line)), offset, len(line)))
            offset += len(line)
    return write_sorted(path, entries)


def write_sorted(path: Path | str, entries: list[tuple[SortKey, int, int]]) -> int:
    """Rewrite the lines of ``path`` (given as (key, offset, length)) sorted by key, in
    place (atomically); return the line count."""
    path = Path(path)
    entries.sort()
    sorted_path = path.with_name(path.name + ".sorting")
    with path.open("rb") as source, sorted_path.open("wb") as target:
        for _, offset, length in entries:
            source.seek(offset)
            line = source.read(length)
            target.write(line if line.endswith(b"\n") else line + b"\n")
    sorted_path.replace(path)
    return len(entries)


class SortedRecordsExtension:
    """Sort ``posts.jsonl`` and ``comments.jsonl`` of the crawl folder when the crawl ends."""

    def __init__(self) -> None:
        self.crawl_dir: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        crawl_dir = getattr(spider, "crawl_dir", None)
        self.crawl_dir = Path(crawl_dir) if crawl_dir else None

    def engine_stopped(self) -> None:
        if self.crawl_dir is None:
            return
        for name, key in ((POSTS_FILE, post_sort_key), (COMMENTS_FILE, comment_sort_key)):
            path = self.crawl_dir / name
            if path.is_file():
                sort_jsonl(path, key)
