"""RecordFilesPipeline: ``posts.jsonl`` and ``comments.jsonl`` written as records arrive.

Scrapy's feed exports did this before, at a cost per record that dominated the crawling
process (an ``item_scraped`` receiver run as its own asyncio task, and a JSON encoder that
calls back into Python for every nested record through ItemAdapter). Here each record is
turned into plain dicts and lists once and encoded by the C JSON encoder. The bytes are the
ones Scrapy's ``jsonlines`` exporter wrote with ``FEED_EXPORT_ENCODING = "utf-8"``: keys in
field order, ``ensure_ascii=False``, default separators (tests/unit/test_recordfiles.py
compares the two).

Posts and comments are still Scrapy items: ``-o`` feeds and users' own pipelines see them
as before. This pipeline runs last of ours (900): what an earlier pipeline drops (a
duplicate, an unchanged record of an incremental crawl) is not written.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

from archiver.items import Comment, Post
from archiver.layout import COMMENTS_FILE, POSTS_FILE

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_encode = json.JSONEncoder(ensure_ascii=False).encode


def plain(value: Any) -> Any:
    """``value`` with every dataclass turned into a dict of its fields, in field order."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [plain(element) for element in value]
    if isinstance(value, dict):
        return {key: plain(element) for key, element in value.items()}
    cls = type(value)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        if not is_dataclass(value):
            return value  # left to the encoder, which fails on what JSON cannot hold
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(value))
    return {name: plain(getattr(value, name)) for name in names}


def json_line(record: dict[str, Any]) -> str:
    """One JSON line (newline-terminated) for a record already made :func:`plain`."""
    return _encode(record) + "\n"


def record_line(record: Post | Comment) -> bytes:
    """One JSON line (UTF-8, newline-terminated) for a post or comment record."""
    return json_line(plain(record)).encode("utf-8")


class RecordFilesPipeline:
    """Append each post to ``posts.jsonl`` and each comment to ``comments.jsonl`` of the
    spider's ``crawl_dir`` (both files are created, empty when there is nothing to write,
    and overwritten); other items pass untouched. The files are sorted when the crawl ends
    (:class:`archiver.jsonl.SortedRecordsExtension`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.files: dict[type, IO[bytes]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        # Scrapy 2.13+ may call this without the spider: the crawler has it.
        crawl_dir = getattr(spider or self.crawler.spider, "crawl_dir", None)
        if not crawl_dir:
            return  # a spider without a crawl folder writes no record files
        folder = Path(crawl_dir)
        folder.mkdir(parents=True, exist_ok=True)
        self.files = {
            Post: (folder / POSTS_FILE).open("wb"),
            Comment: (folder / COMMENTS_FILE).open("wb"),
        }

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        target = self.files.get(type(item))
        if target is not None:
            target.write(record_line(item))  # type: ignore[arg-type]
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        for target in self.files.values():
            target.close()
        self.files = {}
