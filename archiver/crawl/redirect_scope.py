"""RedirectScopeMiddleware: a redirect is followed only inside the blog.

Scrapy's RedirectMiddleware follows any ``Location``, past the spider's gate (in scope, not
denied): a post that redirects to another host, outside a subdirectory blog's path or to a
denied URL would be fetched and archived. Such a redirect is refused here; the spider's
errback reports the URL as failed, so the archive says what it lacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest

from archiver.discovery.urls import is_allowed

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler


class RedirectScopeMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        redirects = request.meta.get("redirect_urls")
        scope = getattr(self.crawler.spider, "scope", None)
        if not redirects or scope is None:
            return
        # Only what the spider asked for is held to its scope (robots.txt lives at the root).
        if not is_allowed(redirects[0], scope) or is_allowed(request.url, scope):
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archiver/redirects/out_of_scope")
        raise IgnoreRequest(f"redirected out of the blog's scope or to a denied URL: {request.url}")
