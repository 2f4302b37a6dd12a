"""One convention for dates (archiver.records.values, issue 22 item 6), on the values real
sources gave: the test WordPress's REST objects, feeds and sitemaps, and the dates of
recorded pages (tests/fixtures)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import lxml.html
import pytest

if TYPE_CHECKING:
    from pathlib import Path

from archiver.records.values import Moment, read_moment, rest_moment, utc_text
from tests.conftest import FIXTURES

UTC_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
PAGES = sorted((FIXTURES / "realworld" / "pages").glob("*.html")) + sorted(
    FIXTURES.glob("twentytwenty*/*.html")
)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _datetimes(path: Path) -> list[str]:
    found = lxml.html.fromstring(path.read_bytes()).xpath("//time/@datetime")
    assert isinstance(found, list)
    return [str(value) for value in found]


def test_a_rest_date_is_utc_with_z_and_the_blogs_offset_is_the_difference():
    obj = json.loads((FIXTURES / "api" / "seed-post.json").read_text("utf-8"))
    published = rest_moment(obj["date"], obj["date_gmt"])
    modified = rest_moment(obj["modified"], obj["modified_gmt"])
    assert published is not None
    assert modified is not None
    assert (published.utc, published.local) == ("2014-02-13T18:42:00Z", "2014-02-13T19:42:00+01:00")
    assert (modified.utc, modified.local) == ("2014-02-20T09:00:00Z", "2014-02-20T10:00:00+01:00")
    # Without the local date the moment is still known, the offset is not.
    assert rest_moment(None, obj["date_gmt"]) == Moment("2014-02-13T18:42:00Z", None)
    assert rest_moment(obj["date"], None) is None


def test_every_rest_date_of_the_test_blog_keeps_its_moment():
    posts = json.loads((FIXTURES / "api" / "posts.json").read_text("utf-8"))
    offsets = set()
    for obj in posts:
        moment = rest_moment(obj["date"], obj["date_gmt"])
        assert moment is not None
        assert moment.local is not None
        assert moment.utc is not None
        assert UTC_FORM.match(moment.utc)
        assert _instant(moment.utc) == datetime.fromisoformat(obj["date_gmt"]).replace(tzinfo=UTC)
        assert _instant(moment.local) == _instant(moment.utc)
        assert moment.local.startswith(obj["date"])
        offsets.add(moment.local[-6:])
    assert offsets <= {"+01:00", "+02:00"}  # the test blog's Europe/Berlin, winter and summer


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_html_datetime_with_an_offset_is_the_same_moment_in_utc(path):
    for value in _datetimes(path):
        try:
            given = datetime.fromisoformat(value.strip())
        except ValueError:
            given = None
        moment = read_moment(value)
        if given is not None and given.tzinfo is not None and "T" in value:
            assert moment is not None, value
            assert moment.utc is not None, value
            assert UTC_FORM.match(moment.utc.replace(".000000", "")), value
            assert _instant(moment.utc) == given, value
            assert moment.local is not None
            assert datetime.fromisoformat(moment.local) == given
            assert moment.local[-6:] == given.isoformat()[-6:]  # the blog's own offset kept
        elif moment is not None:
            assert moment.utc is None, value  # no zone: no UTC moment is guessed


def test_dates_without_a_zone_give_the_blogs_clock_only():
    sitepoint = _datetimes(FIXTURES / "realworld" / "pages" / "sitepoint.html")
    assert "2014-12-29" in sitepoint
    assert "2014-01-01 07:30:06" in sitepoint
    assert read_moment("2014-12-29") == Moment(None, "2014-12-29")
    moment = read_moment("2014-01-01 07:30:06")
    assert moment is not None
    assert (moment.utc, moment.local) == (None, "2014-01-01T07:30:06")


def test_text_dates_as_themes_print_them_give_the_day():
    cavesocial = _datetimes(FIXTURES / "realworld" / "pages" / "cavesocial.html")
    stratechery = _datetimes(FIXTURES / "realworld" / "pages" / "stratechery.html")
    assert "July 15, 2016" in cavesocial
    assert "Wednesday, August 31, 2016" in stratechery
    days = {"July 15, 2016": "2016-07-15", "Wednesday, August 31, 2016": "2016-08-31"}
    for text, day in days.items():
        moment = read_moment(text)
        assert moment is not None
        assert (moment.utc, moment.local) == (None, day)


def test_values_that_are_no_date_give_none():
    mozilla = _datetimes(FIXTURES / "realworld" / "pages" / "mozilla-hacks.html")
    garbage = [v for v in mozilla if not re.match(r"\d{4}-", v)]
    assert garbage, "mozilla-hacks prints a template's placeholder as a datetime"
    for value in [*garbage, "", "   ", None]:
        assert read_moment(value) is None, value


def test_feed_and_sitemap_dates_are_utc_and_not_the_blogs_offset():
    rss = (FIXTURES / "feeds" / "feed.xml").read_text("utf-8")
    atom = (FIXTURES / "feeds" / "atom.xml").read_text("utf-8")
    sitemap = (FIXTURES / "sitemaps" / "yoast" / "sitemap_index.xml").read_text("utf-8")
    pub_dates = re.findall(r"<pubDate>([^<]+)</pubDate>", rss)
    updated = re.findall(r"<published>([^<]+)</published>", atom)
    lastmods = re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)
    assert pub_dates
    assert updated
    assert lastmods
    # The feeds list the same posts: RSS's RFC 822 and Atom's ISO 8601 give one form.
    rss_utc = [read_moment(v, blog_offset=False) for v in pub_dates]
    atom_utc = [read_moment(v, blog_offset=False) for v in updated]
    assert [m.utc for m in rss_utc if m] == [m.utc for m in atom_utc if m]
    assert len(rss_utc) == len(pub_dates)
    for value in lastmods:
        moment = read_moment(value, blog_offset=False)
        assert moment is not None
        assert moment.local is None
        assert moment.utc is not None
        assert _instant(moment.utc) == datetime.fromisoformat(value)
    assert "2024-12-19T10:43:47Z" in {m.utc for m in rss_utc if m}


def test_a_unix_timestamp_is_utc_without_an_offset():
    # tagDiv themes print time[pubdate] as Unix seconds: the feed's first date, so.
    first = parsedate_to_datetime("Thu, 19 Dec 2024 10:43:47 +0000")
    moment = read_moment(str(int(first.timestamp())))
    assert moment is not None
    assert (moment.utc, moment.local) == ("2024-12-19T10:43:47Z", None)
    assert read_moment(int(first.timestamp())) == moment


def test_values_written_by_older_versions_compare_equal_in_the_utc_form():
    assert utc_text("2014-02-13T18:42:00+00:00") == "2014-02-13T18:42:00Z"
    assert utc_text("2014-02-13T19:42:00+01:00") == "2014-02-13T18:42:00Z"
    assert utc_text("2014-02-13T18:42:00Z") == "2014-02-13T18:42:00Z"
    assert utc_text("") is None
    assert utc_text("2014-02-13") is None  # a day is no moment
