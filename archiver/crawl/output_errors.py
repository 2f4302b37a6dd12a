"""OutputErrorsExtension: a disk that fills or turns read-only stops the crawl cleanly.

Every write of a crawl (the WARC recorder, the state's SQLite, the JSON Lines, the summary)
goes to the output folder; once one fails for want of room or permission, the ones after
it fail too, each with its traceback. The first such error (``ENOSPC``, ``EROFS``,
``EDQUOT``, ``EACCES``, ``EPERM``, or SQLite's "database or disk is full") is logged as one
line saying what and where, and the crawl is closed with the reason ``output_error``: not
``finished``, so the site's state keeps it *interrupted* and the next run resumes it.
What was written before stays: every WARC record is flushed as it is written, and a cut
tail is what a killed crawl leaves too (the resume reads past it). The later tracebacks of
the same error are kept off the terminal by a filter on the log's handlers.

The error reaches the extension as a signal: ``item_error`` (a pipeline), ``spider_error``
(a callback, or an errback: :func:`archiver.crawl.failures.fetch_failure` raises it again
rather than reporting the URL as failed, since it is the output, not the blog, that failed).
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from archiver.state.layout import COMMENTS_FILE, POSTS_FILE

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

OUTPUT_ERROR_STAT = "archiver/output_error"
CLOSE_REASON = "output_error"
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM})
# SQLite's words for a full disk and a read-only file or folder.
_SQLITE_MESSAGES = ("database or disk is full", "readonly database", "disk i/o error")
# What a Twisted "Unhandled error in Deferred" prints of one: it has no exception to test.
_ERROR_TEXTS = (
    "[Errno 28]",
    "[Errno 30]",
    "[Errno 122]",
    "while compressing data",  # zlib's, of the WARC's cut gzip stream
    *_SQLITE_MESSAGES,
)
logger = logging.getLogger(__name__)


def is_output_error(error: BaseException | None) -> bool:
    """Whether ``error`` is the output folder's (full, read-only, not permitted)."""
    if isinstance(error, sqlite3.OperationalError):
        return any(text in str(error).lower() for text in _SQLITE_MESSAGES)
    return isinstance(error, OSError) and error.errno in OUTPUT_ERRNOS


def describe_output_error(error: BaseException, where: Path | str | None = None) -> str:
    """One line: what failed, and where (the file the error names, else ``where``)."""
    filename = getattr(error, "filename", None)
    if isinstance(error, OSError) and error.errno is not None:
        what = f"{error.strerror or errno.errorcode.get(error.errno, error.errno)}"
    else:
        what = str(error)
    if filename:
        return f"{what} writing {filename}"
    return f"{what} in {where}" if where else what


class OutputErrorsExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.crawl_dir: Path | None = None
        self.stopping = False
        self.filter = _OutputErrorFilter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        crawl_dir = getattr(spider, "crawl_dir", None)
        self.crawl_dir = Path(crawl_dir) if crawl_dir else None
        # Scrapy's handler is on the root logger, installed again once the settings are
        # final (after the extensions are made); a filter on a logger would miss the
        # records other loggers pass up to it.
        for handler in logging.getLogger().handlers:
            handler.addFilter(self.filter)

    def spider_closed(self) -> None:
        """The record files (closed by their pipeline by now) end at their last whole
        line: a line cut by the failed write would make them unreadable JSON Lines."""
        if not self.stopping or self.crawl_dir is None:
            return
        for name in (POSTS_FILE, COMMENTS_FILE):
            _cut_partial_line(self.crawl_dir / name)

    def item_error(self, failure: Failure, spider: Spider | None = None) -> None:
        self.check(failure.value)

    def spider_error(self, failure: Failure, spider: Spider | None = None) -> None:
        self.check(failure.value)

    def check(self, error: BaseException | None) -> bool:
        """Stop the crawl on the first output error; True when ``error`` is one."""
        if error is None or not is_output_error(error):
            return False
        if self.stopping:
            return True
        self.stopping = True
        self.filter.active = True
        message = describe_output_error(error, self.crawl_dir)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(
                OUTPUT_ERROR_STAT,
                {"message": message, "crawl_dir": str(self.crawl_dir or "")},
            )
        logger.error(
            "output error: %s; the crawl stops (its files so far are kept, and the same "
            "command resumes it once the output folder is writable again)",
            message,
        )
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))
        return True


def _cut_partial_line(path: Path) -> None:
    try:
        with path.open("rb+") as records:
            size = records.seek(0, 2)
            start = max(0, size - (1 << 20))  # a record is far smaller than 1 MB
            records.seek(start)
            tail = records.read()
            end = tail.rfind(b"\n")
            keep = start + end + 1 if end >= 0 else (0 if start == 0 else size)
            if keep < size:
                records.truncate(keep)  # frees space: works on a full disk
    except OSError:
        return  # not there, or not writable at all (read-only): nothing was cut in it


class _OutputErrorFilter(logging.Filter):
    """Once the crawl stops on an output error: the same error again is not logged (its
    traceback least of all); the one line said it."""

    def __init__(self) -> None:
        super().__init__()
        self.active = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == __name__:
            return True
        error = record.exc_info[1] if record.exc_info else None
        if is_output_error(error):
            return not self.active and _one_line(record)
        if not self.active:
            return True
        # The WARC's gzip stream, cut by the failed write, fails every write after it.
        if isinstance(error, zlib.error):
            return False
        text = record.getMessage()
        return not any(marker in text for marker in _ERROR_TEXTS)


def _one_line(record: logging.LogRecord) -> bool:
    """The record without its traceback (before the extension has heard of the error)."""
    error: Any = record.exc_info[1] if record.exc_info else None
    record.msg = f"{record.getMessage()}: {describe_output_error(error)}"
    record.args = ()
    record.exc_info = None
    record.exc_text = None
    return True
