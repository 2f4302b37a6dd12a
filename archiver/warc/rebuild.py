"""Rebuild a crawl's JSON from its WARC files alone, offline, on every core.

``archiver extract`` reads the WARC records directly (:mod:`archiver.warc.captures`), replays
the ``wordpress`` spider's decisions without Scrapy's engine and hands every post page
to the same pure functions the crawl's extraction workers call
(:func:`archiver.extract.records.read_post_page`, ``read_comment_page``), in a process
pool. ``posts.jsonl`` and ``comments.jsonl`` come out as the crawl wrote them (same
records, same bytes, same order), or as improved extraction now writes them.

The spider's decisions, replayed from what the WARC holds:

* **Post pages** are the links of the REST listings (``wp/v2/posts`` and ``wp/v2/pages``,
  each with its REST object: the two views are merged with ``merge_posts``), the
  locations of the sitemaps (``urlset``), and, when the crawl fell back to HTML (it
  fetched a feed), the entries of the feeds and the posts and menu pages of the archive
  pages from the home page on. Each canonical URL once, in scope and not denied, the home
  page never; redirects are followed as Scrapy did. A post whose page is missing or not a
  2xx HTML page keeps what the REST API said of it.
* **The other pages of a multi-page post** (``<!--nextpage-->``) that no REST object
  named are the ones its page links, joined into its body.
* **Comment pages** are the ones each post page (and each comment page) links, told
  apart by post and page number, with the post's merged id.
* **REST comments** are the pages of the ``wp/v2/comments`` listing, read in page order
  (each comment's depth follows from its parent's, as the crawl read them one after the
  other) with :func:`archiver.discovery.rest_comments.comments_from_api`.
* Records are deduplicated by id (the first wins, as ``DeduplicatePipeline``; a comment
  keeps one record of each view, REST's and the page's), and sorted as the crawl sorts
  them (:mod:`archiver.records.sorting`), a comment's two views merged into one line.
* An **incremental crawl** (its WARC holds the REST id listings, ``_fields=``) wrote only
  new and edited posts and new comments: what the site's earlier crawl folders captured
  is left out the same way (``ChangedRecordsPipeline``). Its ``revisit`` records are
  read with the payload they refer to, in this folder or in an earlier one.

Discovery here scans the WARC for what the sources read rather than driving the sources
of :mod:`archiver.discovery` as the spider does: what an incremental crawl asked for
followed from the site's state as it was then, which the WARC does not hold, and a scan
needs no order of answers. The answers are read with the same pure functions.

Unreadable WARC records and pages that fail are reported in ``summary.json`` and on
stderr (exit status 1); everything else is still rebuilt.

``--replay-spider`` keeps the former way: the spider itself replayed through Scrapy's
HTTP cache (:mod:`archiver.warc.replay`), slower, for comparison.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from w3lib.url import safe_url_string

from archiver.discovery.archive_pages import archive_links, page_links
from archiver.discovery.feeds import feed_entry_links, feed_links, is_comments_feed
from archiver.discovery.rest_comments import comments_from_api
from archiver.discovery.sitemaps import sitemap_urls
from archiver.discovery.urls import blog_scope, canonical, is_allowed
from archiver.extract.comment_views import HTML, REST, field_sources, merge_comment_records
from archiver.extract.comments import comment_page_key
from archiver.extract.page import parse_html
from archiver.extract.posts import merge_posts, post_from_api
from archiver.extract.records import (
    describe,
    join_post_pages,
    read_comment_page,
    read_post_page,
    read_post_part,
)
from archiver.records.items import Comment, Post, Provenance
from archiver.records.lines import json_line, plain
from archiver.records.sorting import LineSorter, comment_sort_key, post_sort_key
from archiver.records.values import utc_text
from archiver.state.idsets import IdSet
from archiver.state.layout import COMMENTS_FILE, POSTS_FILE, site_name
from archiver.state.site import STATE_FILE
from archiver.warc.captures import CaptureIndex, Page, read_capture, sibling_crawl_folders

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

    from archiver.warc.captures import Capture

_REST_COLLECTION = re.compile(r"/wp/v2/(?:posts|pages)/?$")
_REST_COMMENTS = re.compile(r"/wp/v2/comments/?$")
_REDIRECT_MAX = 20  # Scrapy's REDIRECT_MAX_TIMES
# Post pages per task: enough to make pickling and scheduling cheap, few enough to keep
# every worker busy to the end.
CHUNK = 16


def find_warcs(sources: list[Path]) -> list[Path]:
    """WARC files named directly or found in crawl folders, in name (serial) order."""
    warcs: list[Path] = []
    for source in sources:
        if source.is_dir():
            warcs.extend(sorted(source.glob("*.warc.gz")) + sorted(source.glob("*.warc")))
        elif source.is_file():
            warcs.append(source)
        else:
            raise FileNotFoundError(f"no such WARC file or crawl folder: {source}")
    if not warcs:
        raise FileNotFoundError("no WARC files found in " + ", ".join(map(str, sources)))
    return warcs


def start_url_of(sources: list[Path]) -> str:
    """The blog's address, from the summary.json of a crawl folder among ``sources``."""
    for source in sources:
        summary = source / "summary.json" if source.is_dir() else None
        if summary is not None and summary.is_file():
            url = json.loads(summary.read_text("utf-8")).get("start_url")
            if url:
                return str(url)
    raise ValueError("no summary.json with a start_url here: give the blog's address with --url")


def replay_settings(warcs: list[Path], output_dir: Path) -> dict[str, Any]:
    """Settings that turn a crawl into an offline replay of ``warcs`` into ``output_dir``
    (``archiver extract --replay-spider``)."""
    return {
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_STORAGE": "archiver.warc.replay.WarcCacheStorage",
        "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.DummyPolicy",
        "HTTPCACHE_IGNORE_MISSING": True,  # not in the WARC: not fetched, reported
        "ARCHIVER_REPLAY_WARCS": [str(path) for path in warcs],
        "ARCHIVER_WARC_ENABLED": False,
        "ARCHIVER_CRAWL_DIR": str(output_dir),
        "ARCHIVER_STATE_ENABLED": False,  # a replay is no crawl of the site
        "ARCHIVER_HONOUR_RETRY_AFTER": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    }


@dataclass(slots=True)
class PostTask:
    """One post page to read, with the REST object that named it, if any."""

    url: str
    scope: tuple[str, str]  # the blog's (see discovery.blog_scope): comment pages stay in it
    api_post: Mapping[str, Any] | None = None
    api_source: Provenance | None = None


@dataclass(slots=True)
class Failure:
    url: str
    reason: str
    status: int | None = None


@dataclass(slots=True)
class TaskResult:
    """What one post page and its comment pages gave: JSON lines with their sort keys."""

    posts: list[tuple[Any, int | None, str]] = field(default_factory=list)  # key, id, line
    # key, the view's id (the comment's id * 2, + 1 for REST's view), line
    comments: list[tuple[Any, int, str]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """What discovery found in the WARC: the post pages to read, in the crawl's order."""

    tasks: list[PostTask] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    incremental: bool = False
    comments: TaskResult = field(default_factory=lambda: TaskResult())  # REST's


# --- discovery: which responses the spider read as what ----------------------------------


class Discovery:
    """The spider's discovery, replayed over a :class:`CaptureIndex` (main process)."""

    def __init__(self, index: CaptureIndex, start_url: str) -> None:
        self.index = index
        self.url = start_url
        self.scope = blog_scope(start_url)
        self.seen = {canonical(start_url)}
        self.plan = Plan()

    def run(self) -> Plan:
        home = resolve(self.index, self.url)
        home_page = parse_html(home.text) if home is not None and home.text is not None else None
        for capture in list(self.index.captures.values()):
            route = _rest_route(capture.url)
            if route is None:
                continue
            if "_fields" in route[1]:
                self.plan.incremental = True  # only an incremental crawl lists ids alone
            else:
                self._rest_listing(capture)
        self._rest_comments()
        for capture in list(self.index.captures.values()):
            if _rest_route(capture.url) is None and _maybe_sitemap(capture):
                self._sitemap(capture)
        if home is not None and home_page is not None:
            self._html_fallback(home, home_page)
        return self.plan

    def _rest_listing(self, capture: Capture) -> None:
        page = self._page(capture)
        objects = _json_objects(page)
        if page is None or objects is None:
            return
        source = provenance(page, "api")
        for obj in objects:
            link = str(obj.get("link") or "")
            if not link or not is_allowed(link, self.scope):
                reason = f"object {obj.get('id')} has no link in scope"
                self.plan.failures.append(Failure(link or page.url, reason))
                continue
            self._post(link, obj, source)

    def _rest_comments(self) -> None:
        """The pages of the REST comments listing, in page order (as the crawl read them:
        one after the other, so that depths carry over from page to page)."""
        listing: list[tuple[int, Capture]] = []
        for capture in self.index.captures.values():
            route = _rest_route(capture.url, _REST_COMMENTS)
            if route is not None and "_fields" not in route[1]:
                number = route[1].get("page", "1")
                listing.append((int(number) if number.isdigit() else 1, capture))
        depths: dict[int, int] = {}
        for _, capture in sorted(listing, key=lambda item: item[0]):
            answer = self._page(capture)
            objects = _json_objects(answer)
            if answer is None or objects is None:
                continue
            for comment in comments_from_api(objects, depths, provenance(answer, REST)):
                _add_comment(self.plan.comments, comment)

    def _sitemap(self, capture: Capture) -> None:
        page = self._page(capture)
        if page is None or not 200 <= page.status < 300:
            return
        try:
            kind, locations = sitemap_urls(page.body)
        except Exception:
            return
        if kind == "urlset":
            for location in locations:
                self._post(location)

    def _html_fallback(self, home: Page, home_page: Any) -> None:
        """Feeds and archive pages: only when the crawl fetched a feed (its last resort)."""
        feeds = [
            url
            for url in feed_links(home.url, home_page)
            if not is_comments_feed(url) and is_allowed(url, self.scope)
        ] or [urljoin(self.url, "feed/")]
        fetched = [url for url in feeds if lookup(self.index, url) is not None]
        if not fetched:
            return
        for url in fetched:
            page = resolve(self.index, url)
            if page is None or not 200 <= page.status < 300:
                continue
            try:
                links = feed_entry_links(page.url, page.body)
            except ValueError:
                continue
            for link in links:
                self._post(link)
        url, archive = home.url, home_page
        while archive is not None:
            posts, next_page = archive_links(url, archive)
            for post_url in [*posts, *page_links(url, archive)]:
                self._post(post_url)
            archive = None
            if next_page and is_allowed(next_page, self.scope):
                key = canonical(next_page)
                if key not in self.seen:
                    self.seen.add(key)
                    page = resolve(self.index, next_page)
                    if page is not None and page.text is not None and 200 <= page.status < 300:
                        url, archive = page.url, parse_html(page.text)

    def _post(
        self, url: str, api_post: Mapping[str, Any] | None = None, source: Provenance | None = None
    ) -> None:
        if not is_allowed(url, self.scope):
            return
        key = canonical(url)
        if key in self.seen:
            return
        self.seen.add(key)
        self.plan.tasks.append(PostTask(url, self.scope, api_post, source))

    def _page(self, capture: Capture) -> Page | None:
        try:
            return read_capture(capture, self.index.original(capture))
        except Exception as error:
            self.plan.failures.append(Failure(capture.url, f"unreadable record: {describe(error)}"))
            return None


def _rest_route(
    url: str, collection: re.Pattern[str] = _REST_COLLECTION
) -> tuple[str, dict[str, str]] | None:
    """(route, query) of a REST collection URL (of posts or pages by default), pretty or
    plain."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    route = query.get("rest_route") or (parts.path if "/wp-json/" in parts.path else "")
    return (route, query) if route and collection.search(route) else None


def _json_objects(page: Page | None) -> list[dict[str, Any]] | None:
    """A 2xx answer's JSON list of objects; None when it is no such thing."""
    if page is None or not 200 <= page.status < 300 or page.text is None:
        return None
    try:
        objects = json.loads(page.text)
    except ValueError:
        return None
    if not isinstance(objects, list) or not all(isinstance(obj, dict) for obj in objects):
        return None
    return objects


def _maybe_sitemap(capture: Capture) -> bool:
    return "xml" in capture.header("Content-Type").lower() or "sitemap" in capture.url.lower()


def lookup(index: CaptureIndex, url: str) -> Capture | None:
    """The capture of a URL as the spider requested it (Scrapy escapes it; no fragment)."""
    found = index.captures.get(url)
    if found is None:
        found = index.captures.get(safe_url_string(url).split("#", 1)[0])
    return found


def resolve(index: CaptureIndex, url: str) -> Page | None:
    """The response the spider's callback got for ``url``, redirects followed; None when
    the WARC holds none (never fetched, or failed without a response).

    :raises ValueError: an unreadable record.
    """
    for _ in range(_REDIRECT_MAX + 1):
        capture = lookup(index, url)
        if capture is None:
            return None
        page = read_capture(capture, index.original(capture))
        target = capture.redirect_target() if not capture.not_modified else ""
        if not target:
            return page
        url = target
    return None


def provenance(page: Page, source: str) -> Provenance:
    """Where the crawl recorded ``page`` (as :func:`archiver.discovery.source.provenance`)."""
    return Provenance(
        url=page.url,
        source=source,
        warc_file=page.at.path.name,
        warc_offset=page.at.offset,
        warc_record_id=page.at.record_id,
    )


# --- extraction: post pages and their comment pages, in worker processes -----------------

_INDEX: CaptureIndex | None = None  # set in each worker by _init_worker


def _init_worker(index: CaptureIndex) -> None:
    global _INDEX
    _INDEX = index


def read_tasks(tasks: list[PostTask]) -> list[TaskResult]:
    """Read a chunk of post pages (in a worker): their records as JSON lines."""
    assert _INDEX is not None  # noqa: S101 - set by the pool's initializer
    return [read_task(_INDEX, task) for task in tasks]


def read_task(index: CaptureIndex, task: PostTask) -> TaskResult:
    """A post page and its comment pages, as the spider's callbacks read them."""
    result = TaskResult()
    try:
        page = resolve(index, task.url)
    except Exception as error:
        result.failures.append(Failure(task.url, f"unreadable record: {describe(error)}"))
        _api_only(task, result)
        return result
    if page is None or not 200 <= page.status < 300:
        status = page.status if page is not None else None
        reason = f"HTTP {status}" if status is not None else "no response in the WARC"
        result.failures.append(Failure(task.url, reason, status))
        _api_only(task, result)
        return result
    if page.text is None:
        result.failures.append(Failure(page.url, "post page is not HTML", page.status))
        _api_only(task, result)
        return result
    records = read_post_page(page.url, page.text, task.api_post)
    api = records.api_post
    if records.api_error:
        result.failures.append(Failure(page.url, f"unreadable REST object: {records.api_error}"))
    elif api is not None:
        api.provenance = [task.api_source] if task.api_source else []
    if records.html_post is None:
        result.failures.append(Failure(page.url, f"extraction error: {records.error}", page.status))
        if api is not None:
            _add_post(result, api)
        return result
    records.html_post.provenance = [provenance(page, "html")]
    post = merge_posts(api, records.html_post)
    if api is None and records.post_pages:
        _join_pages(index, post, records.post_pages, result)
    _add_post(result, post)
    _comment_pages(index, task.scope, page, records, post.id, result)
    return result


def _join_pages(index: CaptureIndex, post: Post, pages: list[str], result: TaskResult) -> None:
    """A multi-page post's other pages joined into its body, one after the other until one
    failed (as :class:`archiver.crawl.post_pages.PostPages` reads them)."""
    bodies = [post.content_html]
    for url in pages:
        try:
            page = resolve(index, url)
        except Exception as error:
            result.failures.append(Failure(url, f"unreadable record: {describe(error)}"))
            break
        if page is None or not 200 <= page.status < 300:
            status = page.status if page is not None else None
            reason = f"HTTP {status}" if status is not None else "no response in the WARC"
            result.failures.append(Failure(url, reason, status))
            break
        if page.text is None:
            reason = "page of a multi-page post is not HTML"
            result.failures.append(Failure(page.url, reason, page.status))
            continue
        body, problem = read_post_part(page.url, page.text)
        if problem:
            result.failures.append(Failure(page.url, f"extraction error: {problem}", page.status))
        bodies.append(body)
        post.provenance.append(provenance(page, "html"))
    join_post_pages(post, bodies)


def _comment_pages(
    index: CaptureIndex,
    scope: tuple[str, str],
    first: Page,
    first_records: Any,
    post_id: int | None,
    result: TaskResult,
) -> None:
    """The thread's comments, page after page, each page once (as
    :class:`archiver.crawl.post_pages.PostPages` reads them)."""
    known: set[tuple[str, int | None]] = set()
    seen: set[str] = set()
    queue: deque[tuple[Page, Any]] = deque([(first, first_records)])
    while queue:
        page, records = queue.popleft()
        source = provenance(page, "html")
        for comment in records.comments:
            comment.post_id = post_id
            comment.provenance = [source]
            comment.field_sources = field_sources(comment, HTML)
            _add_comment(result, comment)
        if records.shown_comment_page is not None:
            known.add((comment_page_key(page.url)[0], records.shown_comment_page))
        for url in records.comment_pages:
            key = comment_page_key(url)
            if key in known:
                continue
            known.add(key)
            if not is_allowed(url, scope):
                continue
            url_key = canonical(url)
            if url_key in seen:
                continue
            seen.add(url_key)
            queue.extend(_comment_page(index, url, post_id, result))


def _comment_page(
    index: CaptureIndex, url: str, post_id: int | None, result: TaskResult
) -> Iterator[tuple[Page, Any]]:
    try:
        page = resolve(index, url)
    except Exception as error:
        result.failures.append(Failure(url, f"unreadable record: {describe(error)}"))
        return
    if page is None or not 200 <= page.status < 300:
        status = page.status if page is not None else None
        reason = f"HTTP {status}" if status is not None else "no response in the WARC"
        result.failures.append(Failure(url, reason, status))
        return
    if page.text is None:
        result.failures.append(Failure(page.url, "comment page is not HTML", page.status))
        return
    records = read_comment_page(page.url, page.text, post_id)
    if records.error:
        result.failures.append(Failure(page.url, f"extraction error: {records.error}", page.status))
    yield page, records


def _api_only(task: PostTask, result: TaskResult) -> None:
    """The page failed; what the API said of the post is still archived."""
    if task.api_post is None:
        return
    try:
        post = post_from_api(task.api_post)
    except Exception as error:
        result.failures.append(Failure(task.url, f"unreadable REST object: {describe(error)}"))
        return
    post.provenance = [task.api_source] if task.api_source else []
    _add_post(result, post)


def _add_post(result: TaskResult, post: Post) -> None:
    record = plain(post)
    result.posts.append((post_sort_key(record), post.id, json_line(record)))


def _add_comment(result: TaskResult, comment: Comment) -> None:
    record = plain(comment)
    # The REST view and the page's of one comment are two records until merged.
    rest = bool(comment.provenance) and all(p.source == REST for p in comment.provenance)
    view_id = comment.id * 2 + rest
    result.comments.append((comment_sort_key(record), view_id, json_line(record)))


# --- the whole rebuild ---------------------------------------------------------------------


@dataclass(slots=True)
class Known:
    """What the site's earlier crawls captured (incremental crawls leave it out)."""

    posts: dict[int, str] = field(default_factory=dict)  # id -> modified
    comments: set[int] = field(default_factory=set)


def site_crawls(folder: Path, start_url: str) -> tuple[list[Path], list[Path]]:
    """(the crawl folders of the site before ``folder``, all the others), from the site's
    state (a crawl folder may be named by its caller, anywhere), else from the folders
    beside ``folder`` (named by UTC time)."""
    folder = folder.resolve()
    for state_file in (
        folder.parent / STATE_FILE,
        folder.parent / site_name(start_url) / STATE_FILE,
    ):
        if not state_file.is_file():
            continue
        db = sqlite3.connect(f"file:{state_file}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT crawl_dir FROM crawls ORDER BY id").fetchall()
        except sqlite3.Error:
            continue
        finally:
            db.close()
        crawls = [(state_file.parent / str(row[0])).resolve() for row in rows]
        if folder in crawls:
            position = crawls.index(folder)
            return crawls[:position], [c for c in crawls if c != folder and c.is_dir()]
    others = sibling_crawl_folders(folder)
    return [other for other in others if other.name < folder.name], others


def earlier_captures(earlier: list[Path]) -> Known:
    """Posts (captured from their page) and comments in the JSONL of the site's earlier
    crawl folders: what an incremental crawl compared with."""
    known = Known()
    for other in earlier:
        for record in _jsonl(other / POSTS_FILE):
            if record.get("id") is not None and any(
                source.get("source") == "html" for source in record.get("provenance") or []
            ):
                # utc_text: crawls before schema_version 3 wrote "+00:00" for the same moment.
                known.posts[int(record["id"])] = utc_text(record.get("modified")) or ""
        known.comments.update(int(r["id"]) for r in _jsonl(other / COMMENTS_FILE))
    return known


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open("rb") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


def rebuild(
    warcs: list[Path],
    start_url: str,
    output_dir: Path,
    crawl_folder: Path | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Rebuild ``posts.jsonl`` and ``comments.jsonl`` into ``output_dir``; write and return
    its summary (``failures`` and ``errors`` empty when everything was rebuilt)."""
    started = time.monotonic()
    earlier, others = site_crawls(crawl_folder, start_url) if crawl_folder else ([], [])
    index = CaptureIndex.of(warcs, others)
    plan = Discovery(index, start_url).run()
    known = earlier_captures(earlier) if plan.incremental else Known()
    output_dir.mkdir(parents=True, exist_ok=True)
    writer = _Writer(output_dir, known)
    failures = list(plan.failures)
    writer.add(plan.comments)
    for result in _results(index, plan.tasks, workers or os.cpu_count() or 1):
        writer.add(result)
        failures.extend(result.failures)
    counts = writer.close()
    summary: dict[str, Any] = {
        "rebuild": True,
        "start_url": start_url,
        "warc_files": [str(path) for path in warcs],
        "incremental": plan.incremental,
        "counts": {
            **counts,
            "post_pages": len(plan.tasks),
            "warc_records_read": index.records_read,
            "warc_records": 0,  # nothing fetched, nothing recorded
        },
        "failures": [asdict(failure) for failure in failures],
        "errors": index.errors,
        "duration_seconds": round(time.monotonic() - started, 3),
    }
    (output_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    return summary


def _results(index: CaptureIndex, tasks: list[PostTask], workers: int) -> Iterator[TaskResult]:
    """Every task's result, in task order (the first record of an id wins)."""
    chunks = [tasks[start : start + CHUNK] for start in range(0, len(tasks), CHUNK)]
    if workers <= 1 or len(chunks) <= 1:
        for task in tasks:
            yield read_task(index, task)
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(index,)) as pool:
        pending: deque[Future[list[TaskResult]]] = deque()
        # A bounded window of chunks in flight: memory stays flat whatever the blog's size.
        for chunk in chunks:
            pending.append(pool.submit(read_tasks, chunk))
            if len(pending) >= 4 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


class _Writer:
    """Deduplicates, leaves out what earlier crawls captured, writes, then sorts."""

    def __init__(self, output_dir: Path, known: Known) -> None:
        self.known = known
        self.files = {name: (output_dir / name).open("wb") for name in (POSTS_FILE, COMMENTS_FILE)}
        # Sort entries of the lines written, in runs on disk past a few thousand lines.
        self.sorters = {name: LineSorter(output_dir / name) for name in self.files}
        self.offsets = {POSTS_FILE: 0, COMMENTS_FILE: 0}
        self.seen_posts = IdSet()
        self.seen_comments = IdSet()
        self.duplicates = 0

    def add(self, result: TaskResult) -> None:
        for key, post_id, line in result.posts:
            if post_id is not None:
                if post_id in self.seen_posts:
                    self.duplicates += 1
                    continue
                self.seen_posts.add(post_id)
                modified = self.known.posts.get(post_id)
                if modified is not None and modified == (json.loads(line)["modified"] or ""):
                    continue
            self._write(POSTS_FILE, key, line)
        for key, view_id, line in result.comments:
            if view_id in self.seen_comments:
                self.duplicates += 1
                continue
            self.seen_comments.add(view_id)
            if view_id // 2 in self.known.comments:
                continue
            self._write(COMMENTS_FILE, key, line)

    def _write(self, name: str, key: Any, line: str) -> None:
        data = line.encode("utf-8")
        self.files[name].write(data)
        self.sorters[name].add(key, self.offsets[name], len(data))
        self.offsets[name] += len(data)

    def close(self) -> dict[str, int]:
        for stream in self.files.values():
            stream.close()
        posts = self.sorters[POSTS_FILE].rewrite()
        comments = self.sorters[COMMENTS_FILE].rewrite(merge_comment_records)
        return {
            "posts": posts,
            "comments": comments,
            "duplicates_dropped": self.duplicates,
        }


def report(summary: Mapping[str, Any], output_dir: Path) -> int:
    """Print the rebuild's outcome; its exit status (0: everything rebuilt)."""
    counts = summary["counts"]
    print(
        f"rebuilt {counts['posts']} posts and {counts['comments']} comments from "
        f"{counts['post_pages']} post pages into {output_dir} "
        f"({summary['duration_seconds']:.1f} s)"
    )
    for error in summary["errors"]:
        print(f"archiver extract: {error}", file=sys.stderr)
    for failure in summary["failures"]:
        status = f" (HTTP {failure['status']})" if failure["status"] else ""
        print(f"not rebuilt: {failure['url']}: {failure['reason']}{status}", file=sys.stderr)
    return 1 if summary["errors"] or summary["failures"] else 0
