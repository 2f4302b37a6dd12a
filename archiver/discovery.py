"""Pure discovery: where a WordPress blog lists its posts, and which URLs are worth fetching.

Best source first: the REST API (found through its ``Link`` header or ``<link>`` tag),
then core sitemaps, then HTML archive pages. Sitemaps are read with Scrapy's own
:class:`~scrapy.utils.sitemap.Sitemap` parser (a plain lxml utility that never resolves
external entities), not with a hand-written one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scrapy.utils.sitemap import Sitemap
from w3lib.url import canonicalize_url

from archiver.extract import selectors as sel
from archiver.extract.page import first_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lxml.html import HtmlElement

API_PAGE_SIZE = 100
_LINK_HEADER_PART = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_REL_PARAM = re.compile(r"""rel\s*=\s*"?([^";]+)"?""", re.IGNORECASE)
# Query keys and path parts that never lead to content we lack: one URL per comment reply
# form, share and like buttons, login, admin, feeds, AMP twins, search, calendar.
_DENIED_QUERY_KEYS = frozenset(
    {"replytocom", "share", "like_comment", "amp", "s", "nb", "redirect_to", "action"}
)
_DENIED_PATH = re.compile(
    r"(/wp-login\.php|/wp-admin/|/feed/?$|/amp/?$|/trackback/?$|/wp-json/oembed/|/embed/?$)"
)


def find_api_root(base_url: str, link_headers: Iterable[str], page: HtmlElement | None) -> str:
    """The REST API root a blog advertises, or "" when it advertises none."""
    for header in link_headers:
        for target, params in _LINK_HEADER_PART.findall(header):
            rel = _REL_PARAM.search(params)
            if rel and sel.API_LINK_REL in rel.group(1).split():
                return urljoin(base_url, str(target).strip())
    if page is not None:
        href = first_value(page, (sel.API_LINK_XPATH,))
        if href:
            return urljoin(base_url, href)
    return ""


def api_url(root: str, route: str, params: Mapping[str, str | int] | None = None) -> str:
    """A REST URL for ``route`` under ``root``, for pretty (``/wp-json/``) and plain
    (``?rest_route=/``) permalinks alike."""
    parts = urlsplit(root)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    extra = {k: str(v) for k, v in (params or {}).items()}
    if "rest_route" in query:
        query["rest_route"] = "/" + route.strip("/")
        query.update(extra)
        return urlunsplit(parts._replace(query=urlencode(query, safe="/,:")))
    path = parts.path.rstrip("/") + "/" + route.strip("/")
    query.update(extra)
    return urlunsplit(parts._replace(path=path, query=urlencode(query, safe="/,:")))


def api_listing_url(root: str, kind: str, page: int) -> str:
    """Page ``page`` of the public ``posts`` or ``pages`` collection, with authors and terms
    embedded so that no request per author or term is needed."""
    return api_url(
        root,
        f"wp/v2/{kind}",
        {
            "per_page": API_PAGE_SIZE,
            "page": page,
            "_embed": "author,wp:term",
            "orderby": "id",
            "order": "asc",
        },
    )


def sitemap_urls(body: bytes) -> tuple[str, list[str]]:
    """``("sitemapindex" | "urlset", locations)`` of a sitemap document."""
    sitemap = Sitemap(body)
    return sitemap.type, [entry["loc"] for entry in sitemap if entry.get("loc")]


def is_post_sitemap(url: str) -> bool:
    """Core sitemaps name each provider: posts and pages are content, users and terms not."""
    return bool(re.search(r"wp-sitemap-posts-[^/]+\.xml", url))


def archive_links(base_url: str, page: HtmlElement) -> tuple[list[str], str]:
    """Post links on an HTML archive page and the link to the next archive page."""
    posts: list[str] = []
    for xpath in sel.ARCHIVE_POST_LINK_XPATHS:
        for href in page.xpath(xpath):
            url = urljoin(base_url, str(href))
            if url not in posts:
                posts.append(url)
    next_page = first_value(page, sel.ARCHIVE_NEXT_PAGE_XPATHS)
    return posts, urljoin(base_url, next_page) if next_page else ""


def blog_scope(start_url: str) -> tuple[str, str]:
    """(host, path prefix) of a blog: a blog in a subdirectory is only its subdirectory."""
    parts = urlsplit(start_url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return parts.netloc.lower(), path


def is_in_scope(url: str, scope: tuple[str, str]) -> bool:
    parts = urlsplit(url)
    host, prefix = scope
    if parts.scheme not in {"http", "https"} or parts.netloc.lower() != host:
        return False
    # The REST API may live outside a subdirectory blog's path only as ?rest_route=.
    return parts.path.startswith(prefix) or parts.path.rstrip("/") + "/" == prefix


def is_denied(url: str) -> bool:
    """URLs that only duplicate content or trigger actions (see ``_DENIED_QUERY_KEYS``)."""
    parts = urlsplit(url)
    keys = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return bool(keys & _DENIED_QUERY_KEYS) or bool(_DENIED_PATH.search(parts.path))


def canonical(url: str) -> str:
    """The form of a URL used to recognise it again (sorted query, no fragment)."""
    return str(canonicalize_url(url))
