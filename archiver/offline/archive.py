"""The blog as its pages show it, from records alone: posts by date, the indexes, threads.

Built from the records of :mod:`archiver.state.crawls` (plain dicts of the published
schema), so whatever writes the same records (another engine, a rebuild, a WXR reader)
gets the same blog. Comments are threaded by their ``parent_id`` as the blog nested
them, oldest first at each level (WordPress's default order); a reply whose parent is not
in the archive is shown at the top level rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from archiver.offline.links import author_path, month_path, post_path, term_path

if TYPE_CHECKING:
    from archiver.state.crawls import ArchivedRecords

__all__ = ["ArchivedPost", "BlogArchive", "Listing", "Thread", "build_archive"]


@dataclass
class Thread:
    """A comment and its replies."""

    comment: dict[str, Any]
    replies: list[Thread] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.comment["id"])


@dataclass
class ArchivedPost:
    record: dict[str, Any]
    path: str  # its file in the copy
    threads: list[Thread]
    comment_count: int

    @property
    def id(self) -> int:
        return int(self.record["id"])

    @property
    def published(self) -> str:
        return str(self.record.get("published") or "")

    @property
    def shown(self) -> str:
        """The date as the blog showed it: its own clock where the record knows its offset."""
        return str(self.record.get("published_local") or self.published)

    @property
    def month(self) -> str:
        return self.shown[:7]  # the blog's archive pages group by its own calendar


@dataclass
class Listing:
    """An index page: the posts of one category, tag, author or month, newest first."""

    kind: str  # "category", "tag", "author", "month"
    name: str
    path: str
    posts: list[ArchivedPost] = field(default_factory=list)


@dataclass
class BlogArchive:
    posts: list[ArchivedPost]  # type "post", newest first
    pages: list[ArchivedPost]  # type "page", by title
    listings: dict[str, dict[str, Listing]]  # kind -> key -> listing

    def all_posts(self) -> list[ArchivedPost]:
        return [*self.posts, *self.pages]

    def listing_of(self, kind: str, key: str) -> Listing | None:
        return self.listings.get(kind, {}).get(key)


def build_archive(records: ArchivedRecords) -> BlogArchive:
    replies: dict[int, list[dict[str, Any]]] = {}
    for comment in records.comments.values():
        replies.setdefault(int(comment.get("post_id") or 0), []).append(comment)
    built = []
    for record in records.posts.values():
        comments = replies.get(int(record["id"]), [])
        built.append(
            ArchivedPost(
                record=record,
                path=post_path(str(record.get("type") or "post"), int(record["id"]), _slug(record)),
                threads=thread(comments),
                comment_count=len(comments),
            )
        )
    posts = sorted(
        (p for p in built if p.record.get("type") != "page"),
        key=lambda p: (p.published, p.id),
        reverse=True,
    )
    pages = sorted(
        (p for p in built if p.record.get("type") == "page"),
        key=lambda p: (str(p.record.get("title") or "").lower(), p.id),
    )
    listings: dict[str, dict[str, Listing]] = {"category": {}, "tag": {}, "author": {}, "month": {}}
    for post in posts:
        for kind, field_name in (("category", "categories"), ("tag", "tags")):
            for term in post.record.get(field_name) or []:
                slug = str(term.get("slug") or term.get("name") or "")
                if not slug:
                    continue
                listing = listings[kind].setdefault(
                    slug, Listing(kind, str(term.get("name") or slug), term_path(kind, slug))
                )
                listing.posts.append(post)
        author = str((post.record.get("author") or {}).get("name") or "")
        if author:
            listings["author"].setdefault(
                author, Listing("author", author, author_path(author))
            ).posts.append(post)
        if post.month:
            listings["month"].setdefault(
                post.month, Listing("month", post.month, month_path(post.month))
            ).posts.append(post)
    return BlogArchive(posts=posts, pages=pages, listings=listings)


def thread(comments: list[dict[str, Any]]) -> list[Thread]:
    """The comments of one post as trees, oldest first at each level."""
    ordered = sorted(comments, key=lambda c: (str(c.get("published") or ""), int(c["id"])))
    nodes = {int(c["id"]): Thread(c) for c in ordered}
    roots = []
    for node in nodes.values():
        parent = nodes.get(int(node.comment.get("parent_id") or 0))
        if parent is None or parent is node:
            roots.append(node)
        else:
            parent.replies.append(node)
    return roots


def _slug(record: dict[str, Any]) -> str:
    return str(record.get("slug") or record.get("title") or record["id"])
