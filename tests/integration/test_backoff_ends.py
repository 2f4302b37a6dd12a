"""After a ``Retry-After`` window the blog's download slot is back at the configured pace.

The local failure site (``tests.integration.mockserver``) answers ``/cases/retry-503/``
first with 503 ``Retry-After: 1``. Each crawl runs with its own server (the 503 comes
once per server) and the test middleware :class:`tests.integration.slot_probe.SlotProbe`,
which writes the slot's delay at every response (just after the backoff middleware has
seen it): the backoff is seen on the slot at the 503, and the retried request, which
waited out the window before it joined the slot, finds the slot's delay back where it
was, AutoThrottle off (``DOWNLOAD_DELAY``) and on (its own delay from before). Read from
the slot, never from the clock.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from archiver.settings import DOWNLOADER_MIDDLEWARES
from tests.integration.conftest import run_crawl
from tests.integration.mockserver import MockServer

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration

CASE = "/cases/retry-503/"
# -s replaces the project's table: the probe is added to a copy of it.
PROBE = json.dumps({**DOWNLOADER_MIDDLEWARES, "tests.integration.slot_probe.SlotProbe": 554})


def _crawl(tmp_path: Path, *settings: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    probe = tmp_path / "slots.jsonl"
    with MockServer(tmp_path / "exchanges.jsonl") as server:
        crawl = run_crawl(
            server,
            tmp_path / "output",
            (f"DOWNLOADER_MIDDLEWARES={PROBE}", f"SLOT_PROBE_FILE={probe}", *settings),
        )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    lines = [json.loads(line) for line in probe.read_text("utf-8").splitlines()]
    return lines, crawl.summary


def _around_the_backoff(
    lines: list[dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The response before the 503, the 503, and the retried answer of the same URL."""
    (refused,) = [i for i, line in enumerate(lines) if line["status"] == 503]
    (retried,) = [
        line for line in lines[refused + 1 :] if line["url"].endswith(CASE) and line["status"] < 300
    ]
    assert refused > 0, "the 503 came first: no pace to compare with"
    return lines[refused - 1], lines[refused], retried


def test_without_autothrottle_the_slot_returns_to_download_delay(tmp_path):
    lines, summary = _crawl(tmp_path, "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0.25")
    before, refused, retried = _around_the_backoff(lines)
    assert before["delay"] == 0.25
    assert refused["delay"] == 1.0  # the backoff, on the slot
    assert retried["delay"] == 0.25
    assert lines[-1]["delay"] == 0.25  # and for the rest of the crawl
    assert summary["politeness"]["retry_after_honoured"] == 1
    assert summary["politeness"]["longest_backoff_seconds"] == 1.0


def test_with_autothrottle_the_slot_returns_to_its_delay_from_before(tmp_path):
    lines, summary = _crawl(tmp_path, "AUTOTHROTTLE_ENABLED=True", "AUTOTHROTTLE_START_DELAY=0.2")
    before, refused, retried = _around_the_backoff(lines)
    assert refused["delay"] >= 1.0
    # The retried request joins the slot once its window is over: the slot is back at
    # AutoThrottle's own pace (a few ms here), which AutoThrottle then goes on easing.
    assert before["delay"] < refused["delay"] / 2
    assert retried["delay"] < refused["delay"] / 2
    assert lines[-1]["delay"] < refused["delay"] / 2
    assert summary["politeness"]["retry_after_honoured"] == 1
