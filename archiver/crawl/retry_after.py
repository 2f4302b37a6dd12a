"""RetryAfterMiddleware: back off when a blog says so (429 or 503 with ``Retry-After``).

Scrapy's RetryMiddleware (550) retries 429 and 503 but ignores ``Retry-After``. This
middleware sits just before it on the way back (555: responses pass from high numbers to
low). It holds every request to that blog, the retry included, until the delay the server
asked for (capped by ``ARCHIVER_RETRY_AFTER_MAX``) has passed, and slows the blog's download
slot down to that delay; AutoThrottle then eases the pace back as normal responses come in.
Each backoff is logged and counted (``archiver/backoff/*`` stats, ``politeness`` in
summary.json), a capped one too.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

BACKOFF_STATUSES = frozenset({429, 503})
logger = logging.getLogger(__name__)


def parse_retry_after(value: str, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler, max_delay: float) -> None:
        self.crawler = crawler
        self.max_delay = max_delay
        # Per host (Scrapy's download slot): no request before this time.monotonic() value.
        self.not_before: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ARCHIVER_HONOUR_RETRY_AFTER", True):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("ARCHIVER_RETRY_AFTER_MAX", 300.0))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        wait = self.not_before.get(_host(request), 0.0) - time.monotonic()
        if wait > 0:
            # Imported here: importing the reactor at module level would install the default
            # one before Scrapy installs the configured reactor.
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, wait))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if response.status not in BACKOFF_STATUSES:
            return response
        header = response.headers.get(b"Retry-After")
        if header is None:
            return response
        value = header.decode("latin-1")
        asked = parse_retry_after(value, datetime.now(UTC))
        if asked is None:
            return response
        delay = min(asked, self.max_delay)
        capped = asked > self.max_delay
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("archiver/backoff/retry_after")
            stats.max_value("archiver/backoff/max_delay", delay)
            stats.max_value("archiver/backoff/max_asked", asked)
            if capped:
                stats.inc_value("archiver/backoff/capped")
        logger.warning(
            "HTTP %d with Retry-After: %s from %s: no request to the blog for %.1f s%s",
            response.status,
            value,
            request.url,
            delay,
            f" (capped by ARCHIVER_RETRY_AFTER_MAX, asked {asked:.0f} s)" if capped else "",
        )
        host = _host(request)
        self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + delay)
        self._slow_down(request, delay)
        return response

    def _slow_down(self, request: Request, delay: float) -> None:
        try:
            downloader = self.crawler.engine.downloader
        except (AttributeError, RuntimeError):  # no engine: called outside a running crawl
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, delay)


def _host(request: Request) -> str:
    return urlparse_cached(request).hostname or ""
