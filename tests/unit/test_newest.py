import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from archiver.discovery.newest import listings_unchanged, newest_url, past_mark, window_url
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


def test_listing_stops_at_the_high_water_mark() -> None:
    mark = "2024-05-01T10:00:00"
    newer = [{"modified_gmt": "2024-06-01T00:00:00"}, {"modified_gmt": "2024-05-02T00:00:00"}]
    assert not past_mark(newer, "modified_gmt", mark)
    assert past_mark([*newer, {"modified_gmt": mark}], "modified_gmt", mark)
    assert past_mark([], "modified_gmt", mark)


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


def test_an_unchanged_blog_is_told_by_the_first_pages_and_totals() -> None:
    listings = _recorded()
    totals, posts, comments = _as_known(listings)
    assert listings_unchanged(listings, totals, posts, comments)


def test_an_edit_a_new_comment_or_a_deletion_asks_for_the_full_listing() -> None:
    listings = _recorded()
    totals, posts, comments = _as_known(listings)
    newest_post = listings["posts"][1][0]["id"]
    edited = {**posts, newest_post: ("post", "2001-01-01T00:00:00Z")}
    assert not listings_unchanged(listings, totals, edited, comments)
    newest_comment = listings["comments"][1][0]["id"]
    assert not listings_unchanged(listings, totals, posts, comments - {newest_comment})
    # one comment fewer on the blog than the last crawl's listing declared: a deletion
    fewer = {**totals, "comments": totals["comments"] + 1}
    assert not listings_unchanged(listings, fewer, posts, comments)
    # a page listed as a post: not the same record
    page = listings["pages"][1][0]["id"]
    assert not listings_unchanged(
        listings, totals, {**posts, page: ("post", posts[page][1])}, comments
    )
    # no totals from the last crawl (it read no REST listing): nothing can be told
    assert not listings_unchanged(listings, {}, posts, comments)
