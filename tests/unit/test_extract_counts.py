"""The declared comment count is read from the count, not from the first digit. The headings
are the ones WordPress core, the default themes and the real-world pages print."""

from __future__ import annotations

import json

import pytest

from archiver.extract.counts import count_in_heading, declared_comment_count
from archiver.extract.page import parse_html
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("heading", "title", "count"),
    [
        # twentytwentythree (core/comments-title): the number in the title is not the count.
        ("One response to “Crawler often, part 5”", "Crawler often, part 5", 1),
        ("One response to “Crawler often, part 5”", "", 1),
        ("6 thoughts on “Further thoughts on ‘Her’ by Spike Jonze”", "", 6),
        ("7 responses to “A thread deeper than the page shows”", "", 7),
        ("22 comments on “2021-2022 Line Outline”", "", 22),
        ("One Response to “Going mobile in 1998”", "", 1),
        ("Two thoughts on “2020 letter”", "", 2),
        ("8 Responses", "", 8),
        ("1,234 comments", "", 1234),
        ("Comments (12)", "", 12),
        ("No comments yet", "", 0),
        ("6 Kommentare zu „Ein Beitrag über 3 Dinge“", "", 6),
        ("3", "", 3),
    ],
)
def test_the_count_next_to_a_count_noun(heading, title, count):
    assert count_in_heading(heading, title) == count


@pytest.mark.parametrize(
    "heading",
    ["Leave a Reply", "Leave a Reply Cancel reply", "Comments", "Join the Discussion", ""],
)
def test_a_heading_without_a_count_declares_none(heading):
    assert count_in_heading(heading) is None


@pytest.mark.parametrize("theme", ["twentytwentyone", "twentytwentythree"])
def test_the_recorded_page_declares_the_databases_count(theme):
    folder = FIXTURES / "edge-cases" / theme
    meta = json.loads((folder / "count-in-title.meta.json").read_text("utf-8"))
    page = parse_html((folder / "count-in-title.html").read_text("utf-8"))
    assert declared_comment_count(page, meta["truth"]["post"]["title"]) == 1
    assert declared_comment_count(page) == 1
