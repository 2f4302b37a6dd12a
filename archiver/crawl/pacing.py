"""Pacing: many requests at once (a sitemap's 2,000 entries) join Scrapy's queue as it
drains, so that the crawl's memory does not grow with the blog.

:func:`queue_room` waits until the scheduler holds fewer than :data:`QUEUE_LOW_WATER`
requests: enough to keep ``CONCURRENT_REQUESTS`` busy for a while, few enough to keep
memory flat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sized
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

QUEUE_LOW_WATER = 64
QUEUE_POLL_SECONDS = 0.05


async def queue_room(crawler: Crawler | None, low_water: int = QUEUE_LOW_WATER) -> None:
    """Wait until ``crawler``'s scheduler holds fewer than ``low_water`` requests (at once
    without a scheduler that counts its requests, or without the asyncio reactor)."""
    engine = getattr(crawler, "engine", None)
    scheduler = getattr(engine, "scheduler", None)
    if not isinstance(scheduler, Sized):
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    while len(scheduler) >= low_water:
        await asyncio.sleep(QUEUE_POLL_SECONDS)
