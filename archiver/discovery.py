"""Pure discovery: where a WordPress blog lists its posts, and which URLs are worth fetching.

Best source first: the REST API (found through its ``Link`` header or ``<link>`` tag),
then sitemaps (core ``/wp-sitemap.xml`` and any robots.txt ``Sitemap:`` line), then RSS/Atom
feeds (latest posts only) together with HTML archive pages and the menu's pages. Sitemaps
are read with Scrapy's own :class:`~scrapy.utils.sitemap.Sitemap` parser and feeds with an
lxml parser that resolves no entity and touches no network, not with hand-written ones.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
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
# form, share and like buttons, login, admin, feeds, AMP twins, attachment pages, search,
# calendar. The blog's own main feeds are the one exception (see ``site_feed_paths``).
_DENIED_QUERY_KEYS = frozenset(
    {
        "replytocom",
        "share",
        "like_comment",
        "amp",
        "s",
        "nb",
        "redirect_to",
        "action",
        "attachment_id",
    }
)
_DENIED_PATH = re.compile(
    r"(/wp-login\.php|/wp-admin/|/feed(?:/(?:atom|rss2?|rdf))?/?$|/amp/?$|/trackback/?$"
    r"|/wp-json/oembed/|/embed/?$)"
)
# Feeds that list the whole blog's latest posts or comments (relative to the blog's root).
_SITE_FEEDS = ("feed/", "feed/atom/", "feed/rss2/", "comments/feed/", "comments/feed/atom/")
_ATOM = "{http://www.w3.org/2005/Atom}"


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


def site_feed_paths(scope: tuple[str, str]) -> frozenset[str]:
    """Paths of the blog's main feeds: discovery sources, never denied (a post's or a
    category's feed only repeats what its page shows)."""
    prefix = scope[1]
    return frozenset(p for feed in _SITE_FEEDS for p in (prefix + feed, prefix + feed[:-1]))


def is_denied(url: str, scope: tuple[str, str] | None = None) -> bool:
    """URLs that only duplicate content or trigger actions (see ``_DENIED_QUERY_KEYS``).

    Given the blog's ``scope``, its main feeds are allowed; without it every feed is denied.
    """
    parts = urlsplit(url)
    keys = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if keys & _DENIED_QUERY_KEYS:
        return True
    if scope is not None and not parts.query and parts.path in site_feed_paths(scope):
        return False
    return bool(_DENIED_PATH.search(parts.path))


def is_allowed(url: str, scope: tuple[str, str]) -> bool:
    """The spider's gate: inside the blog and not denied."""
    return is_in_scope(url, scope) and not is_denied(url, scope)


def is_comments_feed(url: str) -> bool:
    """A comments feed points at comments (on any comment page), not at posts."""
    return "comments" in urlsplit(url).path.lower() or "comments-" in urlsplit(url).query


def canonical(url: str) -> str:
    """The form of a URL used to recognise it again (sorted query, no fragment)."""
    return str(canonicalize_url(url))


def canonical_key(canonical_url: str) -> int:
    """A 64-bit key of a canonical URL, what a crawl keeps to recognise a URL again: 8
    bytes of BLAKE2b instead of the string (about 40 bytes a URL kept, not 150). Two of a
    million URLs share a key with a chance of about 1 in 30 million."""
    digest = hashlib.blake2b(canonical_url.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def url_key(url: str) -> int:
    """:func:`canonical_key` of ``canonical(url)``."""
    return canonical_key(canonical(url))
