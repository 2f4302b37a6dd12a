"""The ``wordpress`` spider: ``scrapy crawl wordpress -a url=https://blog.example/``.

It only decides what to fetch, best source first (REST API, then core sitemaps, then
HTML archive pages), and hands every page to the pure functions of :mod:`archiver`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from archiver import signals
from archiver.discovery import (
    api_listing_url,
    archive_links,
    blog_scope,
    find_api_root,
    is_denied,
    is_in_scope,
    is_post_sitemap,
    sitemap_urls,
)
from archiver.extract.comments import comment_page_urls, extract_comments_from_html
from archiver.extract.page import parse_html
from archiver.extract.posts import extract_post_from_html, merge_posts, post_from_api
from archiver.items import Post, Provenance
from archiver.layout import new_crawl_dir

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Mapping

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

API_KINDS = ("posts", "pages")


class WordPressSpider(scrapy.Spider):
    name = "wordpress"

    def __init__(self, url: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError(
                "give the blog's address: scrapy crawl wordpress -a url=https://blog.example/"
            )
        self.url = normalize_start_url(url)
        self.scope = blog_scope(self.url)
        self.crawl_dir = Path("output")
        self.fallback_started = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        explicit = crawler.settings.get("ARCHIVER_CRAWL_DIR")
        if explicit:  # a rebuild from the WARC names its folder
            spider.crawl_dir = Path(explicit).resolve()
        else:
            root = Path(crawler.settings.get("ARCHIVER_OUTPUT_DIR", "output")).resolve()
            spider.crawl_dir = new_crawl_dir(root, spider.url, datetime.now(UTC))
        return spider

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.url, callback=self.parse_home, errback=self.on_failure)

    # --- discovery -----------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self._fail(response.url, "home page is not HTML", response.status)
            return
        link_headers = [h.decode("latin-1") for h in response.headers.getlist("Link")]
        root = find_api_root(response.url, link_headers, parse_html(response.text))
        if not root or not self._allowed(root):
            self._note("rest_api", "not advertised" if not root else f"out of scope: {root}")
            yield from self._fallback()
            return
        self._note("rest_api_root", root)
        for kind in API_KINDS:
            yield self._api_request(root, kind, 1)

    def parse_api_listing(
        self, response: Response, root: str, kind: str, page: int
    ) -> Iterator[Any]:
        objects = _json_list(response)
        if objects is None:
            # REST hidden behind an HTML page, a challenge or rest_no_route: go on without it.
            self._note("rest_api", f"unusable: {response.url} did not return a JSON list")
            yield from self._fallback()
            return
        if page == 1:
            self._note("rest_api", "used")
            total_pages = _int_header(response, b"X-WP-TotalPages", default=1)
            total = _int_header(response, b"X-WP-Total", default=len(objects))
            self._note(f"declared_{kind}", total)
            for next_page in range(2, total_pages + 1):
                yield self._api_request(root, kind, next_page)
        source = provenance(response, "api")
        for obj in objects:
            link = str(obj.get("link") or "")
            if not link or not self._allowed(link):
                reason = f"{kind} object {obj.get('id')} has no link in scope"
                self._fail(link or response.url, reason)
                continue
            yield scrapy.Request(
                link,
                callback=self.parse_post_page,
                errback=self.on_post_page_failure,
                cb_kwargs={"api_post": obj, "api_source": source},
            )

    def on_api_failure(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        self._note("rest_api", f"unusable: {request.url}: {_reason(failure)}")
        yield from self._fallback()

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        try:
            kind, locations = sitemap_urls(response.body)
        except Exception as error:  # a sitemap that is not XML: say so, fall back further
            self._note("sitemap", f"unusable: {response.url}: {error}")
            yield from self._archive_fallback()
            return
        self._note("sitemap", "used")
        for location in locations:
            if not self._allowed(location):
                continue
            if kind == "sitemapindex":
                if is_post_sitemap(location):
                    yield scrapy.Request(
                        location, callback=self.parse_sitemap, errback=self.on_failure
                    )
            else:
                yield scrapy.Request(
                    location, callback=self.parse_post_page, errback=self.on_post_page_failure
                )

    def on_sitemap_failure(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        self._note("sitemap", f"unusable: {request.url}: {_reason(failure)}")
        yield from self._archive_fallback()

    def parse_archive_page(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        posts, next_page = archive_links(response.url, parse_html(response.text))
        for url in posts:
            if self._allowed(url):
                yield scrapy.Request(
                    url, callback=self.parse_post_page, errback=self.on_post_page_failure
                )
        if next_page and self._allowed(next_page):
            yield scrapy.Request(
                next_page, callback=self.parse_archive_page, errback=self.on_failure
            )

    # --- posts and comments --------------------------------------------------------------

    def parse_post_page(
        self,
        response: Response,
        api_post: Mapping[str, Any] | None = None,
        api_source: Provenance | None = None,
    ) -> Iterator[Any]:
        api = self._post_from_api(response.url, api_post, api_source)
        if not isinstance(response, TextResponse):
            self._fail(response.url, "post page is not HTML", response.status)
            if api is not None:
                yield api
            return
        try:
            page = parse_html(response.text)
            html_post = extract_post_from_html(response.url, page)
        except Exception as error:  # an extraction bug must not lose what the API gave
            self._fail(response.url, f"extraction error: {_describe(error)}", response.status)
            if api is not None:
                yield api
            return
        html_post.provenance = [provenance(response, "html")]
        post = merge_posts(api, html_post)
        yield post
        yield from self._comments(response, page, post.id)

    def parse_comment_page(self, response: Response, post_id: int | None) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self._fail(response.url, "comment page is not HTML", response.status)
            return
        yield from self._comments(response, parse_html(response.text), post_id)

    def _comments(self, response: TextResponse, page: Any, post_id: int | None) -> Iterator[Any]:
        source = provenance(response, "html")
        for comment in extract_comments_from_html(response.url, page, post_id):
            comment.provenance = [source]
            yield comment
        for url in comment_page_urls(response.url, page):
            if self._allowed(url):
                yield scrapy.Request(
                    url,
                    callback=self.parse_comment_page,
                    errback=self.on_failure,
                    cb_kwargs={"post_id": post_id},
                )

    def on_post_page_failure(self, failure: Failure) -> Iterator[Any]:
        """The page failed; what the API said of the post is still archived."""
        self.on_failure(failure)
        request = failure.request  # type: ignore[attr-defined]
        kwargs = request.cb_kwargs
        api = self._post_from_api(request.url, kwargs.get("api_post"), kwargs.get("api_source"))
        if api is not None:
            yield api

    def on_failure(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._fail(request.url, _reason(failure), _status(failure))

    # --- helpers -------------------------------------------------------------------------

    def _api_request(self, root: str, kind: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            api_listing_url(root, kind, page),
            callback=self.parse_api_listing,
            errback=self.on_api_failure,
            cb_kwargs={"root": root, "kind": kind, "page": page},
        )

    def _fallback(self) -> Iterator[Any]:
        """Discovery without the REST API: core sitemap first, archive pages last."""
        if self.fallback_started:
            return
        self.fallback_started = True
        yield scrapy.Request(
            urljoin(self.url, "wp-sitemap.xml"),
            callback=self.parse_sitemap,
            errback=self.on_sitemap_failure,
        )

    def _archive_fallback(self) -> Iterator[Any]:
        self._note("archive_pages", "used")
        yield scrapy.Request(
            self.url, callback=self.parse_archive_page, errback=self.on_failure, dont_filter=True
        )

    def _post_from_api(
        self, url: str, api_post: Mapping[str, Any] | None, api_source: Provenance | None
    ) -> Post | None:
        if api_post is None:
            return None
        try:
            post = post_from_api(api_post)
        except Exception as error:  # a malformed API object: the page may still do
            self._fail(url, f"unreadable REST object: {_describe(error)}")
            return None
        post.provenance = [api_source] if api_source else []
        return post

    def _allowed(self, url: str) -> bool:
        return is_in_scope(url, self.scope) and not is_denied(url)

    def _fail(self, url: str, reason: str, status: int | None = None) -> None:
        self.logger.warning("not archived: %s (%s)", url, reason)
        self.crawler.signals.send_catch_log(
            signals.url_failed, url=url, reason=reason, status=status
        )

    def _note(self, key: str, value: object) -> None:
        self.crawler.signals.send_catch_log(signals.discovery_note, key=key, value=value)


def normalize_start_url(url: str) -> str:
    """Accept ``blog.example`` or ``http://blog.example`` as ``http(s)://blog.example/``."""
    url = url.strip()
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return parts._replace(path=path, fragment="").geturl()


def provenance(response: Response, source: str) -> Provenance:
    """Where the WARC recorder stored ``response`` (see WarcRecordingMiddleware)."""
    record = response.meta.get("warc_record") or {}
    return Provenance(
        url=response.url,
        source=source,
        warc_file=str(record.get("file", "")),
        warc_offset=record.get("offset"),
        warc_record_id=str(record.get("record_id", "")),
    )


def _json_list(response: Response) -> list[dict[str, Any]] | None:
    if not isinstance(response, TextResponse):
        return None
    try:
        data = json.loads(response.text)
    except ValueError:
        return None
    if not isinstance(data, list) or not all(isinstance(obj, dict) for obj in data):
        return None
    return data


def _int_header(response: Response, name: bytes, default: int) -> int:
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _status(failure: Failure) -> int | None:
    error = failure.value
    return int(error.response.status) if isinstance(error, HttpError) else None


def _reason(failure: Failure) -> str:
    status = _status(failure)
    if status is not None:
        return f"HTTP {status}"
    message = failure.getErrorMessage()
    name = type(failure.value).__name__
    return f"{name}: {message}" if message else name
