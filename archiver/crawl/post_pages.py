"""PostPages: post and comment pages read in the extraction pool, into records.

A post page gives its post, merged with what the REST API said of it when a listing
named it, and the comments it shows; a comment page gives its comments. Both name the
thread's other comment pages, each asked for once (a :class:`Fetch` for the spider's
gate): pages are told apart by thread and number, not by URL, because the post's URL
shows one of them (the newest or the oldest) that pagination links again as
``/comment-page-N/``. A ``<!--nextpage-->`` post that no REST object named has its
other pages fetched one after the other (:data:`POST_PART`, the post so far travelling
with each request) and joined into one body before its record goes on; with REST they are
not fetched: ``content.rendered`` holds every page. A page that fails or is not HTML is
reported, and what the REST API said of its post is still archived; a known post's page
that answers 404 or 410 is no failure but a deletion
(:meth:`archiver.crawl.known_site.KnownSite.deleted`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from archiver.discovery.source import Fetch, provenance, text_of
from archiver.discovery.urls import canonical_key
from archiver.extract.comment_views import HTML, field_sources
from archiver.extract.comments import comment_page_key
from archiver.extract.posts import merge_posts, post_from_api
from archiver.extract.records import (
    describe,
    join_post_pages,
    read_comment_page,
    read_post_page,
    read_post_part,
)
from archiver.state.idsets import KeySet

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Mapping

    from archiver.crawl.extraction_pool import ExtractionPool
    from archiver.crawl.known_site import KnownSite
    from archiver.discovery.source import Answer, Failure, Reporter
    from archiver.extract.records import PageRecords
    from archiver.records.items import Comment, Post, Provenance

logger = logging.getLogger(__name__)

#: The reader of comment pages (a Fetch's ``source``).
COMMENT_PAGE: Final = "comment_page"
#: The reader of a multi-page post's other pages.
POST_PART: Final = "post_part"


class PostPages:
    """Reads post and comment pages (``extraction``: the worker processes doing it;
    ``known``: what the site's earlier crawls know, if it keeps state)."""

    def __init__(
        self, extraction: ExtractionPool, reporter: Reporter, known: KnownSite | None = None
    ) -> None:
        self.extraction = extraction
        self.reporter = reporter
        self.known = known
        # Comment pages asked for or seen: keys of (thread, page number), 8 bytes each.
        self.comment_pages = KeySet()

    async def read_post(
        self,
        answer: Answer,
        api_post: Mapping[str, Any] | None = None,
        api_source: Provenance | None = None,
    ) -> AsyncGenerator[Post | Comment | Fetch, bool | None]:
        """A post's page: its post and comments; a fetch's ``yield`` evaluates to whether
        the spider's gate sent it."""
        text = text_of(answer)
        if text is None:
            api = self.api_only(answer.url, api_post, api_source)
            self.reporter.fail(answer.url, "post page is not HTML", answer.status)
            if api is not None:
                yield api
            return
        records = await self.extraction.run(read_post_page, answer.url, text, api_post)
        api = records.api_post
        if records.api_error:
            self.reporter.fail(answer.url, f"unreadable REST object: {records.api_error}")
        elif api is not None:
            api.provenance = [api_source] if api_source else []
        if records.html_post is None:
            self.reporter.fail(answer.url, f"extraction error: {records.error}", answer.status)
            if api is not None:
                yield api
            return
        records.html_post.provenance = [provenance(answer, "html")]
        post = merge_posts(api, records.html_post)
        for item in self._comments(answer, records, post.id):
            yield item
        if api is None and records.post_pages:
            bodies = [post.content_html]
            if (yield self._part(post, bodies, records.post_pages)):
                return  # the last page yields the post
            self.reporter.fail(records.post_pages[0], "page of a multi-page post not fetched")
            post = await self.extraction.run(join_post_pages, post, bodies)
        yield post

    def _part(self, post: Post, bodies: list[str], pages: list[str]) -> Fetch:
        args = {"post": post, "bodies": bodies, "pages": pages[1:]}
        return Fetch(pages[0], "post_part", POST_PART, args=args, awaited=True)

    async def read_part(
        self, answer: Answer, post: Post, bodies: list[str], pages: list[str]
    ) -> AsyncGenerator[Post | Fetch, bool | None]:
        """One more page of a multi-page post: its body joins the others; the next page is
        asked for, or, after the last, the post with all its pages goes on."""
        text = text_of(answer)
        if text is None:
            self.reporter.fail(answer.url, "page of a multi-page post is not HTML", answer.status)
        else:
            body, error = await self.extraction.run(read_post_part, answer.url, text)
            if error:
                self.reporter.fail(answer.url, f"extraction error: {error}", answer.status)
            bodies = [*bodies, body]
            post.provenance.append(provenance(answer, "html"))
        if pages:
            if (yield self._part(post, bodies, pages)):
                return
            self.reporter.fail(pages[0], "page of a multi-page post not fetched")
        yield await self.extraction.run(join_post_pages, post, bodies)

    def part_failed(
        self, failure: Failure, post: Post, bodies: list[str], pages: list[str]
    ) -> Iterator[Post]:
        """A page of a multi-page post that failed: reported, the post kept with the
        pages it has (the next ones are not asked for: their order is the post's)."""
        self.reporter.fail(failure.asked_for or failure.url, failure.reason, failure.status)
        yield join_post_pages(post, bodies)

    async def read_comments(
        self, answer: Answer, post_id: int | None
    ) -> AsyncGenerator[Comment | Fetch, bool | None]:
        text = text_of(answer)
        if text is None:
            self.reporter.fail(answer.url, "comment page is not HTML", answer.status)
            return
        records = await self.extraction.run(read_comment_page, answer.url, text, post_id)
        if records.error:
            self.reporter.fail(answer.url, f"extraction error: {records.error}", answer.status)
        for item in self._comments(answer, records, post_id):
            yield item

    def _comments(
        self, answer: Answer, records: PageRecords, post_id: int | None
    ) -> Iterator[Comment | Fetch]:
        source = provenance(answer, "html")
        for comment in records.comments:
            # The post's id as merged with the API's, whatever the page itself showed.
            comment.post_id = post_id
            comment.provenance = [source]
            comment.field_sources = field_sources(comment, HTML)
            yield comment
        if records.shown_comment_page is not None:
            thread = comment_page_key(answer.url)[0]
            self.comment_pages.add(thread_page_key(thread, records.shown_comment_page))
        for url in records.comment_pages:
            key = thread_page_key(*comment_page_key(url))
            if key in self.comment_pages:
                continue
            self.comment_pages.add(key)
            yield Fetch(url, "comment_page", COMMENT_PAGE, args={"post_id": post_id})

    def page_failed(self, failure: Failure, args: Mapping[str, Any]) -> Iterator[Post]:
        """A post page's or a post part's request failed (``args``: its callback's)."""
        if "bodies" in args:
            return self.part_failed(failure, args["post"], args["bodies"], args["pages"])
        return self.failed(failure, args.get("api_post"), args.get("api_source"))

    def failed(
        self,
        failure: Failure,
        api_post: Mapping[str, Any] | None = None,
        api_source: Provenance | None = None,
    ) -> Iterator[Post]:
        """A post page that failed: reported (a deletion, if a known post's), and what the
        REST API said of the post archived."""
        url = failure.asked_for or failure.url
        if api_post is None and self.known is not None and self.known.deleted(url, failure.status):
            logger.info("deleted: %s (HTTP %s)", url, failure.status)
            return
        self.reporter.fail(url, failure.reason, failure.status)
        api = self.api_only(failure.url, api_post, api_source)
        if api is not None:
            yield api

    def api_only(
        self, url: str, api_post: Mapping[str, Any] | None, api_source: Provenance | None
    ) -> Post | None:
        """What the REST API said of a post whose page gave nothing."""
        if api_post is None:
            return None
        try:
            post = post_from_api(api_post)
        except Exception as error:  # a malformed API object: the page may still do
            self.reporter.fail(url, f"unreadable REST object: {describe(error)}")
            return None
        post.provenance = [api_source] if api_source else []
        return post


async def through_gate(
    records: AsyncGenerator[Any, bool | None], gate: Callable[[Fetch], Any | None]
) -> AsyncIterator[Any]:
    """The records and requests of a page's reader, each fetch through ``gate`` (the
    spider's: its request, or None when not asked for), which tells the reader whether it
    was sent."""
    sent: bool | None = None
    while True:
        try:
            item = await records.asend(sent)
        except StopAsyncIteration:
            return
        sent = None
        if not isinstance(item, Fetch):
            yield item
        elif (request := gate(item)) is not None:
            sent = True
            yield request
        else:
            sent = False


def thread_page_key(thread: str, page: int | None) -> int:
    """A comment page's key: its thread's canonical URL (no space in it) and its number."""
    return canonical_key(f"{thread} {page}")
