"""REST comments (archiver.discovery.rest_comments) on answers recorded from the test
WordPress: the deep thread (12 levels on a blog that shows 10) as REST lists it in two
pages and as its page shows it; the merge of the two views, in either order, as the
end-of-crawl sort does it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from archiver.discovery.incremental import IncrementalListings
from archiver.discovery.rest_comments import RestComments, comments_from_api
from archiver.discovery.source import Failure, Fetch
from archiver.extract.comment_views import HTML, REST, field_sources, merge_comment_records
from archiver.extract.comments import extract_comments_from_html
from archiver.extract.page import parse_html
from archiver.fleet.merge import merge_crawl
from archiver.records.items import Comment, Provenance
from archiver.records.lines import json_line, plain
from archiver.records.sorting import comment_sort_key, sort_jsonl
from tests.conftest import fixture_path, load_fixture
from tests.unit.test_merge import BLOG, finished, read, worker
from tests.unit.test_sources import (
    BASE,
    Recorded,
    Told,
    _blog,
    _ids,
    _whole,
    known_site,  # noqa: F401 - a fixture, found by name
    run,
)

if TYPE_CHECKING:
    from pathlib import Path

PAGES = [Recorded.of("api", f"deep-comments-{page}.json") for page in (1, 2)]
TRUTH = json.loads(fixture_path("api", "deep-comments-1.meta.json").read_text("utf-8"))["truth"]
# The ground truth as WordPress stores it (parent 0 for a top-level comment), in the
# records' convention (null).
BY_ID = {c["id"]: {**c, "parent_id": c["parent_id"] or None} for c in TRUTH["comments"]}
SOURCE = Provenance(url=PAGES[0].url, source=REST)


def _rest_comments() -> list[Comment]:
    depths: dict[int, int] = {}
    comments: list[Comment] = []
    for page in PAGES:
        comments += comments_from_api(json.loads(page.text), depths, SOURCE)
    return comments


def _page_comments() -> list[Comment]:
    url, text = load_fixture("twentytwentyone", "deep-post.html")
    comments = extract_comments_from_html(url, parse_html(text), TRUTH["post_id"])
    for comment in comments:
        comment.provenance = [Provenance(url=url, source=HTML)]
        comment.field_sources = field_sources(comment, HTML)
    return comments


def test_rest_gives_every_comment_its_true_parent_and_depth_across_pages():
    comments = _rest_comments()
    assert [c.id for c in comments] == sorted(BY_ID)  # both pages, id order
    for comment in comments:
        truth = BY_ID[comment.id]
        assert (comment.parent_id, comment.depth) == (truth["parent_id"], truth["depth"])
        assert comment.post_id == TRUTH["post_id"]
        assert comment.author.name == truth["author_name"]
        assert comment.author.url == (truth["author_url"] or None)
        assert comment.published == truth["date_gmt"].replace("+00:00", "Z")
        assert not comment.parent_uncertain
        assert comment.field_sources["parent_id"] == REST
        assert comment.content_text.startswith(("Reply at level", "Another", "A late"))
    assert max(c.depth for c in comments) == 12


def test_rest_comments_keep_no_avatar_hash_or_address():
    raw = PAGES[0].text
    assert "gravatar" in raw  # the listing has avatar URLs (they hash the e-mail) ...
    lines = "".join(json_line(plain(c)) for c in _rest_comments())
    assert "gravatar" not in lines  # ... the records do not
    assert "@" not in lines


def test_the_page_alone_cannot_tell_the_parents_beyond_the_display_depth():
    comments = {c.id: c for c in _page_comments()}
    assert set(comments) == set(BY_ID)
    deeper = [i for i, c in BY_ID.items() if c["depth"] > 10]
    assert deeper
    for comment_id in deeper:
        assert comments[comment_id].depth == 10  # printed at the display depth
    wrong = [i for i, c in comments.items() if c.parent_id != BY_ID[i]["parent_id"]]
    assert wrong  # flattening moved some under another parent ...
    assert all(comments[i].parent_uncertain for i in wrong)  # ... and the record says so


def test_merged_views_have_the_true_parents_whichever_came_first():
    rest = {c.id: plain(c) for c in _rest_comments()}
    page = {c.id: plain(c) for c in _page_comments()}
    for comment_id, truth in BY_ID.items():
        merged = merge_comment_records([rest[comment_id], page[comment_id]])
        assert merged == merge_comment_records([page[comment_id], rest[comment_id]])
        assert (merged["parent_id"], merged["depth"]) == (truth["parent_id"], truth["depth"])
        assert merged["parent_uncertain"] is False
        assert merged["field_sources"]["parent_id"] == REST
        assert [p["source"] for p in merged["provenance"]] == [REST, HTML]
        assert list(merged) == list(rest[comment_id])  # the record's key order


def test_the_page_fills_what_rest_left_empty():
    rest = plain(_rest_comments()[0])
    page = plain(_page_comments()[0])
    rest["author"]["url"] = None
    rest["content_html"] = ""
    merged = merge_comment_records([rest, page])
    assert merged["author"] == {"name": rest["author"]["name"], "url": page["author"]["url"]}
    assert merged["content_html"] == page["content_html"]
    assert merged["field_sources"]["content_html"] == HTML
    assert merged["field_sources"]["published"] == HTML  # the page's full timestamp first
    rest["content_html"] = ""
    page["published"] = None
    merged = merge_comment_records([rest, page])
    assert (merged["published"], merged["field_sources"]["published"]) == (rest["published"], REST)


def _write(path: Path, records: list[dict[str, Any]]) -> bytes:
    path.write_text("".join(json_line(r) for r in records), "utf-8")
    sort_jsonl(path, comment_sort_key, merge_comment_records)
    return path.read_bytes()


def test_the_sort_merges_each_comments_views_into_one_line(tmp_path):
    rest = [plain(c) for c in _rest_comments()]
    page = [plain(c) for c in _page_comments()]
    one = _write(tmp_path / "a.jsonl", rest + page)
    other = _write(tmp_path / "b.jsonl", page[::-1] + rest[::-1])
    assert one == other
    lines = [json.loads(line) for line in one.splitlines()]
    assert [r["id"] for r in lines] == sorted(BY_ID)
    assert all(r["parent_id"] == BY_ID[r["id"]]["parent_id"] for r in lines)


def test_the_source_reads_the_site_wide_listing_one_page_after_the_other():
    told = Told()
    source = RestComments(_blog(api_root=f"{BASE}wp-json/"), told)
    (first,) = run(source.start())
    assert isinstance(first, Fetch)
    assert first.url.startswith(f"{BASE}wp-json/wp/v2/comments?")
    assert {"per_page=100", "page=1", "orderby=id", "order=asc"} <= set(
        first.url.split("?")[1].split("&")
    )
    out = run(source.read("", PAGES[0], first.args))
    comments = [c for c in out if isinstance(c, Comment)]
    (next_page,) = [f for f in out if isinstance(f, Fetch)]
    assert next_page.args["page"] == 2
    assert told.notes == {"rest_comments": "used", "rest_comments_total": 14}
    out += run(source.read("", PAGES[1], next_page.args))
    comments = [c for c in out if isinstance(c, Comment)]
    assert not [f for f in out[len(comments) + 1 :] if isinstance(f, Fetch)]  # the last page
    assert {c.id: c.parent_id for c in comments} == {i: c["parent_id"] for i, c in BY_ID.items()}
    assert all(c.provenance[0].warc_file == "x.warc.gz" for c in comments)


def test_without_rest_the_source_notes_why_and_never_falls_back():
    told = Told()
    assert run(RestComments(_blog(api_root=""), told).start()) == []
    source = RestComments(_blog(api_root=f"{BASE}wp-json/"), told)
    html = Recorded(f"{BASE}wp-json/wp/v2/comments?page=1", b"<html></html>")
    assert run(source.read("", html, {"root": f"{BASE}wp-json/", "page": 1})) == []
    assert str(told.notes["rest_comments"]).startswith("unusable")
    failure = Failure(f"{BASE}wp-json/wp/v2/comments?page=1", "HTTP 401", 401)
    assert run(source.failed("", failure, {"root": f"{BASE}wp-json/", "page": 1})) == []
    assert told.failures == []  # the pages still show the comments


def test_an_incremental_crawl_asks_for_the_rest_comments_of_the_changed_threads(
    known_site,  # noqa: F811 - the fixture imported above
):
    posts, comments = _ids("post-ids.json"), _ids("comment-ids.json")
    root = posts[0]["link"].split("/20")[0] + "/wp-json/"
    blog = _blog(root.removesuffix("wp-json/"), api_root=root)
    listings = IncrementalListings(blog, Told(), known_site)
    run(listings.start())
    empty = Recorded(f"{root}wp/v2/pages", b"[]", headers={"X-WP-Total": "0"})
    for kind, answer in (
        ("posts", _whole(Recorded.of("api", "post-ids.json"))),
        ("pages", empty),
        ("comments", _whole(Recorded.of("api", "comment-ids.json"))),
    ):
        out = run(listings.read("", answer, {"root": root, "kind": kind, "page": 1}))
    (listing,) = [f for f in out if isinstance(f, Fetch) and f.source == RestComments.name]
    # The edited post and the post with a new comment (as the changed posts' listing).
    assert f"post={posts[0]['id']},{comments[4]['post']}&" in listing.url + "&"
    assert listing.args == {"root": root, "page": 1, "posts": listing.args["posts"], "pages": 0}
    source = RestComments(blog, Told(), site_wide=False)
    assert run(source.start()) == []  # it only reads what the listings ask for
    page = Recorded.of("api", "deep-comments-1.json")
    out = run(source.read("", page, listing.args))
    (next_page,) = [f for f in out if isinstance(f, Fetch)]
    assert next_page.args == {**listing.args, "page": 2, "pages": 2}
    assert "post=" in next_page.url


def test_a_distributed_crawls_merge_joins_views_read_by_different_workers(tmp_path):
    rest = [plain(c) for c in _rest_comments()]
    page = [plain(c) for c in _page_comments()]
    for record in rest + page:
        for source in record["provenance"]:
            source["warc_file"] = ""  # no WARC of these workers to point into
    worker(tmp_path, "a", [], rest, finished(start_url=BLOG))
    worker(tmp_path, "b", [], page, finished(start_url=BLOG))
    merge_crawl(tmp_path)
    merged = read(tmp_path / "comments.jsonl")
    assert [c["id"] for c in merged] == sorted(BY_ID)
    assert all(c["parent_id"] == BY_ID[c["id"]]["parent_id"] for c in merged)
    assert all([p["source"] for p in c["provenance"]] == [REST, HTML] for c in merged)


def test_another_worker_reads_the_next_page_with_exact_parents():
    """In a shared crawl page 2 may go to a worker that did not read page 1: the number
    of pages travels with the request, the parents stay exact, depths it cannot know are 0."""
    root = f"{BASE}wp-json/"
    first = RestComments(_blog(api_root=root), Told())
    (next_page,) = [
        f for f in run(first.read("", PAGES[0], {"root": root, "page": 1})) if isinstance(f, Fetch)
    ]
    other = RestComments(_blog(api_root=root), Told())  # a fresh worker
    out = run(other.read("", PAGES[1], dict(next_page.args)))
    comments = [c for c in out if isinstance(c, Comment)]
    assert comments
    assert all(c.parent_id == BY_ID[c.id]["parent_id"] for c in comments)
    assert {c.depth for c in comments} == {0}  # parents read by the other worker
    assert not [f for f in out if isinstance(f, Fetch)]  # page 2 of 2: the last
