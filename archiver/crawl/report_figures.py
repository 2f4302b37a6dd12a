"""ReportFiguresExtension: what the crawl report plots and the summary does not count.

Every response as it came off the wire (Scrapy's ``response_downloaded``: retried 5xx,
429s and redirects included, before the middlewares act on them) is counted by the time
it arrived, its kind (REST, sitemap, feed, post page, comment page...) and its status;
its download time and size by kind, and the downloads that failed without an answer
(timeouts, refused connections, cut bodies) by kind. Besides: the backoffs the blog
asked for (429/503 with ``Retry-After``), the retries of each URL, what a URL that failed
stood for (which post, which comments) and the settings given for this run. They go into
``summary.json`` under one key, ``report_figures``, for :mod:`archiver.report`.

All of it is bounded: the time series gets coarser as the crawl goes on (at most
:data:`MAX_BUCKETS` buckets), download times are kept as a histogram, and the lists of
URLs stop at :data:`MAX_URLS`.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from archiver.crawl.summary import CrawlSummaryExtension

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

SECTION = "report_figures"
MAX_BUCKETS = 240
MAX_URLS = 2000
BACKOFF_STATUSES = frozenset({429, 503})
# Download times in a log-scale histogram: bin i holds times below 2 ** (i / 4) ms.
_BINS = 96
# The discovery sources' names (archiver.discovery) as the report says them.
SOURCE_KINDS = {
    "rest": "REST",
    "sitemaps": "sitemap",
    "feeds": "feed",
    "archive_pages": "archive page",
}
CALLBACK_KINDS = {
    "parse_post_page": "post page",
    "parse_comment_page": "comment page",
    "parse_home": "home",
}
# Settings a report must not show the value of.
_SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|KEY$", re.IGNORECASE)
_URL_CREDENTIALS = re.compile(r"(://)[^/@\s]+@")


def request_kind(request: Request) -> str:
    """What a request was for, from the callback the spider gave it."""
    if request.url.endswith("/robots.txt"):
        return "robots.txt"
    callback = getattr(request.callback, "__name__", "")
    if callback == "parse_discovery":
        source = str(request.cb_kwargs.get("source", ""))
        return SOURCE_KINDS.get(source, source or "other")
    return CALLBACK_KINDS.get(callback, "other")


class ReportFiguresExtension:
    def __init__(self, given_settings: dict[str, str]) -> None:
        self.given_settings = given_settings
        self.started = time.monotonic()
        self.bucket_seconds = 1
        self.requests: Counter[tuple[int, str, int]] = Counter()
        self.responses: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()
        self.latency: dict[str, list[int]] = {}
        self.latency_max: dict[str, float] = {}
        self.latency_sum: dict[str, float] = {}
        self.backoffs: list[dict[str, Any]] = []
        self.retries: dict[str, int] = {}
        self.failed: dict[str, dict[str, Any]] = {}
        # Requests downloaded and not yet out of the downloader: one that leaves without
        # having been downloaded failed there (a timeout, a refused connection, a cut body).
        self.downloaded: set[int] = set()
        self.errors: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(given_settings(crawler.settings))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.request_left, signal=signals.request_left_downloader)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        # Found here: crawler.extensions is set once every extension is built.
        summary = next(
            (e for e in _extensions(spider.crawler) if isinstance(e, CrawlSummaryExtension)),
            None,
        )
        if summary is not None:
            summary.sections[SECTION] = self.figures

    def request_left(self, request: Request) -> None:
        if id(request) in self.downloaded:
            self.downloaded.discard(id(request))
            return
        kind = request_kind(request)
        self.errors[kind] += 1
        self._note_retries(request)
        if len(self.failed) < MAX_URLS:
            self.failed[request.url] = {"kind": kind, **_stands_for(request)}

    def _note_retries(self, request: Request) -> None:
        retries = int(request.meta.get("retry_times", 0))
        if retries and (request.url in self.retries or len(self.retries) < MAX_URLS):
            self.retries[request.url] = max(retries, self.retries.get(request.url, 0))

    def response_downloaded(self, response: Response, request: Request) -> None:
        self.downloaded.add(id(request))
        kind = request_kind(request)
        elapsed = time.monotonic() - self.started
        while elapsed / self.bucket_seconds >= MAX_BUCKETS:
            self._coarsen()
        self.requests[(int(elapsed // self.bucket_seconds), kind, response.status)] += 1
        self.responses[kind] += 1
        self.bytes[kind] += len(response.body)
        latency = request.meta.get("download_latency")
        if isinstance(latency, int | float):
            self._add_latency(kind, float(latency))
        self._note_retries(request)
        if response.status >= 400 and len(self.failed) < MAX_URLS:
            self.failed[request.url] = {"kind": kind, **_stands_for(request)}
        retry_after = response.headers.get(b"Retry-After")
        if (
            response.status in BACKOFF_STATUSES
            and retry_after is not None
            and len(self.backoffs) < MAX_URLS
        ):
            self.backoffs.append(
                {
                    "at_seconds": round(elapsed, 1),
                    "url": request.url,
                    "status": response.status,
                    "retry_after": retry_after.decode("latin-1"),
                }
            )

    def _coarsen(self) -> None:
        self.bucket_seconds *= 2
        merged: Counter[tuple[int, str, int]] = Counter()
        for (bucket, kind, status), count in self.requests.items():
            merged[(bucket // 2, kind, status)] += count
        self.requests = merged

    def _add_latency(self, kind: str, seconds: float) -> None:
        bins = self.latency.setdefault(kind, [0] * _BINS)
        milliseconds = max(seconds * 1000, 1.0)
        bins[min(_BINS - 1, int(math.log2(milliseconds) * 4))] += 1
        self.latency_max[kind] = max(self.latency_max.get(kind, 0.0), seconds)
        self.latency_sum[kind] = self.latency_sum.get(kind, 0.0) + seconds

    def figures(self) -> dict[str, Any]:
        """The section of ``summary.json`` (called when the summary is built)."""
        return {
            "bucket_seconds": self.bucket_seconds,
            "requests_over_time": [
                {"bucket": bucket, "kind": kind, "status": status, "count": count}
                for (bucket, kind, status), count in sorted(self.requests.items())
            ],
            "by_kind": {
                kind: {
                    "responses": self.responses[kind],
                    "errors": self.errors[kind],
                    "bytes": self.bytes[kind],
                    "seconds": self._latency_figures(kind),
                }
                for kind in sorted(self.responses | self.errors)
            },
            "backoffs": self.backoffs,
            "retries": dict(sorted(self.retries.items())),
            "failed_requests": dict(sorted(self.failed.items())),
            "settings": self.given_settings,
        }

    def _latency_figures(self, kind: str) -> dict[str, float] | None:
        bins = self.latency.get(kind)
        if not bins:
            return None
        total = sum(bins)

        def quantile(share: float) -> float:
            # The upper edge of the bin that holds the quantile: within 19 % of the time.
            seen = 0
            for index, count in enumerate(bins):
                seen += count
                if seen >= share * total:
                    return round(min(2 ** ((index + 1) / 4) / 1000, self.latency_max[kind]), 4)
            return round(self.latency_max[kind], 4)

        return {
            "count": total,
            "mean": round(self.latency_sum[kind] / total, 4),
            "p10": quantile(0.10),
            "p25": quantile(0.25),
            "median": quantile(0.5),
            "p75": quantile(0.75),
            "p90": quantile(0.90),
            "max": round(self.latency_max[kind], 4),
        }


def given_settings(settings: BaseSettings) -> dict[str, str]:
    """The settings given for this run (command line, sites file, spider), not the project's
    defaults; secrets and credentials in URLs are masked."""
    given = {}
    for name in sorted(settings.attributes):
        priority = settings.getpriority(name)
        if priority is None or priority < 30:  # below "spider": Scrapy's or the project's
            continue
        value = settings[name]
        text = str(value)
        if _SECRET_NAME.search(name):
            text = "***"
        given[name] = _URL_CREDENTIALS.sub(r"\1***@", text)
    return given


def _stands_for(request: Request) -> dict[str, Any]:
    """The post a failed request was for, as far as the request says."""
    api_post = request.cb_kwargs.get("api_post")
    if isinstance(api_post, dict):
        title = api_post.get("title")
        rendered = title.get("rendered") if isinstance(title, dict) else title
        return {"post_id": api_post.get("id"), "title": str(rendered or "")}
    post_id = request.cb_kwargs.get("post_id")
    return {"post_id": post_id} if isinstance(post_id, int) else {}


def _extensions(crawler: Crawler) -> list[Any]:
    manager = getattr(crawler, "extensions", None)
    return list(getattr(manager, "middlewares", ())) if manager is not None else []
