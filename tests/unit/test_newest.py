from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from archiver.discovery.newest import newest_url, past_mark, window_url
from archiver.discovery.windows import years

ROOT = "http://blog.test/wp-json/"


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
