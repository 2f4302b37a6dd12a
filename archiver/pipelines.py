"""Item pipelines: what happens to records between the spider and the JSONL files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.exceptions import DropItem

from archiver.items import Comment, Post

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class DeduplicatePipeline:
    """Keep one record per post and per comment id.

    A post can be reached from several sources (API, sitemap, archive pages) and a comment
    page twice through different links; the first record wins. Only ids are kept in memory.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen_posts: set[int] = set()
        self.seen_comments: set[int] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        if isinstance(item, Post) and item.id is not None:
            seen: set[int] = self.seen_posts
            key = item.id
        elif isinstance(item, Comment):
            seen, key = self.seen_comments, item.id
        else:
            return item
        if key in seen:
            self.stats.inc_value("archiver/duplicates_dropped")
            raise DropItem(f"duplicate {type(item).__name__.lower()} {key}")
        seen.add(key)
        return item
