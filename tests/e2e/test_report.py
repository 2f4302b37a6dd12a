"""End to end: the ``report.html`` every crawl of the test blog writes, in Chromium (issue 20).

The shared archive's crawls (``conftest.py``: a full crawl, then an incremental one) each
wrote their report at their end. Opened from ``file://``: nothing is requested from
elsewhere, every plot is an SVG with data drawn in it, the coverage figures are the
summary's; ``archiver report SITE_DIR`` covers both crawls and the site's history. A
screenshot goes to the test artefacts (``docs/images/report.png`` is a copy of one).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from archiver.state.site import STATE_FILE, SiteState
from tests.browser import artefact, open_page
from tests.e2e.conftest import archiver

if TYPE_CHECKING:
    from tests.e2e.conftest import ArchivedSite

pytestmark = pytest.mark.e2e

COVERAGE_FIGURES = (
    "posts_declared",
    "posts_archived",
    "posts_missing",
    "pages_declared",
    "pages_archived",
    "pages_missing",
    "comments_declared",
    "comments_captured",
)
THREAD_FIGURES = ("counted", "external", "gated", "closed", "not_declared")
PLOTS_OF_A_FULL_CRAWL = 7


def _summary(crawl_dir: Any) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads((crawl_dir / "summary.json").read_text("utf-8"))
    return summary


def _plots_with_data(page: Any, scope: str) -> list[int]:
    """For each plot under ``scope``: how many data elements (bars, boxes, lines) its SVG
    draws."""
    counts: list[int] = page.eval_on_selector_all(
        f"{scope} figure.plot",
        "figures => figures.map(f => f.querySelector(':scope > svg') ?"
        " f.querySelectorAll('svg [id*=\"-data-\"]').length : -1)",
    )
    return counts


def test_the_crawl_report_opens_offline_with_the_summarys_figures(
    archived_site: ArchivedSite, browser: Any
) -> None:
    report = archived_site.full / "report.html"
    summary = _summary(archived_site.full)
    page, requests = open_page(browser, report.as_uri(), viewport={"width": 1200, "height": 900})
    try:
        assert requests == [report.as_uri()]
        counts = _plots_with_data(page, "section.crawl-report")
        assert len(counts) == PLOTS_OF_A_FULL_CRAWL
        assert page.locator(".no-plot").count() == 0
        assert all(count > 0 for count in counts), counts
        coverage = summary["coverage"]
        for name in COVERAGE_FIGURES:
            shown = page.locator(f"[data-figure={name}]").inner_text()
            assert shown == str(coverage[name]), name
        for name in THREAD_FIGURES:
            shown = page.locator(f"[data-figure=threads_{name}]").inner_text()
            assert shown == str(coverage["comment_threads"][name]), name
        assert page.locator("[data-figure=requests]").inner_text() == str(
            summary["counts"]["requests"]
        )
        assert page.locator(".verdict").get_attribute("data-complete") == "true"
        assert summary["complete"] is True
        files = dict(
            zip(
                page.locator("table.files td.url").all_inner_texts(),
                page.locator("table.files td[data-bytes]").evaluate_all(
                    "cells => cells.map(c => Number(c.dataset.bytes))"
                ),
                strict=True,
            )
        )
        for warc in summary["files"]["warc"]:
            assert files[warc] == (archived_site.full / warc).stat().st_size
        assert any(name.endswith(".wacz") for name in files)
        page.screenshot(path=artefact("report.png"), full_page=True)
        # Readable on a phone: nothing wider than the screen but the tables' own scroll.
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        page.screenshot(path=artefact("report-phone.png"))
    finally:
        page.context.close()


def test_the_site_report_covers_every_crawl_of_the_site(
    archived_site: ArchivedSite, browser: Any
) -> None:
    archiver("report", str(archived_site.site_dir))
    report = archived_site.site_dir / "report.html"
    state = SiteState(archived_site.site_dir / STATE_FILE)
    try:
        history = state.history()
    finally:
        state.close()
    page, requests = open_page(browser, report.as_uri())
    try:
        assert requests == [report.as_uri()]
        shown = page.locator("details.crawl").evaluate_all(
            "sections => sections.map(s => s.dataset.crawlDir)"
        )
        assert shown == [archived_site.full.name, archived_site.incremental.name]
        rows = page.locator("#site tr[data-crawl]")
        assert rows.count() == len(history) == 2
        for index, crawl in enumerate(history):
            cells = rows.nth(index).locator("td").all_inner_texts()
            assert cells[2] == crawl["kind"]
            assert cells[5:10] == [
                str(crawl[kind])
                for kind in (
                    "new_posts",
                    "edited_posts",
                    "deleted_posts",
                    "new_comments",
                    "deleted_comments",
                )
            ]
            # Each row links the crawl's own report, beside the site's.
            link = rows.nth(index).locator("a").get_attribute("href")
            assert link == f"{crawl['crawl_dir']}/report.html"
            assert (archived_site.site_dir / link).is_file()
        assert _plots_with_data(page, "#site")[0] > 0
        # The images' folder (a WARC, no summary) is said not to be a crawl's report.
        assert archived_site.media.name in page.locator("#site").inner_text()
        incremental = _summary(archived_site.incremental)
        section = f"details[data-crawl-dir='{archived_site.incremental.name}']"
        assert page.locator(f"{section} [data-figure=posts_archived]").inner_text() == str(
            incremental["coverage"]["posts_archived"]
        )
    finally:
        page.context.close()
