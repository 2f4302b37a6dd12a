"""The verdict of a crawl: what its figures say of the archive, with the reasons, and the
exit status ``archiver crawl`` ends with.

Pure: :func:`judge` reads only a summary (``summary.json``'s keys, as
:class:`archiver.crawl.summary.CrawlSummaryExtension` builds them), so a merged or an old
summary is judged the same way. The order matters: an output error explains everything
after it, a stopped crawl explains what it did not get to, and a site with nothing to
archive is never "complete".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

COMPLETE = "complete"
INCOMPLETE = "incomplete"
NOTHING_TO_ARCHIVE = "nothing_to_archive"
OUTPUT_ERROR = "output_error"

# The exit status of `archiver crawl` for each verdict; 2 is a usage or input error (the
# crawl never started), as argparse's own.
EXIT_CODES = {COMPLETE: 0, INCOMPLETE: 1, NOTHING_TO_ARCHIVE: 3, OUTPUT_ERROR: 4}
EXIT_USAGE = 2

# How the sources' notes read in "what was tried" (archiver.discovery's note keys).
_TRIED = (
    ("rest_api", "no WordPress REST API"),
    ("sitemap", "no post sitemap"),
    ("feeds", "no feed"),
    ("archive_pages", "no archive page linking posts"),
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """``verdict``: one of :data:`EXIT_CODES`' keys; ``reasons``: why, one line each."""

    verdict: str
    reasons: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    @property
    def complete(self) -> bool:
        return self.verdict == COMPLETE

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "exit_code": self.exit_code, "reasons": list(self.reasons)}


def judge(summary: Mapping[str, Any]) -> Verdict:
    """The verdict a crawl's summary supports."""
    output_error = summary.get("output_error")
    if output_error:
        return Verdict(OUTPUT_ERROR, (str(output_error.get("message") or output_error),))
    start_url = str(summary.get("start_url") or "")
    failures: list[Mapping[str, Any]] = list(summary.get("failures") or [])
    reasons: list[str] = []
    reason = str(summary.get("finish_reason") or "")
    if reason != "finished":
        reasons.append(
            f"the crawl was stopped ({reason or 'no finish reason'}) before it finished: "
            "the same command resumes it"
        )
    home = next((f for f in failures if _same_page(str(f.get("url") or ""), start_url)), None)
    if home is not None:
        reasons.append(f"the start page {start_url} failed: {home.get('reason')}")
    coverage: Mapping[str, Any] = summary.get("coverage") or {}
    archived = int(coverage.get("posts_archived") or 0) + int(coverage.get("pages_archived") or 0)
    if not reasons and not archived and coverage.get("declared_by") != "rest_api":
        # A REST API that declares no post is an empty WordPress blog, archived complete.
        return Verdict(NOTHING_TO_ARCHIVE, (_nothing_found(summary, start_url),))
    others = [f for f in failures if f is not home]
    if others:
        first = others[0]
        more = f" (first: {first.get('url')}: {first.get('reason')})"
        reasons.append(f"{len(others)} URL{'s' * (len(others) != 1)} not archived{more}")
    by = coverage.get("declared_by") or "the blog"
    for kind in ("posts", "pages"):
        missing = int(coverage.get(f"{kind}_missing") or 0)
        if missing:
            reasons.append(
                f"{missing} of the {coverage.get(f'{kind}_declared')} {kind} declared "
                f"(by {by}) not archived"
            )
    mismatches = coverage.get("comment_mismatches") or []
    if mismatches:
        reasons.append(
            f"{len(mismatches)} comment thread{'s' * (len(mismatches) != 1)} without "
            "as many comments as declared"
        )
    return Verdict(INCOMPLETE, tuple(reasons)) if reasons else Verdict(COMPLETE)


def _nothing_found(summary: Mapping[str, Any], start_url: str) -> str:
    """What was tried, in the sources' own words (``discovery`` of the summary)."""
    discovery: Mapping[str, Any] = summary.get("discovery") or {}
    tried = []
    for key, missing in _TRIED:
        note = discovery.get(key)
        # A source "used" that found nothing (an archive page without post links) is
        # still nothing found; its own reason, when it gave one, is worth saying.
        detail = f" ({note})" if note and note != "used" else ""
        tried.append(f"{missing}{detail}")
    return f"nothing to archive: {', '.join(tried)} at {start_url}"


def _same_page(url: str, start_url: str) -> bool:
    return bool(url) and url.rstrip("/") == start_url.rstrip("/")
