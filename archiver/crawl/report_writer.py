"""ReportWriterExtension: ``report.html`` in the crawl folder, written when the crawl ends.

On ``engine_stopped``, after ``summary.json`` and the WACZ (both written by extensions
earlier in ``EXTENSIONS``, whose handlers run first), :func:`archiver.report.html.write_report`
renders the crawl's report beside them, in a spawned child process: matplotlib and numpy
(about 40 MB) would otherwise be added, at its very end, to the crawl process's memory
while it still holds the crawl's state (its high-water mark, 1.3x at 3,000 posts). On
by default; ``ARCHIVER_REPORT_ENABLED=False``
turns it off. A distributed crawl's workers write none: ``archiver report`` writes it for
the merged folder. A report that cannot be written is logged as an error: the crawl's
files stay as they are.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ReportWriterExtension:
    def __init__(self, print_line: bool) -> None:
        self.print_line = print_line
        self.crawl_dir: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_REPORT_ENABLED", True):
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
        if self.crawl_dir is None or not self.crawl_dir.is_dir():
            return
        try:
            path = _in_child(self.crawl_dir)
        except (OSError, ValueError, BrokenProcessPool) as error:
            logger.error("no report written for %s: %s", self.crawl_dir, error)
            return
        logger.info("report: %s", path)
        if self.print_line:
            sys.stdout.write(f"  report:   {path}\n")
            sys.stdout.flush()


def _in_child(crawl_dir: Path) -> Path:
    """``write_report(crawl_dir)`` in a fresh interpreter (spawn, as the extraction pool's
    workers): its errors come back as raised here."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as child:
        return child.submit(_write, crawl_dir).result()


def _write(crawl_dir: Path) -> Path:
    from archiver.report.html import write_report

    return write_report(crawl_dir)
