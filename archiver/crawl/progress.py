"""ProgressExtension: a progress bar on a terminal, else a log line every
``ARCHIVER_PROGRESS_INTERVAL`` seconds while crawling.

Like Scrapy's LogStats, but in the archive's terms: posts, pages and comments archived so
far, of how many the blog declared (the REST API's totals or the sitemaps' entries;
comment counts as the pages already seen declare them), requests made and backoffs.

When stderr is a terminal (and ``ARCHIVER_PROGRESS_BAR`` is on) a tqdm bar shows posts and
pages archived against those declared, with tqdm's rate and ETA, refreshed every second;
the crawl's log lines are written above it (the log handlers on stderr write through
tqdm while it runs), and its last state, the crawl's totals, stays on the screen. Scrapyd,
cron and any other non-terminal stderr get the plain log lines only.

The records are counted once, by the crawl summary (:mod:`archiver.crawl.summary`): every
``item_scraped`` receiver costs an asyncio task per record, so this extension only counts
for itself when the summary extension is turned off.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from typing import IO, TYPE_CHECKING, Any, Self

from scrapy import signals as scrapy_signals
from scrapy.exceptions import NotConfigured
from tqdm import tqdm
from twisted.internet import task

from archiver.crawl import signals as archiver_signals
from archiver.crawl.summary import CrawlSummaryExtension
from archiver.records.items import Comment, Post

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)
BAR_REFRESH_SECONDS = 1.0


class ProgressExtension:
    def __init__(self, stats: StatsCollector, interval: float, bar: bool = False) -> None:
        self.stats = stats
        self.interval = interval
        self.bar: ProgressBar | None = ProgressBar() if bar else None
        self.records: Counter[str] = Counter()
        self.declared: dict[str, int] = {}
        self.declared_comments = 0
        self.task: task.LoopingCall | None = None
        # The summary's tallies, when it runs (see the module's docstring).
        self.summary: CrawlSummaryExtension | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("ARCHIVER_PROGRESS_INTERVAL", 30.0)
        bar = crawler.settings.getbool("ARCHIVER_PROGRESS_BAR", True) and sys.stderr.isatty()
        if interval <= 0 and not bar:
            raise NotConfigured
        ext = cls(crawler.stats, interval, bar)
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
        if self.bar is not None:
            self.bar.open()
            self.task = task.LoopingCall(self.update_bar)
            self.task.start(BAR_REFRESH_SECONDS, now=False)
        else:
            self.task = task.LoopingCall(self.log)
            self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.bar is not None:
            self.update_bar()
            self.bar.close()

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

    def _counts(self) -> tuple[Counter[str], int]:
        if self.summary is not None:
            return self.summary.records, sum(self.summary.declared_comments.values())
        return self.records, self.declared_comments

    def line(self) -> str:
        """``posts 120/261, pages 3/3, comments 250/260 (of the posts seen), 140 requests``."""

        records, declared_comments = self._counts()

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

    def update_bar(self) -> None:
        """The bar: posts and pages against those declared; comments, requests, backoffs."""
        if self.bar is None:
            return
        records, declared_comments = self._counts()
        declared = (
            self.declared["posts"] + self.declared["pages"]
            if {"posts", "pages"} <= self.declared.keys()
            else None
        )
        self.bar.show(
            records["posts"] + records["pages"],
            declared,
            f"comments {records['comments']}/{declared_comments}, "
            f"{self.stats.get_value('downloader/request_count', 0)} requests, "
            f"{self.stats.get_value('archiver/backoff/retry_after', 0)} backoffs",
        )


class ProgressBar:
    """A tqdm bar on stderr, with the log handlers that write to stderr writing above it."""

    def __init__(self) -> None:
        self.bar: tqdm[Any] | None = None
        self.handlers: list[tuple[logging.StreamHandler[IO[str]], IO[str]]] = []

    def open(self) -> None:
        self.bar = tqdm(desc="archived", unit=" posts", file=sys.stderr, dynamic_ncols=True)
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr:
                self.handlers.append((handler, handler.setStream(_AboveBar()) or sys.stderr))

    def show(self, archived: int, declared: int | None, postfix: str) -> None:
        if self.bar is None:
            return
        if declared is not None and self.bar.total != max(declared, archived):
            self.bar.total = max(declared, archived)
        self.bar.n = archived
        self.bar.set_postfix_str(postfix, refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is None:
            return
        self.bar.close()
        self.bar = None
        for handler, stream in self.handlers:
            handler.setStream(stream)
        self.handlers = []


class _AboveBar:
    """A stream that writes through :meth:`tqdm.write`: the line goes above the bar."""

    def write(self, text: str) -> int:
        tqdm.write(text, file=sys.stderr, end="")
        return len(text)

    def flush(self) -> None:
        sys.stderr.flush()
