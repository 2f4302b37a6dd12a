"""What ``archiver schedule`` concludes about a submitted job (issue 7): from Scrapyd's
state and the job's summary.json, a failed job is always reported, never lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from archiver.fleet.scheduling import FAILED, FINISHED, OPEN, Job, ScheduleState, job_outcome

if TYPE_CHECKING:
    from pathlib import Path

SCRAPYD = "http://127.0.0.1:6870/"
LOG = {"log_url": "/logs/blog_archiver/wordpress/a-1.log"}


@pytest.fixture
def job(tmp_path: Path) -> Job:
    crawl_dir = tmp_path / "blog.example" / "20260101T000000Z"
    return Job(
        "a-1", "a", "https://blog.example/", "blog_archiver", SCRAPYD,
        datetime(2026, 1, 1, tzinfo=UTC), crawl_dir, OPEN,
    )  # fmt: skip


def write_summary(job: Job, **fields: object) -> None:
    job.crawl_dir.mkdir(parents=True)
    summary = {"finish_reason": "finished", "complete": True, "failures": [], **fields}
    (job.crawl_dir / "summary.json").write_text(json.dumps(summary), "utf-8")


@pytest.mark.parametrize("state", ["pending", "running"])
def test_a_job_scrapyd_still_runs_stays_open(job, state):
    assert job_outcome(job, state, {}) == (OPEN, state)


def test_a_complete_archive_is_finished(job):
    write_summary(job, counts={"posts": 3, "pages": 1, "comments": 7})
    status, detail = job_outcome(job, "finished", LOG)
    assert status == FINISHED
    assert "3 posts, 1 pages, 7 comments" in detail


def test_an_incomplete_archive_is_a_failure_with_its_first_failed_url(job):
    failures = [{"url": "https://blog.example/x/", "reason": "HTTP 500"}]
    write_summary(job, complete=False, failures=failures)
    status, detail = job_outcome(job, "finished", LOG)
    assert status == FAILED
    assert "1 failed URLs; first: https://blog.example/x/ (HTTP 500)" in detail
    assert f"log: {SCRAPYD}logs/blog_archiver/wordpress/a-1.log" in detail


def test_a_job_that_wrote_no_summary_failed(job):
    status, detail = job_outcome(job, "finished", LOG)
    assert status == FAILED
    assert "ended without writing" in detail


def test_a_job_scrapyd_forgot_without_a_summary_is_reported_lost(job):
    status, detail = job_outcome(job, None, {})
    assert status == FAILED
    assert "no longer knows" in detail


def test_the_state_remembers_the_last_submission_of_each_site(tmp_path, job):
    state = ScheduleState(tmp_path / "schedule.sqlite")
    assert state.last_submitted("a") is None
    state.add(job)
    state.update(job.job_id, FAILED, "why", datetime(2026, 1, 2, tzinfo=UTC))
    assert state.last_submitted("a") == job.submitted_at
    (stored,) = state.jobs(FAILED)
    assert (stored.job_id, stored.detail, stored.crawl_dir) == ("a-1", "why", job.crawl_dir)
    state.close()
