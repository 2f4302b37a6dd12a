"""KnownSite: what the site's earlier crawls know, as the spider's discovery asks it.

Discovery (:mod:`archiver.discovery.incremental`) reads no state: it asks a
:class:`~archiver.discovery.incremental.SiteMemory`, which this is, over the site's state
(:mod:`archiver.state.site`) and the crawl running in it. :func:`open_crawl` picks the
crawl's folder and opens the state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from archiver.discovery.incremental import ListedPost
from archiver.discovery.newest import full_listing_due
from archiver.discovery.urls import url_key
from archiver.state.idsets import KeyMap
from archiver.state.layout import new_crawl_dir
from archiver.state.posttable import KnownPost
from archiver.state.site import (
    SiteState,
    apply_listing,
    pick_revalidations,
    revalidation_budget,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Mapping

    from scrapy.settings import BaseSettings

    from archiver.state.site import CrawlRun


def open_crawl(settings: BaseSettings, url: str) -> tuple[Path, KnownSite | None]:
    """The crawl's folder, and what the site knows unless the crawl keeps no state.

    A folder named by the caller (``ARCHIVER_CRAWL_DIR``: a rebuild from the WARC, or a
    scheduled job, whose scheduler looks for the summary there) is used as it is, never
    resumed; otherwise the state picks it: the interrupted crawl's (resumed), or a new one
    under ``ARCHIVER_OUTPUT_DIR``. A shared (Redis) crawl resumes through its frontier, not
    through one machine's state file: the state is the single-process crawl's.
    """
    explicit = settings.get("ARCHIVER_CRAWL_DIR")
    root = Path(settings.get("ARCHIVER_OUTPUT_DIR", "output")).resolve()
    started = datetime.now(UTC)

    def new_dir() -> Path:
        return Path(explicit).resolve() if explicit else new_crawl_dir(root, url, started)

    if not settings.getbool("ARCHIVER_STATE_ENABLED", True) or settings.get("ARCHIVER_REDIS_URL"):
        return new_dir(), None
    state = SiteState.for_crawl(root, url)
    run = state.begin_crawl(
        new_dir,
        full=settings.getbool("ARCHIVER_FULL_CRAWL", False),
        resume=settings.getbool("ARCHIVER_RESUME", True) and not explicit,
    )
    revalidate = (
        settings.getfloat("ARCHIVER_REVALIDATE_SHARE", 0.005),
        settings.getint("ARCHIVER_REVALIDATE_MIN", 1),
    )
    full_listing = (
        settings.getint("ARCHIVER_FULL_LISTING_EVERY", 10),
        settings.getfloat("ARCHIVER_FULL_LISTING_DAYS", 30.0),
    )
    return run.crawl_dir, KnownSite(state, run, revalidate, full_listing)


# Discovery notes that carry a REST listing's X-WP-Total in a full crawl, by kind (the
# posts' and pages' only when the REST API declared them: sitemaps declare counts too).
_TOTALS_NOTED = {
    "declared_posts": "posts",
    "declared_pages": "pages",
    "rest_comments_total": "comments",
}


class KnownSite:
    """The site's memory for one crawl.

    :param revalidate: known posts' pages rechecked per incremental crawl: (share of the
        known posts, minimum), ``ARCHIVER_REVALIDATE_SHARE`` and ``_MIN``.
    :param full_listing: an incremental crawl lists every id every this many crawls or
        after this many days (``ARCHIVER_FULL_LISTING_EVERY`` and ``_DAYS``); (1, 0): every
        crawl does.
    """

    def __init__(
        self,
        state: SiteState,
        run: CrawlRun,
        revalidate: tuple[float, int] = (0.005, 1),
        full_listing: tuple[int, float] = (1, 0.0),
    ) -> None:
        self.state = state
        self.run = run
        self.revalidate = revalidate
        self.full_listing = full_listing
        self.declared_by: object = None  # who declared the counts last noted
        # Known posts by canonical link: a 404 there is a deletion (see deleted).
        self.links = KeyMap()  # url_key -> post id
        for post in run.known_posts.values():
            self.links[url_key(post.link)] = post.id

    def compare(
        self, posts: list[ListedPost], comments: list[tuple[int, int | None]]
    ) -> tuple[set[int], set[int]]:
        listed = [KnownPost(post.id, post.type, post.link, post.modified) for post in posts]
        return apply_listing(self.run, listed, comments)

    def full_listing_due(self) -> bool:
        every, days = self.full_listing
        since, last = self.state.last_full_listing(self.run)
        return full_listing_due(since, last, datetime.now(UTC), every, days)

    def listing_everything(self) -> None:
        self.state.mark_listed_all(self.run)

    def discovery_note(self, key: str, value: object) -> None:
        """A full crawl's REST listing totals, from its discovery notes (the spider's
        ``discovery_note`` signal): the next crawl compares the newest end with them."""
        if self.run.incremental:
            return  # its listings record their own (listed_total)
        if key == "declared_by":
            self.declared_by = value
            return
        kind = _TOTALS_NOTED.get(key)
        if kind is None or not isinstance(value, int) or isinstance(value, bool):
            return
        if kind == "comments" or self.declared_by == "rest_api":
            self.state.record_listing_total(self.run, kind, value)

    def listed_total(self, kind: str, total: int) -> None:
        self.state.record_listing_total(self.run, kind, total)

    def known_versions(self) -> tuple[Mapping[int, tuple[str, str]], Container[int]]:
        posts = {pid: (post.type, post.modified) for pid, post in self.run.known_posts.items()}
        return posts, self.run.known_comments

    def previous_totals(self) -> Mapping[str, int]:
        return self.state.previous_listing_totals(self.run)

    def known_listing(self) -> tuple[list[ListedPost], list[tuple[int, int | None]]]:
        posts = [
            ListedPost(post.id, post.type, post.link, post.modified)
            for post in self.run.known_posts.values()
        ]
        return posts, list(self._public_comments().items())

    def _public_comments(self) -> dict[int, int | None]:
        # The public REST listing shows comments only: no pingbacks or trackbacks.
        return {
            cid: post for cid, (post, kind) in self.run.known_comments.items() if kind == "comment"
        }

    def rechecks(self, listed: list[ListedPost], fetched: set[int]) -> list[ListedPost]:
        known = {post.id: post for post in listed if post.id in self.run.known_posts}
        share, minimum = self.revalidate
        budget = revalidation_budget(len(known), share, minimum)
        recent, rotation = self.state.revalidation_order(self.run)
        picked = pick_revalidations(recent, rotation, set(known) - fetched, budget)
        return [known[post_id] for post_id in picked]

    def missing(self, requested: Callable[[str], bool]) -> list[str] | None:
        run = self.run
        if run.listings_compared:
            return None
        captured = set(run.captured_posts) | run.changes["deleted_posts"]
        return [
            post.link
            for post in run.known_posts.values()
            if post.id not in captured and not requested(post.link)
        ]

    def deleted(self, url: str, status: int | None) -> bool:
        """Whether a post page that failed with ``status`` at ``url`` (as asked for) is a
        deleted post: a known post's page answering 404 or 410, unless the REST listings
        were compared (which then listed it: its page failed). Recorded as deleted."""
        known = self.links.get(url_key(url))
        if known is None or self.run.listings_compared or status not in {404, 410}:
            return False
        self.run.changes["deleted_posts"].add(known)
        return True
