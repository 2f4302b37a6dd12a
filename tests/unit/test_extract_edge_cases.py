"""Issue 18's edge cases, recorded from the test WordPress (tests/fixtures/record_edge_cases.py)
under a classic and a block theme: posts listing other posts, [gallery], no title, a number in
the title, threads deeper than the display depth and threading off."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from archiver.extract.records import PageRecords, read_post_page

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "edge-cases"
THEMES = ("twentytwentyone", "twentytwentythree")


def _load(theme: str, name: str) -> tuple[PageRecords, dict[str, Any]]:
    meta = json.loads((HERE / theme / f"{name}.meta.json").read_text("utf-8"))
    text = (HERE / theme / f"{name}.html").read_text("utf-8")
    return read_post_page(meta["url"], text, None), meta["truth"]


def _words(html: str) -> list[str]:
    tree = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    for element in tree.iter("p", "li", "h2", "h3", "div", "figure", "figcaption", "dt", "dd"):
        element.text = " " + (element.text or "")
        element.tail = " " + (element.tail or "")
    return sorted(re.findall(r"\w+", tree.text_content()))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", ["query-loop", "latest-posts", "gallery", "untitled"])
def test_the_post_keeps_its_own_title_and_body(theme, name):
    records, truth = _load(theme, name)
    post = records.html_post
    assert post is not None
    assert post.id == truth["post"]["id"]
    assert post.title == truth["post"]["title"]
    assert sorted(re.findall(r"\w+", post.content_text)) == _words(truth["post"]["content_html"])


@pytest.mark.parametrize("theme", THEMES)
def test_a_query_loop_inside_the_body_is_part_of_the_body(theme):
    records, truth = _load(theme, "query-loop")
    post = records.html_post
    assert post is not None
    text = post.content_text
    assert text.startswith("These are the notes that open the reading list post.")
    assert text.endswith("And these words close the reading list post after the loop.")
    listed = lxml.html.fragment_fromstring(truth["post"]["content_html"], create_parent="div")
    titles = [a.text_content() for a in listed.cssselect(".wp-block-post-title a")]
    assert len(titles) == len(listed.cssselect("li.wp-block-post")) >= 3
    assert all(title in text for title in titles)


@pytest.mark.parametrize("theme", THEMES)
def test_a_gallery_posts_text_and_pictures_are_kept(theme):
    records, _truth = _load(theme, "gallery")
    post = records.html_post
    assert post is not None
    assert "The gallery below holds three of the blog" in post.content_text
    assert post.content_text.endswith("Words after the gallery are part of the post too.")
    assert len(post.images) == 3


@pytest.mark.parametrize("theme", THEMES)
def test_a_post_without_a_title_is_still_a_post_with_its_comment(theme):
    records, truth = _load(theme, "untitled")
    assert records.html_post is not None
    assert records.html_post.id == truth["post"]["id"]
    assert [c.id for c in records.comments] == [c["id"] for c in truth["comments"]]


@pytest.mark.parametrize("theme", THEMES)
def test_a_number_in_the_title_is_not_the_count(theme):
    # twentytwentythree: "One response to “Crawler often, part 5”"
    records, truth = _load(theme, "count-in-title")
    assert truth["post"]["comment_count"] == 1
    assert records.html_post is not None
    assert records.html_post.comment_count_declared == 1


@pytest.mark.parametrize("theme", THEMES)
def test_parents_hidden_by_the_display_depth_are_marked_uncertain(theme):
    records, truth = _load(theme, "deep-thread")
    true_parent = {c["id"]: c["parent_id"] or None for c in truth["comments"]}
    comments = records.comments
    assert [c.id for c in comments] == sorted(true_parent)
    wrong = [c for c in comments if c.parent_id != true_parent[c.id]]
    assert wrong, "the recorded thread goes deeper than the display depth of 3"
    assert all(c.parent_uncertain for c in wrong)
    # Above the display depth, the nesting is the truth.
    for comment in comments:
        if comment.depth < 3:
            assert comment.parent_id == true_parent[comment.id]
            assert not comment.parent_uncertain
    assert max(c.depth for c in comments) == 3


@pytest.mark.parametrize("theme", THEMES)
def test_with_threading_off_every_parent_but_the_first_is_uncertain(theme):
    records, truth = _load(theme, "deep-thread-flat")
    comments = records.comments
    assert {c.depth for c in comments} == {1}
    assert all(c.parent_id is None for c in comments)
    assert [c.parent_uncertain for c in comments] == [False] + [True] * (len(comments) - 1)
    true_parent = {c["id"]: c["parent_id"] or None for c in truth["comments"]}
    assert all(c.parent_uncertain for c in comments if true_parent[c.id] != c.parent_id)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", ["query-loop", "latest-posts"])
def test_a_post_listing_others_keeps_its_own_date(theme, name):
    """The listed posts' dates (inside the body) are not the post's, under either theme."""
    records, truth = _load(theme, name)
    post = records.html_post
    assert post is not None
    assert post.published == truth["post"]["date_gmt"].replace("+00:00", "Z")
