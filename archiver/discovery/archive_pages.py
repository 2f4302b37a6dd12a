"""HTML archive pages: the posts an archive page links, its next page, the menu's pages.

The last resort when neither the REST API nor a sitemap lists the posts; the selectors are
named data in :mod:`archiver.extract.selectors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from archiver.extract import selectors as sel
from archiver.extract.page import first_value

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement


def page_links(base_url: str, page: HtmlElement) -> list[str]:
    """Links to the blog's pages (``type: page``) in its menus."""
    return _unique_links(base_url, page, sel.PAGE_LINK_XPATHS)


def archive_links(base_url: str, page: HtmlElement) -> tuple[list[str], str]:
    """Post links on an HTML archive page and the link to the next archive page."""
    posts = _unique_links(base_url, page, sel.ARCHIVE_POST_LINK_XPATHS)
    next_page = first_value(page, sel.ARCHIVE_NEXT_PAGE_XPATHS)
    return posts, urljoin(base_url, next_page) if next_page else ""


def _unique_links(base_url: str, page: HtmlElement, xpaths: Iterable[str]) -> list[str]:
    """Absolute URLs of the hrefs ``xpaths`` select, in page order, each once."""
    found: list[str] = []
    for xpath in xpaths:
        for href in page.xpath(xpath):
            url = urljoin(base_url, str(href).strip())
            if url not in found:
                found.append(url)
    return found
