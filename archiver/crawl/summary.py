"""CrawlSummaryExtension: ``summary.json`` for every crawl, and a short report at the end.

Counts, coverage (declared by the blog vs archived), every URL that failed and why,
discovery notes and the WARC files written. It is written on ``engine_stopped``, after
the WARC recorder has closed (and renamed) its files on ``spider_closed``.

For crawls that keep state, ``changes`` says what the crawl found changed since the
earlier ones (new, edited and deleted posts, new and deleted comments) and how many
requests it made, against the latest full crawl's. Records an incremental crawl saw
unchanged (:class:`archiver.crawl.pipelines.UnchangedRecord`) and posts it did not fetch at
all (listed unchanged) count as archived in ``coverage``: they are in earlier crawls.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals as scrapy_signals
from scrapy.http import Response

from archiver import __version__
from archiver.crawl import signals as archiver_signals
from archiver.crawl.output_errors import OUTPUT_ERROR_STAT, describe_output_error, is_output_error
from archiver.crawl.pipelines import UnchangedRecord
from archiver.crawl.verdict import judge
from archiver.records.items import Comment, Post
from archiver.state.idsets import IdSet, KeyMap
from archiver.state.layout import COMMENTS_FILE, POSTS_FILE, SUMMARY_FILE
from archiver.state.posttable import TextMap
from archiver.state.site import CHANGE_KINDS, crawl_state

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.signalmanager import SignalManager
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

    from archiver.state.site import CrawlRun, SiteState


class CrawlSummaryExtension:
    def __init__(
        self,
        stats: StatsCollector,
        print_summary: bool,
        output_root: str,
        retry_after_max: float | None = None,
    ) -> None:
        self.stats = stats
        self.retry_after_max = retry_after_max
        self.print_summary = print_summary
        self.output_root = output_root
        self.crawl_dir: Path | None = None
        self.spider_name = ""
        self.start_url = ""
        self.started_at = datetime.now(UTC)
        self.started_clock = time.monotonic()
        self.finish_reason = ""
        self.failures: list[dict[str, Any]] = []
        self.discovery: dict[str, Any] = {}
        self.records: Counter[str] = Counter()
        # Per post: URL, comments the page declares, comments captured. In typed arrays
        # (archiver.state.idsets, archiver.state.posttable): a crawl keeps them until it ends.
        self.declared_comments = KeyMap()
        self.captured_comments = KeyMap()
        self.post_urls = TextMap()
        # Threads that cannot be counted on the page: never reported as "0 comments".
        self.comments_external: dict[int, str] = {}
        self.comments_gated: dict[int, str] = {}
        self.comments_closed = IdSet()
        # Crawls that keep state: the state and this crawl; records seen unchanged.
        self.state: tuple[SiteState, CrawlRun] | None = None
        self.unchanged: Counter[str] = Counter()
        # Where the written summary is announced (archiver.crawl.signals.crawl_summary).
        self.signals: SignalManager | None = None
        # Sections other extensions add, built with the rest (archiver.crawl.report_figures).
        self.sections: dict[str, Callable[[], Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        ext = cls(
            crawler.stats,
            print_summary=settings.getbool("ARCHIVER_PRINT_SUMMARY", True),
            output_root=settings.get("ARCHIVER_OUTPUT_DIR", "output"),
            retry_after_max=settings.getfloat("ARCHIVER_RETRY_AFTER_MAX", 300.0),
        )
        connect = crawler.signals.connect
        connect(ext.spider_opened, signal=scrapy_signals.spider_opened)
        connect(ext.spider_closed, signal=scrapy_signals.spider_closed)
        connect(ext.engine_stopped, signal=scrapy_signals.engine_stopped)
        connect(ext.item_scraped, signal=scrapy_signals.item_scraped)
        connect(ext.item_dropped, signal=scrapy_signals.item_dropped)
        connect(ext.response_received, signal=scrapy_signals.response_received)
        connect(ext.spider_error, signal=scrapy_signals.spider_error)
        connect(ext.item_error, signal=scrapy_signals.item_error)
        connect(ext.url_failed, signal=archiver_signals.url_failed)
        connect(ext.discovery_note, signal=archiver_signals.discovery_note)
        ext.state = crawl_state(crawler)
        ext.signals = crawler.signals
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.spider_name = spider.name
        self.start_url = str(getattr(spider, "url", ""))
        crawl_dir = getattr(spider, "crawl_dir", None)
        self.crawl_dir = Path(crawl_dir) if crawl_dir else Path(self.output_root) / spider.name
        self.crawl_dir.mkdir(parents=True, exist_ok=True)
        self.started_at = datetime.now(UTC)
        self.started_clock = time.monotonic()

    def item_scraped(self, item: object) -> None:
        self._count_item(item, self.records)

    def item_dropped(self, item: object, exception: BaseException) -> None:
        if isinstance(exception, UnchangedRecord):
            self._count_item(item, self.unchanged)

    def _count_item(self, item: object, records: Counter[str]) -> None:
        if isinstance(item, Post):
            records[f"{item.type}s"] += 1
            if item.id is not None:
                self.post_urls[item.id] = item.url
                # Interned: a blog's threads share one system or gate, not a string each.
                if item.comments_external:
                    self.comments_external[item.id] = sys.intern(item.comments_external)
                elif item.comment_count_declared is not None:
                    self.declared_comments[item.id] = item.comment_count_declared
                if item.comments_gated:
                    self.comments_gated[item.id] = sys.intern(item.comments_gated)
                if item.comment_status == "closed":
                    self.comments_closed.add(item.id)
        elif isinstance(item, Comment):
            records["comments"] += 1
            if item.post_id is not None:
                self.captured_comments.add(item.post_id)

    def response_received(self, response: Response) -> None:
        # Accepted despite a short body (DOWNLOAD_FAIL_ON_DATALOSS=False): archived as
        # received, but the capture is not complete and must not be reported as such.
        if "dataloss" in response.flags:
            reason = "truncated response (dataloss): stored as received, may be incomplete"
            self.failures.append({"url": response.url, "reason": reason, "status": response.status})

    def url_failed(self, url: str, reason: str, status: int | None = None) -> None:
        if self.stats.get_value(OUTPUT_ERROR_STAT):
            # Requests in flight when the output failed fail with it (the WARC's stream is
            # broken): the output error says it; the next run, resumed, fetches them.
            return
        self.failures.append({"url": url, "reason": reason, "status": status})

    def spider_error(self, failure: Failure, response: Response) -> None:
        if is_output_error(failure.value) or self.stats.get_value(OUTPUT_ERROR_STAT):
            return  # the crawl's output error (OutputErrorsExtension), not this URL's
        reason = f"extraction error: {type(failure.value).__name__}: {failure.getErrorMessage()}"
        self.failures.append({"url": response.url, "reason": reason, "status": response.status})

    def item_error(
        self, item: object, response: Response | Failure | None, failure: Failure
    ) -> None:
        if is_output_error(failure.value) or self.stats.get_value(OUTPUT_ERROR_STAT):
            return
        # An item an errback yielded (a post whose page failed, from its REST object) comes
        # with the errback's Failure in place of a response: the request is on it.
        if isinstance(response, Response):
            url = response.url
        else:
            request = getattr(response, "request", None)
            url = str(getattr(request, "url", ""))
        reason = f"item error: {type(failure.value).__name__}: {failure.getErrorMessage()}"
        self.failures.append({"url": url, "reason": reason, "status": None})

    def discovery_note(self, key: str, value: object) -> None:
        self.discovery[key] = value

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.finish_reason = reason

    def engine_stopped(self) -> None:
        if self.crawl_dir is None:
            return
        summary = self.build()
        path = self.crawl_dir / SUMMARY_FILE
        tmp = path.with_suffix(".json.tmp")
        try:
            with tmp.open("w", encoding="utf-8") as out:
                # Streamed: a first crawl's summary lists every comment id as new, and the
                # whole text at once would be the crawl's peak of memory at its very end.
                json.dump(summary, out, indent=2, ensure_ascii=False)
                out.write("\n")
            tmp.replace(path)
        except OSError as error:
            # The disk is full or read-only: the report still reaches the terminal.
            summary["summary_not_written"] = describe_output_error(error, tmp)
            if not summary.get("output_error"):
                summary["output_error"] = {"message": summary["summary_not_written"]}
                summary.update(_verdict_keys(summary))
            tmp.unlink(missing_ok=True)
        self.stats.set_value("archiver/verdict", summary["verdict"])
        self.stats.set_value("archiver/exit_code", summary["exit_code"])
        if self.signals is not None:
            self.signals.send_catch_log(archiver_signals.crawl_summary, summary=summary)
        if self.print_summary:
            sys.stdout.write(format_summary(summary))
            sys.stdout.flush()

    def build(self) -> dict[str, Any]:
        if self.crawl_dir is None:
            raise RuntimeError("summary built before the spider was opened")
        stats = self.stats.get_stats()
        summary = self._build(stats)
        summary.update(_verdict_keys(summary))
        return summary

    def _build(self, stats: dict[str, Any]) -> dict[str, Any]:
        assert self.crawl_dir is not None  # noqa: S101 - build checked
        return {
            "software": f"blog-archiver/{__version__}",
            "spider": self.spider_name,
            "start_url": self.start_url,
            "crawl_dir": str(self.crawl_dir),
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_seconds": round(time.monotonic() - self.started_clock, 3),
            "finish_reason": self.finish_reason,
            # The verdict, its reasons and the exit status (archiver.crawl.verdict): set
            # last, from the rest; in this place in the file, for whoever reads it first.
            "complete": False,
            "verdict": "",
            "verdict_reasons": [],
            "exit_code": None,
            # A disk that filled or went read-only: what failed, where (OutputErrorsExtension).
            "output_error": stats.get(OUTPUT_ERROR_STAT),
            "counts": {
                "posts": self.records["posts"],
                "pages": self.records["pages"],
                "comments": self.records["comments"],
                "requests": stats.get("downloader/request_count", 0),
                "responses": stats.get("downloader/response_count", 0),
                "bytes_received": stats.get("downloader/response_bytes", 0),
                "warc_records": stats.get("archiver/warc/records_written", 0),
                "failures": len(self.failures),
                # Records found twice (a page fetched twice): dropped, but a waste of requests.
                "duplicates_dropped": stats.get("archiver/duplicates_dropped", 0),
            },
            "responses_by_status": {
                key.rsplit("/", 1)[-1]: value
                for key, value in sorted(stats.items())
                if key.startswith("downloader/response_status_count/")
            },
            "coverage": self._coverage(),
            "requests": self._requests(stats),
            "politeness": {
                "robots_txt_obeyed": bool(stats.get("robotstxt/request_count", 0)),
                "forbidden_by_robots": stats.get("robotstxt/forbidden", 0),
                # 429/503 answers with a Retry-After the whole blog waited for; a longer one
                # than retry_after_max_seconds was cut to it (capped).
                "retry_after_honoured": stats.get("archiver/backoff/retry_after", 0),
                "longest_backoff_seconds": stats.get("archiver/backoff/max_delay", 0),
                "longest_retry_after_asked_seconds": stats.get("archiver/backoff/max_asked", 0),
                "retry_after_capped": stats.get("archiver/backoff/capped", 0),
                "retry_after_max_seconds": self.retry_after_max,
                "retries": stats.get("retry/count", 0),
            },
            "discovery": self.discovery,
            **({"changes": self._changes(stats)} if self.state is not None else {}),
            "failures": self.failures,
            **{key: build() for key, build in self.sections.items()},
            "files": {
                "posts": POSTS_FILE,
                "comments": COMMENTS_FILE,
                "warc": sorted(p.name for p in self.crawl_dir.glob("*.warc.gz")),
            },
        }

    def _requests(self, stats: dict[str, Any]) -> dict[str, Any]:
        """Requests per archived post and what the spider asked for (``archiver/requests/``)."""
        archived = self.records["posts"] + self.records["pages"]
        total = int(stats.get("downloader/request_count", 0))
        prefix = "archiver/requests/"
        return {
            "total": total,
            "per_archived_post": round(total / archived, 2) if archived else None,
            "by_kind": {
                key[len(prefix) :]: value
                for key, value in sorted(stats.items())
                if key.startswith(prefix)
            },
        }

    def _changes(self, stats: dict[str, Any]) -> dict[str, Any]:
        """What changed since the earlier crawls, and what it cost."""
        assert self.state is not None  # noqa: S101 - callers checked
        state, run = self.state
        made = int(stats.get("downloader/request_count", 0)) - int(
            stats.get("archiver/resume/served", 0)
        )
        previous = state.last_full_requests(run.id)
        return {
            "kind": run.kind,
            "resumed": run.resumed,
            **{kind: IdList(run.changes[kind]) for kind in CHANGE_KINDS},
            "requests_made": made,
            "served_from_interrupted_run": int(stats.get("archiver/resume/served", 0)),
            "not_modified": int(stats.get("archiver/revisits/not_modified", 0)),
            "revisit_records": int(stats.get("archiver/warc/revisits_written", 0)),
            # Pages of known posts asked for besides the changes: the revalidation budget
            # of an incremental crawl, the known posts a crawl without listings missed.
            "revalidated_posts": int(stats.get("archiver/requests/revalidate", 0)),
            "known_posts_asked": int(stats.get("archiver/requests/known_post", 0)),
            "previous_full_crawl_requests": previous,
            "ratio_to_previous_full_crawl": round(made / previous, 4) if previous else None,
        }

    def _coverage(self) -> dict[str, Any]:
        declared_posts = self.discovery.get("declared_posts")
        declared_pages = self.discovery.get("declared_pages")
        # Earlier crawls hold what an incremental crawl saw, or listed, unchanged.
        archived_posts, archived_pages = (
            self.records[kind] + self.unchanged[kind] + self.discovery.get(f"unchanged_{kind}", 0)
            for kind in ("posts", "pages")
        )
        mismatches = [
            {
                "post_id": post_id,
                "url": self.post_urls.get(post_id, ""),
                "declared": declared,
                "captured": self.captured_comments.get(post_id, 0),
            }
            for post_id, declared in self.declared_comments.items()  # in id order
            if declared != self.captured_comments.get(post_id, 0)
        ]
        return {
            # Who declared the posts and pages: the REST API's totals or the sitemaps' entries.
            "declared_by": self.discovery.get("declared_by"),
            "posts_declared": declared_posts,
            "posts_archived": archived_posts,
            "posts_missing": max(0, int(declared_posts) - archived_posts)
            if isinstance(declared_posts, int)
            else 0,
            "pages_declared": declared_pages,
            "pages_archived": archived_pages,
            "pages_missing": max(0, int(declared_pages) - archived_pages)
            if isinstance(declared_pages, int)
            else 0,
            "comments_declared": sum(self.declared_comments.values()),
            "comments_captured": self.records["comments"] + self.unchanged["comments"],
            "comment_mismatches": mismatches,
            # How each thread was checked: its declared count against the comments captured,
            # or why it could not be (comments elsewhere, hidden, or no count shown).
            "comment_threads": {
                "counted": len(self.declared_comments),
                "external": len(self.comments_external),
                "gated": len(self.comments_gated),
                "closed": len(self.comments_closed),
                "not_declared": sum(
                    1
                    for pid in self.post_urls
                    if pid not in self.declared_comments and pid not in self.comments_external
                ),
            },
            "comments_external": [
                {"post_id": post_id, "url": self.post_urls.get(post_id, ""), "system": system}
                for post_id, system in sorted(self.comments_external.items())
            ],
            "comments_gated": [
                {"post_id": post_id, "url": self.post_urls.get(post_id, ""), "gate": gate}
                for post_id, gate in sorted(self.comments_gated.items())
            ],
            "comments_closed": sorted(self.comments_closed),
        }


def _verdict_keys(summary: dict[str, Any]) -> dict[str, Any]:
    verdict = judge(summary)
    return {
        "complete": verdict.complete,
        "verdict": verdict.verdict,
        "verdict_reasons": list(verdict.reasons),
        "exit_code": verdict.exit_code,
    }


class IdList(list[int]):
    """The ids of an :class:`IdSet` in ascending order, read as they are iterated: a first
    crawl's new comments are every comment of the blog, and a list of them (about 36 bytes
    an id) would be the crawl's peak of memory at its very end. ``json.dump`` (its
    Python encoder, which it always uses) writes it as the list it stands for."""

    def __init__(self, ids: IdSet) -> None:
        super().__init__()
        self.ids = ids

    def __iter__(self) -> Iterator[int]:
        return self.ids.ascending()

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(len(self.ids))

    def __getitem__(self, index: Any) -> Any:
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # mutable, as list

    def __repr__(self) -> str:
        return repr(list(self))


def format_summary(summary: dict[str, Any]) -> str:
    counts = summary["counts"]
    coverage = summary["coverage"]
    by = {"rest_api": " by the REST API", "sitemap": " in the sitemaps"}.get(
        str(coverage.get("declared_by")), ""
    )
    verdict = judge(summary)  # a merged or older summary has no verdict of its own
    lines = [
        "",
        f"blog-archiver: {_HEADLINES[verdict.verdict]} {summary['start_url']} "
        f"in {summary['duration_seconds']:.1f} s (exit {verdict.exit_code})",
        *(f"  why:      {reason}" for reason in verdict.reasons),
        f"  files:    {summary['crawl_dir']}",
        *_record_lines(summary, by),
        f"  threads:  {_threads(coverage)}",
        f"  requests: {counts['requests']} ({_per_post(summary)}), "
        f"WARC records: {counts['warc_records']}, failures: {counts['failures']}",
        f"  found by: {_found_by(summary['discovery'])}",
    ]
    politeness = summary["politeness"]
    if politeness["retry_after_honoured"]:
        lines.append(
            f"  backoff:  {politeness['retry_after_honoured']} Retry-After honoured, waited up "
            f"to {politeness['longest_backoff_seconds']:.0f} s, "
            f"{politeness['retry_after_capped']} capped at "
            f"{politeness['retry_after_max_seconds']:.0f} s"
        )
    if "changes" in summary:
        lines.append(f"  changes:  {_changes_line(summary['changes'])}")
    lines += [
        f"  mismatch: {m['url']} declares {m['declared']} comments, {m['captured']} captured"
        for m in coverage["comment_mismatches"][:20]
    ]
    lines += [
        f"  external: {e['url']} (comments on {e['system']}, not archived)"
        for e in coverage["comments_external"][:20]
    ]
    lines += [f"  failed:   {f['url']} ({f['reason']})" for f in summary["failures"][:20]]
    if len(summary["failures"]) > 20:
        lines.append(f"  … and {len(summary['failures']) - 20} more in summary.json")
    if summary.get("summary_not_written"):
        lines.append(f"  summary.json not written: {summary['summary_not_written']}")
    return "\n".join(lines) + "\n"


_HEADLINES = {
    "complete": "complete archive of",
    "incomplete": "INCOMPLETE archive of",
    "nothing_to_archive": "NOTHING TO ARCHIVE at",
    "output_error": "OUTPUT ERROR, INCOMPLETE archive of",
}


def _record_lines(summary: dict[str, Any], by: str) -> list[str]:
    """Records written, against what the blog declares; an incremental crawl writes only
    what is new or changed, of everything known (the rest is in earlier crawls)."""
    counts, coverage = summary["counts"], summary["coverage"]
    incremental = summary.get("changes", {}).get("kind") == "incremental"
    written = " new or changed" if incremental else ""
    lines = []
    for kind in ("posts", "pages"):
        declared = coverage[f"{kind}_declared"]
        of = f"of {coverage[f'{kind}_archived']} archived, " if incremental else ""
        lines.append(f"  {kind + ':':9} {counts[kind]}{written} ({of}declared {declared}{by})")
    of = f"of {coverage['comments_captured']} seen, " if incremental else ""
    lines.append(
        f"  comments: {counts['comments']}{written} "
        f"({of}declared {coverage['comments_declared']} on the pages fetched)"
        if incremental
        else f"  comments: {counts['comments']} (declared {coverage['comments_declared']})"
    )
    return lines


def _per_post(summary: dict[str, Any]) -> str:
    per_post = summary["requests"]["per_archived_post"]
    if per_post is not None:
        return f"{per_post} per archived post"
    return "no post written"


def _threads(coverage: dict[str, Any]) -> str:
    threads = coverage["comment_threads"]
    counted = threads["counted"] - len(coverage["comment_mismatches"])
    return (
        f"{counted} of {threads['counted']} counted threads complete, "
        f"{threads['external']} external, {threads['gated']} gated, "
        f"{threads['closed']} closed, {threads['not_declared']} without a count"
    )


def _changes_line(changes: dict[str, Any]) -> str:
    ratio = changes["ratio_to_previous_full_crawl"]
    cost = f" ({ratio:.1%} of the last full crawl's)" if ratio is not None else ""
    return (
        f"{changes['kind']}{', resumed' if changes['resumed'] else ''}: "
        f"posts {len(changes['new_posts'])} new, {len(changes['edited_posts'])} edited, "
        f"{len(changes['deleted_posts'])} deleted; comments {len(changes['new_comments'])} "
        f"new, {len(changes['deleted_comments'])} deleted; "
        f"{changes['requests_made']} requests{cost}"
        + (
            f"; {changes['revalidated_posts']} known posts rechecked"
            if changes.get("revalidated_posts")
            else ""
        )
    )


def _found_by(discovery: dict[str, Any]) -> str:
    sources = ("rest_api", "sitemap", "feeds", "archive_pages")
    used = [name for name in sources if discovery.get(name) == "used"]
    listing = discovery.get("listing")  # an incremental crawl's: which and why
    return (", ".join(used) or "the start page only") + (f"; listing {listing}" if listing else "")
