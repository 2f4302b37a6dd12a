"""One convention for the dates the records hold, whatever source gave them.

Every date is written twice (docs/records.md, "Values"): the moment in UTC, ISO 8601 with
``Z`` (``2014-02-13T09:12:00Z``), which any tool sorts and loads without options, and the
blog's own clock, ISO 8601 with the blog's offset (``2014-02-13T10:12:00+01:00``) where
the source says what that offset was. A source without a time zone (``2014-01-01
07:30:06``, ``2014-12-29``, ``February 13, 2014 at 9:12 am``) gives the blog's clock only,
without an offset: the UTC moment stays ``None``, since a guessed zone would be a wrong
fact in the archive. Text that is no date gives neither.

The sources and what they give:

* REST ``date_gmt`` with ``date`` (:func:`rest_moment`): UTC, and the blog's offset as
  their difference;
* HTML ``time[datetime]`` and ``article:*_time`` (:func:`read_moment`): ISO 8601 with the
  blog's offset, as WordPress prints ``get_the_date('c')``;
* Unix timestamps (tagDiv's ``time[pubdate]``): UTC only;
* feeds (RFC 822 ``pubDate``, Atom's ISO 8601) and sitemaps (W3C ``lastmod``): WordPress
  writes them in UTC, so their offset is not the blog's (``blog_offset=False``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

# Real offsets run from -12:00 to +14:00; past that the two REST fields disagree.
_MAX_OFFSET = timedelta(hours=14)
_UNIX_SECONDS = re.compile(r"^\d{9,11}$")
# An ISO 8601 date and time: fromisoformat alone also takes week dates and more.
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Dates as WordPress prints them in English with its default formats ("F j, Y" and
# "g:i a", joined by " at " in comment meta), and the variants themes use.
_TEXT_DATE_FORMATS = ("%B %d, %Y", "%A, %B %d, %Y", "%d %B %Y", "%b %d, %Y")
_TEXT_TIME_FORMATS = (" at %I:%M %p", " %I:%M %p", " at %H:%M", " %H:%M")
_TEXT_DATE = re.compile(r"^[A-Za-z]+,? [A-Za-z0-9, :]+$")


@dataclass(frozen=True, slots=True)
class Moment:
    """A date as the records write it: ``utc`` always, ``local`` when the blog's offset is known."""

    utc: str | None
    local: str | None = None


def read_moment(value: object, *, blog_offset: bool = True) -> Moment | None:
    """The moment ``value`` names (ISO 8601 or W3C with a zone, RFC 822, Unix seconds), or
    None when it names none. ``blog_offset=False`` for sources whose offset is not the
    blog's (feeds and sitemaps, written in UTC)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _unix(int(value))
    text = str(value or "").strip()
    if not text:
        return None
    if _UNIX_SECONDS.match(text):
        return _unix(int(text))
    if _ISO_DATETIME.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    elif _ISO_DATE.match(text):
        try:
            day = datetime.fromisoformat(text)
        except ValueError:
            return None
        return Moment(None, day.date().isoformat()) if blog_offset else None
    else:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return _text_date(text) if blog_offset else None
        if moment.tzinfo is None:
            # RFC 5322's "-0000": the time is UTC, the sender's zone unknown.
            return Moment(_utc_text(moment.replace(tzinfo=UTC)))
    if moment.tzinfo is None:
        # No zone: the blog's clock, but which moment it was is not known.
        return Moment(None, _local_text(moment)) if blog_offset else None
    return Moment(_utc_text(moment), _local_text(moment) if blog_offset else None)


def rest_moment(local: object, gmt: object) -> Moment | None:
    """A REST API date: ``date_gmt`` (UTC, no offset written) and ``date`` (the blog's
    wall clock), whose difference is the blog's offset at that moment."""
    utc = _naive(gmt)
    if utc is None:
        return None
    wall = _naive(local)
    offset = wall - utc if wall is not None else None
    utc_moment = utc.replace(tzinfo=UTC)
    if offset is None or abs(offset) > _MAX_OFFSET or offset % timedelta(minutes=15):
        return Moment(_utc_text(utc_moment))
    return Moment(_utc_text(utc_moment), _local_text(utc_moment.astimezone(timezone(offset))))


def utc_text(value: object) -> str | None:
    """``value`` in the records' UTC form: what comparisons of dates use, so a value written
    by an older version (``+00:00``) equals the same moment written now."""
    moment = read_moment(value)
    return moment.utc if moment is not None else None


def _text_date(text: str) -> Moment | None:
    if not _TEXT_DATE.match(text):
        return None
    text = " ".join(text.split())
    for date_format in _TEXT_DATE_FORMATS:
        for time_format in ("", *_TEXT_TIME_FORMATS):
            try:
                wall = datetime.strptime(text, date_format + time_format)
            except ValueError:
                continue
            return Moment(None, _local_text(wall) if time_format else wall.date().isoformat())
    return None


def _unix(seconds: int) -> Moment | None:
    try:
        return Moment(_utc_text(datetime.fromtimestamp(seconds, UTC)))
    except (OverflowError, OSError, ValueError):
        return None


def _naive(value: object) -> datetime | None:
    text = str(value or "").strip()
    if not _ISO_DATETIME.match(text):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else None


def _utc_text(moment: datetime) -> str:
    plain = moment.astimezone(UTC).replace(tzinfo=None)
    return plain.isoformat(timespec="microseconds" if plain.microsecond else "seconds") + "Z"


def _local_text(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
