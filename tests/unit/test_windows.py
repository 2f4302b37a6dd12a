from datetime import UTC, datetime

from archiver.discovery.windows import Window, disagreeing, known_in, years


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


KNOWN = [at(2019, 1, 1), at(2019, 3, 5, 12), at(2019, 3, 5, 23, 59, 59), at(2021, 12, 31, 23)]


def test_years_are_those_holding_known_records_oldest_first() -> None:
    assert [w.start.year for w in years(KNOWN)] == [2019, 2021]


def test_params_use_strict_bounds_so_midnight_counts_once() -> None:
    year = years(KNOWN)[0]
    assert year.params() == {"after": "2018-12-31T23:59:59", "before": "2020-01-01T00:00:00"}
    assert known_in(year, KNOWN) == 3


def test_parts_of_a_year_and_of_a_month() -> None:
    months = years(KNOWN)[0].parts()
    assert len(months) == 12
    assert months[11].end == at(2020, 1, 1)
    february = months[1].parts()
    assert [d.start.day for d in february] == list(range(1, 29))
    assert february[0].parts() == []


def test_narrowing_follows_the_windows_whose_count_is_short() -> None:
    y2019, y2021 = years(KNOWN)
    narrow, days = disagreeing({y2019: 2, y2021: 1}, KNOWN)
    assert (narrow, days) == ([y2019], [])
    months = y2019.parts()
    narrow, days = disagreeing(
        {m: known_in(m, KNOWN) - (m.start.month == 3) for m in months}, KNOWN
    )
    assert narrow == [months[2]]
    march = months[2].parts()
    narrow, days = disagreeing({d: known_in(d, KNOWN) - (d.start.day == 5) for d in march}, KNOWN)
    assert (narrow, days) == ([], [Window(at(2019, 3, 5), at(2019, 3, 6), "day")])


def test_a_window_as_full_as_known_is_not_narrowed() -> None:
    assert disagreeing({w: known_in(w, KNOWN) for w in years(KNOWN)}, KNOWN) == ([], [])
