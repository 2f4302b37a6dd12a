"""The ``wordpress`` spider: ``scrapy crawl wordpress -a url=https://blog.example/``.

It holds the order of the discovery sources (:meth:`WordPressSpider.order`: REST, then
sitemaps, then feeds and archive pages, a row started when a source of the row before
falls back), the one gate every request passes (:meth:`~WordPressSpider.gate`) and the
Scrapy wiring. The sources (:mod:`archiver.discovery`) say what to fetch and read the
answers; post and comment pages become records in :mod:`archiver.crawl.post_pages`. With
the site's state it resumes an interrupted crawl, and later crawls are incremental
(:mod:`archiver.discovery.incremental`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals as scrapy_signals
from scrapy.exceptions import DontCloseSpider

from archiver.crawl import signals
from archiver.crawl.extraction_pool import ExtractionPool, default_workers
from archiver.crawl.failures import fetch_failure
from archiver.crawl.known_site import open_crawl
from archiver.crawl.pacing import queue_room
from archiver.crawl.post_pages import COMMENT_PAGE, POST_PART, PostPages, through_gate
from archiver.crawl.preflight import check_url
from archiver.discovery.archive_pages import ArchivePages
from archiver.discovery.blog import Blog
from archiver.discovery.feeds import Feeds
from archiver.discovery.incremental import IncrementalListings, MissingPosts
from archiver.discovery.rest import RestListings
from archiver.discovery.rest_comments import RestComments
from archiver.discovery.sitemaps import Sitemaps
from archiver.discovery.source import POST_PAGE, FallBack, Fetch
from archiver.discovery.urls import (
    blog_scope,
    canonical,
    canonical_key,
    is_allowed,
    normalize_start_url,
    url_key,
)
from archiver.fleet.distributed import SharedCrawl
from archiver.state.idsets import KeySet

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator, Mapping

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from archiver.crawl.known_site import KnownSite
    from archiver.discovery.source import Fetches, Record, Source
    from archiver.records.items import Post, Provenance
    from archiver.state.site import CrawlRun, SiteState


class WordPressSpider(scrapy.Spider):
    name = "wordpress"

    def __init__(self, url: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError(
                "give the blog's address: scrapy crawl wordpress -a url=https://blog.example/"
            )
        self.url = normalize_start_url(check_url(url))  # as archiver crawl checks it
        self.scope = blog_scope(self.url)
        self.blog = Blog(self.url, self.scope)  # what the sources know of it
        self.crawl_dir = Path("output")
        # Canonical URLs already requested (w3lib), so no source asks twice for one page.
        self.seen = KeySet()  # discovery.canonical_key: 8 bytes, not the URL
        # With ARCHIVER_REDIS_URL: the crawl the workers share; Redis, not ``seen``, then
        # decides which worker requests a URL (see archiver.fleet.distributed).
        self.shared_crawl: SharedCrawl | None = None
        # The site's state and this crawl in it (None: no state, e.g. a rebuild).
        self.known: KnownSite | None = None
        self.site_state: SiteState | None = None
        self.crawl_run: CrawlRun | None = None
        self.missing: MissingPosts | None = None
        # Post and comment pages are read in worker processes (archiver.crawl.extraction_pool).
        self.extraction = ExtractionPool(0)
        self.pages = PostPages(self.extraction, self)
        self.rows: list[tuple[Source, ...]] = []  # the order (see order)
        self.sources: dict[str, tuple[int, Source]] = {}  # by name: (row, source)
        self.started: set[int] = set()  # rows started

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.crawl_dir, known = open_crawl(crawler.settings, spider.url)
        if known is not None:
            spider.known, spider.site_state, spider.crawl_run = known, known.state, known.run
            spider.missing = MissingPosts(spider, known)
            crawler.signals.connect(spider.ask_for_missing, signal=scrapy_signals.spider_idle)
            crawler.signals.connect(known.discovery_note, signal=signals.discovery_note)
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
        spider.pages = PostPages(spider.extraction, spider, known)
        spider.rows = spider.order()
        spider.sources = {s.name: (row, s) for row, ss in enumerate(spider.rows) for s in ss}
        return spider

    def order(self) -> list[tuple[Source, ...]]:
        """The discovery sources, best first, in rows: a row starts (once per crawl) when a
        source of the row before falls back. A new source is one line here."""
        blog, known = self.blog, self.known
        first: tuple[Source, ...]
        if known is not None and known.run.incremental:
            first = (
                IncrementalListings(blog, self, known),
                RestComments(blog, self, site_wide=False),
            )
        else:
            first = (RestListings(blog, self), RestComments(blog, self))
        return [
            first,
            (Sitemaps(blog, self, KeySet, one_at_a_time=self.shared_crawl is None),),
            (Feeds(blog, self), ArchivePages(blog, self)),
        ]

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
        self.blog.read_robots(response)

    # --- discovery -----------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[scrapy.Request | Record]:
        if not self.blog.read_home(response):
            self.fail(response.url, "home page is not HTML", response.status)
            return
        yield from (request for request, _ in self._start(0))

    async def parse_discovery(
        self, response: Response, source: str, step: str, args: Mapping[str, Any]
    ) -> AsyncIterator[scrapy.Request | Record]:
        """An answer to a discovery source's fetch, read by that source."""
        row, reader = self.sources[source]
        output = reader.read(step, response, args)
        del response  # the source lets go of it once read (a sitemap's thousands of entries)
        for request, paced in self._run(output, row):
            if paced and self.shared_crawl is None:  # other workers fill a shared frontier
                await queue_room(self.crawler)
            yield request

    def on_discovery_failure(self, failure: Failure) -> Iterator[scrapy.Request | Record]:
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        row, source = self.sources[kwargs["source"]]
        output = source.failed(kwargs["step"], fetch_failure(failure), kwargs["args"])
        yield from (request for request, _ in self._run(output, row))

    def ask_for_missing(self) -> None:
        """On spider_idle: once the crawl found all it can, the known posts it did not find."""
        if self.missing is None:
            return
        found = self.missing.at_end(lambda url: url_key(url) in self.seen)
        requests = [r for r, _ in self._run(found, len(self.rows)) if isinstance(r, scrapy.Request)]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def _start(self, row: int) -> Iterator[tuple[scrapy.Request | Record, bool]]:
        """Start the sources of ``row``, once per crawl (and per shared crawl)."""
        if row >= len(self.rows) or row in self.started:
            return
        names = ",".join(source.name for source in self.rows[row])
        if not self._claim(f"discovery:{names}"):
            return
        self.started.add(row)
        for source in self.rows[row]:
            yield from self._run(source.start(), row)

    def _run(self, output: Fetches, row: int) -> Iterator[tuple[scrapy.Request | Record, bool]]:
        """The requests (and whether paced) for the fetches a source of ``row`` yields, each
        through the gate, which tells the source whether it was sent, and its records; a
        fall back starts the next row."""
        sent: bool | None = None
        while True:
            try:
                item = output.send(sent)
            except StopIteration:
                return
            if isinstance(item, FallBack):
                sent = None
                yield from self._start(row + 1)
            elif isinstance(item, Fetch):
                request = self.gate(item)
                sent = request is not None
                if request is not None:
                    yield request, item.paced
            else:  # a record the source read itself (a REST listing of comments, say)
                sent = None
                yield item, False

    def gate(self, fetch: Fetch) -> scrapy.Request | None:
        """The one way the spider asks for a URL: in scope, not denied, once per canonical
        URL (w3lib), claimed in a shared crawl, counted per kind (``archiver/requests/<kind>``).
        None when it is not asked for."""
        if not fetch.again:
            if not is_allowed(fetch.url, self.scope):
                self._inc("archiver/requests/skipped_denied_or_out_of_scope")
                return None
            key = canonical(fetch.url)
            if (seen_key := canonical_key(key)) in self.seen:
                return None
            self.seen.add(seen_key)  # before claiming: an unclaimed URL is asked for once
            if not self._claim(key):
                return None
            self._inc(f"archiver/requests/{fetch.kind}")
        reader: Callable[..., Any]
        errback: Callable[[Failure], Any]
        if fetch.source == POST_PAGE:
            reader, errback, kwargs = self.parse_post_page, self.on_post_page_failure, fetch.args
        elif fetch.source == COMMENT_PAGE:
            reader, errback, kwargs = self.parse_comment_page, self.on_failure, fetch.args
        elif fetch.source == POST_PART:
            reader, errback, kwargs = self.parse_post_part, self.on_post_page_failure, fetch.args
        else:  # a discovery source's: plain values only (pickled by a shared frontier)
            reader, errback = self.parse_discovery, self.on_discovery_failure
            kwargs = {"source": fetch.source, "step": fetch.step, "args": dict(fetch.args)}
        # awaited: Scrapy's duplicate filter must not drop it silently after a redirect.
        again = fetch.awaited or fetch.again
        return scrapy.Request(
            fetch.url, reader, errback=errback, cb_kwargs=dict(kwargs), dont_filter=again
        )

    # --- posts and comments (read by archiver.crawl.post_pages) --------------------------

    def parse_post_page(
        self,
        response: Response,
        api_post: Mapping[str, Any] | None = None,
        api_source: Provenance | None = None,
    ) -> AsyncIterator[Any]:
        return through_gate(self.pages.read_post(response, api_post, api_source), self.gate)

    def parse_comment_page(self, response: Response, post_id: int | None) -> AsyncIterator[Any]:
        return through_gate(self.pages.read_comments(response, post_id), self.gate)

    def parse_post_part(
        self, response: Response, post: Post, bodies: list[str], pages: list[str]
    ) -> AsyncIterator[Any]:
        return through_gate(self.pages.read_part(response, post, bodies, pages), self.gate)

    def on_post_page_failure(self, failure: Failure) -> Iterator[Any]:
        """A post page's or a multi-page post's part's errback."""
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        yield from self.pages.page_failed(fetch_failure(failure), kwargs)

    def on_failure(self, failure: Failure) -> None:
        # A redirected request failed: the URL the spider asked for is the one not archived.
        why = fetch_failure(failure)
        self.fail(why.asked_for, why.reason, why.status)

    # --- what the sources tell the crawl (archiver.discovery.source.Reporter) -------------

    def note(self, key: str, value: object) -> None:
        self.crawler.signals.send_catch_log(signals.discovery_note, key=key, value=value)

    def fail(self, url: str, reason: str, status: int | None = None) -> None:
        self.logger.warning("not archived: %s (%s)", url, reason)
        self.crawler.signals.send_catch_log(
            signals.url_failed, url=url, reason=reason, status=status
        )

    def declare(self, by: str, counts: Mapping[str, int]) -> None:
        self.note("declared_by", by)
        for kind, count in counts.items():
            self.note(f"declared_{kind}", count)

    def _claim(self, name: str) -> bool:
        """Whether this process is the one to request ``name`` (always, but in a shared crawl)."""
        return self.shared_crawl is None or self.shared_crawl.claim(name)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
