"""The wordpress spider's callbacks on recorded responses: what it fetches next, what it
yields, and that a failure is reported without losing what is already known."""

from __future__ import annotations

import asyncio
import json
import pickle
import re
from typing import TYPE_CHECKING, Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from archiver.crawl import signals
from archiver.crawl.preflight import InputError
from archiver.discovery.source import Fetch
from archiver.discovery.urls import normalize_start_url
from archiver.extract.posts import post_from_api
from archiver.records.items import Comment, Post
from spiders.wordpress import WordPressSpider
from tests.conftest import load_fixture

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

# The address the fixtures were recorded from.
BASE = load_fixture("twentytwentyone", "home.html")[0]


@pytest.fixture
def spider_and_events(
    tmp_path: Path,
) -> Iterator[tuple[WordPressSpider, list[tuple[str, dict[str, Any]]]]]:
    # The spider opens the site's state in its output folder: a temporary one.
    crawler = get_crawler(WordPressSpider, {"ARCHIVER_OUTPUT_DIR": str(tmp_path)})
    spider = WordPressSpider.from_crawler(crawler, url=BASE)
    events: list[tuple[str, dict[str, Any]]] = []

    def failed(url: str, reason: str, status: int | None) -> None:
        events.append(("failed", {"url": url, "reason": reason, "status": status}))

    def noted(key: str, value: object) -> None:
        events.append(("note", {"key": key, "value": value}))

    crawler.signals.connect(failed, signal=signals.url_failed, weak=False)
    crawler.signals.connect(noted, signal=signals.discovery_note, weak=False)
    yield spider, events
    spider.closed("finished")  # stops the extraction worker, if one was started


def _collect(callback_output: AsyncIterator[Any]) -> list[Any]:
    """Everything an ``async def`` callback yields, run on an asyncio loop as Scrapy does."""

    async def collect() -> list[Any]:
        return [item async for item in callback_output]

    return asyncio.run(collect())


def _html(fixture: tuple[str, str], **kwargs: Any) -> HtmlResponse:
    url, text = fixture
    return HtmlResponse(
        url, body=text.encode("utf-8"), encoding="utf-8", request=Request(url), **kwargs
    )


def test_home_page_leads_to_the_rest_listings(spider_and_events):
    spider, events = spider_and_events
    url, text = load_fixture("twentytwentyone", "home.html")
    response = HtmlResponse(
        url,
        body=text.encode(),
        encoding="utf-8",
        request=Request(url),
        headers={"Link": f'<{BASE}wp-json/>; rel="https://api.w.org/"'},
    )
    requests = list(spider.parse_home(response))
    assert [r.url.split("?")[0] for r in requests] == [
        f"{BASE}wp-json/wp/v2/posts",
        f"{BASE}wp-json/wp/v2/pages",
        f"{BASE}wp-json/wp/v2/comments",  # the REST comments, beside the listings
    ]
    assert ("note", {"key": "rest_api_root", "value": f"{BASE}wp-json/"}) in events


def test_a_rest_api_answering_html_falls_back_to_the_sitemap(spider_and_events):
    spider, events = spider_and_events
    response = _html(load_fixture("twentytwentyone", "home.html"))
    listing = {"root": "x", "kind": "posts", "page": 1}
    out = _collect(spider.parse_discovery(response, "rest", "", listing))
    assert [r.url for r in out] == [f"{BASE}wp-sitemap.xml"]
    assert any(kind == "note" and e["key"] == "rest_api" for kind, e in events)
    # Both listings failing must not start the fallback twice.
    listing = {"root": "x", "kind": "pages", "page": 1}
    assert _collect(spider.parse_discovery(response, "rest", "", listing)) == []


def test_rest_listing_pages_and_post_requests(spider_and_events):
    spider, _ = spider_and_events
    url, text = load_fixture("api", "posts.json")
    response = TextResponse(
        url,
        body=text.encode(),
        request=Request(url),
        headers={"X-WP-TotalPages": "3", "X-WP-Total": "261"},
    )
    listing = {"root": f"{BASE}wp-json/", "kind": "posts", "page": 1}
    out = _collect(spider.parse_discovery(response, "rest", "", listing))
    listing_pages = [r for r in out if "wp-json" in r.url]
    post_pages = [r for r in out if "wp-json" not in r.url]
    assert ["page=2" in r.url or "page=3" in r.url for r in listing_pages] == [True, True]
    assert len(post_pages) == len(json.loads(text))
    assert all(r.cb_kwargs["api_post"]["link"] == r.url for r in post_pages)


def test_post_page_yields_the_merged_post_then_its_comments(spider_and_events):
    spider, events = spider_and_events
    _, api_text = load_fixture("api", "seed-post.json")
    response = _html(load_fixture("twentytwentyone", "seed-post.html"))
    out = _collect(spider.parse_post_page(response, api_post=json.loads(api_text)))
    posts = [o for o in out if isinstance(o, Post)]
    comments = [o for o in out if isinstance(o, Comment)]
    assert len(posts) == 1
    assert posts[0].field_sources["title"] == "api"
    assert len(comments) == 6
    assert {c.post_id for c in comments} == {2}
    assert not [e for e in events if e[0] == "failed"]


def test_extraction_in_a_worker_process_gives_what_it_gives_in_the_crawl(
    spider_and_events, tmp_path
):
    """The crawl reads pages in a worker process (archiver.crawl.extraction_pool); with 0 workers
    the same functions run in the crawling process: the records must not differ."""
    spider, _ = spider_and_events
    _, api_text = load_fixture("api", "seed-post.json")
    response = _html(load_fixture("twentytwentyone", "seed-post.html"))
    assert spider.extraction.workers >= 1
    in_worker = _collect(spider.parse_post_page(response, api_post=json.loads(api_text)))
    assert spider.extraction._executor is not None  # it did run in a worker
    inline = WordPressSpider.from_crawler(
        get_crawler(
            WordPressSpider,
            {"ARCHIVER_EXTRACT_WORKERS": 0, "ARCHIVER_OUTPUT_DIR": str(tmp_path / "inline")},
        ),
        url=BASE,
    )
    assert inline.extraction.workers == 0
    in_process = _collect(inline.parse_post_page(response, api_post=json.loads(api_text)))
    assert in_worker == in_process
    assert len(in_worker) == 7


def test_an_extraction_error_is_reported_and_the_api_record_kept(spider_and_events):
    spider, events = spider_and_events
    _, api_text = load_fixture("api", "seed-post.json")
    obj = json.loads(api_text)
    # A text response lxml cannot parse into a document: the page gives nothing.
    response = HtmlResponse(obj["link"], body=b"", encoding="utf-8", request=Request(obj["link"]))
    out = _collect(spider.parse_post_page(response, api_post=obj))
    assert [type(o) for o in out] == [Post]
    failures = [e for kind, e in events if kind == "failed"]
    assert [f["url"] for f in failures] == [obj["link"]]
    assert failures[0]["reason"].startswith("extraction error: ")


def test_a_post_page_that_is_not_html_keeps_the_api_record_and_reports(spider_and_events):
    spider, events = spider_and_events
    _, api_text = load_fixture("api", "seed-post.json")
    obj = json.loads(api_text)
    response = Response(obj["link"], body=b"\x89PNG...", status=200, request=Request(obj["link"]))
    out = _collect(spider.parse_post_page(response, api_post=obj))
    assert [type(o) for o in out] == [Post]
    assert out[0].content_text
    failures = [e for kind, e in events if kind == "failed"]
    assert failures == [{"url": obj["link"], "reason": "post page is not HTML", "status": 200}]


def test_comment_pages_are_followed_only_within_the_post(spider_and_events):
    spider, _ = spider_and_events
    response = _html(load_fixture("twentytwentyone", "comment-page-2.html"))
    out = _collect(spider.parse_comment_page(response, post_id=202))
    requests = [o for o in out if isinstance(o, Request)]
    assert requests
    assert all("the-big-discussion" in r.url for r in requests)
    assert all(c.post_id == 202 for c in out if isinstance(c, Comment))


def test_start_url_forms():
    assert normalize_start_url("blog.example") == "https://blog.example/"
    assert normalize_start_url("http://127.0.0.1:8081") == "http://127.0.0.1:8081/"
    assert normalize_start_url("https://example.com/blog") == "https://example.com/blog/"


def test_a_url_is_required():
    with pytest.raises(ValueError, match="give the blog's address"):
        WordPressSpider()


@pytest.mark.parametrize(
    ("url", "said"), [("example", "no dot"), ("ftp://blog.example/", "only http and https")]
)
def test_scrapy_crawl_checks_the_address_as_archiver_crawl_does(url, said):
    # Before any request: `scrapy crawl wordpress -a url=example` made 8 requests (DNS
    # retries) and called the result an incomplete archive.
    with pytest.raises(InputError, match=said):
        WordPressSpider(url=url)


def _home_without_rest() -> HtmlResponse:
    """The home page as a blog with its REST API hidden shows it (no api.w.org link)."""
    url, text = load_fixture("twentytwentyone", "home.html")
    text = re.sub(r"<link[^>]*https://api\.w\.org/[^>]*>", "", text)
    return _html((url, text))


def test_without_rest_the_sitemaps_of_robots_txt_come_first(spider_and_events):
    spider, events = spider_and_events
    robots = TextResponse(
        f"{BASE}robots.txt",
        body=f"User-agent: *\nSitemap: {BASE}sitemap_index.xml\n".encode(),
        request=Request(f"{BASE}robots.txt"),
    )
    spider.response_received(robots)
    out = list(spider.parse_home(_home_without_rest()))
    assert [r.url for r in out] == [f"{BASE}sitemap_index.xml"]
    assert out[0].dont_filter  # awaited: never dropped silently after a redirect
    assert ("note", {"key": "rest_api", "value": "not advertised"}) in events


def test_no_sitemap_falls_back_to_feeds_archive_pages_and_menu_pages(spider_and_events):
    spider, events = spider_and_events
    (sitemap,) = spider.parse_home(_home_without_rest())
    assert sitemap.url == f"{BASE}wp-sitemap.xml"
    not_found = HtmlResponse(sitemap.url, status=404, body=b"<html></html>", request=sitemap)
    failure = Failure(HttpError(not_found))
    failure.request = sitemap  # type: ignore[attr-defined]
    out = list(sitemap.errback(failure))
    urls = [r.url for r in out]
    assert urls[0] == f"{BASE}feed/"  # the feed the home page advertises, never comments'
    assert f"{BASE}page/2/" in urls  # archive page 2: the home page is page 1, not refetched
    assert f"{BASE}about/" in urls  # a page, from the menu
    assert BASE not in urls
    assert len(urls) == len(set(urls))
    notes = {e["key"]: e["value"] for kind, e in events if kind == "note"}
    assert notes["sitemap"].startswith("unusable:")
    assert notes["archive_pages"] == "used"
    # A second failing source never restarts the fallback.
    assert list(sitemap.errback(failure)) == []


def test_every_request_travels_through_a_shared_frontier(spider_and_events):
    """scrapy-redis pickles each request's dict: callbacks and errbacks must be the spider's
    own methods and cb_kwargs plain values, for discovery, posts and comment pages alike."""
    spider, _ = spider_and_events
    home = _home_without_rest()
    (sitemap,) = spider.parse_home(home)
    url, text = load_fixture("api", "posts.json")
    listing = TextResponse(url, body=text.encode(), request=Request(url))
    args = {"root": f"{BASE}wp-json/", "kind": "posts", "page": 2}
    posts = _collect(spider.parse_discovery(listing, "rest", "", args))
    comments = _collect(
        spider.parse_comment_page(
            _html(load_fixture("twentytwentyone", "comment-page-2.html")), 202
        )
    )
    requests = [sitemap, posts[0], next(r for r in comments if isinstance(r, Request))]
    for request in requests:
        again = request_from_dict(
            pickle.loads(pickle.dumps(request.to_dict(spider=spider))),  # noqa: S301 - our own
            spider=spider,
        )
        assert again.callback == request.callback
        assert again.errback == request.errback
        assert again.cb_kwargs == request.cb_kwargs
        assert again.dont_filter == request.dont_filter
    assert sitemap.cb_kwargs == {"source": "sitemaps", "step": "", "args": {"top": True}}
    assert posts[0].cb_kwargs["api_post"]["link"] == posts[0].url


def test_a_record_a_source_reads_itself_goes_on_to_the_pipelines(spider_and_events):
    """A source may read records from its answers itself (a REST listing of comments):
    the spider passes them on, between the requests it sends, and tells the source
    nothing of them."""
    spider, _ = spider_and_events
    post = post_from_api(json.loads(load_fixture("api", "seed-post.json")[1]))
    told: list[bool | None] = []

    def source() -> Iterator[Any]:
        told.append((yield Fetch(f"{BASE}wp-json/wp/v2/comments", "api", "rest")))
        told.append((yield post))
        told.append((yield Fetch(f"{BASE}wp-json/wp/v2/comments", "api", "rest")))

    out = [item for item, _ in spider._run(source(), 0)]
    assert [type(item) for item in out] == [Request, Post]
    assert out[1] is post
    assert told == [True, None, False]  # the second fetch: asked for already
