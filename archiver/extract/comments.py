"""Pure comment extraction: threaded comments from a post's HTML page.

The parent of a comment is the comment whose ``<li id="comment-N">`` contains it, as
WordPress's walker nests replies. Nothing is inferred from order. Commenters' e-mail
addresses and IPs are never read: WordPress does not publish them, and avatar URLs
(which hash the e-mail) are not kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin

from w3lib.url import canonicalize_url

from archiver.extract import selectors as sel
from archiver.extract.clean import clean_bodies
from archiver.extract.page import element_text, inner_html, xpath
from archiver.records.items import Author, Comment

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement


def extract_comments_from_html(url: str, page: HtmlElement, post_id: int | None) -> list[Comment]:
    """Every comment rendered on this page (one comment page of a post), in page order."""
    comments = []
    fragments = []
    for item in xpath(page, sel.COMMENT_ITEM_XPATH):
        match = sel.COMMENT_ID.match(item.get("id") or "")
        if match is None:
            continue
        comment, content_html = _comment_from_item(url, item, int(match.group(1)), post_id)
        comments.append(comment)
        fragments.append(content_html)
    for comment, body in zip(comments, clean_bodies(fragments, url), strict=True):
        comment.content_html, comment.content_text = body.html, body.text
    return comments


def comment_page_urls(url: str, page: HtmlElement) -> list[str]:
    """Links to the other pages of this post's comment thread, in page order, deduplicated."""
    base = urldefrag(url)[0]
    if not _PAGE_HINT.search(base) and not xpath(page, _PAGE_HINT_HREFS):
        # No link could name a comment page (it needs one of these words, in the link or,
        # joined to a relative link, in this page's URL): the pagination selectors would
        # each walk the page for nothing.
        return []
    thread = thread_key(base)
    found: list[str] = []
    hrefs = [href for expr in sel.COMMENT_PAGINATION_HREF_XPATHS for href in xpath(page, expr)]
    for href in hrefs:
        absolute = urldefrag(urljoin(base, str(href)))[0]
        if (
            sel.COMMENT_PAGE_LINK.search(absolute)
            # Sidebars link to other posts' comment pages ("Recent Comments"): not ours.
            and thread_key(absolute) == thread
            and absolute != base
            and absolute not in found
        ):
            found.append(absolute)
    return found


_PAGE_HINT = re.compile("comment-page-|cpage=")
_PAGE_HINT_HREFS = "//a[contains(@href, 'comment-page-') or contains(@href, 'cpage=')]"


def thread_key(url: str) -> str:
    """The post a comment-page URL belongs to: the URL without its comment-page part."""
    return sel.COMMENT_PAGE_LINK.sub("/", urldefrag(url)[0]).rstrip("/?&")


def comment_page_key(url: str) -> tuple[str, int | None]:
    """(canonical thread, page number): a post's URL shows one comment page (the newest or
    the oldest) that pagination links again as /comment-page-N/, so pages are told apart
    by number, not by URL."""
    return str(canonicalize_url(thread_key(url))), comment_page_number(url)


def comment_page_number(url: str) -> int | None:
    """The comment page a URL names (``/comment-page-3/``, ``&cpage=3``), if any."""
    match = sel.COMMENT_PAGE_NUMBER.search(urldefrag(url)[0])
    return int(match.group(1) or match.group(2)) if match else None


def shown_comment_page(url: str, page: HtmlElement, permalinks: Iterable[str]) -> int | None:
    """Which comment page a response shows, also when its URL names none: the post's own URL
    shows the newest page (or the oldest, per the blog's settings), and the same comments
    are linked again as ``/comment-page-N/``.

    From the URL, else the pagination's current item (numbered pagination), else the
    comment page the permalinks of this page's comments name (themes with only "Older
    comments" links); None when nothing tells.
    """
    number = comment_page_number(url)
    if number is not None:
        return number
    for text in page.xpath(sel.COMMENT_PAGINATION_CURRENT_XPATH):
        digits = re.findall(r"\d+", str(text))
        if len(digits) == 1:
            return int(digits[0])
    numbers = {comment_page_number(link) for link in permalinks}
    if len(numbers) == 1:
        return numbers.pop()
    return None


def _comment_from_item(
    url: str, item: HtmlElement, comment_id: int, post_id: int | None
) -> tuple[Comment, str]:
    """The comment in ``item`` without its content, and its content's markup to clean."""
    # The comment items around this one (sel.COMMENT_PARENT_XPATH and the depth), walked
    # up in Python: cheaper than one XPath evaluation each.
    above = _comment_items_above(item.getparent())
    parent = above[0] if above else None
    parent_id = 0
    if parent is not None:
        match = sel.COMMENT_ID.match(parent.get("id") or "")
        parent_id = int(match.group(1)) if match else 0
    depth = len(above) + 1
    classes = set((item.get("class") or "").split())
    kind = (
        "pingback"
        if "pingback" in classes
        else "trackback"
        if "trackback" in classes
        else "comment"
    )
    author = _author(item, kind)
    content_html = ""
    # Classic themes show a ping as "Pingback: <link>" only: that is the author, not text.
    xpaths = sel.COMMENT_CONTENT_XPATHS if kind == "comment" else sel.PING_CONTENT_XPATHS
    content = _own_element(item, xpaths)
    if content is not None:
        content_html = inner_html(content)
    permalink = _own_value(item, sel.COMMENT_PERMALINK_XPATHS)
    if f"#comment-{comment_id}" not in permalink:
        permalink = f"{urldefrag(url)[0]}#comment-{comment_id}"
    comment = Comment(
        id=comment_id,
        post_id=post_id,
        parent_id=parent_id,
        depth=depth,
        type=kind,
        author=author,
        published=_own_value(item, sel.COMMENT_DATE_XPATHS),
        permalink=urljoin(url, permalink),
    )
    return comment, content_html


def _author(item: HtmlElement, kind: str) -> Author:
    if kind != "comment":
        # A pingback's "author" is the linking page: its title and URL.
        for anchor in xpath(item, ".//a[contains(concat(' ', @class, ' '), ' url ')]"):
            if _belongs_to(anchor, item):
                return Author(name=element_text(anchor), url=str(anchor.get("href") or ""))
    element = _own_element(item, sel.COMMENT_AUTHOR_XPATHS)
    if element is None:
        return Author()
    links = [a for a in element.iter("a") if a.get("href")]
    name = element_text(element)
    # Classic themes put "says:" after the name inside .comment-author.
    if name.endswith(" says:"):
        name = name[: -len(" says:")]
    return Author(name=name, url=str(links[0].get("href")) if links else "")


def _belongs_to(element: HtmlElement, item: HtmlElement) -> bool:
    """True when ``element`` is part of ``item`` itself, not of a nested reply: its nearest
    comment item (``ancestor-or-self::li[starts-with(@id, 'comment-')][1]``) is ``item``."""
    node: HtmlElement | None = element
    while node is not None:
        if node.tag == "li" and (node.get("id") or "").startswith("comment-"):
            return node is item
        node = node.getparent()
    return False


def _comment_items_above(node: HtmlElement | None) -> list[HtmlElement]:
    """The comment items (``li[starts-with(@id, 'comment-')]``) from ``node`` up, nearest
    first."""
    found = []
    while node is not None:
        if node.tag == "li" and (node.get("id") or "").startswith("comment-"):
            found.append(node)
        node = node.getparent()
    return found


def _own_element(item: HtmlElement, xpaths: tuple[str, ...]) -> HtmlElement | None:
    for expression in xpaths:
        for found in xpath(item, expression):
            if _belongs_to(found, item):
                return found
    return None


def _own_value(item: HtmlElement, xpaths: tuple[str, ...]) -> str:
    for expression in xpaths:
        for found in xpath(item, expression):
            owner = found.getparent() if hasattr(found, "getparent") else None
            if owner is not None and _belongs_to(owner, item) and str(found).strip():
                return str(found).strip()
    return ""
