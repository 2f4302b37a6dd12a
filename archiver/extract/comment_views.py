"""A comment's two views, the REST comments listing's and its page's, merged into one
record field by field (pure: plain records as the JSONL holds them, no Scrapy).

The crawl's end-of-crawl sort (:mod:`archiver.crawl.record_sorting`), the rebuild
(:mod:`archiver.warc.rebuild`) and the fleet merge (:mod:`archiver.fleet.merge`) hand
:func:`merge_comment_records` every line of one comment id; ``field_sources`` says which
view gave each field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archiver.records.items import Author, Comment

if TYPE_CHECKING:
    from collections.abc import Mapping

#: The source a comment field came from (``Comment.field_sources``), as for posts.
REST, HTML = "api", "html"
# Fields never counted as a source's (bookkeeping, not what the blog said).
_NOT_FIELDS = frozenset({"id", "field_sources", "provenance", "schema_version"})
# The fields a REST view decides when it has them; the page's fill the rest.
_THREAD_FIELDS = ("parent_id", "depth", "parent_uncertain")
# The fields the page's view decides when it has them. ``published``: REST's ``date_gmt``
# goes through mysql2date, which reads the UTC time as the site's local time, so a time
# in the site's spring-forward gap comes back an hour late (the test blog's comment 26,
# 2019-03-31 02:50 UTC in Europe/Paris); the page's ``time[datetime]`` is built from the
# local time and its offset, and is right.
_PAGE_FIRST = frozenset({"published"})


def field_sources(comment: Comment, source: str) -> dict[str, str]:
    """``source`` for every field of ``comment`` that holds something."""
    sources = {}
    for name in Comment.__dataclass_fields__:
        if name in _NOT_FIELDS:
            continue
        value = getattr(comment, name)
        if name in _THREAD_FIELDS or _filled(value):
            sources[name] = source
    return sources


def is_rest_view(record: Mapping[str, Any]) -> bool:
    """True for a comment record read from the REST listing (not yet merged)."""
    sources = record.get("provenance") or []
    return bool(sources) and all(s.get("source") == REST for s in sources)


def merge_comment_records(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One comment's views (plain records, as the JSONL holds them) merged field by field.

    REST's view first: its parent is exact (``parent_uncertain`` false), its text the
    comment filters' output without the theme's markup; the page's view gives the date
    when it shows a full one (see ``_PAGE_FIRST``) and fills every field REST left empty.
    Views are told apart by provenance, so the result does not depend on their order;
    ``field_sources`` says which gave each field and ``provenance`` lists REST's response,
    then the pages'.
    """
    rest = [r for r in records if is_rest_view(r)]
    pages = [r for r in records if not is_rest_view(r)]
    if not rest or not pages:
        return records[0]
    first, page = rest[0], pages[0]
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, value in first.items():
        if name in _NOT_FIELDS or name in _THREAD_FIELDS:
            merged[name] = value
            continue
        chosen, origin = value, first
        if name == "author":  # name and URL each from whichever view has it
            other = page.get(name) or {}
            chosen = {key: _either(value.get(key), other.get(key)) for key in value}
            origin = first if any(value.values()) else page
        elif (name in _PAGE_FIRST or not _filled(value)) and _filled(page.get(name)):
            chosen, origin = page.get(name), page
        merged[name] = chosen
        if name in (origin.get("field_sources") or {}):
            sources[name] = origin["field_sources"][name]
    # The blog's clock goes with the moment it came with (the page's or REST's).
    if "published_local" in merged:
        origin = page if sources.get("published") == HTML else first
        merged["published_local"] = origin.get("published_local")
        if "published_local" in (origin.get("field_sources") or {}):
            sources["published_local"] = origin["field_sources"]["published_local"]
        else:
            sources.pop("published_local", None)
    # The thread: REST's parent always; its depth when it knew the parent's, else the
    # page's when the page agrees on the parent.
    for name in _THREAD_FIELDS:
        sources[name] = REST
    if not first.get("depth") and page.get("parent_id") == first.get("parent_id"):
        merged["depth"] = page.get("depth", 0)
        sources["depth"] = HTML
    merged["field_sources"] = sources
    merged["provenance"] = [p for r in (first, page) for p in r.get("provenance") or []]
    return {name: merged[name] for name in first}  # the record's own key order


def _either(first: object, other: object) -> object:
    """``first`` if it holds something, else ``other``; null when neither does and either
    is null (a URL no view gave), else ``first`` (an empty name)."""
    if first or other:
        return first or other
    return None if first is None or other is None else first


def _filled(value: object) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str | list | dict):
        return bool(value)
    if isinstance(value, Author):
        return bool(value.name or value.url)
    return True
