"""Downloader middlewares of blog-archiver.

``WarcRecordingMiddleware`` records every downloaded response (and the request that
produced it) into WARC files through :mod:`archiver.warc.records`.

Enable it in ``DOWNLOADER_MIDDLEWARES`` at priority **890**::

    "archiver.crawl.recording.WarcRecordingMiddleware": 890,

Responses travel through downloader middlewares from the highest priority number to the
lowest, so at 890 ``process_response`` sees each response right after the download
handler (only HttpCache, 900, is closer to the network):

* before HttpCompression (590) decodes the body, so the WARC keeps the gzip/br bytes the
  server sent, with their ``Content-Encoding``;
* before Redirect (600) and Retry (550) act, so every 3xx and every failed 5xx attempt
  is recorded too, not only the final response.

Responses flagged ``"cached"`` (served by HttpCache) are skipped: they were recorded when
they were first downloaded. A download that fails (DNS error, timeout, connection lost
with ``DOWNLOAD_FAIL_ON_DATALOSS``, ``DOWNLOAD_MAXSIZE`` exceeded) never reaches
``process_response`` and is not recorded; ``process_exception`` deliberately does not
write anything, since there is no response to store. A response accepted despite data
loss (flag ``"dataloss"``) is recorded with ``WARC-Truncated: disconnect``.

Provenance: after recording, ``request.meta["warc_record"]`` (so ``response.meta`` in
callbacks) holds ``{"file": name, "offset": int, "length": int, "record_id": str,
"record_type": "response", "date": str}`` (the record's WARC-Date) for the response
record. When the payload repeated one already written in this crawl the record is a
``revisit``: ``record_type`` is ``"revisit"`` and ``"refers_to"`` holds the original's
``{"uri", "date", "record_id"}``.
It is cleared in ``process_request`` so a redirected or retried request never carries
the previous attempt's record.

At ``spider_closed`` the middleware writes a crawl-log ``metadata`` record
(``urn:blog-archiver:crawl-log``, JSON: finish reason and the crawl's stats), closes
(renames) the WARC files, then indexes them into ``index.cdxj`` in the crawl folder
(:mod:`archiver.warc.cdxj`). Stats: ``archiver/warc/records_written``, ``bytes_written``,
``files_written``, ``revisits_written``, ``responses_skipped_cached`` and
``index_lines``. ``ARCHIVER_WARC_REVISITS = False`` turns revisit records off;
``ARCHIVER_WARC_INDEX = False`` turns the index off.

Re-archiving (:mod:`archiver.state.site`): the writer looks each payload up among those the
site's crawls stored (:class:`StatePayloadOrigins`, the state's SQLite, not a dict in
memory), so an unchanged response is a ``revisit`` of the earlier record, and a ``304``
answering a conditional GET (``request.meta["archiver_earlier"]``, set by
:class:`archiver.crawl.conditional.ConditionalRequestMiddleware`) is a server-not-modified
``revisit``. The index covers every WARC file of the crawl folder, those of an interrupted
run this one resumes included.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archiver.state.site import crawl_state
from archiver.warc.cdxj import INDEX_FILE, write_cdxj_index
from archiver.warc.records import (
    DEFAULT_MAX_BYTES,
    HttpExchange,
    PayloadOrigin,
    WarcInfo,
    warc_date,
)
from archiver.warc.writer import RotatingWarcWriter

if TYPE_CHECKING:
    import ipaddress
    from collections.abc import Callable, Mapping
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response
    from scrapy.statscollectors import StatsCollector

    from archiver.state.site import SiteState
    from archiver.warc.records import HeaderPair, PayloadOrigins, WrittenRecord

__all__ = [
    "CRAWL_LOG_URI",
    "EARLIER_KEY",
    "META_KEY",
    "StatePayloadOrigins",
    "WarcRecordingMiddleware",
]

META_KEY = "warc_record"
"""``request.meta`` key holding the provenance of the recorded response."""
EARLIER_KEY = "archiver_earlier"
"""``request.meta`` key: the earlier capture (:class:`PayloadOrigin`) a conditional
request asks about; a ``304`` is recorded as a revisit of it."""

STATS_PREFIX = "archiver/warc"

CRAWL_LOG_URI = "urn:blog-archiver:crawl-log"
"""``WARC-Target-URI`` of the crawl-log ``metadata`` record. A ``urn:`` keeps its scheme
in the SURT key of the index (``metadata://host/…`` would be keyed as a web host)."""

# Crawl settings copied into each file's warcinfo record.
_WARCINFO_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "AUTOTHROTTLE_ENABLED",
    "DEPTH_LIMIT",
    "DOWNLOAD_MAXSIZE",
)


class StatePayloadOrigins:
    """The writer's payload digest -> first record, read from the state's ``urls`` table
    (earlier crawls and this one), so a crawl's memory does not grow with its responses.

    Nothing is added here: :class:`archiver.crawl.conditional.ConditionalRequestMiddleware` stores
    each recorded response's row, digest and record included, right after the recorder
    (the same ``process_response`` chain), before the next response is written.
    """

    def __init__(self, state: SiteState) -> None:
        self.state = state

    def get(self, digest: str, /) -> PayloadOrigin | None:
        found = self.state.payload_origin(digest)
        return PayloadOrigin(*found, digest) if found else None

    def __setitem__(self, digest: str, origin: PayloadOrigin, /) -> None:
        pass  # see the class docstring


def _jsonable_stats(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The stats JSON can hold: datetimes as ISO 8601, other non-JSON values left out."""
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
        elif value is None or isinstance(value, str | int | float | bool):
            out[key] = value
    return out


def _header_pairs(headers: Headers) -> tuple[HeaderPair, ...]:
    """Every header value, repeats kept (``headers[key]`` would keep only the last)."""
    return tuple((name, value) for name, values in headers.items() for value in values)


class WarcRecordingMiddleware:
    """Write each downloaded request/response pair to rotating WARC files.

    :param stats: the crawler's stats collector (keys ``archiver/warc/…``).
    :param prefix: WARC file name prefix.
    :param max_bytes: rotate to a new file once the current one is larger.
    :param operator: warcinfo ``operator`` (contact of whoever runs the crawl).
    :param output_dir: parent folder used when the spider has no ``crawl_dir``.
    :param robots: warcinfo robots policy (``"obey"`` or ``"ignore"``).
    :param crawl_settings: settings recorded in warcinfo.
    :param revisits: write repeated payloads as ``revisit`` records.
    :param index: write ``index.cdxj`` in the crawl folder when the crawl ends.
    """

    def __init__(
        self,
        stats: StatsCollector,
        *,
        prefix: str = "blog-archiver",
        max_bytes: int = DEFAULT_MAX_BYTES,
        operator: str = "",
        output_dir: Path = Path("output"),
        robots: str = "obey",
        crawl_settings: Mapping[str, Any] | None = None,
        revisits: bool = True,
        index: bool = True,
    ) -> None:
        self.stats = stats
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.operator = operator
        self.output_dir = output_dir
        self.robots = robots
        self.crawl_settings = dict(crawl_settings or {})
        self.revisits = revisits
        self.index = index
        self.writer: RotatingWarcWriter | None = None
        self.payload_origins: PayloadOrigins | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_WARC_ENABLED", True):
            raise NotConfigured("ARCHIVER_WARC_ENABLED is False")
        assert crawler.stats is not None  # noqa: S101 - set by Crawler before components
        obj = cls(
            crawler.stats,
            prefix=settings.get("ARCHIVER_WARC_PREFIX", "blog-archiver"),
            max_bytes=settings.getint("ARCHIVER_WARC_MAX_BYTES", DEFAULT_MAX_BYTES),
            operator=settings.get("ARCHIVER_OPERATOR", ""),
            output_dir=Path(settings.get("ARCHIVER_OUTPUT_DIR", "output")),
            robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            crawl_settings={name: settings.get(name) for name in _WARCINFO_SETTINGS},
            revisits=settings.getbool("ARCHIVER_WARC_REVISITS", True),
            index=settings.getbool("ARCHIVER_WARC_INDEX", True),
        )
        state = crawl_state(crawler)
        if state is not None:
            obj.payload_origins = StatePayloadOrigins(state[0])
        crawler.signals.connect(obj.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(obj.spider_closed, signal=signals.spider_closed)
        return obj

    # -- signals

    def spider_opened(self, spider: Spider) -> None:
        crawl_dir = getattr(spider, "crawl_dir", None)
        directory = Path(crawl_dir) if crawl_dir else self.output_dir / spider.name
        directory.mkdir(parents=True, exist_ok=True)
        info = WarcInfo(
            crawl_name=getattr(spider, "crawl_name", None) or spider.name,
            operator=self.operator,
            settings=self.crawl_settings,
            robots=self.robots,
        )
        self.writer = RotatingWarcWriter(
            directory,
            self.prefix,
            info,
            max_bytes=self.max_bytes,
            revisits=self.revisits,
            payload_origins=self.payload_origins,
        )

    def spider_closed(self, spider: Spider | None = None, reason: str = "") -> None:
        writer = self.writer
        if writer is None or writer.closed:
            return
        log = {"finish_reason": reason, "stats": _jsonable_stats(self.stats.get_stats())}
        payload = json.dumps(log, indent=1, sort_keys=True).encode()
        self._count(lambda: writer.write_metadata(CRAWL_LOG_URI, "application/json", payload))
        writer.close()
        self._update_file_stats()
        # Every file of the folder: a resumed crawl's earlier run wrote some of them.
        paths = sorted(writer.directory.glob("*.warc.gz"))
        if self.index and paths:
            lines = write_cdxj_index(paths, writer.directory / INDEX_FILE)
            self.stats.set_value(f"{STATS_PREFIX}/index_lines", lines)

    # -- downloader middleware

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        request.meta.pop(META_KEY, None)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if "cached" in response.flags:
            self.stats.inc_value(f"{STATS_PREFIX}/responses_skipped_cached")
            return response
        if self.writer is None:
            raise RuntimeError("WarcRecordingMiddleware used before spider_opened")
        writer = self.writer
        exchange = self.exchange_from(request, response)
        earlier = request.meta.get(EARLIER_KEY)
        not_modified = earlier if isinstance(earlier, PayloadOrigin) else None
        written = self._count(lambda: writer.write_exchange(exchange, not_modified=not_modified))
        provenance: dict[str, Any] = {
            "file": written.filename,
            "offset": written.offset,
            "length": written.length,
            "record_id": written.record_id,
            "record_type": written.record_type,
            "date": warc_date(exchange.fetched_at),
        }
        if written.refers_to is not None:
            provenance["refers_to"] = {
                "uri": written.refers_to.uri,
                "date": written.refers_to.date,
                "record_id": written.refers_to.record_id,
            }
            self.stats.inc_value(f"{STATS_PREFIX}/revisits_written")
        request.meta[META_KEY] = provenance
        self._update_file_stats()
        return response

    @staticmethod
    def exchange_from(request: Request, response: Response) -> HttpExchange:
        """Describe what went over the wire for ``request``/``response``."""
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = response.ip_address
        return HttpExchange(
            method=request.method,
            url=request.url,
            request_headers=_header_pairs(request.headers),
            request_body=request.body,
            protocol=response.protocol or "HTTP/1.1",
            status=response.status,
            response_headers=_header_pairs(response.headers),
            response_body=response.body,
            fetched_at=datetime.now(UTC),
            ip_address=str(ip) if ip is not None else None,
            truncated="disconnect" if "dataloss" in response.flags else None,
        )

    def _count(self, write: Callable[[], WrittenRecord]) -> WrittenRecord:
        """Run ``write`` and add the records and bytes it wrote to the stats."""
        assert self.writer is not None  # noqa: S101 - callers checked
        records_before = self.writer.records_written
        bytes_before = self.writer.bytes_written
        written = write()
        self.stats.inc_value(
            f"{STATS_PREFIX}/records_written", self.writer.records_written - records_before
        )
        self.stats.inc_value(
            f"{STATS_PREFIX}/bytes_written", self.writer.bytes_written - bytes_before
        )
        return written

    def _update_file_stats(self) -> None:
        if self.writer is not None:
            self.stats.set_value(f"{STATS_PREFIX}/files_written", len(self.writer.finished_paths))
