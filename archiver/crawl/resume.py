"""ResumeMiddleware: a resumed crawl serves what its folder's WARC files already hold.

A crawl killed (SIGKILL, a second Ctrl-C, a crash) leaves its crawl row unfinished in the
state (:mod:`archiver.state.site`); the same command then resumes it in the same folder:

1. :func:`archiver.warc.repair.repair_open_warcs` cuts each ``*.warc.gz.open`` file after
   its last complete exchange and renames it, so every file is warcio-valid;
2. :class:`ResumeMiddleware` (downloader, 905, next to Scrapy's HttpCache, 900) answers
   every request whose response those files hold, flagged ``cached`` so it is not recorded
   again; the rest is fetched live. The spider runs from the start, so every post and
   comment is extracted again and the JSONL files are written whole, without duplicates.

A stored 5xx/429 is not served (Retry would only see it again): it is fetched again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator

from archiver.crawl.recording import META_KEY
from archiver.state.site import crawl_state
from archiver.warc.repair import _PAIRED, read_record, repair_open_warcs

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from archiver.state.site import CrawlRun, SiteState


STATS_PREFIX = "archiver/resume"


def response_from_record(request: Request, record: Any, body: bytes, flags: list[str]) -> Response:
    """A Scrapy response made of a stored record's status and headers and ``body``."""
    status = int(record.http_headers.get_statuscode())
    headers = Headers(
        [
            (name, value)
            for name, value in record.http_headers.headers
            if name.lower() != "x-archive-orig-transfer-encoding"
        ]
    )
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return cls(
        url=request.url, status=status, headers=headers, body=body, request=request, flags=flags
    )


class ResumeMiddleware:
    """Serve the responses an interrupted run of this crawl stored (see the module doc).

    :param state: the site's state (resolves revisits to earlier crawls' records).
    :param run: the crawl being resumed.
    :param retry_codes: statuses not served from the files (fetched again).
    """

    def __init__(
        self, stats: StatsCollector, state: SiteState, run: CrawlRun, retry_codes: set[int]
    ) -> None:
        self.stats = stats
        self.state = state
        self.run = run
        self.retry_codes = retry_codes
        # URL -> (file, offset, record id) of the last response or revisit stored for it.
        self.stored: dict[str, tuple[Path, int]] = {}
        self.by_record_id: dict[str, tuple[Path, int]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        found = crawl_state(crawler)
        if found is None or not found[1].resumed:
            raise NotConfigured  # no message: Scrapy would log a warning for each crawl
        assert crawler.stats is not None  # noqa: S101 - set by Crawler before components
        codes = {int(code) for code in crawler.settings.getlist("RETRY_HTTP_CODES")}
        obj = cls(crawler.stats, *found, retry_codes=codes)
        crawler.signals.connect(obj.spider_opened, signal=signals.spider_opened)
        return obj

    def spider_opened(self, spider: Spider | None = None) -> None:
        # Before the WARC recorder opens its first file (lazily, on the first response).
        repaired = repair_open_warcs(self.run.crawl_dir)
        self.stats.set_value(f"{STATS_PREFIX}/repaired_files", len(repaired))
        for path in sorted(self.run.crawl_dir.glob("*.warc.gz")):
            with path.open("rb") as stream:
                iterator = ArchiveIterator(stream)
                for record in iterator:
                    if record.rec_type not in _PAIRED:
                        continue
                    offset = iterator.get_record_offset()
                    status = int(record.http_headers.get_statuscode() or 0)
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    self.by_record_id[record_id] = (path, offset)
                    if status in self.retry_codes:
                        continue
                    self.stored[record.rec_headers.get_header("WARC-Target-URI")] = (path, offset)
        self.stats.set_value(f"{STATS_PREFIX}/stored_urls", len(self.stored))

    def process_request(self, request: Request, spider: Spider | None = None) -> Response | None:
        found = self.stored.get(request.url) if request.method == "GET" else None
        if found is None:
            return None
        path, offset = found
        record, body = read_record(path, offset)
        provenance: dict[str, Any] = {
            "file": path.name,
            "offset": offset,
            "record_id": record.rec_headers.get_header("WARC-Record-ID"),
            "record_type": record.rec_type,
            "date": record.rec_headers.get_header("WARC-Date"),
        }
        if record.rec_type == "revisit":
            refers_to = record.rec_headers.get_header("WARC-Refers-To") or ""
            original = self._original(refers_to)
            if original is None:
                return None  # its payload is nowhere to be found: fetch it again
            provenance["refers_to"] = {
                "uri": record.rec_headers.get_header("WARC-Refers-To-Target-URI"),
                "date": record.rec_headers.get_header("WARC-Refers-To-Date"),
                "record_id": refers_to,
            }
            original_record, body = read_record(*original)
            if record.http_headers.get_statuscode() == "304":  # the confirmed capture
                record = original_record
        request.meta[META_KEY] = provenance
        self.stats.inc_value(f"{STATS_PREFIX}/served")
        return response_from_record(request, record, body, ["cached"])

    def _original(self, record_id: str) -> tuple[Path, int] | None:
        if record_id in self.by_record_id:
            return self.by_record_id[record_id]
        origin = self.state.record_location(record_id)
        return origin if origin is not None and origin[0].is_file() else None
