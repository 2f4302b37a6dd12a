"""End to end: crawl the real test WordPress with ``scrapy crawl wordpress`` and compare the
archive with the ground truth read from WordPress's database."""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime
from typing import Any

import lxml.html
import pytest
from jsonschema import Draft202012Validator
from warcio.archiveiterator import ArchiveIterator

from archiver.records.items import json_schema
from tests.conftest import ROOT, read_jsonl, scrapy_crawl, wp

pytestmark = pytest.mark.e2e

SEED_TITLE = "Further thoughts on ‘Her’ by Spike Jonze"
DISPLAY_DEPTH = 10  # the test blog's thread_comments_depth (tests/wordpress/seed.php)
BOILERPLATE = (
    "Leave a Reply",
    "Fill in your details below",
    "You are commenting using",
    "Connecting to %s",
    "Log Out /",
    "Notify me of new",
)


# Each theme family (classic: wp_list_comments markup; block: wp-block-* markup), with the
# REST API on and off (then discovery goes through the core sitemap and extraction through
# the theme's HTML alone).
THEMES = ("twentytwentyone", "twentytwentytwo", "twentytwentythree")
CASES = [(theme, "") for theme in THEMES] + [(theme, "rest-off") for theme in THEMES]


@pytest.fixture(scope="session", params=CASES, ids=[f"{t}-{m or 'rest-on'}" for t, m in CASES])
def crawl(
    request: pytest.FixtureRequest, wordpress_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One crawl per case, the way a user runs it: ``scrapy crawl wordpress -a url=…``."""
    theme, mode = request.param
    output = tmp_path_factory.mktemp(f"output-{theme}-{mode or 'rest-on'}")
    wp("php", f"switch_theme({theme!r});")
    wp("mode", mode or "none")
    try:
        result, crawl_dir = scrapy_crawl(wordpress_url, output)
    finally:
        wp("mode", "none")
        wp("php", f"switch_theme({THEMES[0]!r});")
    return {
        "theme": theme,
        "rest": mode != "rest-off",
        "dir": crawl_dir,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "posts": read_jsonl(crawl_dir / "posts.jsonl"),
        "comments": read_jsonl(crawl_dir / "comments.jsonl"),
        "summary": json.loads((crawl_dir / "summary.json").read_text("utf-8")),
        "warcs": sorted(crawl_dir.glob("*.warc.gz")),
    }


_BLOCKS = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "pre",
    "blockquote",
    "figure",
    "figcaption",
    "td",
    "th",
    "tr",
    "br",
    "ul",
    "ol",
    "table",
    "hr",
    "dt",
    "dd",
)


def _words(html: str) -> list[str]:
    """The words of WordPress's rendered HTML, read with lxml independently of our code."""
    if not html.strip():
        return []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in tree.iter(*_BLOCKS):
        # A reader sees a break between blocks even where the markup has no whitespace.
        element.tail = " " + (element.tail or "")
    return re.findall(r"\w+", tree.text_content())


def _f1(expected: list[str], got: list[str]) -> float:
    if not expected and not got:
        return 1.0
    common = sum((Counter(expected) & Counter(got)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(got), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_every_published_post_and_page_is_archived(crawl, ground_truth):
    archived = {p["id"]: p for p in crawl["posts"]}
    assert len(archived) == len(crawl["posts"]), "a post was written twice"
    expected = {p["id"]: p for p in ground_truth["posts"]}
    assert set(archived) == set(expected)
    assert sum(1 for p in expected.values() if p["type"] == "post") >= 250
    for post_id, truth in expected.items():
        post = archived[post_id]
        assert post["type"] == truth["type"], post_id
        assert post["url"] == truth["url"], post_id
        assert sorted(t["name"] for t in post["categories"]) == sorted(truth["categories"])
        assert sorted(t["name"] for t in post["tags"]) == sorted(truth["tags"])
        # Without the REST API a field is only what the theme shows; what it shows must be
        # right, and with the API every field is there.
        if crawl["rest"] or post["author"]["name"]:
            assert post["author"]["name"] == truth["author"], post_id
        if crawl["rest"] or post["published"]:
            assert _instant(post["published"]) == _instant(truth["date_gmt"]), post_id
        if crawl["rest"] or post["comment_status"]:
            assert post["comment_status"] == truth["comment_status"], post_id
        if crawl["rest"] and truth["type"] == "page":
            assert post["parent_id"] == (truth["parent"] or None), post_id


def test_post_bodies_keep_every_word_link_and_image(crawl, ground_truth):
    archived = {p["id"]: p for p in crawl["posts"]}
    for truth in ground_truth["posts"]:
        post = archived[truth["id"]]
        if truth["password_protected"]:
            assert post["password_protected"] is True
            assert post["content_html"] == post["content_text"] == ""
            continue
        f1 = _f1(_words(truth["content_html"]), re.findall(r"\w+", post["content_text"]))
        assert f1 >= 0.99, (truth["id"], f1)
        tree = lxml.html.fragment_fromstring(
            truth["content_html"] or "<p></p>", create_parent="div"
        )
        hrefs = {a.get("href") for a in tree.iter("a") if a.get("href")}
        assert hrefs <= {link["href"] for link in post["links"]}, truth["id"]
        alts = sorted(img.get("alt") or "" for img in tree.iter("img"))
        assert alts == sorted(img["alt"] for img in post["images"]), truth["id"]


def test_every_approved_comment_is_archived_in_its_thread(crawl, ground_truth):
    archived = {c["id"]: c for c in crawl["comments"]}
    assert len(archived) == len(crawl["comments"]), "a comment was written twice"
    expected = {c["id"]: c for c in ground_truth["comments"]}
    assert set(archived) == set(expected)
    depth: dict[int, int] = {}
    for comment_id in sorted(expected):
        parent = expected[comment_id]["parent_id"]
        depth[comment_id] = 1 if not parent else depth[parent] + 1
    assert max(depth.values()) > DISPLAY_DEPTH  # the deep thread
    for comment_id, truth in expected.items():
        comment = archived[comment_id]
        assert comment["post_id"] == truth["post_id"], comment_id
        if crawl["rest"] or depth[comment_id] <= DISPLAY_DEPTH:
            assert comment["parent_id"] == (truth["parent_id"] or None), comment_id
            assert comment["depth"] == depth[comment_id], comment_id
        else:
            # The page prints it at the display depth, under a parent that may not be its own.
            assert comment["depth"] == DISPLAY_DEPTH, comment_id
            assert comment["parent_uncertain"], comment_id
        if crawl["rest"] and truth["type"] == "comment":
            assert comment["parent_uncertain"] is False, comment_id
            assert comment["field_sources"]["parent_id"] == "api", comment_id
            assert {p["source"] for p in comment["provenance"]} == {"api", "html"}, comment_id
        elif not crawl["rest"]:
            assert set(comment["field_sources"].values()) == {"html"}, comment_id
        assert comment["type"] == truth["type"], comment_id
        # WordPress stores some names entity-encoded (pingbacks: "Blog &raquo; Title"), and
        # block themes show names through wptexturize (O'Brien becomes O’Brien).
        shown = html.unescape(truth["author_name"])
        assert comment["author"]["name"] in {shown, shown.replace("'", "’")}, comment_id
        if truth["type"] == "comment":
            assert _instant(comment["published"]) == _instant(truth["date_gmt"]), comment_id
            assert (comment["author"]["url"] or "").rstrip("/") == truth["author_url"].rstrip("/")
            f1 = _f1(_words(truth["content_html"]), re.findall(r"\w+", comment["content_text"]))
            assert f1 >= 0.99, (comment_id, f1)


def test_the_deep_thread_has_its_true_parents_with_rest_and_says_when_unsure_without(
    crawl, ground_truth
):
    """The seed's thread 12 levels deep on a blog that shows 10 (issue 18)."""
    deep = ground_truth["special"]["deep"]
    truth = [c for c in ground_truth["comments"] if c["post_id"] == deep]
    archived = {c["id"]: c for c in crawl["comments"] if c["post_id"] == deep}
    assert set(archived) == {c["id"] for c in truth}
    assert max(c["depth"] for c in truth) == 12
    beyond = [c for c in truth if c["depth"] > DISPLAY_DEPTH]
    assert len(beyond) == 4
    for comment in truth:
        record = archived[comment["id"]]
        if crawl["rest"]:
            assert record["parent_id"] == (comment["parent_id"] or None), comment["id"]
            assert record["depth"] == comment["depth"], comment["id"]
            assert not record["parent_uncertain"]
        elif comment["depth"] > DISPLAY_DEPTH:
            assert record["parent_uncertain"], comment["id"]
        else:
            assert not record["parent_uncertain"], comment["id"]


def test_a_multi_page_post_holds_all_its_pages_with_rest_and_without(crawl, ground_truth):
    """The seed's three-page ``<!--nextpage-->`` post (issue 18): REST's content has every
    page; without REST the other two pages are fetched and joined."""
    post_id = ground_truth["special"]["nextpage"]
    truth = next(p for p in ground_truth["posts"] if p["id"] == post_id)
    (post,) = [p for p in crawl["posts"] if p["id"] == post_id]
    assert re.findall(r"\w+", post["content_text"]) == _words(truth["content_html"])
    for opening in ("First page", "Second page", "Third page"):
        assert post["content_text"].count(opening) == 1
    pages = [p["url"] for p in post["provenance"] if p["source"] == "html"]
    # With REST the other pages are not fetched: its content.rendered holds them all.
    assert (
        pages == [truth["url"]]
        if crawl["rest"]
        else [truth["url"], f"{truth['url']}2/", f"{truth['url']}3/"]
    )


def test_nothing_that_must_never_be_archived_is_anywhere(crawl, ground_truth):
    forbidden = ground_truth["forbidden"]
    assert forbidden["markers"]
    assert forbidden["emails"]
    assert forbidden["ips"]
    post_ids = {p["id"] for p in crawl["posts"]}
    comment_ids = {c["id"] for c in crawl["comments"]}
    assert not post_ids & set(forbidden["post_ids"])
    assert not comment_ids & set(forbidden["comment_ids"])
    texts = [
        (path.name, path.read_text("utf-8"))
        for path in crawl["dir"].iterdir()
        if path.suffix in {".jsonl", ".json"}
    ]
    for warc in crawl["warcs"]:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                payload = record.content_stream().read()
                texts.append(
                    (
                        record.rec_headers.get_header("WARC-Target-URI") or "",
                        payload.decode("utf-8", "replace"),
                    )
                )
    needles = [*forbidden["markers"], *forbidden["emails"], *forbidden["ips"]]
    for where, text in texts:
        for needle in needles:
            assert needle not in text, (needle, where)


def test_no_comment_form_boilerplate_in_any_record(crawl):
    for record in crawl["posts"] + crawl["comments"]:
        for phrase in BOILERPLATE:
            assert phrase not in record["content_text"], (record["id"], phrase)
            assert phrase not in record["content_html"], (record["id"], phrase)
        assert "<script" not in record["content_html"]
        assert not re.search(r"\son\w+\s*=", record["content_html"])
        assert "javascript:" not in record["content_html"].lower()


def test_seed_post_acceptance(crawl, ground_truth):
    """The user's example: body with its link, six threaded comments, no boilerplate."""
    (post,) = [p for p in crawl["posts"] if p["title"] == SEED_TITLE]
    text = post["content_text"]
    assert "The original blog post can be found on the link below:" in text
    after = text.split("found on the link below:", 1)[1]
    (link,) = [lk for lk in post["links"] if lk["text"] and lk["text"] in after.split("\n\n")[1]]
    assert link["href"].startswith("http")
    assert "I just kept drifting off in to" in text
    truth = next(p for p in ground_truth["posts"] if p["id"] == post["id"])
    assert _words(truth["content_html"]) == re.findall(r"\w+", text)
    assert post["comment_count_declared"] == 6
    comments = [c for c in crawl["comments"] if c["post_id"] == post["id"]]
    assert len(comments) == 6
    assert max(c["depth"] for c in comments) >= 3
    by_id = {c["id"]: c for c in comments}
    for comment in comments:
        assert comment["author"]["name"]
        assert comment["published"]
        assert comment["content_text"]
        if comment["parent_id"]:
            assert by_id[comment["parent_id"]]["depth"] == comment["depth"] - 1


def test_warc_files_hold_every_exchange_and_pass_warcio_check(crawl):
    assert crawl["warcs"], "no WARC file written"
    assert not list(crawl["dir"].glob("*.open"))
    responses: Counter[str] = Counter()
    requests: Counter[str] = Counter()
    first_types: list[str] = []
    for warc in crawl["warcs"]:
        check = subprocess.run(
            [sys.executable, "-m", "warcio.cli", "check", "-v", str(warc)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert check.returncode == 0, check.stdout[-3000:]
        with warc.open("rb") as stream:
            for index, record in enumerate(ArchiveIterator(stream)):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if index == 0:
                    first_types.append(record.rec_type)
                if record.rec_type in {"response", "revisit"}:  # revisit: identical payload
                    responses[uri] += 1
                elif record.rec_type == "request":
                    requests[uri] += 1
    assert set(first_types) == {"warcinfo"}
    assert responses == requests
    summary = crawl["summary"]
    assert sum(responses.values()) == summary["counts"]["responses"]
    assert any(uri.endswith("/robots.txt") for uri in responses)
    if crawl["rest"]:
        assert any("/wp-json/wp/v2/posts" in uri for uri in responses)
    else:
        assert any(uri.endswith("/wp-sitemap.xml") for uri in responses)
        assert not any("/wp-json/wp/v2/" in uri for uri in responses)
    for post in crawl["posts"]:
        assert post["url"] in responses, post["url"]
        html = [p for p in post["provenance"] if p["source"] == "html"]
        assert html, post["url"]
        assert html[0]["warc_file"] in {w.name for w in crawl["warcs"]}


def test_responses_are_stored_as_sent(crawl):
    """Apache gzips HTML: the WARC keeps the encoded body with its Content-Encoding."""
    encodings: Counter[str | None] = Counter()
    for warc in crawl["warcs"]:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                encoding = record.http_headers.get_header("Content-Encoding")
                encodings[encoding] += 1
                if encoding == "gzip":
                    raw = record.raw_stream.read()
                    assert gzip.decompress(raw)
    assert encodings["gzip"] > 0


def test_every_record_matches_the_published_json_schema(crawl):
    for kind, records in (("post", crawl["posts"]), ("comment", crawl["comments"])):
        validator = Draft202012Validator(json_schema(kind))
        for record in records:
            errors = [error.message for error in validator.iter_errors(record)]
            assert errors == [], (kind, record["id"], errors)


def test_summary_reports_a_complete_crawl(crawl, ground_truth):
    summary = crawl["summary"]
    counts = summary["counts"]
    truth_posts = [p for p in ground_truth["posts"] if p["type"] == "post"]
    assert counts["posts"] == len(truth_posts)
    assert counts["pages"] == len(ground_truth["posts"]) - len(truth_posts)
    assert counts["comments"] == len(ground_truth["comments"])
    assert summary["failures"] == []
    assert summary["complete"] is True
    assert summary["duration_seconds"] > 0
    assert summary["coverage"]["comment_mismatches"] == []
    if crawl["rest"]:
        assert summary["discovery"]["rest_api"] == "used"
        assert summary["coverage"]["posts_declared"] == len(truth_posts)
    else:
        assert summary["discovery"]["rest_api"] == "not advertised"
        assert summary["discovery"]["sitemap"] == "used"
    assert "complete archive" in crawl["stdout"]


def test_json_rebuilt_from_the_warc_alone_equals_the_crawls(crawl, tmp_path):
    """``archiver extract`` reads the WARC offline and replays the spider's decisions with
    the crawl's own extraction: REST and HTML records merged, sitemaps, comment pages."""
    rebuilt = tmp_path / "rebuilt"
    result = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "extract", str(crawl["dir"]), "-o", str(rebuilt)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    for name in ("posts.jsonl", "comments.jsonl"):
        assert (rebuilt / name).read_bytes() == (crawl["dir"] / name).read_bytes(), name
    summary = json.loads((rebuilt / "summary.json").read_text("utf-8"))
    assert summary["counts"]["warc_records"] == 0  # nothing fetched, nothing recorded
    assert summary["failures"] == summary["errors"] == []
    assert summary["counts"]["posts"] == len(read_jsonl(crawl["dir"] / "posts.jsonl"))
