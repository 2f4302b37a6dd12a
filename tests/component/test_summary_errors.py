"""The summary's handlers for errors (``archiver.crawl.summary.CrawlSummaryExtension``),
fed through Scrapy's own signal dispatch, as a crawl sends them."""

from __future__ import annotations

import errno
import json
import logging

from scrapy import Request
from scrapy import signals as scrapy_signals
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from archiver.crawl.output_errors import OUTPUT_ERROR_STAT
from archiver.crawl.summary import CrawlSummaryExtension
from archiver.extract.posts import post_from_api
from tests.conftest import load_fixture


def _extension() -> tuple[CrawlSummaryExtension, object]:
    crawler = get_crawler(settings_dict={"ARCHIVER_STATE_ENABLED": False})
    return CrawlSummaryExtension.from_crawler(crawler), crawler


def _errback_failure(url: str) -> Failure:
    """The Failure an errback gets for a post page answered 500, as Scrapy makes it."""
    request = Request(url)
    response = TextResponse(url, status=500, body=b"", request=request)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request  # type: ignore[attr-defined]
    return failure


def test_an_item_from_an_errback_that_fails_in_a_pipeline_names_its_url(caplog):
    """Items an errback yields (a post from its REST object, its page failed) come with
    the errback's Failure where the response would be: that was the ``'Failure' object has
    no attribute 'url'`` of issue 22."""
    extension, crawler = _extension()
    post = post_from_api(json.loads(load_fixture("api", "seed-post.json")[1]))
    page = _errback_failure(post.url)
    try:
        raise ValueError("a pipeline refused it")
    except ValueError:
        failure = Failure()
    with caplog.at_level(logging.ERROR):
        crawler.signals.send_catch_log(  # type: ignore[attr-defined]
            signal=scrapy_signals.item_error, item=post, response=page, spider=None, failure=failure
        )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no handler error
    assert extension.failures == [
        {"url": post.url, "reason": "item error: ValueError: a pipeline refused it", "status": None}
    ]


def test_output_errors_are_the_crawls_not_a_urls():
    extension, crawler = _extension()
    post = post_from_api(json.loads(load_fixture("api", "seed-post.json")[1]))
    full = Failure(OSError(errno.ENOSPC, "No space left on device"))
    crawler.signals.send_catch_log(  # type: ignore[attr-defined]
        signal=scrapy_signals.item_error, item=post, response=None, spider=None, failure=full
    )
    assert extension.failures == []
    # Once the crawl stopped on one, what fails in its wake is not listed either.
    crawler.stats.set_value(OUTPUT_ERROR_STAT, {"message": "No space left on device"})  # type: ignore[attr-defined]
    extension.url_failed("http://blog.example/a/", "error: Error -2 while compressing data")
    assert extension.failures == []
