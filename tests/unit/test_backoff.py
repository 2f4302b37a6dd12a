from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from archiver.crawl.retry_after import RetryAfterMiddleware, parse_retry_after

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


def test_a_longer_retry_after_is_capped_counted_and_holds_the_blog():
    crawler = get_crawler(settings_dict={"ARCHIVER_RETRY_AFTER_MAX": 60})
    middleware = build_from_crawler(RetryAfterMiddleware, crawler)
    request = Request("http://blog.example/post/")
    response = Response(request.url, status=429, headers={"Retry-After": "7200"}, request=request)
    before = time.monotonic()
    middleware.process_response(request, response)
    assert crawler.stats.get_value("archiver/backoff/capped") == 1
    assert crawler.stats.get_value("archiver/backoff/max_asked") == 7200
    assert crawler.stats.get_value("archiver/backoff/max_delay") == 60
    # Every request to that host waits until then; other hosts do not.
    assert before + 60 <= middleware.not_before["blog.example"] <= time.monotonic() + 60
    assert "other.example" not in middleware.not_before
    short = Response(request.url, status=503, headers={"Retry-After": "5"}, request=request)
    middleware.process_response(request, short)
    assert crawler.stats.get_value("archiver/backoff/capped") == 1
    assert middleware.not_before["blog.example"] >= before + 60  # never shortened


def test_a_request_to_a_host_without_backoff_goes_at_once():
    crawler = get_crawler()
    middleware = build_from_crawler(RetryAfterMiddleware, crawler)
    coroutine = middleware.process_request(Request("http://blog.example/post/"))
    with pytest.raises(StopIteration) as done:
        coroutine.send(None)
    assert done.value.value is None
