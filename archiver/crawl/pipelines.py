"""Item pipelines: what happens to records between the spider and the JSONL files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.exceptions import DropItem, NotConfigured

from archiver.records.items import Comment, Post
from archiver.state.idsets import IdSet
from archiver.state.posttable import KnownPost
from archiver.state.site import crawl_state

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from archiver.state.site import CrawlRun


class DeduplicatePipeline:
    """Keep one record per post and per comment id.

    A post can be reached from several sources (API, sitemap, archive pages) and a comment
    page twice through different links; the first record wins. Only ids are kept in memory,
    in compact sets (a few bytes an id: :mod:`archiver.state.idsets`).
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen_posts = IdSet()
        self.seen_comments = IdSet()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        if isinstance(item, Post) and item.id is not None:
            seen = self.seen_posts
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


class UnchangedRecord(DropItem):
    """A record an earlier crawl of the site already archived as it is now (incremental
    crawls write only what is new or edited). Counted for coverage, not written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


class ChangedRecordsPipeline:
    """Note what the crawl captured in the state's current crawl, and in an incremental
    crawl keep only new and edited posts and new comments for the JSONL.

    A post counts as captured when its page was (provenance ``html``); its ``modified``
    (the REST API's, UTC) tells an edit, or, once the REST listings were compared, the
    listings' verdict: a page rechecked without its REST object, on a theme that shows
    no modified time, is not an edit. Off for crawls without state.
    """

    def __init__(self, run: CrawlRun) -> None:
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        found = crawl_state(crawler)
        if found is None:
            raise NotConfigured
        return cls(found[1])

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        run = self.run
        if isinstance(item, Post) and item.id is not None:
            known = run.known_posts.get(item.id)
            # A page without a modified time keeps the one the state knows.
            modified = item.modified or (known.modified if known else "")
            if any(source.source == "html" for source in item.provenance):
                run.captured_posts[item.id] = KnownPost(item.id, item.type, item.url, modified)
                if item.comments_external or item.comments_gated:
                    run.threads_unreadable.add(item.id)
                elif item.comment_count_declared is not None:
                    run.declared_comments[item.id] = item.comment_count_declared
            if run.incremental and known is not None and _unchanged(run, item.id, modified):
                raise UnchangedRecord(f"unchanged {item.type} {item.id}")
        elif isinstance(item, Comment):
            run.captured_comments[item.id] = (item.post_id, item.type)
            if run.incremental and item.id in run.known_comments:
                raise UnchangedRecord(f"unchanged comment {item.id}")
        return item


def _unchanged(run: CrawlRun, post_id: int, modified: str) -> bool:
    if run.listings_compared:
        changes = run.changes
        return post_id not in changes["new_posts"] and post_id not in changes["edited_posts"]
    return run.known_posts[post_id].modified == modified
