"""RSS and Atom feeds: the feeds a page advertises, the posts a feed lists, and
:class:`Feeds`, the source.

Feeds list only the latest posts, so they are a last resort. They are parsed with an lxml
parser that resolves no entity and touches no network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from archiver.discovery.archive_pages import _unique_links
from archiver.discovery.source import Attempts, Fetch, post_page
from archiver.discovery.urls import is_allowed
from archiver.extract import selectors as sel

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lxml.html import HtmlElement

    from archiver.discovery.blog import Blog
    from archiver.discovery.source import Answer, Failure, Fetches, Reporter


_ATOM = "{http://www.w3.org/2005/Atom}"


def feed_links(base_url: str, page: HtmlElement) -> list[str]:
    """The RSS/Atom feeds a page advertises with ``<link rel="alternate">``, in order."""
    return _unique_links(base_url, page, (sel.FEED_LINK_XPATH,))


def feed_entry_links(base_url: str, body: bytes) -> list[str]:
    """Where the entries of an RSS 2.0 or Atom feed point, fragments dropped (a comments
    feed points at ``post/#comment-N``: its post), in feed order, once each.

    :raises ValueError: when ``body`` is not an RSS or Atom document.
    """
    # Feeds come from the network: never resolve an entity or load a DTD.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not XML: {error}") from None
    if root.tag == "rss":
        hrefs = [str(link.text or "") for link in root.iterfind("channel/item/link")]
    elif root.tag == f"{_ATOM}feed":
        hrefs = [
            str(link.get("href") or "")
            for entry in root.iterfind(f"{_ATOM}entry")
            for link in entry.iterfind(f"{_ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
    else:
        raise ValueError(f"not an RSS or Atom feed: <{root.tag}>")
    links: list[str] = []
    for href in hrefs:
        if href.strip():
            url = urldefrag(urljoin(base_url, href.strip())).url
            if url not in links:
                links.append(url)
    return links


def is_comments_feed(url: str) -> bool:
    """A comments feed points at comments (on any comment page), not at posts."""
    return "comments" in urlsplit(url).path.lower() or "comments-" in urlsplit(url).query


class Feeds:
    """The posts the blog's feeds list (the latest ten or so): a last resort, with the
    archive pages. The feeds the home page advertises, comments' feeds left out, else
    ``/feed/``; used once one answers, unusable once all failed."""

    name = "feeds"

    def __init__(self, blog: Blog, reporter: Reporter) -> None:
        self.blog = blog
        self.attempts = Attempts("feeds", reporter)

    def start(self) -> Fetches:
        advertised = feed_links(*self.blog.home) if self.blog.home is not None else []
        feeds = [
            url
            for url in advertised
            if not is_comments_feed(url) and is_allowed(url, self.blog.scope)
        ] or [urljoin(self.blog.url, "feed/")]
        for url in feeds:
            self.attempts.sent((yield Fetch(url, "feed", self.name, awaited=True)))

    def read(self, step: str, answer: Answer, args: Mapping[str, Any]) -> Fetches:
        try:
            links = feed_entry_links(answer.url, answer.body)
        except ValueError as error:
            self.attempts.done(f"{answer.url}: {error}")
            return
        self.attempts.done()
        for url in links:
            yield post_page(url)

    def failed(self, step: str, failure: Failure, args: Mapping[str, Any]) -> Fetches:
        self.attempts.done(f"{failure.url}: {failure.reason}")
        yield from ()
