"""End to end: discovery when the blog hides part of what WordPress knows about itself.

Each case switches the test WordPress to a theme and into site modes (``wp.sh mode``, see
tests/wordpress/README.md), crawls it with ``scrapy crawl wordpress`` and compares the archive
with the ground truth read in that mode: every published post and page and every approved
comment with its parent, no denied or out-of-scope URL ever requested, each page fetched
once, few requests, and a summary that says how discovery went and what the blog declared.
The mode and theme are always restored (``mode none``, twentytwentyone) after a crawl.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.discovery.urls import blog_scope, is_allowed
from archiver.extract.comments import comment_page_number, thread_key
from tests.conftest import read_jsonl, scrapy_crawl, wp

pytestmark = pytest.mark.e2e

CLASSIC = "twentytwentyone"
DISPLAY_DEPTH = 10  # the test blog's thread_comments_depth (tests/wordpress/seed.php)
# Every mode runs under the classic theme and under one of the two block themes (their
# comment markup and pagination differ: numbered in twentytwentythree, "Older Comments"
# links only in twentytwentytwo). All three themes with the REST API on and off are
# crawled by test_crawl_wordpress.py; the whole matrix here would take twice as long.
MODES_BLOCK_THEME = {
    "rest-html": "twentytwentytwo",
    "rest-off,sitemap-off": "twentytwentythree",
    "rest-off,sitemap-off,feeds-off": "twentytwentytwo",
    "plain-permalinks": "twentytwentythree",
    "plain-permalinks,rest-off": "twentytwentytwo",
    "feeds-off": "twentytwentythree",
    "comments-external": "twentytwentytwo",
    "comments-oldest": "twentytwentythree",
    "comments-desc": "twentytwentytwo",
    "subdirectory": "twentytwentytwo",
    "subdirectory,rest-off": "twentytwentythree",
}
CASES = [(theme, mode) for mode, block in MODES_BLOCK_THEME.items() for theme in (CLASSIC, block)]


@pytest.fixture(scope="session", params=CASES, ids=[f"{t}-{m}" for t, m in CASES])
def crawl(
    request: pytest.FixtureRequest, wordpress_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One crawl per (theme, modes), with the ground truth as the site shows it then."""
    theme, mode = request.param
    output = tmp_path_factory.mktemp(f"output-{theme}-{mode.replace(',', '-')}")
    try:
        wp("php", f"switch_theme({theme!r});")
        wp("mode", mode)
        truth = json.loads(wp("groundtruth"))
        assert truth["modes"] == mode.split(",")
        url = truth["site"]["url"].rstrip("/") + "/"
        result, crawl_dir = scrapy_crawl(url, output)
    finally:
        wp("mode", "none")
        wp("php", f"switch_theme({CLASSIC!r});")
    requests: Counter[str] = Counter()
    for warc in sorted(crawl_dir.glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request":
                    requests[record.rec_headers.get_header("WARC-Target-URI")] += 1
    return {
        "theme": theme,
        "mode": mode,
        "modes": set(mode.split(",")),
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


def test_every_approved_comment_is_archived_with_its_parent_once(crawl):
    archived = {c["id"]: c for c in crawl["comments"]}
    assert len(archived) == len(crawl["comments"]), "a comment was written twice"
    expected = {c["id"]: c for c in crawl["truth"]["comments"]}
    assert set(archived) == set(expected)
    rest_comments = crawl["summary"]["discovery"].get("rest_comments") == "used"
    for comment_id, truth in expected.items():
        assert archived[comment_id]["post_id"] == truth["post_id"], comment_id
        if rest_comments or truth["depth"] <= DISPLAY_DEPTH:
            assert archived[comment_id]["parent_id"] == (truth["parent_id"] or None), comment_id
        else:  # printed at the display depth by the page: its parent is not known for sure
            assert archived[comment_id]["parent_uncertain"], comment_id
    # No comment was even found twice (the pipeline would drop it: a page fetched twice).
    assert crawl["summary"]["counts"]["duplicates_dropped"] == 0


def test_no_denied_or_out_of_scope_url_is_ever_requested(crawl):
    scope = blog_scope(crawl["url"])
    parts = urlsplit(crawl["url"])
    robots = f"{parts.scheme}://{parts.netloc}/robots.txt"  # RobotsTxtMiddleware's own
    assert crawl["requests"]
    for uri in crawl["requests"]:
        if uri != robots:
            assert is_allowed(uri, scope), uri
    if "subdirectory" in crawl["modes"]:
        assert crawl["url"].endswith("/blog/")
        outside = [uri for uri in crawl["requests"] if not uri.startswith(crawl["url"])]
        assert outside == [robots]


def test_each_page_is_fetched_once_and_requests_stay_near_the_minimum(crawl):
    truth = crawl["truth"]
    requests = crawl["requests"]
    twice = {uri: n for uri, n in requests.items() if n > 1}
    assert twice == {}
    for post in truth["posts"]:
        assert requests[post["url"]] == 1, post["url"]
    # A thread on K comment pages costs its post page and K - 1 comment pages: the post's
    # URL shows one of them (the newest or the oldest), never fetched again by number.
    pages_of: dict[int, set[int]] = {c["post_id"]: set() for c in truth["comments"]}
    for comment in truth["comments"]:
        pages_of[comment["post_id"]].add(comment["page"])
    url_of = {p["id"]: p["url"] for p in truth["posts"]}
    fetched: Counter[int] = Counter()
    threads = {thread_key(url): post_id for post_id, url in url_of.items()}
    for uri in requests:
        if comment_page_number(uri) is not None:
            fetched[threads[thread_key(uri)]] += 1
    expected = {post_id: len(pages) - 1 for post_id, pages in pages_of.items() if len(pages) > 1}
    assert dict(fetched) == expected
    many = truth["special"]["many"]
    assert expected[many] == 2  # 125 comments, 10 top-level threads a page
    summary = crawl["summary"]
    by_kind = summary["requests"]["by_kind"]
    assert by_kind["post"] == len(truth["posts"])
    assert by_kind.get("comment_page", 0) == sum(expected.values())
    # The listings: REST (3 + 1 pages), sitemaps (index + posts + pages, after at most two
    # refused REST listings and one guessed sitemap URL), or feed + archive pages.
    # RobotsTxtMiddleware's own requests (under plain permalinks /robots.txt redirects to
    # /robots.txt/) and the home page are not listings.
    robots = sum(n for uri, n in requests.items() if urlsplit(uri).path.startswith("/robots.txt"))
    # The REST comments listing (issue 18), 100 comments a page, asked for whenever the
    # blog advertises REST; a multi-page post's other pages (without REST).
    rest_comments = sum(n for uri, n in requests.items() if "wp/v2/comments" in uri)
    parts = by_kind.get("post_part", 0)
    listings = sum(requests.values()) - len(truth["posts"]) - sum(expected.values()) - robots - 1
    listings -= rest_comments + parts
    discovery = summary["discovery"]
    if discovery.get("rest_comments") == "used":
        rest_listed = sum(c["type"] == "comment" for c in truth["comments"])
        assert rest_comments == math.ceil(rest_listed / 100)
    assert parts == (0 if discovery["rest_api"] == "used" else 2)  # the nextpage post's
    if discovery["rest_api"] == "used":
        assert listings == 4
    elif discovery.get("sitemap") == "used":
        assert listings <= 2 + 1 + 3
    else:
        archive_pages = math.ceil(sum(p["type"] == "post" for p in truth["posts"]) / 10)
        assert listings <= 2 + 2 + 1 + archive_pages
    assert summary["requests"]["per_archived_post"] <= 1.2


def test_summary_says_how_discovery_went_and_what_was_declared(crawl):
    summary = crawl["summary"]
    discovery = summary["discovery"]
    coverage = summary["coverage"]
    modes = crawl["modes"]
    truth_posts = sum(p["type"] == "post" for p in crawl["truth"]["posts"])
    truth_pages = len(crawl["truth"]["posts"]) - truth_posts
    if "rest-off" in modes:
        assert discovery["rest_api"] == "not advertised"
    elif "rest-html" in modes:
        assert discovery["rest_api"].startswith("unusable:")
        assert "did not return a JSON list" in discovery["rest_api"]
    else:
        assert discovery["rest_api"] == "used"
        assert discovery["rest_api_root"] == crawl["truth"]["site"]["rest_root"]
        assert coverage["declared_by"] == "rest_api"
    rest_usable = discovery["rest_api"] == "used"
    if not rest_usable and "sitemap-off" not in modes:
        assert discovery["sitemap"] == "used"
        assert "archive_pages" not in discovery
        if "plain-permalinks" in modes:
            # No virtual robots.txt then: /wp-sitemap.xml is tried, then ?sitemap=index.
            assert "sitemap_sources" not in discovery
        else:  # WordPress names its sitemap in robots.txt
            assert discovery["sitemap_sources"] == f"robots.txt: {crawl['url']}wp-sitemap.xml"
        # Without the REST API the sitemaps declare the posts and pages.
        assert coverage["declared_by"] == "sitemap"
    if "sitemap-off" in modes:
        assert discovery["sitemap"].startswith("unusable:")
        assert discovery["archive_pages"] == "used"
        if "feeds-off" in modes:
            assert discovery["feeds"].startswith("unusable:")
        else:
            assert discovery["feeds"] == "used"
        # Feeds and archive pages declare nothing: no total to compare with.
        assert coverage["declared_by"] is None
        assert coverage["posts_declared"] is None
    else:
        assert coverage["posts_declared"] == truth_posts
        assert coverage["pages_declared"] == truth_pages
        assert f"posts:    {truth_posts} (declared {truth_posts} " in crawl["stdout"]
    assert summary["failures"] == []
    assert coverage["comment_mismatches"] == []
    assert summary["complete"] is True
    assert "complete archive" in crawl["stdout"]


def test_external_comments_are_marked_never_counted_as_zero(crawl):
    zero = crawl["truth"]["special"]["zero"]
    (post,) = [p for p in crawl["posts"] if p["id"] == zero]
    coverage = crawl["summary"]["coverage"]
    external = {entry["post_id"]: entry for entry in coverage["comments_external"]}
    if "comments-external" not in crawl["modes"]:
        assert post["comments_external"] is None
        assert external == {}
        return
    assert post["comments_external"] == "disqus"
    assert post["comment_count_declared"] is None
    assert external == {zero: {"post_id": zero, "url": post["url"], "system": "disqus"}}
    assert zero not in {m["post_id"] for m in coverage["comment_mismatches"]}
    assert coverage["comment_threads"]["external"] == 1
    assert "external" in crawl["stdout"]
