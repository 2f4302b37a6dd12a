"""End to end: discovery when the blog hides part of what WordPress knows about itself.

Each case switches the test WordPress into site modes (``wp.sh mode``, see
tests/wordpress/README.md), crawls it with ``scrapy crawl wordpress`` and compares the archive
with the ground truth read in that mode: every published post and page and every approved
comment with its parent, no denied URL ever requested, few requests, and a summary that
says how discovery went. The mode is always cleared (``mode none``) before the next test.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.discovery import blog_scope, is_denied, is_in_scope
from tests.conftest import read_jsonl, scrapy_crawl, wp

pytestmark = pytest.mark.e2e

MODES = (
    "rest-html",
    "rest-off,sitemap-off",
    "rest-off,sitemap-off,feeds-off",
    "plain-permalinks",
    "plain-permalinks,rest-off",
    "feeds-off",
    "comments-external",
)


@pytest.fixture(scope="session", params=MODES)
def crawl(
    request: pytest.FixtureRequest, wordpress_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One crawl per mode, with the ground truth as the site shows it in that mode."""
    mode = request.param
    output = tmp_path_factory.mktemp(f"output-{mode.replace(',', '-')}")
    try:
        wp("mode", mode)
        truth = json.loads(wp("groundtruth"))
        assert truth["modes"] == mode.split(",")
        url = truth["site"]["url"].rstrip("/") + "/"
        result, crawl_dir = scrapy_crawl(url, output)
    finally:
        wp("mode", "none")
    requests: Counter[str] = Counter()
    for warc in sorted(crawl_dir.glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request":
                    requests[record.rec_headers.get_header("WARC-Target-URI")] += 1
    return {
        "mode": mode,
        "url": url,
        "truth": truth,
        "dir": crawl_dir,
        "stdout": result.stdout,
        "posts": read_jsonl(crawl_dir / "posts.jsonl"),
        "comments": read_jsonl(crawl_dir / "comments.jsonl"),
        "summary": json.loads((crawl_dir / "summary.json").read_text("utf-8")),
        "requests": requests,
    }


def test_every_published_post_and_page_is_archived(crawl):
    archived = {p["id"]: p for p in crawl["posts"]}
    assert len(archived) == len(crawl["posts"]), "a post was written twice"
    expected = {p["id"]: p for p in crawl["truth"]["posts"]}
    assert set(archived) == set(expected)
    for post_id, truth in expected.items():
        assert archived[post_id]["type"] == truth["type"], post_id
        assert archived[post_id]["url"] == truth["url"], post_id


def test_every_approved_comment_is_archived_with_its_parent(crawl):
    archived = {c["id"]: c for c in crawl["comments"]}
    assert len(archived) == len(crawl["comments"]), "a comment was written twice"
    expected = {c["id"]: c for c in crawl["truth"]["comments"]}
    assert set(archived) == set(expected)
    for comment_id, truth in expected.items():
        assert archived[comment_id]["post_id"] == truth["post_id"], comment_id
        assert archived[comment_id]["parent_id"] == truth["parent_id"], comment_id


def test_no_denied_or_out_of_scope_url_is_ever_requested(crawl):
    scope = blog_scope(crawl["url"])
    assert crawl["requests"]
    for uri in crawl["requests"]:
        if uri.endswith("/robots.txt"):  # RobotsTxtMiddleware's own request
            continue
        assert is_in_scope(uri, scope), uri
        assert not is_denied(uri, scope), uri


def test_each_page_is_fetched_once_and_requests_stay_near_the_minimum(crawl):
    truth = crawl["truth"]
    requests = crawl["requests"]
    for post in truth["posts"]:
        assert requests[post["url"]] == 1, post["url"]
    # Every post page once, each further comment page once, and the listings: the REST API
    # (3 + 1 pages), the sitemaps (index + 2) or the archive pages (27 of 10 posts) + feed.
    comment_pages = {(c["post_id"], c["page"]) for c in truth["comments"] if c["page"] > 1}
    minimum = len(truth["posts"]) + len(comment_pages)
    assert sum(requests.values()) <= minimum + 40, (sum(requests.values()), minimum)
    summary = crawl["summary"]
    assert summary["requests"]["per_archived_post"] <= 1.2
    assert summary["requests"]["by_kind"]["post"] == len(truth["posts"])


def test_summary_says_how_discovery_went(crawl):
    summary = crawl["summary"]
    discovery = summary["discovery"]
    modes = set(crawl["mode"].split(","))
    if "rest-off" in modes:
        assert discovery["rest_api"] == "not advertised"
    elif "rest-html" in modes:
        assert discovery["rest_api"].startswith("unusable:")
        assert "did not return a JSON list" in discovery["rest_api"]
    else:
        assert discovery["rest_api"] == "used"
        assert discovery["rest_api_root"] == crawl["truth"]["site"]["rest_root"]
        assert summary["coverage"]["posts_declared"] == sum(
            1 for p in crawl["truth"]["posts"] if p["type"] == "post"
        )
    rest_usable = discovery["rest_api"] == "used"
    if not rest_usable and "sitemap-off" not in modes:
        assert discovery["sitemap"] == "used"
        assert "archive_pages" not in discovery
        if "plain-permalinks" in modes:
            # No virtual robots.txt then: /wp-sitemap.xml is tried, then ?sitemap=index.
            assert "sitemap_sources" not in discovery
        else:  # WordPress names its sitemap in robots.txt
            assert discovery["sitemap_sources"] == f"robots.txt: {crawl['url']}wp-sitemap.xml"
    if "sitemap-off" in modes:
        assert discovery["sitemap"].startswith("unusable:")
        assert discovery["archive_pages"] == "used"
        if "feeds-off" in modes:
            assert discovery["feeds"].startswith("unusable:")
        else:
            assert discovery["feeds"] == "used"
    assert summary["failures"] == []
    assert summary["coverage"]["comment_mismatches"] == []
    assert summary["complete"] is True
    assert "complete archive" in crawl["stdout"]


def test_external_comments_are_marked_never_counted_as_zero(crawl):
    zero = crawl["truth"]["special"]["zero"]
    (post,) = [p for p in crawl["posts"] if p["id"] == zero]
    coverage = crawl["summary"]["coverage"]
    external = {entry["post_id"]: entry for entry in coverage["comments_external"]}
    if crawl["mode"] != "comments-external":
        assert post["comments_external"] == ""
        assert external == {}
        return
    assert post["comments_external"] == "disqus"
    assert post["comment_count_declared"] is None
    assert external == {zero: {"post_id": zero, "url": post["url"], "system": "disqus"}}
    assert zero not in {m["post_id"] for m in coverage["comment_mismatches"]}
    assert coverage["comment_threads"]["external"] == 1
    assert "external" in crawl["stdout"]
