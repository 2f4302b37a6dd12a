"""The crawl report and the progress bar on the failure site (issue 20): every failed URL
listed with what it cost, the backoffs, the figures equal to the summary's; the bar
under a pseudo-terminal, and no bar where stderr is not one."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from collections import Counter
from typing import TYPE_CHECKING

import lxml.html
import pytest

from tests.conftest import ROOT
from tests.integration.conftest import crawl_command, only_crawl_dir

if TYPE_CHECKING:
    from pathlib import Path

    from tests.integration.conftest import Crawl
    from tests.integration.mockserver import MockServer

pytestmark = pytest.mark.integration


def test_the_report_lists_every_failed_url_and_backoff(crawl: Crawl) -> None:
    # Read as HTML here; tests/e2e/test_report.py opens the reports in Chromium (one
    # Playwright per test session: the e2e tests' browser).
    report = crawl.dir / "report.html"
    assert report.is_file(), crawl.stdout[-2000:]
    summary = crawl.summary
    assert summary["failures"], "the failure site's crawl has failures to list"
    page = lxml.html.parse(str(report)).getroot()
    rows = [
        [cell.text_content().strip() for cell in row.findall("td")]
        for row in page.cssselect("table.failures tr.failure")
    ]
    assert [(row[0], row[1]) for row in rows] == [
        (f["url"], str(f["status"]) if f["status"] is not None else "–")
        for f in summary["failures"]
    ]
    # The 404 is a post the REST API listed: the report says which one is missing.
    figures = summary["report_figures"]
    missing = next(f for f in summary["failures"] if f["status"] == 404)
    title = figures["failed_requests"][missing["url"]]["title"]
    assert title
    cost = rows[summary["failures"].index(missing)][4]
    assert title in cost
    assert "its page and its comments" in cost
    # The cut body never got an answer: still, the report knows which post it was.
    assert not [row[4] for row in rows if row[4].startswith("not known")], rows
    (verdict,) = page.cssselect(".verdict")
    assert verdict.get("data-complete") == str(summary["complete"]).lower()
    # The summary's verdict, in its words: the failed URLs among its reasons.
    assert summary["verdict"] == "incomplete"
    assert summary["verdict_reasons"]
    for reason in summary["verdict_reasons"]:
        assert reason in verdict.text_content()
    assert any(" not archived (first: " in reason for reason in summary["verdict_reasons"])
    assert "Incomplete archive" in verdict.text_content()
    backoffs = page.cssselect("table.backoffs tr")[1:]
    assert [row.findall("td")[1].text_content() for row in backoffs] == [
        b["url"] for b in figures["backoffs"]
    ]
    (honoured,) = page.cssselect("[data-figure=retry_after_honoured]")
    assert honoured.text_content() == str(summary["politeness"]["retry_after_honoured"])


def test_the_figures_count_what_the_summary_counts(crawl: Crawl) -> None:
    """Every response downloaded is in the time series once: by status as Scrapy's own
    downloader stats count them, by kind as the spider asked for them."""
    summary = crawl.summary
    figures = summary["report_figures"]
    by_status: Counter[str] = Counter()
    for row in figures["requests_over_time"]:
        by_status[str(row["status"])] += row["count"]
    assert dict(by_status) == summary["responses_by_status"]
    by_kind = figures["by_kind"]
    assert sum(k["responses"] for k in by_kind.values()) == summary["counts"]["responses"]
    assert {"robots.txt", "home", "REST", "post page"} <= by_kind.keys()
    assert by_kind["post page"]["seconds"]["count"] == by_kind["post page"]["responses"]
    # Retried once, then archived: a retry, and no failure.
    retried = [url for url in figures["retries"] if url.endswith("/cases/retry-500/")]
    assert retried
    assert retried[0] not in {f["url"] for f in summary["failures"]}
    assert figures["settings"]["AUTOTHROTTLE_ENABLED"] == "False"


def test_the_report_is_the_same_bytes_when_written_again(crawl: Crawl, tmp_path: Path) -> None:
    again = tmp_path / "report.html"
    result = subprocess.run(
        [*_archiver(), "report", str(crawl.dir), "-o", str(again)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == (crawl.dir / "report.html").read_bytes()
    assert "<dc:date>" not in again.read_text("utf-8")


def test_no_progress_bar_where_stderr_is_not_a_terminal(crawl: Crawl) -> None:
    assert "\r" not in crawl.stderr
    assert " posts/s" not in crawl.stderr
    assert "it/s" not in crawl.stderr


def test_the_progress_bar_on_a_terminal_ends_with_the_archived_totals(
    mockserver: MockServer, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    terminal = _run_in_terminal(crawl_command(mockserver.base, output), columns=160)
    summary = json.loads((only_crawl_dir(output) / "summary.json").read_text("utf-8"))
    bar_lines = [
        line for line in terminal.replace("\n", "\r").split("\r") if line.startswith("archived:")
    ]
    assert len(bar_lines) >= 2, terminal[-3000:]  # drawn, redrawn, closed
    counts, coverage = summary["counts"], summary["coverage"]
    archived = counts["posts"] + counts["pages"]
    declared = coverage["posts_declared"] + coverage["pages_declared"]
    last = bar_lines[-1]
    assert f"| {archived}/{max(archived, declared)} [" in last, last
    assert f"comments {counts['comments']}/{coverage['comments_declared']}" in last, last
    assert f"{counts['requests']} requests" in last, last
    assert f"{summary['politeness']['retry_after_honoured']} backoffs" in last, last
    # The log lines went above the bar, not through it.
    assert "Spider closed (finished)" in terminal


def _archiver() -> list[str]:
    return [sys.executable, "-m", "archiver.cli"]


def _run_in_terminal(command: list[str], columns: int) -> str:
    """``command``'s stdout and stderr as a terminal of ``columns`` shows them."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower
    )
    os.close(follower)
    received = bytearray()
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process and its children closed the terminal
                break
            if not chunk:
                break
            received += chunk
    finally:
        os.close(leader)
        process.wait(timeout=300)
    return received.decode("utf-8", "replace")


def test_archiver_report_of_a_folder_without_a_crawl_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [*_archiver(), "report", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("archiver report: no crawl folder")
    assert not (tmp_path / "report.html").exists()
