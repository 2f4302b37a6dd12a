"""HTML archive pages: the posts an archive page links, its next page, the menu's pages;
:class:`ArchivePages`, the source.

The last resort when neither the REST API nor a sitemap lists the posts; the selectors are
named data in :mod:`archiver.extract.selectors`.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

from archiver.discovery.source import Fetch, post_page, text_of
from archiver.extract import selectors as sel
from archiver.extract.page import first_value, parse_html

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lxml.html import HtmlElement

    from archiver.discovery.blog import Blog
    from archiver.discovery.source import Answer, Failure, Fetches, Reporter


def page_links(base_url: str, page: HtmlElement) -> list[str]:
    """Links to the blog's pages (``type: page``) in its menus."""
    return _unique_links(base_url, page, sel.PAGE_LINK_XPATHS)


def archive_links(base_url: str, page: HtmlElement) -> tuple[list[str], str]:
    """Post links on an HTML archive page and the link to the next archive page."""
    posts = _unique_links(base_url, page, sel.ARCHIVE_POST_LINK_XPATHS)
    for url in _untitled_post_links(base_url, page):
        if url not in posts:
            posts.append(url)
    next_page = first_value(page, sel.ARCHIVE_NEXT_PAGE_XPATHS)
    return posts, urljoin(base_url, next_page) if next_page else ""


def _untitled_post_links(base_url: str, page: HtmlElement) -> list[str]:
    """The permalinks of listed posts that show no title link (a post without a title:
    the_title() and the post-title block print nothing). WordPress still links the post
    from its wrapper (the date, "Leave a comment", "Continue reading", "Untitled"): the
    wrapper's link to this site that is no term, author or date archive, the most
    repeated (fragments aside), else the longest."""
    host = urlsplit(base_url).netloc
    found: list[str] = []
    for wrapper in page.xpath(sel.ARCHIVE_POST_WRAPPER_XPATH):
        if wrapper.xpath(sel.ARCHIVE_TITLE_LINK_XPATH):
            continue
        counts: Counter[str] = Counter()
        for link in wrapper.iter("a"):
            href = (link.get("href") or "").strip()
            if not href or not sel.TERM_LINK_RELS.isdisjoint((link.get("rel") or "").split()):
                continue
            url = urldefrag(urljoin(base_url, href))[0]
            parts = urlsplit(url)
            if parts.netloc != host or not _may_be_permalink(parts.path, parts.query):
                continue
            counts[url] += 1
        if counts:
            best = max(counts, key=lambda url: (counts[url], len(url)))
            if best not in found:
                found.append(best)
    return found


def _may_be_permalink(path: str, query: str) -> bool:
    if sel.NOT_A_PERMALINK_QUERY.search(query):
        return False
    return bool(sel.PERMALINK_QUERY.search(query)) or not sel.NOT_A_PERMALINK_PATH.search(path)


def _unique_links(base_url: str, page: HtmlElement, xpaths: Iterable[str]) -> list[str]:
    """Absolute URLs of the hrefs ``xpaths`` select, in page order, each once."""
    found: list[str] = []
    for xpath in xpaths:
        for href in page.xpath(xpath):
            url = urljoin(base_url, str(href).strip())
            if url not in found:
                found.append(url)
    return found


class ArchivePages:
    """The posts the archive pages link, from the home page (archive page 1, read again
    from memory, not fetched) on, with the pages the menus link: a last resort, with the
    feeds. A worker of a shared crawl that did not read the home page asks for it again."""

    name = "archive_pages"

    def __init__(self, blog: Blog, reporter: Reporter) -> None:
        self.blog = blog
        self.reporter = reporter

    def start(self) -> Fetches:
        self.reporter.note("archive_pages", "used")
        if self.blog.home is not None:
            yield from self._links(*self.blog.home)
        else:
            yield Fetch(self.blog.url, "archive", self.name, again=True)

    def read(self, step: str, answer: Answer, args: Mapping[str, Any]) -> Fetches:
        text = text_of(answer)
        if text is not None:
            yield from self._links(answer.url, parse_html(text))

    def failed(self, step: str, failure: Failure, args: Mapping[str, Any]) -> Fetches:
        self.reporter.fail(failure.asked_for, failure.reason, failure.status)
        yield from ()

    def _links(self, url: str, page: HtmlElement) -> Fetches:
        posts, next_page = archive_links(url, page)
        for post_url in [*posts, *page_links(url, page)]:
            yield post_page(post_url)
        if next_page:
            yield Fetch(next_page, "archive", self.name)
