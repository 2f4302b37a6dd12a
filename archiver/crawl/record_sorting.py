"""SortedRecordsExtension: the crawl's JSONL files sorted by record id when it ends.

Pages arrive in a different order on every crawl, so ``posts.jsonl`` and ``comments.jsonl``
are sorted once the crawl has written them (on ``engine_stopped``, after the files are
closed), with :func:`archiver.records.sorting.sort_jsonl`. A rebuild from the WARC sorts
the same way, so the two are byte-identical. The lines of one comment (its REST view and
its page's, see :mod:`archiver.crawl.pipelines`) become one merged line
(:func:`archiver.extract.comment_views.merge_comment_records`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals

from archiver.extract.comment_views import merge_comment_records
from archiver.records.sorting import comment_sort_key, post_sort_key, sort_jsonl
from archiver.state.layout import COMMENTS_FILE, POSTS_FILE

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler


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
        posts = self.crawl_dir / POSTS_FILE
        if posts.is_file():
            sort_jsonl(posts, post_sort_key)
        comments = self.crawl_dir / COMMENTS_FILE
        if comments.is_file():
            sort_jsonl(comments, comment_sort_key, merge_comment_records)
