"""Yoast SEO and Rank Math sitemaps, in the shape their public source prints them (see
tests/fixtures/sitemaps/README.md): the index leads to the post and page sitemaps only,
and their entries are what the blog declares."""

from __future__ import annotations

import pytest

from archiver.discovery.sitemaps import is_post_sitemap, sitemap_post_type, sitemap_urls
from tests.conftest import fixture_path

BASE = "https://blog.example/"


def _read(*parts: str) -> bytes:
    return fixture_path("sitemaps", *parts).read_bytes()


@pytest.mark.parametrize(
    ("plugin", "content"),
    [
        ("yoast", ["post-sitemap.xml", "page-sitemap.xml"]),
        ("rankmath", ["post-sitemap1.xml", "post-sitemap2.xml", "page-sitemap.xml"]),
    ],
)
def test_the_index_leads_to_post_and_page_sitemaps_only(plugin, content):
    kind, locations = sitemap_urls(_read(plugin, "sitemap_index.xml"))
    assert kind == "sitemapindex"
    assert len(locations) == 5  # taxonomies (and Yoast's authors) are listed too
    assert [loc for loc in locations if is_post_sitemap(loc)] == [BASE + n for n in content]
    assert {sitemap_post_type(loc) for loc in locations} == {"post", "page", ""}


def test_post_types_of_core_yoast_and_rank_math_sitemap_names():
    assert sitemap_post_type(BASE + "wp-sitemap-posts-post-2.xml") == "post"
    assert sitemap_post_type(BASE + "wp-sitemap-posts-page-1.xml") == "page"
    assert sitemap_post_type(BASE + "wp-sitemap-posts-my-type-1.xml") == "my-type"
    assert sitemap_post_type(BASE + "?sitemap=posts&sitemap-subtype=page&paged=1") == "page"
    assert sitemap_post_type(BASE + "page-sitemap.xml") == "page"
    assert sitemap_post_type(BASE + "post-sitemap12.xml") == "post"
    assert sitemap_post_type(BASE + "category-sitemap.xml") == ""
    assert sitemap_post_type(BASE + "wp-sitemap-users-1.xml") == ""


@pytest.mark.parametrize(
    ("plugin", "name", "entries"),
    [
        ("yoast", "post-sitemap.xml", 4),
        ("yoast", "page-sitemap.xml", 4),
        ("rankmath", "post-sitemap2.xml", 2),
        ("rankmath", "page-sitemap.xml", 3),
    ],
)
def test_post_and_page_sitemaps_list_their_urls(plugin, name, entries):
    kind, locations = sitemap_urls(_read(plugin, name))
    assert kind == "urlset"
    assert len(locations) == entries
    assert all(loc.startswith(BASE) for loc in locations)
    # Image entries (<image:loc>) are not pages.
    assert not any("/wp-content/" in loc for loc in locations)
    if name.startswith("page") or name == "post-sitemap.xml":
        assert locations[0] == BASE  # the home page comes first (no static front page)


@pytest.mark.parametrize("theme", ["twentytwentytwo", "twentytwentythree"])
def test_an_html_page_answered_for_a_sitemap_is_no_sitemap(theme):
    """Under plain permalinks /wp-sitemap.xml shows the home page with status 200."""
    with pytest.raises(ValueError, match="not a sitemap"):
        sitemap_urls(fixture_path(theme, "home.html").read_bytes())
