import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from archiver.discovery.newest import (
    changed_entries,
    deleted_counts,
    newest_url,
    reaches_known,
    window_url,
)
from archiver.discovery.windows import years

ROOT = "http://blog.test/wp-json/"
API = Path(__file__).resolve().parents[1] / "fixtures" / "api"


def names(url: str) -> list[str]:
    return [name for name, _ in parse_qsl(urlsplit(url).query)]


def test_newest_listing_parameters_sorted_by_name() -> None:
    url = newest_url(ROOT, "comments", 2)
    assert urlsplit(url).path == "/wp-json/wp/v2/comments"
    assert names(url) == sorted(names(url))
    assert dict(parse_qsl(urlsplit(url).query))["orderby"] == "date_gmt"
    assert dict(parse_qsl(urlsplit(newest_url(ROOT, "posts", 1)).query))["orderby"] == "modified"


def test_window_url_asks_ids_with_strict_utc_bounds() -> None:
    year = years([datetime(2020, 6, 1, tzinfo=UTC)])[0]
    query = dict(parse_qsl(urlsplit(window_url(ROOT, "posts", year)).query))
    assert query == {
        "_fields": "id",
        "after": "2019-12-31T23:59:59",
        "before": "2021-01-01T00:00:00",
        "page": "1",
        "per_page": "100",
    }


def test_full_listing_every_nth_crawl_or_after_days_whichever_first() -> None:
    from archiver.discovery.newest import full_listing_due

    now = datetime(2026, 12, 2, tzinfo=UTC)
    recent = datetime(2026, 11, 30, tzinfo=UTC)
    assert full_listing_due(0, None, now, 10, 30)
    assert not full_listing_due(3, recent, now, 10, 30)
    assert full_listing_due(9, recent, now, 10, 30)
    assert full_listing_due(0, datetime(2026, 11, 1, tzinfo=UTC), now, 10, 30)
    assert not full_listing_due(50, recent, now, 0, 0)


# The newest-end listings' first pages recorded from the test WordPress
# (tests/fixtures/record_rest.py: record_newest_end), with their X-WP-Total.
def _recorded() -> dict[str, tuple[int, list[dict[str, Any]]]]:
    listings = {}
    for kind in ("posts", "pages", "comments"):
        path = API / f"newest-{kind}.json"
        meta = json.loads(path.with_suffix(".meta.json").read_text("utf-8"))
        listings[kind] = (int(meta["headers"]["X-WP-Total"]), json.loads(path.read_text("utf-8")))
    return listings


def _as_known(
    listings: dict[str, tuple[int, list[dict[str, Any]]]],
) -> tuple[dict[str, int], dict[int, tuple[str, str]], set[int]]:
    """What the last crawl would know had it seen these listings (dates as records write them)."""
    totals = {kind: total for kind, (total, _) in listings.items()}
    posts = {
        obj["id"]: (kind[:-1], f"{obj['modified_gmt']}Z")
        for kind in ("posts", "pages")
        for obj in listings[kind][1]
    }
    comments = {obj["id"] for obj in listings["comments"][1]}
    return totals, posts, comments


def _changes(
    listings: dict[str, tuple[int, list[dict[str, Any]]]],
    posts: dict[int, tuple[str, str]],
    comments: set[int],
) -> dict[str, list[Any]]:
    return {
        kind: changed_entries(kind, objects, posts, comments)
        for kind, (_, objects) in listings.items()
    }


def test_an_unchanged_blog_is_told_by_the_first_pages_and_totals() -> None:
    listings = _recorded()
    totals, posts, comments = _as_known(listings)
    assert _changes(listings, posts, comments) == {"posts": [], "pages": [], "comments": []}
    for kind, (_, objects) in listings.items():
        assert reaches_known(kind, objects, posts, comments)
    assert deleted_counts(totals, totals, {}) == {"posts": 0, "pages": 0, "comments": 0}


def test_edits_and_new_records_are_the_entries_before_the_known_ones() -> None:
    listings = _recorded()
    totals, posts, comments = _as_known(listings)
    newest_post, second_post = (obj["id"] for obj in listings["posts"][1][:2])
    newest_comment = listings["comments"][1][0]["id"]
    # the newest post edited since, the second one new, the newest comment new
    known_posts = {pid: v for pid, v in posts.items() if pid != second_post}
    known_posts[newest_post] = ("post", "2001-01-01T00:00:00Z")
    changed = _changes(listings, known_posts, comments - {newest_comment})
    assert [obj["id"] for obj in changed["posts"]] == [newest_post, second_post]
    assert [obj["id"] for obj in changed["comments"]] == [newest_comment]
    assert changed["pages"] == []
    # the pages end in known records: no further page is needed
    assert reaches_known("posts", listings["posts"][1], known_posts, comments)
    assert not reaches_known("posts", listings["posts"][1][:2], known_posts, comments)
    # one new post and one new comment, totals one higher each: nothing went
    now = {**totals, "posts": totals["posts"] + 1, "comments": totals["comments"] + 1}
    assert deleted_counts(totals, now, {"posts": 1, "comments": 1}) == {
        "posts": 0,
        "pages": 0,
        "comments": 0,
    }


def test_a_deletion_or_a_late_comment_shows_in_the_totals() -> None:
    totals = {kind: total for kind, (total, _) in _recorded().items()}
    fewer = {**totals, "comments": totals["comments"] - 1}
    assert (deleted_counts(totals, fewer, {}) or {})["comments"] == 1
    # a comment approved late (an old date: far down the newest-first listing)
    more = {**totals, "comments": totals["comments"] + 1}
    assert (deleted_counts(totals, more, {}) or {})["comments"] == -1
    # a post deleted and another added: the new one is seen, so one went
    assert (deleted_counts(totals, totals, {"posts": 1}) or {})["posts"] == 1
    # the last crawl declared no totals: nothing can be told
    assert deleted_counts({}, totals, {}) is None


def test_a_page_listed_as_a_post_is_not_the_same_record() -> None:
    listings = _recorded()
    _, posts, comments = _as_known(listings)
    page = listings["pages"][1][0]["id"]
    moved = {**posts, page: ("post", posts[page][1])}
    assert [
        obj["id"] for obj in changed_entries("pages", listings["pages"][1][:1], moved, comments)
    ] == [page]
