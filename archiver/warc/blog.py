"""What a crawl's WARC files say about the blog itself: its name, tagline and language.

Read from the latest captures of its REST root (``/wp-json/``, ``/?rest_route=/``) and
home page, found through a CDXJ index (:class:`archiver.warc.cdxj.LatestCaptures`), with
the pure readers of :mod:`archiver.extract.site`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archiver.extract.site import BlogIdentity, identity_from_home_page, identity_from_rest_root
from archiver.state.crawls import crawl_warcs
from archiver.warc.captures import read_stored

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from archiver.warc.cdxj import LatestCaptures

__all__ = ["blog_identity", "read_text"]


def blog_identity(
    captures: LatestCaptures, start_url: str, folders: Sequence[Path]
) -> BlogIdentity:
    """The blog's name, tagline and language, from its REST root and home page captures."""
    identity = BlogIdentity()
    base = start_url.rstrip("/") + "/"
    for url, read in ((base + "wp-json/", identity_from_rest_root),
                      (base + "?rest_route=/", identity_from_rest_root),
                      (base, identity_from_home_page)):  # fmt: skip
        text = read_text(captures, url, folders)
        if text:
            identity = identity.filled_from(read(text))
    return identity


def read_text(captures: LatestCaptures, url: str, folders: Sequence[Path]) -> str:
    """The decoded text of ``url``'s latest 200 capture, "" when there is none."""
    entry = captures.payload_of(url)
    if entry is None:
        return ""
    for folder in folders:
        for warc in crawl_warcs(folder):
            if warc.name == entry.filename:
                try:
                    return read_stored(warc, entry.offset).text() or ""
                except (OSError, ValueError):
                    return ""
    return ""
