"""ReportFiguresExtension: the report's figures stay bounded and keep secrets out."""

from __future__ import annotations

import time

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from archiver.crawl.report_figures import (
    MAX_BUCKETS,
    ReportFiguresExtension,
    given_settings,
    request_kind,
)


def _exchange(url: str, status: int = 200, **meta: object) -> tuple[HtmlResponse, Request]:
    request = Request(url, meta=dict(meta))
    return HtmlResponse(url, status=status, body=b"", request=request), request


def test_a_long_crawl_keeps_at_most_max_buckets_and_every_response() -> None:
    ext = ReportFiguresExtension.from_crawler(get_crawler())
    for second in range(0, 10 * MAX_BUCKETS, 7):
        # As if the crawl had started ``second`` seconds ago.
        ext.started = time.monotonic() - second
        ext.response_downloaded(*_exchange("http://blog.example/a/", download_latency=0.05))
    figures = ext.figures()
    buckets = {row["bucket"] for row in figures["requests_over_time"]}
    assert len(buckets) <= MAX_BUCKETS
    assert figures["bucket_seconds"] == 16  # 1 s doubled until 2,400 s fit in 240 buckets
    responses = len(range(0, 10 * MAX_BUCKETS, 7))
    assert sum(row["count"] for row in figures["requests_over_time"]) == responses
    seconds = figures["by_kind"]["other"]["seconds"]
    assert seconds["count"] == responses
    assert seconds["p10"] <= seconds["median"] <= seconds["p90"] <= seconds["max"] == 0.05


def test_backoffs_retries_and_failed_posts_are_noted() -> None:
    ext = ReportFiguresExtension.from_crawler(get_crawler())
    response, request = _exchange("http://blog.example/busy/", status=503, retry_times=2)
    response.headers[b"Retry-After"] = b"30"
    ext.response_downloaded(response, request)
    figures = ext.figures()
    assert [(b["url"], b["status"], b["retry_after"]) for b in figures["backoffs"]] == [
        ("http://blog.example/busy/", 503, "30")
    ]
    assert figures["retries"] == {"http://blog.example/busy/": 2}
    assert figures["failed_requests"]["http://blog.example/busy/"] == {"kind": "other"}


def test_the_kind_comes_from_the_robots_url_or_the_callback() -> None:
    assert request_kind(Request("http://blog.example/robots.txt")) == "robots.txt"

    def parse_discovery(response: object) -> None: ...

    listing = Request(
        "http://blog.example/wp-json/wp/v2/posts",
        callback=parse_discovery,
        cb_kwargs={"source": "rest"},
    )
    assert request_kind(listing) == "REST"


def test_only_the_settings_given_for_the_run_with_secrets_masked() -> None:
    settings = Settings()
    # As `-s NAME=VALUE` gives them (Scrapy's "cmdline" priority).
    for name, value in {
        "ARCHIVER_REDIS_URL": "redis://user:hunter2@redis.example:6379/0",
        "DOWNLOAD_DELAY": 2,
        "AWS_SECRET_ACCESS_KEY": "hunter2",
    }.items():
        settings.set(name, value, priority="cmdline")
    given = given_settings(settings)
    assert given["ARCHIVER_REDIS_URL"] == "redis://***@redis.example:6379/0"
    assert given["DOWNLOAD_DELAY"] == "2"
    assert given["AWS_SECRET_ACCESS_KEY"] == "***"  # noqa: S105 - the mask, not a password
    assert "hunter2" not in str(given)
    assert "USER_AGENT" not in given  # Scrapy's default, not given
