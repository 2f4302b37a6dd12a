"""RecordFilesPipeline: ``posts.jsonl`` and ``comments.jsonl`` written as records arrive.

Scrapy's feed exports did this before, at a cost per record that dominated the crawling
process (an ``item_scraped`` receiver run as its own asyncio task, and a JSON encoder that
calls back into Python for every nested record through ItemAdapter). Here each record is
turned into plain dicts and lists once and encoded by the C JSON encoder
(:mod:`archiver.records.lines`).

Posts and comments are still Scrapy items: ``-o`` feeds and users' own pipelines see them
as before. This pipeline runs last of ours (900): what an earlier pipeline drops (a
duplicate, an unchanged record of an incremental crawl) is not written.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Self

from archiver.records.items import Comment, Post
from archiver.records.lines import record_line
from archiver.state.layout import COMMENTS_FILE, POSTS_FILE

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler


class RecordFilesPipeline:
    """Append each post to ``posts.jsonl`` and each comment to ``comments.jsonl`` of the
    spider's ``crawl_dir`` (both files are created, empty when there is nothing to write,
    and overwritten); other items pass untouched. The files are sorted when the crawl ends
    (:class:`archiver.crawl.record_sorting.SortedRecordsExtension`)."""

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
