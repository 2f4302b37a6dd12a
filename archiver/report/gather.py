"""What a report shows, read from a crawl folder: its ``summary.json``, its records and the
site's state.

Every count the report states comes from ``summary.json`` (coverage, failures, requests,
politeness, the ``report_figures`` section of :mod:`archiver.crawl.report_figures`) or from
the site's state (the crawls and their changes); the distributions the summary does not
hold (posts and comments per month, the largest threads, comment depth) are read from the
crawl's own ``posts.jsonl`` and ``comments.jsonl``, one line at a time.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from archiver.state.crawls import crawl_folders
from archiver.state.layout import COMMENTS_FILE, POSTS_FILE, SUMMARY_FILE
from archiver.state.site import STATE_FILE, SiteState

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

REPORT_FILE = "report.html"
LARGEST_THREADS = 10
# A site's page shows its latest crawls in full, the older ones in the table of crawls
# (with a link to their own report): a site crawled daily for a year stays one page.
SITE_CRAWLS_IN_FULL = 5


@dataclass(frozen=True)
class Verdict:
    complete: bool
    reasons: list[str]
    #: The crawl's verdict (archiver.crawl.verdict): complete, incomplete,
    #: nothing_to_archive or output_error.
    name: str = ""

    @property
    def title(self) -> str:
        return _TITLES.get(self.name) or (
            "Complete archive" if self.complete else "Incomplete archive"
        )


_TITLES = {
    "complete": "Complete archive",
    "incomplete": "Incomplete archive",
    "nothing_to_archive": "Nothing to archive",
    "output_error": "Output error: incomplete archive",
}


@dataclass
class Records:
    """Distributions of the records a crawl wrote."""

    posts_by_month: Counter[str] = field(default_factory=Counter)
    comments_by_month: Counter[str] = field(default_factory=Counter)
    comment_types: Counter[str] = field(default_factory=Counter)
    depths: Counter[int] = field(default_factory=Counter)
    largest_threads: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CrawlReport:
    crawl_dir: Path
    summary: dict[str, Any]
    records: Records
    files: list[tuple[str, int]]

    @property
    def figures(self) -> dict[str, Any]:
        figures: dict[str, Any] = self.summary.get("report_figures") or {}
        return figures

    @property
    def verdict(self) -> Verdict:
        return verdict(self.summary)


@dataclass
class SiteReport:
    site_dir: Path | None
    crawls: list[CrawlReport]
    history: list[dict[str, Any]]  # the state's crawls, oldest first (archiver history)
    skipped: list[Path]  # folders with no summary.json
    older: int = 0  # crawls not shown in full


def verdict(summary: dict[str, Any]) -> Verdict:
    """Complete or not, and why not, in words: the summary's own verdict and reasons
    (``archiver.crawl.verdict``); for a summary written before verdicts, its ``complete``
    flag and the conditions it stood for."""
    if summary.get("verdict"):
        return Verdict(
            summary["verdict"] == "complete",
            [str(reason) for reason in summary.get("verdict_reasons") or []],
            str(summary["verdict"]),
        )
    reasons = []
    coverage = summary.get("coverage", {})
    if summary.get("finish_reason") not in (None, "finished"):
        reasons.append(f"the crawl did not finish: it stopped with {summary['finish_reason']!r}")
    failures = len(summary.get("failures", []))
    if failures:
        reasons.append(f"{failures} URL{'s' if failures != 1 else ''} could not be archived")
    for kind in ("posts", "pages"):
        missing = coverage.get(f"{kind}_missing") or 0
        if missing:
            reasons.append(
                f"{missing} of the {coverage.get(f'{kind}_declared')} {kind} the blog declares "
                "are not archived"
            )
    mismatches = len(coverage.get("comment_mismatches", []))
    if mismatches:
        reasons.append(
            f"{mismatches} thread{'s' if mismatches != 1 else ''} with fewer or more comments "
            "archived than the page declares"
        )
    complete = bool(summary.get("complete"))
    if not complete and not reasons:
        reasons.append("summary.json says the archive is incomplete")
    return Verdict(complete, reasons)


def gather_crawl(crawl_dir: Path) -> CrawlReport:
    """The report of one crawl folder.

    :raises FileNotFoundError: the folder has no ``summary.json``.
    """
    summary_path = crawl_dir / SUMMARY_FILE
    if not summary_path.is_file():
        raise FileNotFoundError(f"no {SUMMARY_FILE} in {crawl_dir}")
    summary: dict[str, Any] = json.loads(summary_path.read_text("utf-8"))
    files = sorted(
        (path.name, path.stat().st_size)
        for path in crawl_dir.iterdir()
        if path.is_file() and path.name != REPORT_FILE
    )
    return CrawlReport(crawl_dir, summary, read_records(crawl_dir), files)


def gather(path: Path) -> SiteReport:
    """A crawl folder, or a site folder and every crawl in it (oldest first).

    :raises FileNotFoundError: ``path`` holds no crawl with a ``summary.json``.
    """
    folders = crawl_folders(path)
    with_summary = [folder for folder in folders if (folder / SUMMARY_FILE).is_file()]
    if not with_summary:
        raise FileNotFoundError(f"no crawl folder with a {SUMMARY_FILE} in {path}")
    shown = with_summary[-SITE_CRAWLS_IN_FULL:]
    crawls = [gather_crawl(folder) for folder in shown]
    skipped = [folder for folder in folders if folder not in with_summary]
    site_dir = path if folders != [path] else None
    history = site_history(site_dir) if site_dir is not None else []
    return SiteReport(site_dir, crawls, history, skipped, len(with_summary) - len(shown))


def site_history(site_dir: Path) -> list[dict[str, Any]]:
    """The crawls the site's state knows, with their changes and the path of their own
    report from the site's folder (``report``, None when there is none); empty without a
    state."""
    state_path = site_dir / STATE_FILE
    if not state_path.is_file():
        return []
    state = SiteState(state_path)
    try:
        crawls = state.history()
    finally:
        state.close()
    for crawl in crawls:
        report = site_dir / crawl["crawl_dir"] / REPORT_FILE
        crawl["report"] = f"{crawl['crawl_dir']}/{REPORT_FILE}" if report.is_file() else None
    return crawls


def read_records(crawl_dir: Path) -> Records:
    records = Records()
    titles: dict[int, tuple[str, str]] = {}
    for post in _lines(crawl_dir / POSTS_FILE):
        month = str(post.get("published") or "")[:7]
        if month and post.get("type", "post") == "post":
            records.posts_by_month[month] += 1
        if isinstance(post.get("id"), int):
            titles[post["id"]] = (str(post.get("title") or ""), str(post.get("url") or ""))
    per_post: Counter[int] = Counter()
    for comment in _lines(crawl_dir / COMMENTS_FILE):
        month = str(comment.get("published") or "")[:7]
        if month:
            records.comments_by_month[month] += 1
        records.comment_types[str(comment.get("type") or "comment")] += 1
        records.depths[int(comment.get("depth") or 1)] += 1
        if isinstance(comment.get("post_id"), int):
            per_post[comment["post_id"]] += 1
    records.largest_threads = [
        {
            "post_id": post_id,
            "title": titles.get(post_id, ("", ""))[0],
            "url": titles.get(post_id, ("", ""))[1],
            "comments": count,
        }
        # Ties in id order, so that the same crawl gives the same plot.
        for post_id, count in sorted(per_post.items(), key=lambda item: (-item[1], item[0]))[
            :LARGEST_THREADS
        ]
    ]
    return records


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)
