from __future__ import annotations

import pytest

from archiver.discovery.archive_pages import page_links
from archiver.discovery.feeds import feed_entry_links, feed_links
from archiver.discovery.rest import api_listing_url, api_url, find_api_root
from archiver.discovery.sitemaps import is_post_sitemap, robots_sitemaps
from archiver.discovery.urls import (
    blog_scope,
    canonical,
    canonical_key,
    is_denied,
    is_in_scope,
    url_key,
)
from archiver.extract.page import parse_html


def test_api_root_from_link_header():
    header = '<http://127.0.0.1:8081/wp-json/>; rel="https://api.w.org/"'
    assert find_api_root("http://127.0.0.1:8081/", [header], None) == (
        "http://127.0.0.1:8081/wp-json/"
    )


def test_api_root_among_several_links_and_relative():
    header = '</wp-json/wp/v2/pages/2>; rel="alternate"; type="application/json", </wp-json/>; rel="https://api.w.org/"'
    assert find_api_root("https://blog.example/", [header], None) == "https://blog.example/wp-json/"


def test_no_api_root_when_not_advertised():
    assert find_api_root("https://blog.example/", ['<https://x/>; rel="shortlink"'], None) == ""


def test_api_url_pretty_and_plain_permalinks():
    assert api_url("http://b.example/wp-json/", "wp/v2/posts", {"page": 2}) == (
        "http://b.example/wp-json/wp/v2/posts?page=2"
    )
    assert api_url("http://b.example/?rest_route=/", "wp/v2/posts", {"page": 2}) == (
        "http://b.example/?rest_route=/wp/v2/posts&page=2"
    )


def test_listing_asks_for_full_pages_with_embedded_terms():
    url = api_listing_url("http://b.example/wp-json/", "posts", 3)
    assert "per_page=100" in url
    assert "page=3" in url
    assert "_embed=author,wp:term" in url


def test_scope_of_a_blog_in_a_subdirectory():
    scope = blog_scope("https://example.com/blog/")
    assert is_in_scope("https://example.com/blog/2024/01/01/post/", scope)
    assert not is_in_scope("https://example.com/shop/", scope)
    assert not is_in_scope("https://other.example/blog/", scope)
    assert is_in_scope("https://example.com/blog", scope)


def test_traps_and_actions_are_denied():
    assert is_denied("https://b.example/post/?replytocom=12")
    assert is_denied("https://b.example/post/?share=twitter")
    assert is_denied("https://b.example/wp-login.php?action=register")
    assert is_denied("https://b.example/wp-admin/")
    assert not is_denied("https://b.example/post/comment-page-2/")
    assert not is_denied("https://b.example/?p=123")


def test_only_post_and_page_sitemaps_lead_to_content():
    assert is_post_sitemap("https://b.example/wp-sitemap-posts-post-1.xml")
    assert is_post_sitemap("https://b.example/wp-sitemap-posts-page-1.xml")
    assert not is_post_sitemap("https://b.example/wp-sitemap-users-1.xml")
    assert not is_post_sitemap("https://b.example/wp-sitemap-taxonomies-category-1.xml")


def test_post_sitemaps_of_core_plain_permalinks_yoast_and_rank_math():
    assert is_post_sitemap("https://b.example/?sitemap=posts&sitemap-subtype=post&paged=1")
    assert not is_post_sitemap("https://b.example/?sitemap=users&paged=1")
    assert is_post_sitemap("https://b.example/post-sitemap.xml")
    assert is_post_sitemap("https://b.example/page-sitemap2.xml")
    assert not is_post_sitemap("https://b.example/category-sitemap.xml")
    assert not is_post_sitemap("https://b.example/author-sitemap.xml")


def test_sitemaps_named_by_robots_txt():
    robots = (
        b"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: https://b.example/wp-sitemap.xml\n"
        b"sitemap: /sitemap_index.xml\nSitemap: https://b.example/wp-sitemap.xml\n"
    )
    assert robots_sitemaps("https://b.example/robots.txt", robots) == [
        "https://b.example/wp-sitemap.xml",
        "https://b.example/sitemap_index.xml",
    ]
    assert robots_sitemaps("https://b.example/robots.txt", b"User-agent: *\n") == []


RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>B</title>
<item><title>One</title><link>https://b.example/2024/01/01/one/</link></item>
<item><title>Two</title><link>https://b.example/?p=2#respond</link></item>
<item><title>One again</title><link>https://b.example/2024/01/01/one/#comment-4</link></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>
<entry><title>One</title><link rel="alternate" type="text/html" href="/2024/01/01/one/"/>
<link rel="replies" href="https://b.example/2024/01/01/one/feed/atom/"/></entry>
<entry><title>Two</title><link href="https://b.example/2024/01/02/two/"/></entry>
</feed>"""


def test_feed_entries_of_rss_and_atom():
    assert feed_entry_links("https://b.example/feed/", RSS) == [
        "https://b.example/2024/01/01/one/",
        "https://b.example/?p=2",
    ]
    assert feed_entry_links("https://b.example/feed/atom/", ATOM) == [
        "https://b.example/2024/01/01/one/",
        "https://b.example/2024/01/02/two/",
    ]


def test_a_feed_never_resolves_entities_nor_reads_files():
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><link>https://b.example/&x;</link></item></channel></rss>"""
    links = feed_entry_links("https://b.example/feed/", xxe)
    assert all("root:" not in link for link in links)


def test_what_is_not_a_feed_is_refused():
    with pytest.raises(ValueError, match="not XML"):
        feed_entry_links("https://b.example/feed/", b"<html><body>Just a moment...</body>")
    with pytest.raises(ValueError, match="not an RSS or Atom feed"):
        feed_entry_links("https://b.example/feed/", b"<urlset/>")


def test_feed_and_page_links_of_a_home_page():
    page = parse_html(
        """<html><head>
        <link rel="alternate" type="application/rss+xml" href="/feed/">
        <link rel="alternate" type="application/rss+xml" href="/comments/feed/">
        <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/3">
        </head><body>
        <ul><li class="menu-item menu-item-object-page"><a href="/about/">About</a></li>
        <li class="menu-item menu-item-object-custom"><a href="https://else.example/">X</a></li>
        <li class="page_item page-item-4"><a href="/contact/">Contact</a></li></ul>
        <a class="wp-block-pages-list__item__link" href="/about/team/">Team</a>
        </body></html>"""
    )
    assert feed_links("https://b.example/", page) == [
        "https://b.example/feed/",
        "https://b.example/comments/feed/",
    ]
    assert page_links("https://b.example/", page) == [
        "https://b.example/about/",
        "https://b.example/contact/",
        "https://b.example/about/team/",
    ]


def test_only_the_blogs_own_main_feeds_are_allowed():
    scope = blog_scope("https://example.com/blog/")
    assert not is_denied("https://example.com/blog/feed/", scope)
    assert not is_denied("https://example.com/blog/comments/feed/", scope)
    assert is_denied("https://example.com/blog/feed/")  # without the scope, every feed
    assert is_denied("https://example.com/blog/2024/01/01/post/feed/", scope)
    assert is_denied("https://example.com/blog/category/film/feed/", scope)
    assert is_denied("https://example.com/blog/2024/01/01/post/feed/atom/", scope)
    assert is_denied("https://example.com/blog/?attachment_id=12", scope)
    assert not is_denied("https://example.com/blog/?feed=rss2", scope)


def test_url_keys_recognise_a_url_in_another_form_and_tell_urls_apart():
    url = "https://blog.example/2024/01/hello/?b=2&a=1#comment-5"
    assert url_key(url) == url_key("https://blog.example/2024/01/hello/?a=1&b=2")
    assert url_key(url) == canonical_key(canonical(url))
    assert 0 <= url_key(url) < 2**64
    keys = {url_key(f"https://blog.example/?p={n}") for n in range(10_000)}
    assert len(keys) == 10_000
