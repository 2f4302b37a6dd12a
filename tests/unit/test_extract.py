"""Extraction on pages recorded from the test WordPress (tests/fixtures/record.py), under a
classic and a block theme, checked against what WordPress's database said at recording."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import lxml.html
import pytest

from archiver.discovery.rest import find_api_root
from archiver.discovery.sitemaps import is_post_sitemap, sitemap_urls
from archiver.extract.comments import comment_page_urls, extract_comments_from_html
from archiver.extract.page import parse_html
from archiver.extract.posts import extract_post_from_html, merge_posts, post_from_api
from tests.conftest import fixture_path, load_fixture

THEMES = ("twentytwentyone", "twentytwentytwo", "twentytwentythree")
BOILERPLATE = re.compile(
    r"Leave a (Reply|comment)|Fill in your details|You are commenting using|Connecting to %s"
    r"|Cancel reply|Post Comment|Log Out",  # as the form writes them: the seed's body says
)  # "feel free to leave a comment", which is the author's text


def _page(theme: str, name: str) -> tuple[str, Any, dict[str, Any]]:
    url, text = load_fixture(theme, f"{name}.html")
    meta = json.loads(fixture_path(theme, f"{name}.meta.json").read_text("utf-8"))
    return url, parse_html(text), meta["truth"]


def _utc(value: str) -> str:
    """The truth's ``+00:00`` (as the recorder wrote WordPress's GMT) in the records' form."""
    assert value.endswith("+00:00")
    return value.removesuffix("+00:00") + "Z"


def _words(html: str) -> list[str]:
    tree = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    for element in tree.iter("p", "li", "h2", "h3", "pre", "figcaption", "blockquote"):
        element.tail = " " + (element.tail or "")
    return re.findall(r"\w+", tree.text_content())


@pytest.mark.parametrize("theme", THEMES)
def test_seed_post_body_metadata_and_link(theme):
    url, page, truth = _page(theme, "seed-post")
    post = extract_post_from_html(url, page)
    expected = truth["post"]
    assert post.id == expected["id"]
    assert post.type == "post"
    assert post.title == expected["title"]
    assert post.author.name == expected["author"]
    assert post.published == _utc(expected["date_gmt"])
    # The theme prints the blog's own clock: the same moment, with the blog's offset.
    assert post.published_local is not None
    assert datetime.fromisoformat(post.published_local) == datetime.fromisoformat(post.published)
    assert post.published_local[-6:] != "+00:00"
    assert [t.name for t in post.categories] == expected["categories"]
    assert sorted(t.name for t in post.tags) == sorted(expected["tags"])
    assert post.comment_status == "open"
    assert post.comment_count_declared == expected["comment_count"] == 6
    assert re.findall(r"\w+", post.content_text) == _words(expected["content_html"])
    paragraphs = post.content_text.split("\n\n")
    index = next(i for i, p in enumerate(paragraphs) if p.endswith("found on the link below:"))
    (link,) = [lk for lk in post.links if lk.text == paragraphs[index + 1]]
    assert link.href == "https://filmreviewsblog.wordpress.com/2014/01/30/her-by-spike-jonze/"
    assert "she had these big brown eyes I just kept drifting off in to" in post.content_text
    assert not BOILERPLATE.search(post.content_text)
    assert post.language == "en-US"


@pytest.mark.parametrize("theme", THEMES)
def test_seed_post_comments_are_threaded_from_the_markup(theme):
    url, page, truth = _page(theme, "seed-post")
    comments = extract_comments_from_html(url, page, post_id=2)
    expected = {c["id"]: c for c in truth["comments"]}
    assert [c.id for c in comments] == sorted(expected)
    for comment in comments:
        want = expected[comment.id]
        assert comment.post_id == 2
        assert comment.parent_id == (want["parent_id"] or None)
        assert comment.author.name.replace("’", "'") == want["author_name"]
        assert (comment.author.url or "").rstrip("/") == want["author_url"].rstrip("/")
        assert comment.author.url is None or comment.author.url
        assert comment.published == _utc(want["date_gmt"])
        assert comment.published_local is not None
        assert datetime.fromisoformat(comment.published_local) == datetime.fromisoformat(
            comment.published
        )
        assert comment.permalink.endswith(f"#comment-{comment.id}")
        assert comment.content_text
        assert not BOILERPLATE.search(comment.content_text + comment.content_html)
    depth = {c.id: c.depth for c in comments}
    assert max(depth.values()) == 3
    for comment in comments:
        assert comment.depth == (1 if not comment.parent_id else depth[comment.parent_id] + 1)


@pytest.mark.parametrize("theme", THEMES)
def test_a_comment_page_holds_whole_threads_and_links_its_siblings_only(theme):
    url, page, truth = _page(theme, "comment-page-2")
    post = extract_post_from_html(url, page)
    comments = extract_comments_from_html(url, page, post.id)
    expected = {c["id"]: c for c in truth["comments"]}
    assert post.comment_count_declared == len(expected) >= 120
    assert 0 < len(comments) < len(expected)
    on_page = {c.id for c in comments}
    for comment in comments:
        assert comment.parent_id == (expected[comment.id]["parent_id"] or None)
        assert comment.parent_id is None or comment.parent_id in on_page
    assert max(c.depth for c in comments) >= 5
    base = url.split("comment-page-")[0]
    siblings = comment_page_urls(url, page)
    assert siblings
    assert all(link.startswith(base) and "comment-page-" in link for link in siblings)
    assert url not in siblings


@pytest.mark.parametrize("theme", THEMES)
def test_pingbacks_and_trackbacks_are_typed(theme):
    url, page, truth = _page(theme, "pingback-post")
    comments = extract_comments_from_html(url, page, post_id=truth["post"]["id"])
    types = {c.id: c.type for c in comments}
    assert types == {c["id"]: c["type"] for c in truth["comments"]}
    for comment in comments:
        if comment.type != "comment":
            want = next(c for c in truth["comments"] if c["id"] == comment.id)
            assert comment.author.url == want["author_url"]


@pytest.mark.parametrize("theme", THEMES)
def test_password_protected_body_is_not_archived(theme):
    url, page, truth = _page(theme, "protected-post")
    post = extract_post_from_html(url, page)
    assert post.id == truth["post"]["id"]
    assert post.password_protected is True
    assert post.content_html == post.content_text == ""
    assert extract_comments_from_html(url, page, post.id) == []


@pytest.mark.parametrize("theme", THEMES)
def test_child_page(theme):
    url, page, truth = _page(theme, "child-page")
    post = extract_post_from_html(url, page)
    assert (post.id, post.type, post.title) == (
        truth["post"]["id"],
        "page",
        truth["post"]["title"],
    )


def test_rest_post_and_merge_with_the_page():
    _, text = load_fixture("api", "seed-post.json")
    obj = json.loads(text)
    api = post_from_api(obj)
    assert api.id == 2
    assert api.title == "Further thoughts on ‘Her’ by Spike Jonze"
    assert api.author.name == "Ada Archivist"
    assert [t.name for t in api.categories] == ["Film", "Reviews"]
    assert api.published == "2014-02-13T18:42:00Z"
    # The REST object's date and date_gmt: the blog's offset is their difference.
    assert (obj["date"], obj["date_gmt"]) == ("2014-02-13T19:42:00", "2014-02-13T18:42:00")
    assert api.published_local == "2014-02-13T19:42:00+01:00"
    page_url, page = load_fixture("twentytwentyone", "seed-post.html")
    html = extract_post_from_html(page_url, parse_html(page))
    assert api.content_text == html.content_text
    merged = merge_posts(api, html)
    assert merged.field_sources["title"] == "api"
    assert merged.field_sources["comment_count_declared"] == "html"
    assert merged.field_sources["canonical_url"] == "html"
    assert merged.comment_count_declared == 6
    assert merged.published == api.published
    assert merged.published_local == html.published_local == api.published_local


def test_rest_protected_post_has_no_body():
    _, text = load_fixture("api", "protected-post.json")
    post = post_from_api(json.loads(text))
    assert post.password_protected is True
    assert post.content_html == post.excerpt == ""
    assert "NEVER-ARCHIVE" not in json.dumps(post.title)


def test_rest_listing_embeds_authors_and_terms():
    _, text = load_fixture("api", "posts.json")
    posts = [post_from_api(obj) for obj in json.loads(text)]
    assert len(posts) == 3
    for post in posts:
        assert post.author.name
        assert post.categories
        assert post.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("theme", THEMES)
def test_api_root_is_found_in_the_home_page(theme):
    url, text = load_fixture(theme, "home.html")
    assert find_api_root(url, [], parse_html(text)) == url.rstrip("/") + "/wp-json/"


def test_core_sitemap_index_and_page_sitemap():
    body = fixture_path("sitemaps", "wp-sitemap.xml").read_bytes()
    kind, locations = sitemap_urls(body)
    assert kind == "sitemapindex"
    assert any(is_post_sitemap(loc) for loc in locations)
    assert not all(is_post_sitemap(loc) for loc in locations)
    kind, locations = sitemap_urls(
        fixture_path("sitemaps", "wp-sitemap-posts-page-1.xml").read_bytes()
    )
    assert kind == "urlset"
    assert any(loc.endswith("/about/team/") for loc in locations)


@pytest.mark.parametrize("theme", THEMES)
def test_single_page_threads_lead_to_no_more_comment_pages(theme):
    """Block themes link each comment's date to ".../comment-page-1/": not a new page."""
    url, page, _ = _page(theme, "seed-post")
    assert comment_page_urls(url, page) == []


@pytest.mark.parametrize("theme", THEMES)
def test_a_ping_never_holds_the_themes_label_as_its_text(theme):
    url, page, truth = _page(theme, "pingback-post")
    for comment in extract_comments_from_html(url, page, post_id=truth["post"]["id"]):
        if comment.type != "comment":
            assert "Pingback:" not in comment.content_text
            assert comment.author.name not in comment.content_text


@pytest.mark.parametrize("theme", THEMES)
def test_comments_of_a_password_protected_post_are_marked_gated(theme):
    url, page, _ = _page(theme, "protected-post")
    assert extract_post_from_html(url, page).comments_gated == "password"
    _, text = load_fixture("api", "protected-post.json")
    assert post_from_api(json.loads(text)).comments_gated == "password"


def test_comments_open_to_members_only_are_marked_gated_not_closed():
    url, text = load_fixture("twentytwentyone", "login-required.html")
    page = parse_html(text)
    post = extract_post_from_html(url, page)
    assert post.comments_gated == "login"
    assert post.comment_count_declared == 6
    assert len(extract_comments_from_html(url, page, post.id)) == 6
    seed_url, seed = load_fixture("twentytwentyone", "seed-post.html")
    assert extract_post_from_html(seed_url, parse_html(seed)).comments_gated is None
