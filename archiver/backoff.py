"""RetryAfterMiddleware: back off when a blog says so (429 or 503 with ``Retry-After``).

Scrapy's RetryMiddleware (550) retries 429 and 503 but ignores ``Retry-After``. This
middleware sits just before it on the way back (555: responses pass from high numbers to
low) and slows the whole download slot, the blog, to the delay the server asked for (capped),
so the retry and every other request to that blog wait. AutoThrottle then eases the delay
back down as normal responses come in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

BACKOFF_STATUSES = frozenset({429, 503})


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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ARCHIVER_HONOUR_RETRY_AFTER", True):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("ARCHIVER_RETRY_AFTER_MAX", 300.0))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if response.status not in BACKOFF_STATUSES:
            return response
        header = response.headers.get(b"Retry-After")
        if header is None:
            return response
        delay = parse_retry_after(header.decode("latin-1"), datetime.now(UTC))
        if delay is None:
            return response
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("archiver/backoff/retry_after")
            stats.max_value("archiver/backoff/max_delay", min(delay, self.max_delay))
        self._slow_down(request, min(delay, self.max_delay))
        return response

    def _slow_down(self, request: Request, delay: float) -> None:
        try:
            downloader = self.crawler.engine.downloader
        except RuntimeError:  # no engine: called outside a running crawl
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, delay)
