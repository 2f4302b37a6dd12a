"""RedirectScopeMiddleware: Scrapy follows redirects past the spider's gate; this holds them
to the blog's scope (host and, for a blog in a subdirectory, its path) and policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from archiver.crawl.redirect_scope import RedirectScopeMiddleware
from spiders.wordpress import WordPressSpider

if TYPE_CHECKING:
    from pathlib import Path

BLOG = "https://example.com/blog/"


@pytest.fixture
def middleware(tmp_path: Path) -> RedirectScopeMiddleware:
    # The spider opens the site's state in its output folder: a temporary one.
    crawler = get_crawler(WordPressSpider, {"ARCHIVER_OUTPUT_DIR": str(tmp_path)})
    crawler.spider = WordPressSpider.from_crawler(crawler, url=BLOG)
    return build_from_crawler(RedirectScopeMiddleware, crawler)


def _redirected(origin: str, target: str) -> Request:
    return Request(target, meta={"redirect_urls": [origin]})


def test_a_redirect_out_of_the_subdirectory_or_host_is_refused(middleware):
    post = BLOG + "2024/01/01/post/"
    for target in (
        "https://example.com/2024/01/01/post/",
        "https://elsewhere.example/blog/2024/01/01/post/",
        BLOG + "wp-login.php?redirect_to=x",
    ):
        with pytest.raises(IgnoreRequest, match="out of the blog's scope"):
            middleware.process_request(_redirected(post, target))
    assert middleware.crawler.stats.get_value("archiver/redirects/out_of_scope") == 3


def test_redirects_inside_the_blog_and_other_requests_pass(middleware):
    post = BLOG + "?p=12"
    assert middleware.process_request(_redirected(post, BLOG + "2024/01/01/post/")) is None
    assert middleware.process_request(Request("https://example.com/shop/")) is None
    # robots.txt (RobotsTxtMiddleware's, at the host's root) is not the spider's to hold.
    robots = _redirected("https://example.com/robots.txt", "https://www.example.com/robots.txt")
    assert middleware.process_request(robots) is None
