"""The requests of an incremental crawl's newest-end listings and date windows, and where
a newest-first listing stops.

Pure: URLs and decisions only. The query parameters are always sorted by name, so the
same question is the same URL from crawl to crawl and a static server (the bench blog's
nginx) can map each one to a file. See docs/rearchiving.md, "Requests an incremental
crawl makes".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from archiver.discovery.rest import API_PAGE_SIZE, api_url
from archiver.records.values import rest_moment

if TYPE_CHECKING:
    from collections.abc import Container, Mapping, Sequence

    from archiver.discovery.windows import Window

# Fields of the newest-end listings: enough to tell what changed and where it belongs.
NEWEST_FIELDS = {
    "posts": "date_gmt,id,link,modified_gmt",
    "pages": "date_gmt,id,link,modified_gmt",
    "comments": "date_gmt,id,post",
}
# What each kind is ordered by, newest first: an edit moves a post to the front; a
# comment's date does not change, so new comments come first.
NEWEST_ORDER = {"posts": "modified", "pages": "modified", "comments": "date_gmt"}


def _url(root: str, kind: str, params: Mapping[str, str | int]) -> str:
    return api_url(root, f"wp/v2/{kind}", dict(sorted(params.items())))


def newest_url(root: str, kind: str, page: int) -> str:
    """Page ``page`` of ``kind``, newest first (page 1's ``X-WP-Total``: the kind's
    current total)."""
    params: dict[str, str | int] = {
        "_fields": NEWEST_FIELDS[kind],
        "order": "desc",
        "orderby": NEWEST_ORDER[kind],
        "page": page,
        "per_page": API_PAGE_SIZE,
    }
    return _url(root, kind, params)


def window_url(root: str, kind: str, window: Window, page: int = 1) -> str:
    """The ids of ``kind`` published in ``window`` (its ``X-WP-Total``: how many)."""
    params: dict[str, str | int] = {
        "_fields": "id",
        "page": page,
        "per_page": API_PAGE_SIZE,
        **window.params(),
    }
    return _url(root, kind, params)


def full_listing_due(
    incremental_since_full: int,
    last_full: datetime | None,
    now: datetime,
    every: int,
    days: float,
) -> bool:
    """Whether this incremental crawl lists every id (what the newest-end listings cannot
    show, drifting no longer than ``every`` crawls or ``days`` days, whichever first):
    ``incremental_since_full`` incremental crawls since the last full listing, made at
    ``last_full`` (None: never). ``every`` or ``days`` at 0 turns that limit off."""
    if last_full is None:
        return True
    if every and incremental_since_full + 1 >= every:
        return True
    return bool(days) and now - last_full >= timedelta(days=days)


# Beyond this many newest-end pages of one kind the every-id listing is about as cheap.
NEWEST_PAGES_MAX = 10


def changed_entries(
    kind: str,
    objects: Sequence[Mapping[str, Any]],
    known_posts: Mapping[int, tuple[str, str]],
    known_comments: Container[int],
) -> list[Mapping[str, Any]]:
    """The entries of a newest-end page (of ``kind``) that the state does not know as they
    are: new records, and posts and pages with another ``modified``.

    ``known_posts``: id -> (type, ``modified`` as ``Post.modified`` writes it);
    ``known_comments``: the known comment ids."""
    changed = []
    for obj in objects:
        object_id = obj.get("id")
        if kind == "comments":
            if object_id not in known_comments:
                changed.append(obj)
            continue
        known = known_posts.get(object_id) if isinstance(object_id, int) else None
        if known != (kind[:-1], listed_modified(obj)):
            changed.append(obj)
    return changed


def reaches_known(
    kind: str,
    objects: Sequence[Mapping[str, Any]],
    known_posts: Mapping[int, tuple[str, str]],
    known_comments: Container[int],
) -> bool:
    """Whether a newest-first page ends in a record the state knows as it is: what comes
    after is older than the last crawl (an edit or a comment made since would sort
    before it), so no further page is needed. An empty page ends the listing too."""
    if not objects:
        return True
    return not changed_entries(kind, objects[-1:], known_posts, known_comments)


def deleted_counts(
    previous_totals: Mapping[str, int], totals: Mapping[str, int], new: Mapping[str, int]
) -> dict[str, int] | None:
    """Per kind, how many records went since the last crawl: its listing's total plus the
    new ones minus the total now. None when the last crawl declared no total. Not zero
    either way means the newest end cannot tell it all: a deletion, or a comment approved
    late with an old date, which a newest-first listing shows far down. (WordPress's
    comment total counts comments it does not list, on password-protected posts say:
    hence totals compared with totals, not with the known records.)"""
    if any(kind not in previous_totals for kind in totals):
        return None
    return {kind: previous_totals[kind] + new.get(kind, 0) - totals[kind] for kind in totals}


def listed_modified(obj: Mapping[str, Any]) -> str:
    """A listed post's ``modified_gmt`` as ``Post.modified`` is written (UTC with Z)."""
    moment = rest_moment(None, obj.get("modified_gmt"))
    return (moment.utc if moment is not None else None) or ""
