"""REST comments: every approved comment from ``/wp/v2/comments``, with its exact parent.

The page's nesting stops at the blog's display depth (WordPress prints deeper replies at
their parent's level); REST's ``parent`` is the comment's own, at any depth, under any
theme. :class:`RestComments` reads the site-wide listing, :data:`API_PAGE_SIZE` comments a
request in id order, one page after the other: a site-wide listing never costs more
requests than per-post ones (``ceil(total / 100)`` against at least one per thread), and
in id order a reply comes after its parent, so each comment's depth follows from its
parent's. Anonymous REST lists only ``type=comment``: pingbacks and trackbacks come from
the pages alone.

Each comment is then seen twice, once here and once on its post's page. The two views
are merged field by field (:func:`merge_comment_records`, REST first: its parent, date
and text do not depend on the theme; the page fills what REST lacks) when the crawl's
``comments.jsonl`` is sorted, so that each line is one comment whatever order the views
came in (see :mod:`archiver.crawl.pipelines`). A comment listed here whose post was not
archived is still a record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archiver.discovery.rest import API_PAGE_SIZE, api_url, int_header, json_list
from archiver.discovery.source import Fetch, provenance
from archiver.discovery.urls import is_allowed
from archiver.extract.clean import clean_body
from archiver.extract.comment_views import REST, field_sources
from archiver.extract.posts import int_or_none
from archiver.records.items import Author, Comment
from archiver.records.values import rest_moment

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from archiver.discovery.blog import Blog
    from archiver.discovery.source import Answer, Failure, Fetches, Reporter
    from archiver.records.items import Provenance


def comments_listing_url(root: str, page: int, posts: str = "") -> str:
    """Page ``page`` of the site-wide comments listing (or of the comments of ``posts``,
    ids separated by commas), oldest id first."""
    params: dict[str, str | int] = {
        "per_page": API_PAGE_SIZE,
        "page": page,
        "orderby": "id",
        "order": "asc",
    }
    if posts:
        params["post"] = posts
    return api_url(root, "wp/v2/comments", params)


def comments_listing(root: str, page: int = 1, posts: str = "", pages: int = 0) -> Fetch:
    """A page of a comments listing, for :class:`RestComments` to read (an incremental
    crawl asks for the comments of the posts whose thread changed this way). ``pages``
    (``X-WP-TotalPages``, once page 1 told) travels with the request: in a shared crawl
    another worker may read the next page."""
    url = comments_listing_url(root, page, posts)
    args = {"root": root, "page": page, "posts": posts, "pages": pages}
    return Fetch(url, "api", RestComments.name, args=args, awaited=True)


def comments_from_api(
    objects: Iterable[Mapping[str, Any]], depths: dict[int, int], source: Provenance | None
) -> list[Comment]:
    """The comments of one listing page. ``depths`` (id -> depth) carries the depths read
    so far from page to page: a parent not met before (a listing not in id order, a
    parent not approved) leaves the depth unknown (0)."""
    comments = []
    for obj in objects:
        comment = comment_from_api(obj, depths)
        if comment is None:
            continue
        comment.provenance = [source] if source is not None else []
        comments.append(comment)
    return comments


def comment_from_api(obj: Mapping[str, Any], depths: dict[int, int]) -> Comment | None:
    """A ``/wp/v2/comments`` object (``view`` context) as a :class:`Comment`; None without
    an id. Only public fields are read: REST gives anonymous visitors no e-mail or IP, and
    avatar URLs (which hash the e-mail) are left out."""
    comment_id = int_or_none(obj.get("id"))
    if comment_id is None:
        return None
    parent = int_or_none(obj.get("parent")) or None  # null for a top-level comment
    depth = 1 if not parent else depths[parent] + 1 if depths.get(parent) else 0
    depths[comment_id] = depth
    link = str(obj.get("link") or "")
    content = obj.get("content")
    rendered = str(content.get("rendered") or "") if isinstance(content, dict) else ""
    body = clean_body(rendered, link)
    published = rest_moment(obj.get("date"), obj.get("date_gmt"))
    comment = Comment(
        id=comment_id,
        post_id=int_or_none(obj.get("post")),
        parent_id=parent,
        depth=depth,
        parent_uncertain=False,  # REST's parent is the comment's own
        type=str(obj.get("type") or "comment"),
        author=Author(
            name=str(obj.get("author_name") or ""), url=str(obj.get("author_url") or "") or None
        ),
        published=published.utc if published else None,
        published_local=published.local if published else None,
        content_html=body.html,
        content_text=body.text,
        permalink=link,
    )
    comment.field_sources = field_sources(comment, REST)
    return comment


class RestComments:
    """The site-wide ``/wp/v2/comments`` listing, page after page, as comment records; in
    an incremental crawl (``site_wide`` false) only the listings of the posts whose thread
    changed, which :class:`archiver.discovery.incremental.IncrementalListings` asks for.

    It never falls back: without it the comments still come from the pages (their parents
    beyond the display depth marked uncertain). Noted in the summary as ``rest_comments``
    (``used``, or why not) and ``rest_comments_total`` (``X-WP-Total``)."""

    name = "rest_comments"

    def __init__(self, blog: Blog, reporter: Reporter, *, site_wide: bool = True) -> None:
        self.blog = blog
        self.reporter = reporter
        self.site_wide = site_wide
        # Comment id -> depth, read page after page (4 to 8 bytes a comment in a dict of
        # small ints; a crawl of 100,000 comments holds a few MB). In a shared crawl a
        # page read by another worker leaves its replies' depths here unknown (0).
        self.depths: dict[int, int] = {}

    def start(self) -> Fetches:
        if not self.site_wide:
            return
        root = self.blog.api_root
        if not root or not is_allowed(root, self.blog.scope):
            self.reporter.note(self.name, "no REST API root in the blog")
            return
        yield comments_listing(root)

    def read(self, step: str, answer: Answer, args: Mapping[str, Any]) -> Fetches:
        root, page, posts = args["root"], args["page"], args.get("posts", "")
        pages = int(args.get("pages") or 1)
        objects = json_list(answer)
        if objects is None:
            self.reporter.note(self.name, f"unusable: {answer.url} did not return a JSON list")
            return
        if page == 1:
            self.reporter.note(self.name, "used")
            if not posts:
                total = int_header(answer, b"X-WP-Total", default=len(objects))
                self.reporter.note(f"{self.name}_total", total)
            pages = int_header(answer, b"X-WP-TotalPages", default=1)
        source = provenance(answer, REST)
        # Not ``yield from`` a list: the spider sends into this generator, a list's
        # iterator takes nothing sent.
        for comment in comments_from_api(objects, self.depths, source):  # noqa: UP028
            yield comment
        yield from self._next(root, page, posts, pages)

    def failed(self, step: str, failure: Failure, args: Mapping[str, Any]) -> Fetches:
        """A page that failed is reported; the next ones are still read (their replies to
        its comments keep their exact parent, with their depth unknown)."""
        if args["page"] == 1:  # no REST comments here: the pages still show them
            self.reporter.note(self.name, f"unusable: {failure.url}: {failure.reason}")
            return
        self.reporter.fail(failure.url, f"REST comments listing: {failure.reason}", failure.status)
        pages = int(args.get("pages") or 1)
        yield from self._next(args["root"], args["page"], args.get("posts", ""), pages)

    def _next(self, root: str, page: int, posts: str, pages: int) -> Fetches:
        # One page after the other: each page's parents are known before their replies.
        if page < pages:
            yield comments_listing(root, page + 1, posts, pages)
