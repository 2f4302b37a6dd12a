"""SlotProbe: a test downloader middleware that writes, for every response, the delay of
the download slot it came through, as the downloader holds it at that moment.

It sits at 554, just below blog-archiver's RetryAfterMiddleware (555), so it sees each
response right after that one has, before Scrapy's RetryMiddleware (550) turns a 503 into
a retry. Enabled in a crawl subprocess with ``-s DOWNLOADER_MIDDLEWARES=...`` (the
project's table and ``"tests.integration.slot_probe.SlotProbe": 554``) and ``-s
SLOT_PROBE_FILE=PATH``: one JSON line per response (url, status, delay), so a test reads
the pace of the crawl from the slot itself, not from the clock.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class SlotProbe:
    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("SLOT_PROBE_FILE")
        if not path:
            raise NotConfigured
        return cls(crawler, Path(path))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        line = {
            "url": response.url,
            "status": response.status,
            "delay": None if slot is None else slot.delay,
        }
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
        return response
