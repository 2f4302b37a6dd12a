"""Jetpack / WordPress.com chrome (sharing, likes, related posts, the remote comment form),
as transcribed from Jetpack's public source by the test WordPress's ``wpcom-chrome`` mode,
never reaches a post body or a comment."""

from __future__ import annotations

import json
import re

import pytest

from archiver.extract.comments import extract_comments_from_html
from archiver.extract.page import parse_html
from archiver.extract.posts import extract_post_from_html
from tests.conftest import fixture_path, load_fixture

JETPACK_CHROME = re.compile(
    r"Share this:|Like this:|Loading\.\.\.|Like or Reblog|Click to share on|Related"
    r"|Leave a Reply|jetpack|sharedaddy|sd-|jp-relatedposts|sharing_js_options"
)


@pytest.mark.parametrize("name", ["seed-post", "comment-page-2"])
def test_jetpack_chrome_is_dropped_and_comments_are_kept(name):
    url, text = load_fixture("wpcom", f"{name}.html")
    truth = json.loads(fixture_path("wpcom", f"{name}.meta.json").read_text("utf-8"))["truth"]
    assert "Share this:" in text  # the fixture does carry the chrome
    page = parse_html(text)
    post = extract_post_from_html(url, page)
    assert post.id == truth["post"]["id"]
    assert not JETPACK_CHROME.search(post.content_text)
    assert not JETPACK_CHROME.search(post.content_html)
    assert all("share=" not in link.href for link in post.links)
    comments = extract_comments_from_html(url, page, post.id)
    parents = {c["id"]: c["parent_id"] or None for c in truth["comments"]}
    assert comments
    for comment in comments:
        assert comment.parent_id == parents[comment.id]
        assert not JETPACK_CHROME.search(comment.content_text + comment.content_html)


def test_seed_post_body_is_unchanged_by_the_chrome():
    url, plain = load_fixture("twentytwentyone", "seed-post.html")
    wpcom_url, chrome = load_fixture("wpcom", "seed-post.html")
    assert extract_post_from_html(url, parse_html(plain)).content_text == (
        extract_post_from_html(wpcom_url, parse_html(chrome)).content_text
    )
