"""Deletions found by counting: calendar-aligned UTC date windows, narrowed where the
blog's count disagrees with what is known.

Pure (no Scrapy, no network): given the publication dates of the known records and the
``X-WP-Total`` of each window asked, which windows to ask next. Whole years first, then
the months of a year whose count disagrees, then its days, then the ids of a day. The
windows are calendar-aligned so that the requests are few, the same from crawl to crawl,
and a static server can answer them (the bench blog's nginx does).

WordPress's ``after``/``before`` are strict bounds (``WP_Date_Query`` with ``inclusive``
false), so a window ``[start, end)`` is asked as ``after=start - 1 s&before=end``: a
record published at midnight is counted in exactly one window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

LEVELS = ("year", "month", "day")


@dataclass(frozen=True, slots=True, order=True)
class Window:
    """Records published in ``[start, end)``, UTC, one calendar year, month or day."""

    start: datetime
    end: datetime
    level: str

    def params(self) -> dict[str, str]:
        """The ``after``/``before`` query parameters (UTC, no offset: the ``*_gmt``
        form) that select this window under WordPress's strict bounds."""
        after = self.start - timedelta(seconds=1)
        return {"after": _iso(after), "before": _iso(self.end)}

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def parts(self) -> list[Window]:
        """The months of a year or the days of a month; [] for a day."""
        if self.level == "year":
            return [_month(self.start.year, month) for month in range(1, 13)]
        if self.level == "month":
            days = []
            day = self.start
            while day < self.end:
                days.append(Window(day, day + timedelta(days=1), "day"))
                day += timedelta(days=1)
            return days
        return []


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _year(year: int) -> Window:
    return Window(datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC), "year")


def _month(year: int, month: int) -> Window:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return Window(start, end, "month")


def years(dates: Iterable[datetime]) -> list[Window]:
    """One window per calendar year holding a known record, oldest first."""
    return [_year(year) for year in sorted({moment.year for moment in dates})]


def known_in(window: Window, dates: Iterable[datetime]) -> int:
    """How many of the known records' dates fall in ``window``."""
    return sum(1 for moment in dates if window.contains(moment))


def disagreeing(
    totals: Mapping[Window, int], dates: Iterable[datetime]
) -> tuple[list[Window], list[Window]]:
    """Of the windows asked (their ``X-WP-Total``), (windows to narrow into their parts,
    days whose ids to list): those where the blog has fewer records than are known.

    ``dates``: the known records' and the new ones the newest-end listings found, so
    that a window with a deletion and a new record in it still disagrees."""
    known = list(dates)
    narrow: list[Window] = []
    days: list[Window] = []
    for window in sorted(totals):
        if totals[window] >= known_in(window, known):
            continue
        (days if window.level == "day" else narrow).append(window)
    return narrow, days
