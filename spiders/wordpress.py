"""The ``wordpress`` spider: ``scrapy crawl wordpress -a url=https://blog.example/``.

It only decides what to fetch, best source first (REST API, then sitemaps, then feeds and
HTML archive pages), and hands every page to the pure functions of :mod:`archiver`. Every
request goes through ``_request``: in scope, not denied, once per canonical URL.

With the site's state (:mod:`archiver.state.site`) it resumes an interrupted crawl in its
folder, and once a crawl has finished the next ones are incremental: cheap REST listings
of every post id with its ``modified`` time and every comment id (about one request per
100) tell new, edited and deleted posts and new and deleted comments; only the changed
posts and the posts whose thread changed are fetched (full REST objects, then pages),
with a small budget of known posts' pages rechecked (``ARCHIVER_REVALIDATE_*``): what the
listings cannot show (a theme change, a thread on a blog without REST comments) is caught
in turn, and unchanged pages become revisit records. Crawls without REST listings (full
ones, sitemap, feed and HTML ones) ask at their end for the known posts they did not
find: a 404 or 410 is a deletion (see :func:`archiver.state.site.infer_deletions`).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter, deque
from collections.abc import Sized
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals as scrapy_signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from archiver.crawl import signals
from archiver.crawl.extraction_pool import ExtractionPool, default_workers
from archiver.discovery.archive_pages import archive_links, page_links
from archiver.discovery.feeds import feed_entry_links, feed_links, is_comments_feed
from archiver.discovery.rest import API_PAGE_SIZE, api_listing_url, api_url, find_api_root
from archiver.discovery.sitemaps import (
    is_post_sitemap,
    robots_sitemaps,
    sitemap_post_type,
    sitemap_urls,
)
from archiver.discovery.urls import blog_scope, canonical, canonical_key, is_allowed, url_key
from archiver.extract.comments import comment_page_key
from archiver.extract.page import parse_html
from archiver.extract.posts import int_or_none, merge_posts, post_from_api
from archiver.extract.records import PageRecords, describe, read_comment_page, read_post_page
from archiver.fleet.distributed import SharedCrawl
from archiver.records.items import Post, Provenance
from archiver.state.idsets import KeyMap, KeySet
from archiver.state.layout import new_crawl_dir
from archiver.state.posttable import KnownPost
from archiver.state.site import SiteState, apply_listing, pick_revalidations, revalidation_budget

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator, Mapping

    from lxml.html import HtmlElement
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from archiver.state.site import CrawlRun

API_KINDS = ("posts", "pages")
# What an incremental crawl lists of every post and comment: enough to tell what changed.
_LISTING_FIELDS = {"posts": "id,link,modified_gmt", "pages": "id,link,modified_gmt"}
_LISTING_FIELDS["comments"] = "id,post"
# Posts from a sitemap are queued while the scheduler holds fewer requests than this: enough
# to keep CONCURRENT_REQUESTS busy for a while, few enough to keep memory flat.
QUEUE_LOW_WATER = 64
QUEUE_POLL_SECONDS = 0.05


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
        self.html_fallback_started = False
        # What the home page and robots.txt said, for the fallbacks.
        self.home: tuple[str, HtmlElement] | None = None
        self.feeds: list[str] = []
        self.robots_sitemaps: list[str] = []
        self.sitemap_guesses: list[str] = []
        # Canonical URLs already requested (w3lib), so no source asks twice for one page.
        self.seen = KeySet()  # discovery.canonical_key: 8 bytes, not the URL
        # Comment pages asked for or seen: keys of (thread, page number), as for `seen`.
        self.comment_pages = KeySet()
        # Canonical URLs the post and page sitemaps list, by post type.
        self.sitemap_entries: dict[str, KeySet] = {}  # url_key
        # Sources made of several requests (sitemaps, feeds): requests still out, used ones.
        self.pending: Counter[str] = Counter()
        self.used: set[str] = set()
        # Post sitemaps a sitemap index listed, fetched one after the other (see parse_sitemap).
        self.sitemap_backlog: deque[scrapy.Request] = deque()
        # With ARCHIVER_REDIS_URL: the crawl the workers share; Redis, not ``seen``, then
        # decides which worker requests a URL (see archiver.fleet.distributed).
        self.shared_crawl: SharedCrawl | None = None
        # Post and comment pages are read in worker processes (see archiver.crawl.extraction_pool).
        self.extraction = ExtractionPool(0)
        # The site's state and this crawl in it (None: no state, e.g. a rebuild).
        self.site_state: SiteState | None = None
        self.crawl_run: CrawlRun | None = None
        # Incremental crawls: the id listings, per kind, until all their pages are in.
        self.listings: dict[str, list[dict[str, Any]]] = {}
        # Known posts' pages rechecked per incremental crawl: (share of the known, minimum).
        self.revalidate = (0.005, 1)
        # Known posts by canonical link (a 404 there is a deletion); asked for at the end.
        self.known_links = KeyMap()  # url_key -> post id
        self.missing_asked = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        # A folder named by the caller: a rebuild from the WARC, or a scheduled job (whose
        # scheduler looks for the summary there).
        explicit = settings.get("ARCHIVER_CRAWL_DIR")
        root = Path(settings.get("ARCHIVER_OUTPUT_DIR", "output")).resolve()
        started = datetime.now(UTC)

        def new_dir() -> Path:
            if explicit:
                return Path(explicit).resolve()
            return new_crawl_dir(root, spider.url, started)

        # A shared (Redis) crawl resumes through its frontier, not through one machine's
        # state file: the state is the single-process crawl's.
        if settings.getbool("ARCHIVER_STATE_ENABLED", True) and not settings.get(
            "ARCHIVER_REDIS_URL"
        ):
            # The state picks the folder: the interrupted crawl's, or a new one. A crawl told
            # its folder starts there rather than resuming another one.
            state = SiteState.for_crawl(root, spider.url)
            run = state.begin_crawl(
                new_dir,
                full=settings.getbool("ARCHIVER_FULL_CRAWL", False),
                resume=settings.getbool("ARCHIVER_RESUME", True) and not explicit,
            )
            spider.site_state, spider.crawl_run = state, run
            spider.crawl_dir = run.crawl_dir
            for post in run.known_posts.values():
                spider.known_links[url_key(post.link)] = post.id
            spider.revalidate = (
                settings.getfloat("ARCHIVER_REVALIDATE_SHARE", 0.005),
                settings.getint("ARCHIVER_REVALIDATE_MIN", 1),
            )
            crawler.signals.connect(spider.ask_for_missing, signal=scrapy_signals.spider_idle)
        else:
            spider.crawl_dir = new_dir()
        # With ARCHIVER_REDIS_URL: one crawl folder for all the workers, one folder each in it.
        spider.shared_crawl = SharedCrawl.from_settings(crawler.settings, spider.url)
        if spider.shared_crawl is not None:
            spider.crawl_dir = spider.shared_crawl.worker_dir(spider.crawl_dir)
        # RobotsTxtMiddleware fetches robots.txt before the home page; its Sitemap: lines are
        # read from that response rather than fetched a second time.
        crawler.signals.connect(spider.response_received, signal=scrapy_signals.response_received)
        workers = crawler.settings.get("ARCHIVER_EXTRACT_WORKERS")
        spider.extraction = ExtractionPool(
            default_workers() if workers in (None, "") else int(workers)
        )
        return spider

    def closed(self, reason: str) -> None:
        self.extraction.close()

    async def start(self) -> AsyncIterator[Any]:
        # Sitemaps list the home page too: it is fetched once, here.
        self.seen.add(url_key(self.url))
        if not self._claim(canonical(self.url)):
            return  # another worker of the shared crawl fetches it
        self._inc("archiver/requests/home")
        yield scrapy.Request(self.url, callback=self.parse_home, errback=self.on_failure)

    def response_received(self, response: Response) -> None:
        parts = urlsplit(response.url)
        if (
            parts.path == "/robots.txt"
            and parts.netloc.lower() == self.scope[0]
            and response.status == 200
        ):
            self.robots_sitemaps = robots_sitemaps(response.url, response.body)

    # --- discovery -----------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self._fail(response.url, "home page is not HTML", response.status)
            return
        page = parse_html(response.text)
        self.home = (response.url, page)
        self.feeds = [url for url in feed_links(response.url, page) if not is_comments_feed(url)]
        link_headers = [h.decode("latin-1") for h in response.headers.getlist("Link")]
        root = find_api_root(response.url, link_headers, page)
        if not root or not self._allowed(root):
            self._note("rest_api", "not advertised" if not root else f"out of scope: {root}")
            yield from self._fallback()
            return
        self._note("rest_api_root", root)
        if self.crawl_run is not None and self.crawl_run.incremental:
            for kind in (*API_KINDS, "comments"):
                yield from self._listing_request(root, kind, 1)
            return
        for kind in API_KINDS:
            yield from self._api_request(root, kind, 1)

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
            self._note("declared_by", "rest_api")
            self._note(f"declared_{kind}", total)
            for next_page in range(2, total_pages + 1):
                yield from self._api_request(root, kind, next_page)
        source = provenance(response, "api")
        for obj in objects:
            link = str(obj.get("link") or "")
            if not link or not self._allowed(link):
                reason = f"{kind} object {obj.get('id')} has no link in scope"
                self._fail(link or response.url, reason)
                continue
            yield from self._request(
                link,
                "post",
                self.parse_post_page,
                self.on_post_page_failure,
                cb_kwargs={"api_post": obj, "api_source": source},
            )

    def parse_id_listing(
        self, response: Response, root: str, kind: str, page: int
    ) -> Iterator[Any]:
        """One page of an incremental crawl's listing of every id; once all are in, fetch
        what changed."""
        objects = _json_list(response)
        if objects is None:
            self._note("rest_api", f"unusable: {response.url} did not return a JSON list")
            yield from self._fallback()
            return
        if page == 1:
            self._note("rest_api", "used")
            if kind in API_KINDS:
                self._note("declared_by", "rest_api")
                total = _int_header(response, b"X-WP-Total", default=len(objects))
                self._note(f"declared_{kind}", total)
            total_pages = _int_header(response, b"X-WP-TotalPages", default=1)
            for next_page in range(2, total_pages + 1):
                yield from self._listing_request(root, kind, next_page)
        self.listings.setdefault(kind, []).extend(objects)
        self.pending["listing"] -= 1
        if self.pending["listing"] == 0:
            yield from self._fetch_changes(root)

    def _fetch_changes(self, root: str) -> Iterator[Any]:
        assert self.crawl_run is not None  # noqa: S101 - listings are for incremental crawls
        kinds: dict[int, str] = {}
        posts = []
        for kind in API_KINDS:
            for obj in self.listings.get(kind, []):
                post_id = int_or_none(obj.get("id"))
                if post_id is None:
                    continue
                kinds[post_id] = kind
                # The same value post_from_api gives Post.modified: UTC, offset explicit.
                modified = f"{obj['modified_gmt']}+00:00" if obj.get("modified_gmt") else ""
                posts.append(KnownPost(post_id, kind[:-1], str(obj.get("link", "")), modified))
        comments = [
            (comment_id, int_or_none(obj.get("post")))
            for obj in self.listings.get("comments", [])
            if (comment_id := int_or_none(obj.get("id"))) is not None
        ]
        changed, threads = apply_listing(self.crawl_run, posts, comments)
        rechecked = self._revalidation(posts, changed | threads)
        yield from self._revalidate(rechecked)
        for kind in API_KINDS:
            ids = sorted(pid for pid in changed | threads if kinds.get(pid) == kind)
            listed = sum(1 for k in kinds.values() if k == kind)
            # Not fetched at all (rechecked pages count when their records come in).
            fetched = len(ids) + sum(1 for post in rechecked if kinds.get(post.id) == kind)
            self._note(f"unchanged_{kind}", listed - fetched)
            for start in range(0, len(ids), API_PAGE_SIZE):
                chunk = ",".join(str(pid) for pid in ids[start : start + API_PAGE_SIZE])
                yield from self._request(
                    api_url(
                        root,
                        f"wp/v2/{kind}",
                        {
                            "include": chunk,
                            "per_page": API_PAGE_SIZE,
                            "_embed": "author,wp:term",
                            "orderby": "id",
                            "order": "asc",
                        },
                    ),
                    "api",
                    self.parse_api_listing,
                    self.on_api_failure,
                    # page 0: these posts only, no declared total, no further page
                    cb_kwargs={"root": root, "kind": kind, "page": 0},
                )

    def _revalidation(self, listed: list[KnownPost], fetched: set[int]) -> list[KnownPost]:
        """The few known posts the listings say are unchanged whose pages are rechecked."""
        assert self.site_state is not None  # noqa: S101 - listings are for incremental crawls
        assert self.crawl_run is not None  # noqa: S101
        known = {post.id: post for post in listed if post.id in self.crawl_run.known_posts}
        share, minimum = self.revalidate
        budget = revalidation_budget(len(known), share, minimum)
        recent, rotation = self.site_state.revalidation_order(self.crawl_run)
        picked = pick_revalidations(recent, rotation, set(known) - fetched, budget)
        return [known[post_id] for post_id in picked]

    def _revalidate(self, posts: list[KnownPost]) -> Iterator[Any]:
        """Recheck posts' pages (a conditional GET where the page had validators; an
        identical page is a revisit record, a changed one is captured in full)."""
        for post in posts:
            yield from self._request(
                post.link, "revalidate", self.parse_post_page, self.on_post_page_failure
            )

    def ask_for_missing(self) -> None:
        """Once a crawl without REST listings has found all it can, ask for the known
        posts it did not find: still there (captured), or gone (404/410: deleted)."""
        run = self.crawl_run
        if run is None or run.listings_compared or self.missing_asked:
            return
        self.missing_asked = True
        captured = set(run.captured_posts) | run.changes["deleted_posts"]
        missing = [
            post
            for post in run.known_posts.values()
            if post.id not in captured and url_key(post.link) not in self.seen
        ]
        self._note("known_posts_not_found", len(missing))
        requests = [
            request
            for post in missing
            for request in self._request(
                post.link, "known_post", self.parse_post_page, self.on_post_page_failure
            )
        ]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def on_api_failure(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        self._note("rest_api", f"unusable: {request.url}: {_reason(failure)}")
        yield from self._fallback()

    async def parse_sitemap(self, response: Response, top: bool = False) -> AsyncIterator[Any]:
        try:
            kind, locations = sitemap_urls(response.body)
        except Exception as error:  # a sitemap that is not XML: say so, fall back further
            for request in self._sitemap_failed(response.url, describe(error), top):
                yield request
            return
        if top:
            self._source_done("sitemap")
        if kind == "sitemapindex":
            for location in locations:
                if is_post_sitemap(location):
                    self.sitemap_backlog.extend(
                        # awaited: the next one is asked for from its callback or errback
                        self._request(
                            location,
                            "sitemap",
                            self.parse_sitemap,
                            self.on_sitemap_failure,
                            awaited=True,
                        )
                    )
            for request in self._next_sitemaps():
                yield request
            return
        self._declare_from_sitemap(response.url, locations)
        for location in locations:
            # A sitemap lists up to 2,000 posts: they join the queue as it drains, so
            # the crawl's memory does not grow with the blog.
            await self._queue_room()
            for request in self._request(
                location, "post", self.parse_post_page, self.on_post_page_failure
            ):
                yield request
        del response, locations  # not held while the next sitemap is read
        for request in self._next_sitemaps():
            yield request

    def _next_sitemaps(self) -> Iterator[scrapy.Request]:
        """The next post sitemap of the index: one at a time, each once the posts of the
        one before joined the queue, so that a blog's size does not decide how many
        sitemaps (their bodies and entries) wait in memory. All at once in a shared
        (Redis) crawl, where another worker may read the sitemap."""
        while self.sitemap_backlog:
            yield self.sitemap_backlog.popleft()
            if self.shared_crawl is None:
                return

    async def _queue_room(self) -> None:
        """Wait until Scrapy's scheduler holds fewer than ``QUEUE_LOW_WATER`` requests.

        Not in a shared (Redis) crawl, whose frontier other workers fill, nor without the
        asyncio reactor."""
        engine = getattr(self.crawler, "engine", None)
        scheduler = getattr(engine, "scheduler", None)
        if self.shared_crawl is not None or not isinstance(scheduler, Sized):
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        while len(scheduler) >= QUEUE_LOW_WATER:
            await asyncio.sleep(QUEUE_POLL_SECONDS)

    def _declare_from_sitemap(self, url: str, locations: list[str]) -> None:
        """Without the REST API, the post and page sitemaps are what the blog declares: their
        entries are counted, but not the home page (first in the page sitemap, and in Yoast's
        and Rank Math's post sitemap too) nor a page the post sitemap repeats (the posts page
        of a static front page)."""
        post_type = sitemap_post_type(url)
        if post_type not in {"post", "page"}:
            return
        home = url_key(self.url)
        entries = self.sitemap_entries.setdefault(post_type, KeySet())
        entries.update(key for key in map(url_key, locations) if key != home)
        pages = self.sitemap_entries.get("page", KeySet())
        posts = self.sitemap_entries.get("post", KeySet())
        # Counted, not subtracted: no set of every post is made for each sitemap.
        posts_not_pages = len(posts) - sum(1 for key in pages if key in posts)
        self._note("declared_by", "sitemap")
        self._note("declared_posts", posts_not_pages)
        self._note("declared_pages", len(pages))

    def on_sitemap_failure(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        top = bool(request.cb_kwargs.get("top"))
        yield from self._sitemap_failed(request.url, _reason(failure), top, _status(failure))

    def _sitemap_failed(
        self, url: str, reason: str, top: bool, status: int | None = None
    ) -> Iterator[Any]:
        if top:  # a sitemap to try: unusable when every one tried failed
            if self._source_done("sitemap", f"{url}: {reason}"):
                if status in {404, 410}:  # sitemaps are off, not merely elsewhere
                    self.sitemap_guesses.clear()
                if self.sitemap_guesses:
                    yield from self._try_sitemaps([self.sitemap_guesses.pop(0)])
                else:
                    yield from self._html_fallback()
            return
        # A posts sitemap the index listed failed: its posts may only be found in the HTML.
        self._fail(url, f"unusable sitemap: {reason}", status)
        yield from self._next_sitemaps()
        yield from self._html_fallback()

    def parse_feed(self, response: Response) -> Iterator[Any]:
        try:
            links = feed_entry_links(response.url, response.body)
        except ValueError as error:
            self._source_done("feeds", f"{response.url}: {error}")
            return
        self._source_done("feeds")
        for url in links:
            yield from self._request(url, "post", self.parse_post_page, self.on_post_page_failure)

    def on_feed_failure(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._source_done("feeds", f"{request.url}: {_reason(failure)}")

    def parse_archive_page(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        yield from self._archive_page(response.url, parse_html(response.text))

    def _archive_page(self, url: str, page: HtmlElement) -> Iterator[Any]:
        posts, next_page = archive_links(url, page)
        for post_url in [*posts, *page_links(url, page)]:
            yield from self._request(
                post_url, "post", self.parse_post_page, self.on_post_page_failure
            )
        if next_page:
            yield from self._request(next_page, "archive", self.parse_archive_page)

    # --- posts and comments --------------------------------------------------------------

    async def parse_post_page(
        self,
        response: Response,
        api_post: Mapping[str, Any] | None = None,
        api_source: Provenance | None = None,
    ) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            api = self._post_from_api(response.url, api_post, api_source)
            self._fail(response.url, "post page is not HTML", response.status)
            if api is not None:
                yield api
            return
        records = await self.extraction.run(read_post_page, response.url, response.text, api_post)
        api = records.api_post
        if records.api_error:
            self._fail(response.url, f"unreadable REST object: {records.api_error}")
        elif api is not None:
            api.provenance = [api_source] if api_source else []
        if records.html_post is None:
            self._fail(response.url, f"extraction error: {records.error}", response.status)
            if api is not None:
                yield api
            return
        records.html_post.provenance = [provenance(response, "html")]
        post = merge_posts(api, records.html_post)
        yield post
        for item in self._comments(response, records, post.id):
            yield item

    async def parse_comment_page(
        self, response: Response, post_id: int | None
    ) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self._fail(response.url, "comment page is not HTML", response.status)
            return
        records = await self.extraction.run(read_comment_page, response.url, response.text, post_id)
        if records.error:
            self._fail(response.url, f"extraction error: {records.error}", response.status)
        for item in self._comments(response, records, post_id):
            yield item

    def _comments(
        self, response: TextResponse, records: PageRecords, post_id: int | None
    ) -> Iterator[Any]:
        source = provenance(response, "html")
        for comment in records.comments:
            # The post's id as merged with the API's, whatever the page itself showed.
            comment.post_id = post_id
            comment.provenance = [source]
            yield comment
        # The post's URL shows one comment page (the newest or the oldest) that pagination
        # links again as /comment-page-N/: pages are told apart by number, not by URL.
        if records.shown_comment_page is not None:
            thread = comment_page_key(response.url)[0]
            self.comment_pages.add(_thread_page_key(thread, records.shown_comment_page))
        for url in records.comment_pages:
            key = _thread_page_key(*comment_page_key(url))
            if key in self.comment_pages:
                continue
            self.comment_pages.add(key)
            yield from self._request(
                url, "comment_page", self.parse_comment_page, cb_kwargs={"post_id": post_id}
            )

    def on_post_page_failure(self, failure: Failure) -> Iterator[Any]:
        """The page failed; what the API said of the post is still archived. A known
        post's page answering 404 or 410 is no failure: the post was deleted (unless the
        REST API listed it in this crawl: then its page failed)."""
        request = failure.request  # type: ignore[attr-defined]
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        known = self.known_links.get(url_key(url))
        run = self.crawl_run
        if (
            known is not None
            and run is not None
            and not run.listings_compared
            and request.cb_kwargs.get("api_post") is None
            and _status(failure) in {404, 410}
        ):
            self.logger.info("deleted: %s (HTTP %s)", url, _status(failure))
            run.changes["deleted_posts"].add(known)
            return
        self.on_failure(failure)
        kwargs = request.cb_kwargs
        api = self._post_from_api(request.url, kwargs.get("api_post"), kwargs.get("api_source"))
        if api is not None:
            yield api

    def on_failure(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        # A redirected request failed: the URL the spider asked for is the one not archived.
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        self._fail(url, _reason(failure), _status(failure))

    # --- helpers -------------------------------------------------------------------------

    def _request(
        self,
        url: str,
        kind: str,
        callback: Callable[..., Any],
        errback: Callable[[Failure], Any] | None = None,
        cb_kwargs: dict[str, Any] | None = None,
        awaited: bool = False,
    ) -> Iterator[scrapy.Request]:
        """The one way the spider asks for a URL: in scope, not denied, once per canonical
        URL (w3lib), counted per kind (``archiver/requests/<kind>``).

        ``awaited``: the crawl waits for its callback or errback (a discovery source), so
        Scrapy's duplicate filter must not drop it silently after a redirect to a URL seen.
        """
        if not self._allowed(url):
            self._inc("archiver/requests/skipped_denied_or_out_of_scope")
            return
        key = canonical(url)
        seen_key = canonical_key(key)
        if seen_key in self.seen:
            return
        self.seen.add(seen_key)
        if not self._claim(key):
            return
        self._inc(f"archiver/requests/{kind}")
        yield scrapy.Request(
            url,
            callback=callback,
            errback=errback or self.on_failure,
            cb_kwargs=cb_kwargs,
            dont_filter=awaited,
        )

    def _api_request(self, root: str, kind: str, page: int) -> Iterator[scrapy.Request]:
        yield from self._request(
            api_listing_url(root, kind, page),
            "api",
            self.parse_api_listing,
            self.on_api_failure,
            cb_kwargs={"root": root, "kind": kind, "page": page},
        )

    def _listing_request(self, root: str, kind: str, page: int) -> Iterator[scrapy.Request]:
        params: dict[str, str | int] = {
            "per_page": API_PAGE_SIZE,
            "page": page,
            "_fields": _LISTING_FIELDS[kind],
            "orderby": "id",
            "order": "asc",
        }
        requests = list(
            self._request(
                api_url(root, f"wp/v2/{kind}", params),
                "api",
                self.parse_id_listing,
                self.on_api_failure,
                cb_kwargs={"root": root, "kind": kind, "page": page},
            )
        )
        self.pending["listing"] += len(requests)
        yield from requests

    def _fallback(self) -> Iterator[Any]:
        """Discovery without the REST API: the sitemaps robots.txt names, else the core
        sitemap (pretty, then plain permalinks); feeds and archive pages when no sitemap
        is usable."""
        if self.fallback_started or not self._claim("discovery:fallback"):
            return
        self.fallback_started = True
        sitemaps = [url for url in self.robots_sitemaps if self._allowed(url)]
        if sitemaps:
            self._note("sitemap_sources", f"robots.txt: {', '.join(sitemaps)}")
            yield from self._try_sitemaps(sitemaps)
        else:
            # Under plain permalinks /wp-sitemap.xml is not routed; ?sitemap=index always is.
            self.sitemap_guesses = [urljoin(self.url, "?sitemap=index")]
            yield from self._try_sitemaps([urljoin(self.url, "wp-sitemap.xml")])

    def _try_sitemaps(self, urls: list[str]) -> Iterator[Any]:
        for url in urls:
            requests = list(
                self._request(
                    url,
                    "sitemap",
                    self.parse_sitemap,
                    self.on_sitemap_failure,
                    cb_kwargs={"top": True},
                    awaited=True,
                )
            )
            self.pending["sitemap"] += len(requests)
            yield from requests
        if not self.pending["sitemap"]:
            self._note("sitemap", "none in scope")
            yield from self._html_fallback()

    def _html_fallback(self) -> Iterator[Any]:
        """Last resort: the feeds (latest posts only) and the archive pages from the home
        page on, with the pages its menu links."""
        if self.html_fallback_started or not self._claim("discovery:html_fallback"):
            return
        self.html_fallback_started = True
        feeds = [url for url in self.feeds if self._allowed(url)] or [urljoin(self.url, "feed/")]
        for url in feeds:
            requests = list(
                self._request(url, "feed", self.parse_feed, self.on_feed_failure, awaited=True)
            )
            self.pending["feeds"] += len(requests)
            yield from requests
        self._note("archive_pages", "used")
        if self.home is not None:  # the home page is archive page 1: not fetched again
            yield from self._archive_page(*self.home)
        elif self.shared_crawl is not None:  # another worker read it: read it again here
            yield scrapy.Request(self.url, callback=self.parse_archive_page, dont_filter=True)

    def _source_done(self, source: str, error: str = "") -> bool:
        """One request of ``source`` ended; True when the whole source proved unusable."""
        self.pending[source] -= 1
        if not error:
            if source not in self.used:
                self.used.add(source)
                self._note(source, "used")
            return False
        if self.pending[source] <= 0 and source not in self.used:
            self._note(source, f"unusable: {error}")
            return True
        return False

    def _claim(self, name: str) -> bool:
        """True when this process is the one to request ``name`` (always, unless the
        frontier is shared by several workers)."""
        return self.shared_crawl is None or self.shared_crawl.claim(name)

    def _inc(self, key: str) -> None:
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.inc_value(key)

    def _post_from_api(
        self, url: str, api_post: Mapping[str, Any] | None, api_source: Provenance | None
    ) -> Post | None:
        if api_post is None:
            return None
        try:
            post = post_from_api(api_post)
        except Exception as error:  # a malformed API object: the page may still do
            self._fail(url, f"unreadable REST object: {describe(error)}")
            return None
        post.provenance = [api_source] if api_source else []
        return post

    def _allowed(self, url: str) -> bool:
        return is_allowed(url, self.scope)

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


def _thread_page_key(thread: str, page: int | None) -> int:
    """A comment page's key: its thread's canonical URL (no space in it) and its number."""
    return canonical_key(f"{thread} {page}")


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


def _status(failure: Failure) -> int | None:
    error = failure.value
    return int(error.response.status) if isinstance(error, HttpError) else None


def _reason(failure: Failure) -> str:
    status = _status(failure)
    if status is not None:
        return f"HTTP {status}"
    error = failure.value
    return describe(error) if error is not None else failure.getErrorMessage()
