"""``archiver schedule``: submit the due sites of a sites file to Scrapyd, and check
what became of the jobs submitted before.

Each run, in this order:

1. every job still open in the state file is looked up in Scrapyd (``listjobs.json``)
   and, once finished, in its crawl folder's ``summary.json``: a job whose summary says
   the archive is complete is ``finished``; one that wrote no summary, an incomplete one,
   or one Scrapyd no longer knows and that left no summary is ``failed`` and reported
   (once, with the reason and Scrapyd's log address);
2. every enabled site whose schedule is due (cron or interval, counted from its last
   submission) and that has no job pending or running is submitted to ``schedule.json``
   (``spider=wordpress``, ``url=…``, ``setting=NAME=VALUE`` for its output, its crawl
   folder and its settings).

The state is a small SQLite file (``schedule.sqlite`` in the output folder by default):
one row per submitted job. Nothing here runs a crawl: Scrapyd does.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.error import URLError
from urllib.parse import urlencode, urljoin
from urllib.request import Request, urlopen

from archiver.state.layout import SUMMARY_FILE, new_crawl_dir

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from archiver.fleet.sites import Site

SPIDER = "wordpress"
DEFAULT_PROJECT = "blog_archiver"
STATE_FILE = "schedule.sqlite"
OPEN, FINISHED, FAILED = "submitted", "finished", "failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    project TEXT NOT NULL,
    scrapyd TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    crawl_dir TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    checked_at TEXT
);
CREATE INDEX IF NOT EXISTS jobs_site ON jobs (site, submitted_at);
"""


class ScrapydError(RuntimeError):
    """Scrapyd could not be reached or refused a request."""


@dataclass(frozen=True, slots=True)
class Job:
    job_id: str
    site: str
    url: str
    project: str
    scrapyd: str
    submitted_at: datetime
    crawl_dir: Path
    status: str
    detail: str = ""


class ScrapydClient:
    """The few calls of Scrapyd's JSON API the scheduler needs (stdlib HTTP only)."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout

    def call(
        self,
        endpoint: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        post: bool = False,
        body: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> dict[str, Any]:
        url = urljoin(self.base_url, endpoint)
        data: bytes | None = body
        if post and body is None:
            data = urlencode(list(params)).encode()
        elif not post and params:
            url = f"{url}?{urlencode(list(params))}"
        if not url.startswith(("http://", "https://")):
            raise ScrapydError(f"not an http(s) Scrapyd address: {self.base_url}")
        request = Request(url, data=data, method="POST" if post else "GET")  # noqa: S310
        if post:
            request.add_header("Content-Type", content_type)
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer: dict[str, Any] = json.loads(response.read())
        except (URLError, OSError, ValueError) as error:
            raise ScrapydError(f"{url}: {error}") from error
        if answer.get("status") != "ok":
            raise ScrapydError(f"{url}: {answer.get('message', answer)}")
        return answer

    def schedule(self, project: str, url: str, settings: dict[str, str], job_id: str) -> str:
        params = [("project", project), ("spider", SPIDER), ("url", url), ("jobid", job_id)]
        params += [("setting", f"{name}={value}") for name, value in settings.items()]
        return str(self.call("schedule.json", params, post=True)["jobid"])

    def jobs(self, project: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """Job id → (``pending`` | ``running`` | ``finished``, Scrapyd's entry)."""
        answer = self.call("listjobs.json", [("project", project)])
        return {
            str(entry["id"]): (state, entry)
            for state in ("pending", "running", "finished")
            for entry in answer.get(state, [])
        }

    def add_version(self, project: str, version: str, egg: bytes) -> dict[str, Any]:
        boundary = "blog-archiver-egg-boundary"
        parts = [
            *(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
                for name, value in (("project", project), ("version", version))
            ),
            f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; '
            f'filename="{project}.egg"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + egg
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        return self.call(
            "addversion.json",
            post=True,
            body=b"".join(parts),
            content_type=f"multipart/form-data; boundary={boundary}",
        )


class ScheduleState:
    """The scheduler's record of submitted jobs (SQLite, one row per job)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.executescript(_SCHEMA)
        self.db.execute("PRAGMA user_version = 1")

    def close(self) -> None:
        self.db.close()

    def last_submitted(self, site: str) -> datetime | None:
        row = self.db.execute(
            "SELECT max(submitted_at) FROM jobs WHERE site = ?", (site,)
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def add(self, job: Job) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO jobs (job_id, site, url, project, scrapyd, submitted_at, "
                "crawl_dir, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job.job_id,
                    job.site,
                    job.url,
                    job.project,
                    job.scrapyd,
                    job.submitted_at.isoformat(timespec="seconds"),
                    str(job.crawl_dir),
                    job.status,
                    job.detail,
                ),
            )

    def update(self, job_id: str, status: str, detail: str, now: datetime) -> None:
        with self.db:
            self.db.execute(
                "UPDATE jobs SET status = ?, detail = ?, checked_at = ? WHERE job_id = ?",
                (status, detail, now.isoformat(timespec="seconds"), job_id),
            )

    def jobs(self, status: str | None = None) -> Iterator[Job]:
        query = (
            "SELECT job_id, site, url, project, scrapyd, submitted_at, crawl_dir, status, "
            "detail FROM jobs"
        )
        rows = (
            self.db.execute(f"{query} WHERE status = ? ORDER BY submitted_at", (status,))
            if status
            else self.db.execute(f"{query} ORDER BY submitted_at")
        )
        for row in rows.fetchall():
            yield Job(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                datetime.fromisoformat(row[5]),
                Path(row[6]),
                row[7],
                row[8],
            )


@dataclass
class Report:
    """What one ``archiver schedule`` run did, as lines for the cron mail."""

    finished: list[str]
    failed: list[str]
    running: list[str]
    submitted: list[str]
    skipped: list[str]
    due: list[str] = field(default_factory=list)  # what a dry run would submit

    def lines(self) -> list[str]:
        return [
            *(f"FAILED    {line}" for line in self.failed),
            *(f"finished  {line}" for line in self.finished),
            *(f"running   {line}" for line in self.running),
            *(f"submitted {line}" for line in self.submitted),
            *(f"due       {line}" for line in self.due),
            *(f"skipped   {line}" for line in self.skipped),
        ]


def job_outcome(job: Job, scrapyd_state: str | None, entry: dict[str, Any]) -> tuple[str, str]:
    """(status, detail) of an open job from Scrapyd's state and its ``summary.json``."""
    if scrapyd_state in {"pending", "running"}:
        return OPEN, scrapyd_state
    summary_path = job.crawl_dir / SUMMARY_FILE
    log = f" (log: {urljoin(job.scrapyd, entry['log_url'])})" if entry.get("log_url") else ""
    if not summary_path.is_file():
        if scrapyd_state is None:
            return FAILED, f"Scrapyd no longer knows the job and it wrote no {summary_path}"
        return FAILED, f"the job ended without writing {summary_path}{log}"
    try:
        summary = json.loads(summary_path.read_text("utf-8"))
    except ValueError as error:
        return FAILED, f"unreadable {summary_path}: {error}"
    if summary.get("complete"):
        counts = summary.get("counts", {})
        return FINISHED, (
            f"complete: {counts.get('posts', 0)} posts, {counts.get('pages', 0)} pages, "
            f"{counts.get('comments', 0)} comments in {job.crawl_dir}"
        )
    failures = summary.get("failures") or []
    first = f"; first: {failures[0].get('url')} ({failures[0].get('reason')})" if failures else ""
    return FAILED, (
        f"incomplete archive ({summary.get('finish_reason')}, {len(failures)} failed URLs"
        f"{first}) in {job.crawl_dir}{log}"
    )


def check_jobs(
    state: ScheduleState, client: ScrapydClient, now: datetime, report: Report
) -> set[str]:
    """Update the open jobs; return the sites that still have a job pending or running."""
    busy: set[str] = set()
    listings: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    for job in state.jobs(OPEN):
        if job.project not in listings:
            listings[job.project] = client.jobs(job.project)
        scrapyd_state, entry = listings[job.project].get(job.job_id, (None, {}))
        status, detail = job_outcome(job, scrapyd_state, entry)
        line = f"{job.site} job {job.job_id}: {detail}"
        if status == OPEN:
            busy.add(job.site)
            report.running.append(line)
            continue
        state.update(job.job_id, status, detail, now)
        (report.finished if status == FINISHED else report.failed).append(line)
    return busy


def submit_due(
    sites: Sequence[Site],
    state: ScheduleState,
    client: ScrapydClient,
    project: str,
    now: datetime,
    report: Report,
    busy: set[str],
    dry_run: bool = False,
) -> None:
    for site in sites:
        if not site.enabled:
            report.skipped.append(f"{site.name}: disabled")
            continue
        if site.name in busy:
            report.skipped.append(f"{site.name}: its last job is still pending or running")
            continue
        last = state.last_submitted(site.name)
        if not site.schedule.is_due(last, now):
            assert last is not None  # noqa: S101 - never run sites are always due
            due = site.schedule.next_run(last).isoformat(timespec="minutes")
            report.skipped.append(f"{site.name}: not due before {due}")
            continue
        crawl_dir = new_crawl_dir(site.output, site.url, now)
        job_id = f"{site.name}-{now.strftime('%Y%m%dT%H%M%SZ')}"
        settings = {
            "ARCHIVER_OUTPUT_DIR": str(site.output),
            "ARCHIVER_CRAWL_DIR": str(crawl_dir),
            **site.settings,
        }
        if dry_run:
            report.due.append(f"{site.name}: {site.url} (dry run: not submitted)")
            continue
        client.schedule(project, site.url, settings, job_id)
        job = Job(job_id, site.name, site.url, project, client.base_url, now, crawl_dir, OPEN)
        state.add(job)
        report.submitted.append(f"{site.name} job {job_id}: {site.url} -> {crawl_dir}")


def run_schedule(
    sites: Sequence[Site],
    state_path: Path,
    client: ScrapydClient,
    project: str = DEFAULT_PROJECT,
    now: datetime | None = None,
    dry_run: bool = False,
) -> Report:
    """Check the open jobs, then submit the due sites. :raises ScrapydError:"""
    now = now or datetime.now(UTC)
    report = Report([], [], [], [], [])
    state = ScheduleState(state_path)
    try:
        busy = check_jobs(state, client, now, report)
        submit_due(sites, state, client, project, now, report, busy, dry_run)
    finally:
        state.close()
    return report
