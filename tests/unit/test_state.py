"""The site state (archiver.state.site): schema migrations, crawls, the diff of REST listings,
captures for conditional GETs and revisits (issue 6)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from archiver.state.idsets import CommentOwners, IdSet, KeyMap
from archiver.state.posttable import KnownPost, PostTable
from archiver.state.site import (
    MIGRATIONS,
    SiteState,
    apply_listing,
    infer_deletions,
    migrate,
    pick_revalidations,
    revalidation_budget,
    settle_changes,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from archiver.state.site import CrawlRun


@pytest.fixture
def state(tmp_path: Path) -> Iterator[SiteState]:
    site = SiteState(tmp_path / "site" / "state.sqlite")
    yield site
    site.close()


def _begin(state: SiteState, name: str, *, full: bool = False, resume: bool = True) -> CrawlRun:
    return state.begin_crawl(lambda: state.root / name, full=full, resume=resume)


def test_migrations_set_the_schema_version_once(tmp_path):
    db = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    assert migrate(db) == len(MIGRATIONS)
    assert migrate(db) == len(MIGRATIONS)  # nothing left to apply
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"crawls", "urls", "posts", "comments", "changes"} <= tables


def test_the_modified_times_of_an_older_state_take_the_records_utc_form(tmp_path):
    db = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    for number in range(2):  # the state as schema_version 2 records left it
        MIGRATIONS[number](db)
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO crawls (id, started, crawl_dir, kind) VALUES (1, 'x', 'c1', 'full')")
    db.executemany(
        "INSERT INTO posts (id, type, link, modified, crawl_id) VALUES (?, 'post', '/p/', ?, 1)",
        [(1, "2014-02-13T18:42:00+00:00"), (2, "2014-02-13T19:42:00+01:00"), (3, "")],
    )
    migrate(db)
    assert db.execute("SELECT id, modified FROM posts ORDER BY id").fetchall() == [
        (1, "2014-02-13T18:42:00Z"),
        (2, "2014-02-13T18:42:00Z"),
        (3, ""),
    ]


def test_a_newer_schema_is_refused(tmp_path):
    db = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(ValueError, match="newer"):
        migrate(db)


def test_first_crawl_is_full_then_incremental_and_an_unfinished_one_is_resumed(state):
    first = _begin(state, "c1")
    assert (first.kind, first.resumed) == ("full", False)
    again = _begin(state, "c2")  # the first never finished: resumed in its folder
    assert (again.id, again.crawl_dir, again.resumed) == (first.id, first.crawl_dir, True)
    state.finish_crawl(again)
    second = _begin(state, "c3")
    assert (second.kind, second.resumed, second.crawl_dir.name) == ("incremental", False, "c3")
    fresh = _begin(state, "c4", resume=False)
    assert fresh.id != second.id  # no resume: a new crawl, the other left unfinished
    state.finish_crawl(fresh)
    state.finish_crawl(second)
    assert _begin(state, "c5", full=True).kind == "full"


def test_listing_diff_finds_new_edited_deleted_posts_and_comments(state):
    run = _begin(state, "c1")
    run.captured_posts = PostTable(
        {
            1: KnownPost(1, "post", "/a/", "2024-01-01T00:00:00+00:00"),
            2: KnownPost(2, "post", "/b/", "2024-01-01T00:00:00+00:00"),
            3: KnownPost(3, "page", "/c/", "2024-01-01T00:00:00+00:00"),
        }
    )
    run.captured_comments = CommentOwners(
        {10: (1, "comment"), 11: (2, "comment"), 12: (2, "pingback")}
    )
    settle_changes(run)
    state.finish_crawl(run)
    nxt = _begin(state, "c2")
    assert set(nxt.known_posts) == {1, 2, 3}
    changed, threads = apply_listing(
        nxt,
        [
            KnownPost(1, "post", "/a/", "2024-01-01T00:00:00+00:00"),
            KnownPost(2, "post", "/b/", "2024-06-01T00:00:00+00:00"),  # edited
            KnownPost(4, "post", "/d/", "2024-06-02T00:00:00+00:00"),  # new
        ],  # 3 is gone
        [(10, 1), (13, 1)],  # 11 deleted, 13 new; the pingback 12 is never listed
    )
    assert set(nxt.changes["new_posts"]) == {4}
    assert set(nxt.changes["edited_posts"]) == {2}
    assert set(nxt.changes["deleted_posts"]) == {3}
    assert set(nxt.changes["new_comments"]) == {13}
    assert set(nxt.changes["deleted_comments"]) == {11}
    assert changed == {2, 4}
    assert threads == {1}  # its thread changed; post 2 is fetched anyway
    state.finish_crawl(nxt)
    history = state.history()
    assert [h["deleted_posts"] for h in history] == [0, 1]
    assert history[1]["kind"] == "incremental"
    row = state.db.execute("SELECT deleted_in FROM comments WHERE id = 11").fetchone()
    assert row[0] == nxt.id  # kept, marked deleted, never removed


def test_captures_give_validators_payload_origins_and_record_locations(state):
    run = _begin(state, "c1")
    record = {
        "file": "a.warc.gz",
        "offset": 120,
        "record_id": "<urn:uuid:1>",
        "record_type": "response",
        "date": "2026-01-01T00:00:00Z",
    }
    url = "https://blog.example/feed/"
    state.record_url(
        run,
        url,
        status=200,
        etag='"v1"',
        last_modified="Thu, 19 Dec 2024 10:43:47 GMT",
        payload_digest="sha1:AAAA",
        record=record,
    )
    assert state.earlier_capture(url, run.id) is None  # only other crawls count
    state.finish_crawl(run)
    nxt = _begin(state, "c2")
    capture = state.earlier_capture(url, nxt.id)
    assert capture is not None
    assert (capture.etag, capture.origin_record_id, capture.origin_offset) == (
        '"v1"',
        "<urn:uuid:1>",
        120,
    )
    assert capture.origin_path == state.root / "c1" / "a.warc.gz"
    assert state.payload_origin("sha1:AAAA") == (url, "2026-01-01T00:00:00Z", "<urn:uuid:1>")
    assert state.payload_origin("sha1:BBBB") is None
    # a 304 answering it: a revisit whose payload is the earlier capture's
    revisit = {**record, "file": "b.warc.gz", "offset": 0, "record_id": "<urn:uuid:2>"}
    revisit["record_type"] = "revisit"
    state.record_url(
        nxt,
        url,
        status=304,
        etag=None,
        last_modified=None,
        payload_digest=None,
        record=revisit,
        earlier=capture,
    )
    again = state.earlier_capture(url, nxt.id + 1)
    assert again is not None
    assert (again.status, again.etag, again.payload_digest) == (304, '"v1"', "sha1:AAAA")
    assert again.origin_record_id == "<urn:uuid:1>"
    assert state.record_location("<urn:uuid:1>") == (state.root / "c1" / "a.warc.gz", 120)
    assert state.record_location("<urn:uuid:2>") is None  # a revisit holds no payload


def _post(post_id: int, modified: str = "2024-01-01T00:00:00+00:00") -> KnownPost:
    return KnownPost(post_id, "post", f"/p{post_id}/", modified)


def test_revalidation_budget_is_a_share_of_the_known_posts_with_a_floor():
    assert revalidation_budget(264, 0.005, 1) == 1  # the test blog: 1.32 rounded down
    assert revalidation_budget(10_000, 0.005, 1) == 50
    assert revalidation_budget(10_000, 0.0, 3) == 3
    assert revalidation_budget(2, 0.5, 5) == 2  # never more than there are
    assert revalidation_budget(0, 0.005, 1) == 0


def test_revalidations_take_recent_changes_first_then_the_rotation():
    candidates = {1, 2, 3, 4, 5, 6}
    # recently changed posts take at most half the budget (rounded up)
    assert pick_revalidations([6, 5, 4], [1, 2, 3, 4, 5, 6], candidates, 4) == [6, 5, 1, 2]
    assert pick_revalidations([6, 5], [1, 2, 3], candidates, 1) == [6]
    # posts fetched anyway (not candidates) are skipped on both lists
    assert pick_revalidations([6], [1, 2, 3], candidates - {6, 1}, 2) == [2, 3]
    assert pick_revalidations([], [1, 2, 3], candidates, 0) == []


def test_the_rotation_reaches_every_post_and_recent_changes_come_first(state):
    first = _begin(state, "c1")
    first.captured_posts = PostTable({pid: _post(pid) for pid in (1, 2, 3)})
    state.finish_crawl(first)
    second = _begin(state, "c2")
    assert second.incremental
    assert state.revalidation_order(second) == ([], [1, 2, 3])  # after a full crawl: no recent
    second.captured_posts = PostTable({2: _post(2), 3: _post(3, "2024-06-01T00:00:00+00:00")})
    second.changes["edited_posts"].add(3)  # 2 was only rechecked
    state.finish_crawl(second)
    third = _begin(state, "c3")
    # 3 changed in the previous crawl; the rotation: least recently captured first
    assert state.revalidation_order(third) == ([3], [1, 2, 3])
    third.captured_posts = PostTable({3: _post(3, "2024-06-01T00:00:00+00:00")})  # rechecked
    state.finish_crawl(third)
    fourth = _begin(state, "c4")
    assert state.revalidation_order(fourth) == ([], [1, 2, 3])


def _run_without_listings(state: SiteState) -> CrawlRun:
    """A second, full crawl of a site whose first crawl captured posts 1 and 2 and
    comments 10, 11 (post 1), 20 (post 2) and a pingback 12 (post 1)."""
    first = _begin(state, "c1")
    first.captured_posts = PostTable({1: _post(1), 2: _post(2)})
    first.captured_comments = CommentOwners(
        {
            10: (1, "comment"),
            11: (1, "comment"),
            12: (1, "pingback"),
            20: (2, "comment"),
        }
    )
    state.finish_crawl(first)
    return _begin(state, "c2", full=True)


def test_a_complete_crawl_without_listings_infers_deleted_comments(state):
    run = _run_without_listings(state)
    run.captured_posts = PostTable({1: _post(1)})
    run.captured_comments = CommentOwners({10: (1, "comment")})
    run.changes["deleted_posts"].add(2)  # its page answered 404
    infer_deletions(run, crawl_complete=True)
    # 11 is missing from post 1's page; 20 went with post 2; a pingback is not inferred
    assert set(run.changes["deleted_comments"]) == {11, 20}


def test_an_incomplete_thread_or_crawl_infers_no_missing_comment(state):
    run = _run_without_listings(state)
    run.captured_posts = PostTable({1: _post(1)})
    run.captured_comments = CommentOwners({10: (1, "comment")})
    run.declared_comments = KeyMap({1: 3})  # the page declares 3 comments, 1 captured
    infer_deletions(run, crawl_complete=True)
    assert set(run.changes["deleted_comments"]) == set()
    run.declared_comments = KeyMap()
    run.threads_unreadable = IdSet({1})  # comments hidden behind a password
    infer_deletions(run, crawl_complete=True)
    assert set(run.changes["deleted_comments"]) == set()
    run.threads_unreadable = IdSet()
    run.changes["deleted_posts"].add(2)
    infer_deletions(run, crawl_complete=False)  # a failure somewhere: only the 404's own
    assert set(run.changes["deleted_comments"]) == {20}


def test_listings_leave_deletions_to_apply_listing(state):
    run = _run_without_listings(state)
    run.listings_compared = True
    run.captured_posts = PostTable({1: _post(1)})
    infer_deletions(run, crawl_complete=True)
    assert set(run.changes["deleted_comments"]) == set()


def test_the_last_full_listing_and_the_listing_totals_are_remembered(state):
    from archiver.crawl.known_site import KnownSite

    first = _begin(state, "one")
    state.finish_crawl(first)
    assert state.last_full_listing(_begin(state, "two"))[0] == 0  # the full crawl counts
    second = _begin(state, "two")
    state.record_listing_total(second, "posts", 12)
    state.record_listing_total(second, "comments", 40)
    state.finish_crawl(second)
    third = _begin(state, "three")
    assert state.previous_listing_totals(third) == {"posts": 12, "comments": 40}
    since, when = state.last_full_listing(third)
    assert since == 1  # one incremental crawl since the full one
    assert when is not None
    assert KnownSite(state, third, full_listing=(2, 0)).full_listing_due()
    assert not KnownSite(state, third, full_listing=(3, 0)).full_listing_due()
    assert KnownSite(state, third, full_listing=(3, 0.0000001)).full_listing_due()  # days
    state.mark_listed_all(third)
    state.finish_crawl(third)
    assert state.last_full_listing(_begin(state, "four"))[0] == 0
