"""ProgressExtension: a log line every ``ARCHIVER_PROGRESS_INTERVAL`` seconds while crawling.

Like Scrapy's LogStats, but in the archive's terms: posts, pages and comments archived so
far, of how many the blog declared (the REST API's totals; comment counts as the pages
already seen declare them), and requests made.

The records are counted once, by the crawl summary (:mod:`archiver.crawl.summary`): every
``item_scraped`` receiver costs an asyncio task per record, so this extension only counts
for itself when the summary extension is turned off.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Self

from scrapy import signals as scrapy_signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archiver.crawl import signals as archiver_signals
from archiver.crawl.summary import CrawlSummaryExtension
from archiver.records.items import Comment, Post

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class ProgressExtension:
    def __init__(self, stats: StatsCollector, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.records: Counter[str] = Counter()
        self.declared: dict[str, int] = {}
        self.declared_comments = 0
        self.task: task.LoopingCall | None = None
        # The summary's tallies, when it runs (see the module's docstring).
        self.summary: CrawlSummaryExtension | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("ARCHIVER_PROGRESS_INTERVAL", 30.0)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler.stats, interval)
        connect = crawler.signals.connect
        connect(ext.spider_opened, signal=scrapy_signals.spider_opened)
        connect(ext.spider_closed, signal=scrapy_signals.spider_closed)
        connect(ext.discovery_note, signal=archiver_signals.discovery_note)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        crawler = spider.crawler
        self.summary = next(
            (e for e in crawler.extensions.middlewares if isinstance(e, CrawlSummaryExtension)),
            None,
        )
        if self.summary is None:
            crawler.signals.connect(self.item_scraped, signal=scrapy_signals.item_scraped)
        self.task = task.LoopingCall(self.log)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()

    def item_scraped(self, item: object) -> None:
        if isinstance(item, Post):
            self.records[f"{item.type}s"] += 1
            if item.comment_count_declared and not item.comments_external:
                self.declared_comments += item.comment_count_declared
        elif isinstance(item, Comment):
            self.records["comments"] += 1

    def discovery_note(self, key: str, value: object) -> None:
        if key in {"declared_posts", "declared_pages"} and isinstance(value, int):
            self.declared[key.removeprefix("declared_")] = value

    def line(self) -> str:
        """``posts 120/261, pages 3/3, comments 250/260 (of the posts seen), 140 requests``."""

        records, declared_comments = self.records, self.declared_comments
        if self.summary is not None:
            records = self.summary.records
            declared_comments = sum(self.summary.declared_comments.values())

        def of(kind: str) -> str:
            declared = self.declared.get(kind)
            return f"{records[kind]}" + (f"/{declared}" if declared is not None else "")

        requests = self.stats.get_value("downloader/request_count", 0)
        return (
            f"posts {of('posts')}, pages {of('pages')}, "
            f"comments {records['comments']}/{declared_comments} "
            f"(declared by the posts seen), {requests} requests"
        )

    def log(self) -> None:
        logger.info("progress: %s", self.line())
