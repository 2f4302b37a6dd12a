from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from archiver.backoff import RetryAfterMiddleware, parse_retry_after

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", NOW) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("", NOW) is None


def test_a_503_with_retry_after_is_counted_and_passed_on_to_retry():
    crawler = get_crawler(settings_dict={"ARCHIVER_RETRY_AFTER_MAX": 60})
    middleware = build_from_crawler(RetryAfterMiddleware, crawler)
    request = Request("http://blog.example/post/")
    response = Response(request.url, status=503, headers={"Retry-After": "600"}, request=request)
    assert middleware.process_response(request, response) is response
    assert crawler.stats.get_value("archiver/backoff/retry_after") == 1
    assert crawler.stats.get_value("archiver/backoff/max_delay") == 60
    ok = Response(request.url, status=200, headers={"Retry-After": "5"}, request=request)
    middleware.process_response(request, ok)
    assert crawler.stats.get_value("archiver/backoff/retry_after") == 1
