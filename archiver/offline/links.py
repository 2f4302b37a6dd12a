"""Where each thing of the offline copy lives: one file per post, index and medium.

Every name is made by :func:`archiver.state.layout.safe_name`, never taken from a URL as
it is; a numeric id or a short hash of the URL keeps two names that sanitize alike apart.
Paths are POSIX and relative to the copy's root; :func:`relative` turns one into a link
from a page (every page is at the root or one folder below it).
"""

from __future__ import annotations

import hashlib
import posixpath
from urllib.parse import urldefrag, urlsplit

from archiver.state.layout import safe_name

__all__ = [
    "author_path",
    "media_path",
    "month_path",
    "post_path",
    "relative",
    "term_path",
    "url_key",
]


def post_path(post_type: str, post_id: int, slug: str) -> str:
    folder = "pages" if post_type == "page" else "posts"
    return f"{folder}/{post_id}-{safe_name(slug or 'post', max_length=80)}.html"


def term_path(kind: str, slug: str) -> str:
    """``category/<slug>.html`` or ``tag/<slug>.html``."""
    return f"{kind}/{safe_name(slug, max_length=80)}-{_short_hash(slug)}.html"


def author_path(name: str) -> str:
    return f"author/{safe_name(name, max_length=80)}-{_short_hash(name)}.html"


def month_path(month: str) -> str:
    """``archive/2024-01.html`` for ``2024-01``."""
    return f"archive/{safe_name(month, max_length=7)}.html"


def media_path(url: str, content_type: str = "") -> str:
    """``media/<hash>-<file name>``: the URL's last path segment, sanitized."""
    name = posixpath.basename(urlsplit(url).path) or "file"
    stem, dot, extension = safe_name(name, max_length=80).rpartition(".")
    if not dot:
        stem, extension = extension, _EXTENSIONS.get(content_type, "bin")
    return f"media/{_short_hash(url)}-{stem or 'file'}.{extension}"


_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
    "application/pdf": "pdf",
    "audio/mpeg": "mp3",
    "video/mp4": "mp4",
}


def relative(from_path: str, to_path: str) -> str:
    """A link from the page at ``from_path`` to ``to_path`` (both relative to the root)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def url_key(url: str) -> str:
    """A URL compared loosely: no fragment, scheme or trailing slash, host lower-cased."""
    parts = urlsplit(urldefrag(url)[0])
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{(parts.netloc or '').lower()}{path}{query}"


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
