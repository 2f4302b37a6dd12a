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
    from collections.abc import Callable, Iterable

    from scrapy import Spider
    from scrapy.crawler import Crawler

SortKey = tuple[Any, ...]


def post_sort_key(record: dict[str, Any]) -> SortKey:
    post_id = record.get("id")
    return (post_id is None, post_id or 0, record.get("url") or "")


def comment_sort_key(record: dict[str, Any]) -> SortKey:
    return (record.get("id") or 0, record.get("post_id") or 0)


_FIELD_BITS = 40  # ids, offsets and lengths below 2**40 pack into one int


def _packed(key: SortKey, offset: int, length: int) -> int | None:
    """``(key, offset, length)`` as one int that sorts the same way, when the key is a
    pair of small non-negative ints (comments: id, post id); else None."""
    if len(key) != 2 or offset >> _FIELD_BITS or length >> _FIELD_BITS:
        return None
    first, second = key
    if type(first) is not int or type(second) is not int:
        return None
    if first < 0 or second < 0 or first >> _FIELD_BITS or second >> _FIELD_BITS:
        return None
    packed = (first << _FIELD_BITS | second) << _FIELD_BITS | offset
    return packed << _FIELD_BITS | length


def sort_jsonl(path: Path, key: Callable[[dict[str, Any]], SortKey]) -> int:
    """Sort the lines of a JSONL file in place (atomically); return the line count.

    Comment files hold about ten lines a post: their entries are packed into single ints
    (a fifth of the memory of tuples) when their keys allow it."""
    entries: list[tuple[SortKey, int, int]] = []
    packed: list[int] | None = []
    with path.open("rb") as source:
        offset = 0
        for line in source:
            if line.strip():
                entry = (key(json.loads(line)), offset, len(line))
                number = _packed(*entry) if packed is not None else None
                if number is not None and packed is not None:
                    packed.append(number)
                else:
                    if packed:  # a key that does not pack: back to tuples for all
                        entries = [_unpacked(number) for number in packed]
                    packed = None
                    entries.append(entry)
            offset += len(line)
    if packed is not None:
        packed.sort()
        # A generator: a list of 128k span tuples would double the sort's memory peak.
        return _write_spans(path, (_span(number) for number in packed))
    return write_sorted(path, entries)


def write_sorted(path: Path | str, entries: list[tuple[SortKey, int, int]]) -> int:
    """Rewrite the lines of ``path`` (given as (key, offset, length)) sorted by key, in
    place (atomically); return the line count."""
    entries.sort()
    return _write_spans(Path(path), [(offset, length) for _, offset, length in entries])


def _write_spans(path: Path, spans: Iterable[tuple[int, int]]) -> int:
    """Rewrite ``path`` as its lines at ``spans`` (offset, length), in that order; return
    the line count."""
    sorted_path = path.with_name(path.name + ".sorting")
    count = 0
    with path.open("rb") as source, sorted_path.open("wb") as target:
        for offset, length in spans:
            count += 1
            source.seek(offset)
            line = source.read(length)
            target.write(line if line.endswith(b"\n") else line + b"\n")
    sorted_path.replace(path)
    return count


def _span(number: int) -> tuple[int, int]:
    mask = (1 << _FIELD_BITS) - 1
    return (number >> _FIELD_BITS) & mask, number & mask


def _unpacked(number: int) -> tuple[SortKey, int, int]:
    mask = (1 << _FIELD_BITS) - 1
    offset, length = _span(number)
    pair = number >> (2 * _FIELD_BITS)
    return ((pair >> _FIELD_BITS, pair & mask), offset, length)


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
