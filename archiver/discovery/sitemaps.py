"""Sitemaps: core ``/wp-sitemap.xml``, Yoast's and Rank Math's, and robots.txt ``Sitemap:`` lines.

Read with Scrapy's own :class:`~scrapy.utils.sitemap.Sitemap` parser (no entities, no
network), not by hand. Only post and page sitemaps are followed, never users or terms.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots


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
