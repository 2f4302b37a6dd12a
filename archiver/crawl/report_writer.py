"""ReportWriterExtension: ``report.html`` in the crawl folder, written when the crawl ends.

On ``engine_stopped``, after ``summary.json`` and the WACZ (both written by extensions
earlier in ``EXTENSIONS``, whose handlers run first), :func:`archiver.report.html.write_report`
renders the crawl's report beside them. On by default; ``ARCHIVER_REPORT_ENABLED=False``
turns it off. A distributed crawl's workers write none: ``archiver report`` writes it for
the merged folder. A report that cannot be written is logged as an error: the crawl's
files stay as they are.
"""

from __future__ import annotations

import logging
import sys
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
            # Imported here: matplotlib and numpy (about 40 MB) load only when a report is
            # written, not for the whole crawl.
            from archiver.report.html import write_report

            path = write_report(self.crawl_dir)
        except (OSError, ValueError) as error:
            logger.error("no report written for %s: %s", self.crawl_dir, error)
            return
        logger.info("report: %s", path)
        if self.print_line:
            sys.stdout.write(f"  report:   {path}\n")
            sys.stdout.flush()
