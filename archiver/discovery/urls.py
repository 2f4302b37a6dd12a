"""Which URLs of a blog are worth fetching, and one key per URL however it is written.

The start URL as given (:func:`normalize_start_url`), the blog's scope (host, and path
for a blog in a subdirectory), the URLs never fetched (reply links, share buttons,
search, login, AMP twins, embeds, per-post feeds), and the canonical form (w3lib's
``canonicalize_url``) with its 64-bit key, so that no source asks twice for one page.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlsplit

from w3lib.url import canonicalize_url

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
