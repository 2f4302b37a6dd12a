"""RetryAfterMiddleware: back off when a blog says so (429 or 503 with ``Retry-After``).

Scrapy's RetryMiddleware (550) retries 429 and 503 but ignores ``Retry-After``. This
middleware sits just before it on the way back (555: responses pass from high numbers to
low). It holds every request to that blog, the retry included, until the delay the server
asked for (capped by ``ARCHIVER_RETRY_AFTER_MAX``) has passed, and slows the blog's download
slot down to that delay meanwhile. When the window ends, the slot's delay goes back to what
it was before (``DOWNLOAD_DELAY``, or AutoThrottle's delay of the time): one long
``Retry-After`` must not set the pace of the rest of the crawl, which with AutoThrottle
off nothing else would ease. Each backoff is logged and counted (``archiver/backoff/*``
stats, ``politeness`` in summary.json), a capped one too, and so is each return to the
configured pace (``archiver/backoff/restored``).
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
        # Per download slot in a backoff: the delay it had before, restored when it ends.
        self.saved_delays: dict[str, tuple[str, float]] = {}  # slot key -> (host, delay)

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
        # Before this request joins the slot: were its delay still the backoff's, the
        # requests held until now would go one per Retry-After.
        self.restore_due()

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
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        # The first backoff of a series keeps the pace to return to; a later one within
        # the window extends the wait, not what the slot returns to.
        self.saved_delays.setdefault(key, (_host(request), slot.delay))
        slot.delay = max(slot.delay, delay)
        from twisted.internet import reactor

        # Also when no request is waiting: the next one must find the configured pace.
        deferLater(reactor, delay, self.restore_due)

    def restore_due(self) -> None:
        """Give every slot whose backoff window has passed its delay from before."""
        now = time.monotonic()
        try:
            slots = self.crawler.engine.downloader.slots
        except (AttributeError, RuntimeError):
            return
        for key, (host, delay) in list(self.saved_delays.items()):
            if self.not_before.get(host, 0.0) > now:
                continue
            del self.saved_delays[key]
            slot = slots.get(key)
            if slot is None:
                continue
            logger.info("Retry-After window of %s over: back to a delay of %.2f s", host, delay)
            slot.delay = delay
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/backoff/restored")


def _host(request: Request) -> str:
    return urlparse_cached(request).hostname or ""
