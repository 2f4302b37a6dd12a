"""Which comment page a page shows, and the thread's other pages, on the three themes.

The post's own URL shows the newest comment page (the seed's discussion settings), the same
comments that pagination links as ``/comment-page-3/``: told apart by number, that page is
fetched once. twentytwentyone and twentytwentythree print numbered pagination with the
current page marked; twentytwentytwo only "Older Comments", so the comments' own
permalinks tell the page there."""

from __future__ import annotations

import pytest

from archiver.extract.comments import (
    comment_page_number,
    comment_page_urls,
    extract_comments_from_html,
    shown_comment_page,
    thread_key,
)
from archiver.extract.page import parse_html
from tests.conftest import load_fixture

THEMES = ("twentytwentyone", "twentytwentytwo", "twentytwentythree")


@pytest.mark.parametrize("theme", THEMES)
def test_the_posts_own_url_shows_its_newest_comment_page(theme):
    url, text = load_fixture(theme, "busiest-post.html")
    page = parse_html(text)
    comments = extract_comments_from_html(url, page, 202)
    assert comments
    assert comment_page_number(url) is None
    assert shown_comment_page(url, page, [c.permalink for c in comments]) == 3
    others = comment_page_urls(url, page)
    assert others
    assert {comment_page_number(link) for link in others} <= {1, 2}
    assert all(thread_key(link) == thread_key(url) for link in others)


@pytest.mark.parametrize("theme", THEMES)
def test_a_numbered_comment_page_shows_its_number(theme):
    url, text = load_fixture(theme, "comment-page-2.html")
    page = parse_html(text)
    assert shown_comment_page(url, page, []) == 2
    assert 2 not in {comment_page_number(link) for link in comment_page_urls(url, page)}


def test_comment_page_numbers_and_threads_of_pretty_and_plain_permalinks():
    post = "https://b.example/2023/06/15/post/"
    assert comment_page_number(post + "comment-page-12/#comments") == 12
    assert comment_page_number("https://b.example/?p=202&cpage=3") == 3
    assert comment_page_number(post) is None
    assert thread_key(post + "comment-page-2/") == thread_key(post)
    assert thread_key("https://b.example/?p=202&cpage=2") == thread_key("https://b.example/?p=202")
