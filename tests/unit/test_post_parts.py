"""Multi-page posts (``<!--nextpage-->``) read from their pages, recorded from the test
WordPress: the first page links the others, and their bodies joined are the body WordPress
renders for the whole post (the ground truth's ``the_content``, as REST gives it)."""

from __future__ import annotations

import json
import re

import lxml.html

from archiver.extract.records import join_post_pages, read_post_page, read_post_part
from tests.conftest import fixture_path, load_fixture

PAGES = [load_fixture("twentytwentyone", f"nextpage-{page}.html") for page in (1, 2, 3)]
META = json.loads(fixture_path("twentytwentyone", "nextpage-1.meta.json").read_text("utf-8"))
TRUTH = META["truth"]


def _words(html: str) -> list[str]:
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return re.findall(r"\w+", tree.text_content())


def test_the_first_page_links_the_others_in_order():
    url, text = PAGES[0]
    records = read_post_page(url, text, None)
    assert records.post_pages == [PAGES[1][0], PAGES[2][0]]
    assert records.html_post is not None
    assert records.html_post.id == TRUTH["post_id"]
    # The first page alone has a third of the post.
    assert len(_words(records.html_post.content_html)) < len(_words(TRUTH["content_html"])) / 2


def test_a_block_theme_links_the_same_pages():
    url, text = load_fixture("twentytwentythree", "nextpage-1.html")
    records = read_post_page(url, text, None)
    assert records.post_pages == [PAGES[1][0], PAGES[2][0]]
    assert "Pages:" in text  # wp_link_pages' p.post-nav-links, inside the body ...
    assert records.html_post is not None
    assert "Pages" not in records.html_post.content_text  # ... is navigation, not text


def test_a_later_page_links_the_first_and_the_next_not_itself():
    url, text = PAGES[1]
    assert read_post_page(url, text, None).post_pages == [PAGES[0][0], PAGES[2][0]]


def test_the_pages_joined_are_the_whole_post():
    url, text = PAGES[0]
    post = read_post_page(url, text, None).html_post
    assert post is not None
    bodies = [post.content_html]
    for part_url, part_text in PAGES[1:]:
        body, error = read_post_part(part_url, part_text)
        assert error == ""
        bodies.append(body)
    joined = join_post_pages(post, bodies)
    assert _words(joined.content_html) == _words(TRUTH["content_html"])
    assert re.findall(r"\w+", joined.content_text) == _words(TRUTH["content_html"])
    for first_words in ("First page", "Second page", "Third page"):
        assert joined.content_text.count(first_words) == 1
    assert "Pages:" not in joined.content_text  # the page links are navigation


def test_a_post_of_one_page_links_no_other():
    url, text = load_fixture("twentytwentyone", "seed-post.html")
    assert read_post_page(url, text, None).post_pages == []
