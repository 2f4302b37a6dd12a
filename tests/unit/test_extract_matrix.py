"""Pure extraction on pages of the theme matrix (tests/fixtures/matrix/, recorded from the
test WordPress by tests/fixtures/record_matrix.py, each with its ground truth)."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

import lxml.html
import pytest

from archiver.discovery.archive_pages import archive_links
from archiver.extract.page import parse_html
from archiver.extract.records import read_post_page
from tests.conftest import fixture_path

SEED_THEMES = ("ba-hestia", "ba-kubrick", "ba-tagdiv", "ba-noarticle")


def _load(name: str) -> tuple[str, str, dict[str, Any]]:
    path = fixture_path("matrix", f"{name}.html")
    meta = json.loads(path.with_suffix(".meta.json").read_text("utf-8"))
    return meta["url"], path.read_text("utf-8"), meta["expected"]


def _words(fragment: str) -> list[str]:
    tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in tree.iter("p", "li", "div", "blockquote", "figure", "br"):
        element.tail = " " + (element.tail or "")
    return re.findall(r"\w+", tree.text_content())


def _f1(expected: list[str], got: list[str]) -> float:
    common = sum((Counter(expected) & Counter(got)).values())
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(expected)
    return 2 * precision * recall / (precision + recall)


@pytest.mark.parametrize("theme", SEED_THEMES)
def test_the_seed_post_keeps_its_title_and_body_alone(theme):
    url, text, truth = _load(f"{theme}-seed-post")
    post = read_post_page(url, text, None).html_post
    assert post is not None
    # Hestia prints the title outside the article, Kubrick as a bare h2.
    assert post.title == html.unescape(truth["title"])
    # Kubrick's .entry also holds "Tags: …" and the post's metadata: not the body.
    assert _f1(_words(truth["content_html"]), re.findall(r"\w+", post.content_text)) >= 0.99


@pytest.mark.parametrize("theme", SEED_THEMES)
def test_every_comment_has_its_own_name_link_text_and_parent(theme):
    url, text, truth = _load(f"{theme}-seed-post")
    comments = {c.id: c for c in read_post_page(url, text, None).comments}
    expected = {c["id"]: c for c in truth["comments"]}
    assert set(comments) == set(expected)
    for comment_id, want in expected.items():
        got = comments[comment_id]
        # Hestia's heading and OceanWP's author box also hold the date and the reply link.
        assert got.author.name == html.unescape(want["author_name"]), comment_id
        assert (got.author.url or "").rstrip("/") == want["author_url"].rstrip("/"), comment_id
        assert (got.parent_id or 0) == want["parent_id"], comment_id  # 0 or None: top level
        assert _f1(_words(want["content_html"]), re.findall(r"\w+", got.content_text)) >= 0.99


def test_tagdiv_unix_pubdate_is_the_blogs_wall_clock():
    url, text, truth = _load("ba-tagdiv-seed-post")
    comments = {c.id: c for c in read_post_page(url, text, None).comments}
    assert 'pubdate="' in text
    assert "datetime" not in text.split('id="comments"', 1)[1]
    for want in truth["comments"]:
        # get_comment_time('U') is the local time read as UTC: placed with the page's offset.
        published = comments[want["id"]].published
        assert published
        # Read as UTC, the stamp would be an hour late (Europe/Paris in February).
        assert datetime.fromisoformat(published) == datetime.fromisoformat(want["date_gmt"])


@pytest.mark.parametrize("theme", ["ba-astra", "twentytwentythree"])
def test_an_untitled_post_is_found_on_its_archive_page(theme):
    url, text, truth = _load(f"{theme}-untitled-day-archive")
    posts, _ = archive_links(url, parse_html(text))
    assert truth["untitled"] in posts
    # Only the day's permalinks: no term, author, date or feed link.
    assert all(post.startswith(url) and post != url for post in posts), posts


@pytest.mark.parametrize("theme", ["ba-hestia", "ba-kubrick", "ba-noarticle"])
def test_a_comment_date_printed_as_text_is_the_blogs_clock(theme):
    """Themes that print a comment's date as text only ("February 13, 2014 at 7:42 pm"),
    no time[datetime]: the blog's clock in ``published_local``, to the minute; no zone is
    guessed, so ``published`` stays null."""
    url, text, truth = _load(f"{theme}-seed-post")
    assert "datetime" not in text.split('id="comments"', 1)[1]
    comments = {c.id: c for c in read_post_page(url, text, None).comments}
    for want in truth["comments"]:
        comment = comments[want["id"]]
        assert comment.published is None
        assert comment.published_local, (theme, want["id"])
        local = datetime.fromisoformat(comment.published_local)
        assert local.tzinfo is None
        utc = datetime.fromisoformat(want["date_gmt"]).replace(tzinfo=None)
        hours = (local - utc).total_seconds() / 3600  # the blog's offset: whole hours
        assert hours == int(hours), (theme, want["id"])
        assert abs(hours) <= 14, (theme, want["id"])
