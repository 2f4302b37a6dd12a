"""Item pipelines: what happens to records between the spider and the JSONL files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO, TYPE_CHECKING, Self

from scrapy.exceptions import DropItem, NotConfigured

from archiver.extract.comment_views import REST
from archiver.records.items import Comment, Post
from archiver.records.lines import record_line
from archiver.state.idsets import IdSet
from archiver.state.layout import COMMENTS_FILE
from archiver.state.posttable import KnownPost
from archiver.state.site import crawl_state

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from archiver.state.site import CrawlRun


class DeduplicatePipeline:
    """Keep one record per post id, and per comment id one record of each view: the REST
    listing's (:mod:`archiver.discovery.rest_comments`) and the page's.

    A post can be reached from several sources (API, sitemap, archive pages) and a comment
    page twice through different links; the first record wins. A comment's first view
    goes on to the later pipelines (counted once, written); its other view, whenever it
    comes, is kept aside (:data:`VIEWS_SUFFIX` beside ``comments.jsonl``) and appended to
    ``comments.jsonl`` when the crawl closes, where the end-of-crawl sort merges the two
    lines into one (:mod:`archiver.crawl.record_sorting`): whichever view comes first, the
    line is the same. Only ids are kept in memory, in compact sets (a few bytes an id:
    :mod:`archiver.state.idsets`).
    """

    def __init__(self, crawler: Crawler, run: CrawlRun | None = None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.run = run  # an incremental crawl's: known comments are not written
        self.seen_posts = IdSet()
        self.seen_rest_comments = IdSet()
        self.seen_page_comments = IdSet()
        self.comments_file: Path | None = None
        self.views: IO[bytes] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        found = crawl_state(crawler)
        return cls(crawler, found[1] if found else None)

    def open_spider(self, spider: Spider | None = None) -> None:
        crawl_dir = getattr(spider or self.crawler.spider, "crawl_dir", None)
        if not crawl_dir:
            return
        self.comments_file = Path(crawl_dir) / COMMENTS_FILE
        self.comments_file.parent.mkdir(parents=True, exist_ok=True)
        self.views = self.comments_file.with_name(COMMENTS_FILE + VIEWS_SUFFIX).open("w+b")

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        if isinstance(item, Comment):
            return self._comment(item)
        if isinstance(item, Post) and item.id is not None:
            if item.id in self.seen_posts:
                self._duplicate("post", item.id)
            self.seen_posts.add(item.id)
        return item

    def _comment(self, item: Comment) -> Comment:
        rest = bool(item.provenance) and all(p.source == REST for p in item.provenance)
        seen, other = self.seen_rest_comments, self.seen_page_comments
        if not rest:
            seen, other = other, seen
        if item.id in seen:
            self._duplicate("comment", item.id)
        seen.add(item.id)
        if item.id not in other:
            return item  # the first view
        run = self.run
        known = run is not None and run.incremental and item.id in run.known_comments
        if self.views is not None and not known:  # a known comment's first view was dropped
            self.views.write(record_line(item))
        if self.stats is not None:
            self.stats.inc_value("archiver/comment_views_merged")
        raise OtherView(f"comment {item.id}: merged with its other view when the crawl ends")

    def _duplicate(self, kind: str, key: int) -> None:
        if self.stats is not None:
            self.stats.inc_value("archiver/duplicates_dropped")
        raise DropItem(f"duplicate {kind} {key}")

    def close_spider(self, spider: Spider | None = None) -> None:
        # Pipelines close last first: comments.jsonl (RecordFilesPipeline, 900) is closed.
        views, self.views = self.views, None
        if views is None or self.comments_file is None:
            return
        views.seek(0)
        if self.comments_file.is_file():
            with self.comments_file.open("ab") as target:
                shutil.copyfileobj(views, target)
        views.close()
        self.comments_file.with_name(COMMENTS_FILE + VIEWS_SUFFIX).unlink(missing_ok=True)


#: The file of comments' second views, beside ``comments.jsonl`` until the crawl closes.
VIEWS_SUFFIX = ".views"


class OtherView(DropItem):
    """A comment's second view (REST's or the page's): not counted again, written aside
    and merged with the first when the crawl ends."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


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
