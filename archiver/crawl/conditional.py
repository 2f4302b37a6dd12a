"""ConditionalRequestMiddleware: ask only whether a page changed, and remember every capture.

Downloader middleware at 880, just inside the WARC recorder (890), for crawls that keep
state (:mod:`archiver.state.site`):

* **Requests:** when an earlier crawl of the site captured the URL with an ``ETag`` or a
  ``Last-Modified`` (WordPress sends them on feeds), the request carries
  ``If-None-Match`` / ``If-Modified-Since`` and names that capture in
  ``request.meta["archiver_earlier"]``.
* **Responses:** the recorder writes a ``304`` as a server-not-modified ``revisit`` of that
  capture; this middleware then hands the spider the capture itself (status, headers and
  body read back from the earlier WARC, flagged ``revalidated``), so callbacks never see a
  304. Every response, recorded or served by :class:`archiver.crawl.resume.ResumeMiddleware`, is
  stored in the state's ``urls`` table with its validators, payload digest and record.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

from archiver.crawl.recording import EARLIER_KEY, META_KEY
from archiver.crawl.resume import response_from_record
from archiver.state.site import crawl_state
from archiver.warc.records import PayloadOrigin, payload_digest
from archiver.warc.repair import read_record

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from archiver.state.site import Capture, CrawlRun, SiteState

STATS_PREFIX = "archiver/revisits"
_COMPRESSION_SUFFIX = re.compile(r'-(?:gzip|br)"$')
_CAPTURE_KEY = "archiver_earlier_capture"


class ConditionalRequestMiddleware:
    """See the module docstring. Off (``NotConfigured``) for crawls without state."""

    def __init__(self, stats: StatsCollector, state: SiteState, run: CrawlRun) -> None:
        self.stats = stats
        self.state = state
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        found = crawl_state(crawler)
        if found is None:
            raise NotConfigured
        assert crawler.stats is not None  # noqa: S101 - set by Crawler before components
        return cls(crawler.stats, *found)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        # A redirected or retried request must not carry the previous URL's capture.
        request.meta.pop(EARLIER_KEY, None)
        request.meta.pop(_CAPTURE_KEY, None)
        if request.method != "GET" or b"If-None-Match" in request.headers:
            return
        capture = self.state.earlier_capture(request.url, self.run.id)
        if capture is None or not (capture.etag or capture.last_modified):
            return
        if capture.etag:
            request.headers[b"If-None-Match"] = request_etag(capture.etag)
        if capture.last_modified:
            request.headers[b"If-Modified-Since"] = capture.last_modified
        request.meta[EARLIER_KEY] = PayloadOrigin(
            capture.origin_uri,
            capture.origin_date,
            capture.origin_record_id,
            capture.payload_digest or "",
        )
        request.meta[_CAPTURE_KEY] = capture
        self.stats.inc_value(f"{STATS_PREFIX}/conditional_requests")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        capture: Capture | None = request.meta.get(_CAPTURE_KEY)
        record = request.meta.get(META_KEY)
        if isinstance(record, dict):
            body = response.body
            self.state.record_url(
                self.run,
                request.url,
                status=response.status,
                etag=_header(response, b"ETag"),
                last_modified=_header(response, b"Last-Modified"),
                payload_digest=payload_digest(body) if response.status == 200 and body else None,
                record=record,
                earlier=capture,
                replace="cached" not in response.flags,
            )
        if response.status != 304 or capture is None:
            return response
        self.stats.inc_value(f"{STATS_PREFIX}/not_modified")
        stored, body = read_record(capture.origin_path, capture.origin_offset)
        return response_from_record(request, stored, body, [*response.flags, "revalidated"])


def request_etag(etag: str) -> str:
    """The ETag to send back. Apache's mod_deflate and mod_brotli append ``-gzip``/``-br``
    to the ETag of a response they compress (``DeflateAlterETag``), and an application
    behind them (WordPress's feeds) never recognises the altered tag, so a conditional GET
    would always get a 200; the tag the application made is sent instead."""
    return _COMPRESSION_SUFFIX.sub('"', etag)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
