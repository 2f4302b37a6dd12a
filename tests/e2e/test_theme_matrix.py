"""End to end: the archive's content under every theme of the matrix, REST API on and off.

The matrix (tests/wordpress/themes/, see docs/test-wordpress.md) holds one small theme per
markup family of the research notes: core's xhtml comments with ``style=div``, Astra-like,
Hestia-like, tagDiv-like, no article and no post_class, Elementor-like, Kubrick, threading
off and paged comments. Each is crawled with ``scrapy crawl wordpress`` as a user runs it,
once with the REST API and once without (``wp.sh mode rest-off``: sitemaps find the posts,
the theme's HTML is all extraction has), and the archive is compared with the ground truth
read under that theme: every body (token F1 against WordPress's rendered content), link and
image, every comment with its text, author, date and parent (or ``parent_uncertain`` where
the theme does not show it), and no false comment-count mismatch.

To keep the matrix within a few minutes on two cores, the blog is cut down for this module
only: every post but the special ones (ground truth's ``special``: the seed post, pings,
closed and open threads, the 125-comment thread on several pages, the protected, Query
Loop, gallery and untitled posts) and every 40th generated one is set to draft through
WordPress's database, so the crawl and the ground truth both see the smaller blog; ``wp.sh
reset`` restores it afterwards.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import lxml.html
import pytest

from tests.conftest import ROOT, read_jsonl, scrapy_crawl, wp
from tests.e2e.test_crawl_wordpress import _BLOCKS, BOILERPLATE, _f1, _instant

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.e2e

DEFAULT_THEME = "twentytwentyone"
# Theme: does it print a machine-readable comment date (time[datetime], tagDiv's pubdate)?
# Core's xhtml format and the themes after it print the date as text only.
MATRIX: dict[str, bool] = {
    "ba-xhtml": False,
    "ba-astra": True,
    "ba-hestia": False,
    "ba-tagdiv": True,
    "ba-noarticle": False,
    "ba-elementor": True,
    "ba-kubrick": False,
    "ba-flat": True,
    "ba-paged": True,
}
CASES = [(theme, mode) for theme in MATRIX for mode in ("", "rest-off")]
# Crawls where only the archive pages list the posts (the matrix shares one listing; the
# block themes' Query Loop links an untitled post by its date only). The default themes
# with and without the REST API are crawled whole by test_crawl_wordpress.py.
ARCHIVE_ONLY = "rest-off,sitemap-off,feeds-off"
CASES += [(theme, ARCHIVE_ONLY) for theme in ("ba-kubrick", "twentytwentythree")]
KEEP_EVERY = 40


@pytest.fixture(scope="module")
def small_blog(wordpress_url: str) -> Iterator[str]:
    """The test WordPress with only the special posts and a few others published."""
    truth = json.loads(wp("groundtruth"))
    keep = set(truth["special"].values())
    posts = sorted(p["id"] for p in truth["posts"] if p["type"] == "post")
    keep |= set(posts[::KEEP_EVERY])
    drafts = [i for i in posts if i not in keep]
    wp(
        "php",
        f"global $wpdb; foreach (json_decode('{json.dumps(drafts)}') as $id) {{"
        " $wpdb->update($wpdb->posts, array('post_status' => 'draft'), array('ID' => $id));"
        " clean_post_cache($id); }",
    )
    try:
        yield wordpress_url
    finally:
        wp("reset")


@pytest.fixture(scope="module", params=CASES, ids=[f"{t}-{m or 'rest-on'}" for t, m in CASES])
def crawl(
    request: pytest.FixtureRequest, small_blog: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    theme, mode = request.param
    output = tmp_path_factory.mktemp(f"matrix-{theme}-{(mode or 'rest-on').replace(',', '-')}")
    try:
        wp("php", f"switch_theme({theme!r});")
        wp("mode", mode or "none")
        # Read under the theme: threading and comment pages are its settings.
        truth = json.loads(wp("groundtruth"))
        result, crawl_dir = scrapy_crawl(small_blog, output, "AUTOTHROTTLE_ENABLED=False")
    finally:
        wp("mode", "none")
        wp("php", f"switch_theme({DEFAULT_THEME!r});")
    return {
        "theme": theme,
        "mode": mode,
        "dir": crawl_dir,
        "rest": "rest-off" not in mode,
        "truth": truth,
        "stdout": result.stdout,
        "posts": read_jsonl(crawl_dir / "posts.jsonl"),
        "comments": read_jsonl(crawl_dir / "comments.jsonl"),
        "summary": json.loads((crawl_dir / "summary.json").read_text("utf-8")),
    }


def _words(fragment: str) -> list[str]:
    """The words a reader sees in WordPress's rendered HTML (core's [gallery] prints a
    <style> block in themes without html5 gallery support), read with lxml."""
    if not fragment.strip():
        return []
    tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in list(tree.iter("style", "script")):
        element.drop_tree()
    for element in tree.iter(*_BLOCKS):
        element.tail = " " + (element.tail or "")
    return re.findall(r"\w+", tree.text_content())


def test_the_blog_was_cut_down_but_keeps_every_special_post(crawl):
    truth = crawl["truth"]
    published = {p["id"] for p in truth["posts"]}
    for key in ("seed", "many", "pingback", "closed", "query_loop", "gallery", "untitled"):
        assert truth["special"][key] in published, key
    assert 15 <= len(published) <= 40


def test_every_published_post_and_page_is_archived_with_its_title(crawl):
    archived = {p["id"]: p for p in crawl["posts"]}
    assert len(archived) == len(crawl["posts"]), "a post was written twice"
    expected = {p["id"]: p for p in crawl["truth"]["posts"]}
    assert set(archived) == set(expected)
    for post_id, truth in expected.items():
        post = archived[post_id]
        assert post["url"] == truth["url"], post_id
        # The REST API gives a protected post's title without core's "Protected: ".
        title = html.unescape(truth["title"])
        assert (post["title"] or "") in {title, title.removeprefix("Protected: ")}, post_id


def test_post_bodies_keep_every_word_link_and_image(crawl):
    archived = {p["id"]: p for p in crawl["posts"]}
    for truth in crawl["truth"]["posts"]:
        post = archived[truth["id"]]
        if truth["password_protected"]:
            assert not post["content_html"]
            assert not post["content_text"]
            continue
        f1 = _f1(_words(truth["content_html"]), re.findall(r"\w+", post["content_text"] or ""))
        assert f1 >= 0.99, (truth["id"], f1)
        tree = lxml.html.fragment_fromstring(
            truth["content_html"] or "<p></p>", create_parent="div"
        )
        hrefs = {a.get("href") for a in tree.iter("a") if a.get("href")}
        assert hrefs <= {link["href"] for link in post["links"]}, truth["id"]
        alts = sorted(img.get("alt") or "" for img in tree.iter("img"))
        assert alts == sorted(img["alt"] for img in post["images"]), truth["id"]


def test_every_comment_is_found_with_its_text_author_date_and_parent(crawl):
    archived = {c["id"]: c for c in crawl["comments"]}
    assert len(archived) == len(crawl["comments"]), "a comment was written twice"
    expected = {c["id"]: c for c in crawl["truth"]["comments"]}
    assert set(archived) == set(expected)
    machine_dates = MATRIX.get(crawl["theme"], True)
    for comment_id, truth in expected.items():
        comment = archived[comment_id]
        assert comment["post_id"] == truth["post_id"], comment_id
        assert comment["type"] == truth["type"], comment_id
        # A parent the theme does not show (threading off, the display depth) is marked.
        # (0 or null: the top level, whichever the records' convention.)
        if (comment["parent_id"] or 0) != (truth["parent_id"] or 0):
            assert comment["parent_uncertain"], (comment_id, comment["parent_id"])
        shown = html.unescape(truth["author_name"])
        assert comment["author"]["name"] in {shown, shown.replace("'", "’")}, comment_id
        if truth["type"] != "comment":
            continue
        assert (comment["author"]["url"] or "").rstrip("/") == truth["author_url"].rstrip("/")
        f1 = _f1(_words(truth["content_html"]), re.findall(r"\w+", comment["content_text"] or ""))
        assert f1 >= 0.99, (comment_id, f1)
        # A date printed as text only is read only where its time zone is known.
        if machine_dates or comment["published"]:
            assert _instant(comment["published"]) == _instant(truth["date_gmt"]), comment_id


def test_no_false_comment_count_mismatch_and_a_complete_archive(crawl):
    summary = crawl["summary"]
    assert summary["coverage"]["comment_mismatches"] == []
    assert summary["failures"] == []
    assert summary["complete"] is True
    assert "complete archive" in crawl["stdout"]
    declared = {p["id"]: p["comment_count_declared"] for p in crawl["posts"]}
    for truth in crawl["truth"]["posts"]:
        if declared[truth["id"]] is not None:
            assert declared[truth["id"]] == truth["comment_count"], truth["id"]


def test_no_comment_form_or_theme_boilerplate_in_any_record(crawl):
    for record in crawl["posts"] + crawl["comments"]:
        for phrase in (*BOILERPLATE, "Subscribe to our newsletter", "This entry was posted"):
            assert phrase not in (record["content_text"] or ""), (record["id"], phrase)
        assert "<script" not in (record["content_html"] or "")


def test_json_rebuilt_from_the_warc_alone_equals_the_crawls(crawl, tmp_path):
    """Under every theme and mode: the comment pages followed by their #comments links,
    untitled posts from archive pages, REST's and the pages' comment views merged."""
    rebuilt = tmp_path / "rebuilt"
    result = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "extract", str(crawl["dir"]), "-o", str(rebuilt)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    for name in ("posts.jsonl", "comments.jsonl"):
        assert (rebuilt / name).read_bytes() == (crawl["dir"] / name).read_bytes(), name
