"""WaczPackageExtension: the crawl folder's WACZ, written when the crawl ends.

On ``engine_stopped``, after ``summary.json`` (the summary's handler runs first: it is
earlier in ``EXTENSIONS``), the sorted JSONL files and ``index.cdxj`` (written by the WARC
recorder on ``spider_closed``) are there, :func:`archiver.warc.wacz.package_crawls`
packages the crawl folder into ``<site>-<crawl>.wacz`` beside them. On by default;
``ARCHIVER_WACZ_ENABLED=False`` turns it off. A distributed crawl's workers write none
of their own: the worker that merges the crawl packages the merged folder
(:func:`write_crawl_wacz`, called by :mod:`archiver.fleet.redis_frontier`). A package
that cannot be written (disk full, unreadable WARC) is logged as an error and leaves the
crawl's files as they are: the WARC files stay the archive.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archiver.warc.wacz import package_crawls

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from archiver.warc.wacz import PackageSummary

logger = logging.getLogger(__name__)


class WaczPackageExtension:
    def __init__(self, print_line: bool) -> None:
        self.print_line = print_line
        self.crawl_dir: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not wacz_enabled(settings):
            raise NotConfigured
        extension = cls(print_line=settings.getbool("ARCHIVER_PRINT_SUMMARY", True))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        crawl_dir = getattr(spider, "crawl_dir", None)
        shared = getattr(spider, "shared_crawl", None) is not None
        self.crawl_dir = Path(crawl_dir) if crawl_dir and not shared else None

    def engine_stopped(self) -> None:
        if self.crawl_dir is not None and self.crawl_dir.is_dir():
            write_crawl_wacz(self.crawl_dir, self.print_line)


def wacz_enabled(settings: BaseSettings) -> bool:
    return settings.getbool("ARCHIVER_WACZ_ENABLED", True) and settings.getbool(
        "ARCHIVER_WARC_ENABLED", True
    )


def write_crawl_wacz(crawl_dir: Path, print_line: bool) -> PackageSummary | None:
    """Package ``crawl_dir``; an error is logged, not raised: the crawl's files stay."""
    try:
        summary = package_crawls(crawl_dir)
    except (OSError, ValueError) as error:
        logger.error("no WACZ written for %s: %s", crawl_dir, error)
        return None
    logger.info(summary.line())
    if print_line:
        sys.stdout.write(f"  {summary.line()}\n")
        sys.stdout.flush()
    return summary
