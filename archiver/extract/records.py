"""Pure: every record a post page or comment page yields, from its URL and text alone.

These are the functions the spider hands to
:class:`archiver.crawl.extraction_pool.ExtractionPool`, so they take and return plain,
picklable values (the page's text, the REST object as a dict, dataclass records). An error
is returned as text rather than raised, so the spider reports it as it always did,
whichever process ran the extraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

from w3lib.url import canonicalize_url

from archiver.extract import selectors as sel
from archiver.extract.clean import clean_body
from archiver.extract.comments import (
    comment_page_urls,
    extract_comments_from_html,
    shown_comment_page,
)
from archiver.extract.page import parse_html, xpath
from archiver.extract.posts import extract_post_from_html, post_from_api

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lxml.html import HtmlElement

    from archiver.records.items import Comment, Post


@dataclass(slots=True)
class PageRecords:
    """What one page gave: the post (from the API object and from the page), its
    comments and the thread's other comment pages, and what went wrong."""

    api_post: Post | None = None
    api_error: str = ""
    html_post: Post | None = None
    error: str = ""
    comments: list[Comment] = field(default_factory=list)
    comment_pages: list[str] = field(default_factory=list)
    # Which page of the thread this page shows (see shown_comment_page), if it tells; on
    # a post page only when the thread has other pages.
    shown_comment_page: int | None = None
    # The post's other <!--nextpage--> pages (wp_link_pages' a.post-page-numbers), in order.
    post_pages: list[str] = field(default_factory=list)


def read_post_page(url: str, text: str, api_post: Mapping[str, Any] | None) -> PageRecords:
    """The records of a post's own page (and of its REST object, when the API gave one)."""
    records = PageRecords()
    if api_post is not None:
        try:
            records.api_post = post_from_api(api_post)
        except Exception as error:  # a malformed API object: the page may still do
            records.api_error = describe(error)
    try:
        page = parse_html(text)
        records.html_post = extract_post_from_html(url, page)
        records.comments = extract_comments_from_html(url, page, records.html_post.id)
        records.comment_pages = comment_page_urls(url, page)
        if not records.html_post.password_protected:
            records.post_pages = post_page_urls(url, page)
        # Which page is shown only matters when the thread has other pages to tell apart
        # (and finding it walks the whole page).
        if records.comment_pages:
            records.shown_comment_page = _shown_page(url, page, records.comments)
    except Exception as error:  # an extraction bug must not lose what the API gave
        records.html_post, records.comments, records.comment_pages = None, [], []
        records.error = describe(error)
    return records


def read_comment_page(url: str, text: str, post_id: int | None) -> PageRecords:
    """The comments of one more page of a thread, and the thread's pages it links."""
    records = PageRecords()
    try:
        page = parse_html(text)
        records.comments = extract_comments_from_html(url, page, post_id)
        records.comment_pages = comment_page_urls(url, page)
        records.shown_comment_page = _shown_page(url, page, records.comments)
    except Exception as error:
        records.comments, records.comment_pages = [], []
        records.error = describe(error)
    return records


def post_page_urls(url: str, page: HtmlElement) -> list[str]:
    """The other pages of a ``<!--nextpage-->`` post, as its page links them, in order."""
    own = canonicalize_url(urldefrag(url)[0])
    found: list[str] = []
    for href in xpath(page, _POST_PAGE_LINKS):
        absolute = urldefrag(urljoin(url, str(href)))[0]
        if absolute not in found and canonicalize_url(absolute) != own:
            found.append(absolute)
    return found


_POST_PAGE_LINKS = "//a[" + sel.has_class("post-page-numbers") + "]/@href"


def read_post_part(url: str, text: str) -> tuple[str, str]:
    """(the body's cleaned HTML, an error) of one more page of a multi-page post."""
    try:
        post = extract_post_from_html(url, parse_html(text))
    except Exception as error:
        return "", describe(error)
    return post.content_html, ""


def join_post_pages(post: Post, bodies: list[str]) -> Post:
    """``post`` (its first page's record) with the bodies of all its pages, first to last,
    as one ``content_html`` (and its text, links and images): the record REST's
    ``content.rendered`` gives, which holds every page."""
    body = clean_body("\n".join(bodies), post.url)
    post.content_html, post.content_text = body.html, body.text
    post.links, post.images = body.links, body.images
    return post


def _shown_page(url: str, page: HtmlElement, comments: list[Comment]) -> int | None:
    return shown_comment_page(url, page, [comment.permalink for comment in comments])


def describe(error: BaseException) -> str:
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
