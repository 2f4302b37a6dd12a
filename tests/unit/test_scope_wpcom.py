"""URL policy for a WordPress.com-hosted blog (``https://name.wordpress.com/``) and other
subdomain blogs, on pages with WordPress.com/Jetpack chrome (tests/fixtures/wpcom,
recorded from the test WordPress in its ``wpcom-chrome`` mode, moved to the address of the
seed post's original blog)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from archiver.discovery.urls import blog_scope, is_allowed, is_denied, is_in_scope
from archiver.extract.comments import comment_page_urls
from archiver.extract.page import parse_html
from tests.conftest import load_fixture

BLOG = "https://filmreviewsblog.wordpress.com/"


def _page(name: str) -> tuple[str, list[str]]:
    """The fixture's URL and every link and embed of the page, as on WordPress.com."""
    url, text = load_fixture("wpcom", f"{name}.html")
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    url, text = url.replace(origin, BLOG), text.replace(origin, BLOG)
    page = parse_html(text)
    links = [urljoin(url, str(v)) for v in page.xpath("//a/@href | //iframe/@src | //link/@href")]
    return url, links


@pytest.mark.parametrize("name", ["seed-post", "comment-page-2"])
def test_jetpack_chrome_links_are_never_followed(name):
    url, links = _page(name)
    scope = blog_scope(BLOG)
    assert is_allowed(url, scope)
    shares = [link for link in links if "share=" in link]
    assert shares, "the fixture carries Jetpack's sharing buttons"
    assert not any(is_allowed(link, scope) for link in shares)
    remote = [link for link in links if urlsplit(link).netloc == "jetpack.wordpress.com"]
    assert remote, "the fixture carries Jetpack's remote comment form"
    assert not any(is_in_scope(link, scope) for link in remote)
    replies = [link for link in links if "replytocom=" in link]
    assert replies
    assert all(is_denied(link, scope) for link in replies)
    # What is followed stays on the blog's own host.
    for link in links:
        if is_allowed(link, scope):
            assert urlsplit(link).netloc == "filmreviewsblog.wordpress.com", link


def test_comment_pages_of_a_wordpress_com_thread_stay_in_the_thread():
    url, text = load_fixture("wpcom", "comment-page-2.html")
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    url, text = url.replace(origin, BLOG), text.replace(origin, BLOG)
    pages = comment_page_urls(url, parse_html(text))
    assert pages
    thread = url.split("comment-page-")[0]
    for page in pages:
        assert page.startswith(thread)
        assert is_allowed(page, blog_scope(BLOG))


def test_a_subdomain_blog_is_its_host_only():
    scope = blog_scope(BLOG)
    assert is_in_scope(
        "https://filmreviewsblog.wordpress.com/2014/01/30/her-by-spike-jonze/", scope
    )
    assert is_in_scope("https://FilmReviewsBlog.wordpress.com/about/", scope)
    assert is_in_scope("http://filmreviewsblog.wordpress.com/about/", scope)
    assert not is_in_scope("https://otherblog.wordpress.com/2014/01/30/", scope)
    assert not is_in_scope("https://wordpress.com/log-in", scope)
    assert not is_in_scope("https://public-api.wordpress.com/wp/v2/sites/x/posts", scope)
    assert not is_in_scope("https://filmreviewsblog.wordpress.com.evil.example/", scope)
    blog = blog_scope("https://blog.example.com/")
    assert not is_in_scope("https://example.com/", blog)
    assert not is_in_scope("https://www.blog.example.com/", blog)


def test_wordpress_com_actions_and_twins_are_denied():
    scope = blog_scope(BLOG)
    post = BLOG + "2014/02/13/further-thoughts-on-her-by-spike-jonze/"
    for url in (
        post + "?share=facebook",
        post + "?like_comment=3&_wpnonce=abc",
        post + "amp/",
        post + "feed/",
        post + "?replytocom=4",
        BLOG + "wp-login.php?redirect_to=" + post,
        BLOG + "?s=her",
        BLOG + "?attachment_id=12",
    ):
        assert is_denied(url, scope), url
    assert not is_denied(post + "comment-page-2/", scope)
    assert not is_denied(BLOG + "feed/", scope)  # the blog's own feed is a source
