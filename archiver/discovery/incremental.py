"""Incremental crawls: what changed since the site's last crawl, and what went missing.

:class:`IncrementalListings` takes the REST listings' place once a crawl of the site has
finished: cheap listings of every post id with its ``modified`` time and every comment id
(about one request per 100) tell new, edited and deleted posts and new and deleted
comments; only the changed posts and the posts whose thread changed are fetched (their
full REST objects, read as :class:`~archiver.discovery.rest.RestListings` reads a
listing, then their pages, and their REST comments, read by
:class:`~archiver.discovery.rest_comments.RestComments`), with a small budget of known
posts' pages rechecked: what the listings cannot show (a theme change, a thread on a
blog without REST comments) is caught in turn.

:class:`MissingPosts`: crawls without REST listings (full ones, sitemap, feed and HTML
ones) ask at their end for the known posts they did not find; a 404 or 410 there is a
deletion (see :func:`archiver.state.site.infer_deletions`).

What the site's earlier crawls know comes through :class:`SiteMemory`
(:class:`archiver.state.known.KnownSite`): discovery reads no state of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from archiver.discovery.newest import (
    NEWEST_PAGES_MAX,
    changed_entries,
    deleted_counts,
    listed_modified,
    newest_url,
    reaches_known,
)
from archiver.discovery.rest import (
    API_KINDS,
    API_PAGE_SIZE,
    RestListings,
    api_url,
    int_header,
    json_list,
    unusable,
    usable_root,
)
from archiver.discovery.rest_comments import comments_listing
from archiver.discovery.source import FALL_BACK, Fetch, post_page
from archiver.extract.posts import int_or_none
from archiver.records.values import rest_moment

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Mapping

    from archiver.discovery.blog import Blog
    from archiver.discovery.source import Answer, Failure, Fetches, Reporter

# What an incremental crawl lists of every post and comment: enough to tell what changed.
LISTING_FIELDS = {
    "posts": "id,link,modified_gmt",
    "pages": "id,link,modified_gmt",
    "comments": "id,post",
}


@dataclass(frozen=True, slots=True)
class ListedPost:
    """A post as the id listings show it (``modified``: as ``Post.modified`` is written)."""

    id: int
    type: str
    link: str
    modified: str


class SiteMemory(Protocol):
    """What the site's earlier crawls know, as discovery asks it."""

    def compare(
        self, posts: list[ListedPost], comments: list[tuple[int, int | None]]
    ) -> tuple[set[int], set[int]]:
        """Record what the listings show changed; (posts new or edited, posts whose
        thread changed)."""
        ...

    def rechecks(self, listed: list[ListedPost], fetched: set[int]) -> list[ListedPost]:
        """The few known posts, listed unchanged and not ``fetched`` anyway, whose pages
        are rechecked."""
        ...

    def missing(self, requested: Callable[[str], bool]) -> list[str] | None:
        """Links of the known posts this crawl neither captured nor ``requested``; None
        when the REST listings said what is gone."""
        ...

    def full_listing_due(self) -> bool:
        """Whether this crawl lists every id (``ARCHIVER_FULL_LISTING_EVERY``, ``_DAYS``)."""
        ...

    def listing_everything(self) -> None:
        """Record that this crawl lists every id."""
        ...

    def listed_total(self, kind: str, total: int) -> None:
        """Record the ``X-WP-Total`` this crawl's listing of ``kind`` declared."""
        ...

    def known_versions(self) -> tuple[Mapping[int, tuple[str, str]], Container[int]]:
        """(post id -> (type, modified), the comment ids) as the last crawls left them."""
        ...

    def previous_totals(self) -> Mapping[str, int]:
        """The listing totals the last crawl declared ({}: none)."""
        ...

    def known_listing(self) -> tuple[list[ListedPost], list[tuple[int, int | None]]]:
        """The listings as the known state has them (what an unchanged blog lists)."""
        ...


class IncrementalListings:
    """The id listings of an incremental crawl; once all their pages are in, the changed
    posts (step ``changed``: read as REST listings). Falls back as the REST listings do."""

    name = "incremental"

    def __init__(self, blog: Blog, reporter: Reporter, memory: SiteMemory) -> None:
        self.blog = blog
        self.reporter = reporter
        self.memory = memory
        self.rest = RestListings(blog, reporter)
        self.listings: dict[str, list[dict[str, Any]]] = {}  # kind -> objects, until all in
        self.out = 0  # listing pages asked for, not answered yet
        # The newest-end listings: kind -> entries read, X-WP-Total, X-WP-TotalPages.
        self.newest: dict[str, list[dict[str, Any]]] = {}
        self.totals: dict[str, int] = {}
        self.newest_pages: dict[str, int] = {}
        self.too_many = False  # NEWEST_PAGES_MAX pages of a kind were not enough
        self.known: tuple[Mapping[int, tuple[str, str]], Container[int]] | None = None

    def start(self) -> Fetches:
        root = usable_root(self.blog, self.reporter)
        if not root:
            yield FALL_BACK
            return
        if self.memory.full_listing_due():
            yield from self._list_everything(root, "due")
            return
        # First the newest end of each listing: one request a kind when nothing changed.
        for kind in (*API_KINDS, "comments"):
            url = newest_url(root, kind, 1)
            self.out += bool((yield self._fetch(url, root, kind, 1, step="newest")))

    def _list_everything(self, root: str, why: str) -> Fetches:
        self.reporter.note("listing", f"every id ({why})")
        self.memory.listing_everything()
        for kind in (*API_KINDS, "comments"):
            yield from self._listing(root, kind, 1)

    def _listing(self, root: str, kind: str, page: int) -> Fetches:
        params: dict[str, str | int] = {
            "per_page": API_PAGE_SIZE,
            "page": page,
            "_fields": LISTING_FIELDS[kind],
            "orderby": "id",
            "order": "asc",
        }
        url = api_url(root, f"wp/v2/{kind}", params)
        self.out += bool((yield self._fetch(url, root, kind, page)))

    def _fetch(self, url: str, root: str, kind: str, page: int, step: str = "") -> Fetch:
        args = {"root": root, "kind": kind, "page": page}
        return Fetch(url, "api", self.name, step, args)

    def read(self, step: str, answer: Answer, args: Mapping[str, Any]) -> Fetches:
        if step == "changed":
            yield from self.rest.read("", answer, args)
            return
        root, kind, page = args["root"], args["kind"], args["page"]
        objects = json_list(answer)
        if objects is None:
            yield from unusable(self.reporter, f"{answer.url} did not return a JSON list")
            return
        if step == "newest":
            yield from self._read_newest(root, kind, page, answer, objects)
            return
        if page == 1:
            self.reporter.note("rest_api", "used")
            total = int_header(answer, b"X-WP-Total", default=len(objects))
            self.memory.listed_total(kind, total)
            if kind in API_KINDS:
                self.reporter.declare("rest_api", {kind: total})
            total_pages = int_header(answer, b"X-WP-TotalPages", default=1)
            for next_page in range(2, total_pages + 1):
                yield from self._listing(root, kind, next_page)
        self.listings.setdefault(kind, []).extend(objects)
        self.out -= 1
        if self.out == 0:
            yield from self._changes(root)

    def _read_newest(
        self, root: str, kind: str, page: int, answer: Answer, objects: list[dict[str, Any]]
    ) -> Fetches:
        if page == 1:
            self.reporter.note("rest_api", "used")
            total = int_header(answer, b"X-WP-Total", default=len(objects))
            if kind in API_KINDS:
                self.reporter.declare("rest_api", {kind: total})
            self.memory.listed_total(kind, total)
            self.totals[kind] = total
            self.newest_pages[kind] = int_header(answer, b"X-WP-TotalPages", default=1)
        self.newest.setdefault(kind, []).extend(objects)
        self.out -= 1
        posts, comments = self._known()
        if page < self.newest_pages[kind] and not reaches_known(kind, objects, posts, comments):
            if page >= NEWEST_PAGES_MAX:
                self.too_many = True
            else:
                url = newest_url(root, kind, page + 1)
                self.out += bool((yield self._fetch(url, root, kind, page + 1, step="newest")))
        if self.out == 0:
            yield from self._newest_changes(root)

    def _known(self) -> tuple[Mapping[int, tuple[str, str]], Container[int]]:
        if self.known is None:
            self.known = self.memory.known_versions()
        return self.known

    def _newest_changes(self, root: str) -> Fetches:
        """What the newest end showed, compared as a listing of every id would be; or that
        listing, when the totals say records went (or came) where the newest end is not."""
        posts, comments = self._known()
        changed = {
            kind: changed_entries(kind, self.newest.get(kind, []), posts, comments)
            for kind in self.totals
        }
        new = {
            kind: len(
                {obj.get("id") for obj in found if kind == "comments" or obj.get("id") not in posts}
            )
            for kind, found in changed.items()
        }
        deleted = deleted_counts(self.memory.previous_totals(), self.totals, new)
        if deleted is None:
            yield from self._list_everything(root, "the last crawl declared no totals")
            return
        if self.too_many or any(deleted.values()):
            why = (
                "more changes than the newest pages hold" if self.too_many else "the totals differ"
            )
            yield from self._list_everything(root, why)
            return
        count = sum(len(found) for found in changed.values())
        self.reporter.note(
            "listing",
            f"newest end only ({count} changes)" if count else "newest end only (nothing changed)",
        )
        known_posts, known_comments = self.memory.known_listing()
        listed = {post.id: post for post in known_posts}
        for kind in API_KINDS:
            for obj in changed.get(kind, []):
                if (post_id := int_or_none(obj.get("id"))) is not None:
                    listed[post_id] = ListedPost(
                        post_id, kind[:-1], str(obj.get("link", "")), listed_modified(obj)
                    )
        thread_of = dict(known_comments)
        for obj in changed.get("comments", []):
            if (comment_id := int_or_none(obj.get("id"))) is not None:
                thread_of[comment_id] = int_or_none(obj.get("post"))
        yield from self._compared(root, list(listed.values()), list(thread_of.items()))

    def failed(self, step: str, failure: Failure, args: Mapping[str, Any]) -> Fetches:
        yield from unusable(self.reporter, f"{failure.url}: {failure.reason}")

    def _changes(self, root: str) -> Fetches:
        posts = []
        for kind in API_KINDS:
            for obj in self.listings.get(kind, []):
                post_id = int_or_none(obj.get("id"))
                if post_id is None:
                    continue
                # The same value post_from_api gives Post.modified (UTC with Z).
                moment = rest_moment(None, obj.get("modified_gmt"))
                modified = (moment.utc if moment is not None else None) or ""
                posts.append(ListedPost(post_id, kind[:-1], str(obj.get("link", "")), modified))
        comments = [
            (comment_id, int_or_none(obj.get("post")))
            for obj in self.listings.get("comments", [])
            if (comment_id := int_or_none(obj.get("id"))) is not None
        ]
        yield from self._compared(root, posts, comments)

    def _compared(
        self, root: str, posts: list[ListedPost], comments: list[tuple[int, int | None]]
    ) -> Fetches:
        """Fetch what the listings (``posts``, ``comments``) show changed, and the rechecks."""
        kinds = {post.id: f"{post.type}s" for post in posts}
        changed, threads = self.memory.compare(posts, comments)
        rechecked = self.memory.rechecks(posts, changed | threads)
        # A conditional GET where the page had validators: an identical page is a revisit
        # record, a changed one is captured in full.
        for post in rechecked:
            yield post_page(post.link, "revalidate")
        for kind in API_KINDS:
            ids = sorted(pid for pid in changed | threads if kinds.get(pid) == kind)
            listed = sum(1 for k in kinds.values() if k == kind)
            # Not fetched at all (rechecked pages count when their records come in).
            fetched = len(ids) + sum(1 for post in rechecked if kinds.get(post.id) == kind)
            self.reporter.note(f"unchanged_{kind}", listed - fetched)
            for start in range(0, len(ids), API_PAGE_SIZE):
                chunk = ",".join(str(pid) for pid in ids[start : start + API_PAGE_SIZE])
                params: dict[str, str | int] = {
                    "include": chunk,
                    "per_page": API_PAGE_SIZE,
                    "_embed": "author,wp:term",
                    "orderby": "id",
                    "order": "asc",
                }
                url = api_url(root, f"wp/v2/{kind}", params)
                # page 0: these posts only, no declared total, no further page
                yield self._fetch(url, root, kind, 0, step="changed")
        # The REST comments of the threads that changed (exact parents; read by RestComments).
        with_comments = sorted(changed | threads)
        for first in range(0, len(with_comments), API_PAGE_SIZE):
            ids = with_comments[first : first + API_PAGE_SIZE]
            yield comments_listing(root, 1, ",".join(map(str, ids)))


class MissingPosts:
    """At the end of a crawl without REST listings, the known posts it did not find,
    asked for once: still there (captured), or gone (404/410: deleted)."""

    def __init__(self, reporter: Reporter, memory: SiteMemory) -> None:
        self.reporter = reporter
        self.memory = memory
        self.asked = False

    def at_end(self, requested: Callable[[str], bool]) -> Fetches:
        if self.asked:
            return
        missing = self.memory.missing(requested)
        if missing is None:
            return
        self.asked = True
        self.reporter.note("known_posts_not_found", len(missing))
        for link in missing:
            yield post_page(link, "known_post")
