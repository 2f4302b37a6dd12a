"""Many blogs: a sites file scheduled on a real Scrapyd with ``archiver deploy`` and
``archiver schedule``, as the cron line in docs/many-blogs.md runs it.

There is one test WordPress, so the two blogs of the sites file are that blog archived
twice, under two site names with their own output folders and politeness settings (the
jobs are independent crawls; the WARC's warcinfo shows each job ran with its site's
settings). A third site points at a port where nothing listens: its job fails, and the
next ``archiver schedule`` reports it, once.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.state.layout import site_name
from tests.conftest import ROOT, read_jsonl
from tests.servers import free_port, scrapyd_server

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

PROJECT = "blog_archiver"


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scrapyd_server(tmp_path_factory.mktemp("scrapyd")) as url:
        yield url


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def jobs(scrapyd: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{scrapyd}listjobs.json?project={PROJECT}") as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def wait_for_jobs(scrapyd: str, count: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listing = jobs(scrapyd)
        if not listing["pending"] and not listing["running"] and len(listing["finished"]) >= count:
            return
        time.sleep(1)
    raise AssertionError(f"the jobs did not finish: {jobs(scrapyd)}")


@pytest.fixture(scope="module")
def scheduled(
    scrapyd: str, wordpress_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("many-blogs")
    deployed = archiver("deploy", "--scrapyd", scrapyd)
    assert deployed.returncode == 0, deployed.stderr
    sites = folder / "sites.toml"
    sites.write_text(
        f"""
[defaults]
schedule = "1d"
output = "archive"
[defaults.settings]
ARCHIVER_PROGRESS_INTERVAL = 0

[sites.polite-blog]
url = "{wordpress_url}"
output = "polite"
[sites.polite-blog.settings]
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.01

[sites.eager-blog]
url = "{wordpress_url}"
schedule = "0 3 * * *"
[sites.eager-blog.settings]
CONCURRENT_REQUESTS_PER_DOMAIN = 8

[sites.gone-blog]
url = "http://127.0.0.1:{free_port(6990)}/"
[sites.gone-blog.settings]
RETRY_TIMES = 0
""",
        "utf-8",
    )
    first = archiver("schedule", str(sites), "--scrapyd", scrapyd)
    wait_for_jobs(scrapyd, 3)
    second = archiver("schedule", str(sites), "--scrapyd", scrapyd)
    third = archiver("schedule", str(sites), "--scrapyd", scrapyd)
    return {"folder": folder, "runs": [first, second, third]}


def crawl_dir_of(output: Path, url: str) -> Path:
    (crawl_dir,) = [p for p in (output / site_name(url)).glob("*") if p.is_dir()]
    return crawl_dir


def warcinfo_settings(crawl_dir: Path) -> dict[str, Any]:
    warc = sorted(crawl_dir.glob("*.warc.gz"))[0]
    with warc.open("rb") as stream:
        record = next(iter(ArchiveIterator(stream)))
        fields = record.content_stream().read().decode()
    line = next(line for line in fields.splitlines() if line.startswith("crawl-settings:"))
    settings: dict[str, Any] = json.loads(line.split(":", 1)[1])
    return settings


def test_due_sites_are_submitted_and_both_blogs_archived(scheduled, ground_truth, wordpress_url):
    first = scheduled["runs"][0]
    assert first.returncode == 0, first.stderr
    submitted = [line for line in first.stdout.splitlines() if line.startswith("submitted")]
    assert len(submitted) == 3, first.stdout
    folder = scheduled["folder"]
    for output, per_domain in ((folder / "polite", 2), (folder / "archive", 8)):
        crawl_dir = crawl_dir_of(output, wordpress_url)
        summary = json.loads((crawl_dir / "summary.json").read_text("utf-8"))
        assert summary["complete"] is True, summary["failures"]
        posts = read_jsonl(crawl_dir / "posts.jsonl")
        assert sorted(p["id"] for p in posts) == sorted(p["id"] for p in ground_truth["posts"])
        comments = read_jsonl(crawl_dir / "comments.jsonl")
        assert sorted(c["id"] for c in comments) == sorted(
            c["id"] for c in ground_truth["comments"]
        )
        # The job ran with its site's settings.
        assert str(warcinfo_settings(crawl_dir)["CONCURRENT_REQUESTS_PER_DOMAIN"]) == str(
            per_domain
        )


def test_the_next_run_reports_finished_and_failed_jobs(scheduled):
    second = scheduled["runs"][1]
    assert second.returncode == 1, second.stdout  # a job failed
    lines = second.stdout.splitlines()
    failed = [line for line in lines if line.startswith("FAILED")]
    assert len(failed) == 1
    assert "gone-blog" in failed[0]
    assert "Connection" in failed[0]
    assert "log: http://127.0.0.1:" in failed[0]
    finished = [line for line in lines if line.startswith("finished")]
    assert sorted(line.split()[1] for line in finished) == ["eager-blog", "polite-blog"]
    # Nothing is due again before its schedule says so.
    assert not [line for line in lines if line.startswith("submitted")]
    assert sum("not due before" in line for line in lines) == 3


def test_a_failure_is_reported_once_and_kept_in_the_state(scheduled):
    third = scheduled["runs"][2]
    assert third.returncode == 0, third.stdout
    assert "FAILED" not in third.stdout
    state = scheduled["folder"] / "archive" / "schedule.sqlite"
    with sqlite3.connect(state) as db:
        rows = dict(db.execute("SELECT site, status FROM jobs").fetchall())
    assert rows == {"polite-blog": "finished", "eager-blog": "finished", "gone-blog": "failed"}
