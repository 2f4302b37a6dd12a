"""Sitemaps: core ``/wp-sitemap.xml``, Yoast's and Rank Math's, and robots.txt ``Sitemap:``
lines; :class:`Sitemaps`, the source when the REST API is not usable.

Read with Scrapy's own :class:`~scrapy.utils.sitemap.Sitemap` parser (a pure function: no
entities, no network), not by hand. Only post and page sitemaps are followed, never users
or terms.
"""

from __future__ import annotations

import re
from collections import deque
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urljoin, urlsplit

from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from archiver.discovery.source import FALL_BACK, Attempts, Failure, Fetch, post_page
from archiver.discovery.urls import is_allowed, url_key
from archiver.extract.records import describe

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from archiver.discovery.blog import Blog
    from archiver.discovery.source import Answer, Fetches, Reporter


class Keys(Protocol):
    """A set of 64-bit keys (a ``set``; :class:`archiver.state.idsets.KeySet` is compact)."""

    def update(self, values: Iterable[int], /) -> None: ...
    def __contains__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[int]: ...


def sitemap_urls(body: bytes) -> tuple[str, list[str]]:
    """``("sitemapindex" | "urlset", locations)`` of a sitemap document.

    :raises ValueError: when ``body`` is no sitemap: Scrapy's parser recovers from anything,
        and an HTML page answered with 200 (``/wp-sitemap.xml`` under plain permalinks
        shows the home page) would pass for an empty sitemap.
    """
    sitemap = Sitemap(body)
    if sitemap.type not in {"sitemapindex", "urlset"}:
        raise ValueError(f"not a sitemap: <{sitemap.type}>")
    return sitemap.type, [entry["loc"] for entry in sitemap if entry.get("loc")]


def is_post_sitemap(url: str) -> bool:
    """Sitemaps name each provider: posts and pages are content, users and terms not.

    Core (``wp-sitemap-posts-post-1.xml``, ``?sitemap=posts&sitemap-subtype=page``), Yoast
    and Rank Math (``post-sitemap.xml``, ``page-sitemap2.xml``).
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if query.get("sitemap"):  # core sitemaps under plain permalinks
        return query["sitemap"] == "posts"
    name = parts.path.rsplit("/", 1)[-1]
    return bool(re.fullmatch(r"wp-sitemap-posts-[^/]+\.xml|(?:post|page)-sitemap\d*\.xml", name))


def sitemap_post_type(url: str) -> str:
    """The post type a post sitemap lists (``post``, ``page``, ...), "" when not one.

    Core: ``wp-sitemap-posts-<type>-N.xml`` or ``?sitemap=posts&sitemap-subtype=<type>``;
    Yoast and Rank Math: ``<type>-sitemap[N].xml``.
    """
    if not is_post_sitemap(url):
        return ""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if query.get("sitemap"):
        return query.get("sitemap-subtype", "")
    name = parts.path.rsplit("/", 1)[-1]
    match = re.fullmatch(r"wp-sitemap-posts-(.+)-\d+\.xml|(post|page)-sitemap\d*\.xml", name)
    return (match.group(1) or match.group(2)) if match else ""


def robots_sitemaps(base_url: str, robots_txt: str | bytes) -> list[str]:
    """The sitemaps a robots.txt names in its ``Sitemap:`` lines, in order, once each."""
    found: list[str] = []
    for url in sitemap_urls_from_robots(robots_txt, base_url=base_url):
        if url and url not in found:
            found.append(url)
    return found


class Sitemaps:
    """Every post and page the blog's post sitemaps list: those robots.txt names, else
    the core sitemap (``/wp-sitemap.xml``, then ``?sitemap=index``, which plain permalinks
    route too). Their entries declare how many posts and pages the blog has.

    A sitemap index's post sitemaps are asked for one at a time, each once the entries of
    the one before joined the queue (paced: as the queue drains), so that a blog's size
    does not decide how many sitemaps (bodies and entries) wait in memory; all at once in
    a shared crawl (``one_at_a_time=False``), where another worker may read each.

    Falls back when no sitemap tried is usable, and when a post sitemap fails (its posts
    may then only be found in the HTML).

    :param key_set: a set of 64-bit URL keys (:func:`~archiver.discovery.urls.url_key`),
        compact: a sitemap lists up to 2,000 entries, a blog thousands.
    """

    name = "sitemaps"

    def __init__(
        self,
        blog: Blog,
        reporter: Reporter,
        key_set: Callable[[], Keys],
        *,
        one_at_a_time: bool = True,
    ) -> None:
        self.blog = blog
        self.reporter = reporter
        self.key_set = key_set
        self.one_at_a_time = one_at_a_time
        self.attempts = Attempts("sitemap", reporter)
        self.guesses: list[str] = []  # where the core sitemap may be, tried in turn
        self.backlog: deque[Fetch] = deque()  # an index's post sitemaps not asked for yet
        self.entries: dict[str, Keys] = {}  # post type -> entries' url_key

    def start(self) -> Fetches:
        sitemaps = [url for url in self.blog.robots_sitemaps if is_allowed(url, self.blog.scope)]
        if sitemaps:
            self.reporter.note("sitemap_sources", f"robots.txt: {', '.join(sitemaps)}")
            yield from self._try(sitemaps)
        else:
            # Under plain permalinks /wp-sitemap.xml is not routed; ?sitemap=index always is.
            self.guesses = [urljoin(self.blog.url, "?sitemap=index")]
            yield from self._try([urljoin(self.blog.url, "wp-sitemap.xml")])

    def _try(self, urls: list[str]) -> Fetches:
        for url in urls:
            fetch = Fetch(url, "sitemap", self.name, args={"top": True}, awaited=True)
            self.attempts.sent((yield fetch))
        if not self.attempts.out:
            self.reporter.note("sitemap", "none in scope")
            yield FALL_BACK

    def read(self, step: str, answer: Answer, args: Mapping[str, Any]) -> Fetches:
        top = bool(args.get("top"))
        try:
            kind, locations = sitemap_urls(answer.body)
        except Exception as error:  # a sitemap that is not XML: say so, fall back further
            yield from self._failed(Failure(answer.url, describe(error)), top)
            return
        if top:
            self.attempts.done()
        if kind == "sitemapindex":
            self.backlog.extend(
                Fetch(location, "sitemap", self.name, awaited=True)  # asked for in turn
                for location in locations
                if is_post_sitemap(location)
            )
            yield from self._next()
            return
        self._declare(answer.url, locations)
        for location in locations:
            yield post_page(location, paced=True)
        del answer, locations  # not held while the next sitemap is read
        yield from self._next()

    def failed(self, step: str, failure: Failure, args: Mapping[str, Any]) -> Fetches:
        yield from self._failed(failure, bool(args.get("top")))

    def _failed(self, failure: Failure, top: bool) -> Fetches:
        if top:  # a sitemap to try: unusable when every one tried failed
            if self.attempts.done(f"{failure.url}: {failure.reason}"):
                if failure.status in {404, 410}:  # sitemaps are off, not merely elsewhere
                    self.guesses.clear()
                if self.guesses:
                    yield from self._try([self.guesses.pop(0)])
                else:
                    yield FALL_BACK
            return
        # A posts sitemap the index listed failed: its posts may only be found in the HTML.
        self.reporter.fail(failure.url, f"unusable sitemap: {failure.reason}", failure.status)
        yield from self._next()
        yield FALL_BACK

    def _next(self) -> Fetches:
        """The index's next post sitemap (the next one the crawl asks for: one it already
        asked for, or out of scope, is passed over), or all of them."""
        while self.backlog:
            sent = yield self.backlog.popleft()
            if sent and self.one_at_a_time:
                return

    def _declare(self, url: str, locations: list[str]) -> None:
        """Without the REST API, the post and page sitemaps are what the blog declares: their
        entries are counted, but not the home page (first in the page sitemap, and in Yoast's
        and Rank Math's post sitemap too) nor a page the post sitemap repeats (the posts page
        of a static front page)."""
        post_type = sitemap_post_type(url)
        if post_type not in {"post", "page"}:
            return
        home = url_key(self.blog.url)
        entries = self.entries.setdefault(post_type, self.key_set())
        entries.update(key for key in map(url_key, locations) if key != home)
        pages = self.entries.get("page", ())
        posts = self.entries.get("post", ())
        # Counted, not subtracted: no set of every post is made for each sitemap.
        posts_not_pages = len(posts) - sum(1 for key in pages if key in posts)
        self.reporter.declare("sitemap", {"posts": posts_not_pages, "pages": len(pages)})
