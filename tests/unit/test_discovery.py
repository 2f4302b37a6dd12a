from __future__ import annotations

from archiver.discovery import (
    api_listing_url,
    api_url,
    blog_scope,
    find_api_root,
    is_denied,
    is_in_scope,
    is_post_sitemap,
)


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
