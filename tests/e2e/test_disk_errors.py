"""End to end: a disk that fills mid-crawl stops the crawl cleanly, and the next run resumes.

The output folder is a small tmpfs (``mount -t tmpfs -o size=...``, as root, which CI
is): the archive of the test WordPress does not fit, so a write fails part-way (the
WARC, the JSON Lines or the state's SQLite, whichever comes first). The crawl must stop
with one line saying what happened and where, exit 4, no traceback, its records so far
readable, the crawl *interrupted* in the site's state; once the tmpfs is grown, the same
command resumes it to a complete archive whose WARC files verify.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

SMALL = "1200k"  # room for about 40 requests of the test blog's 272


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL}", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_stops_the_crawl_cleanly_and_the_next_run_resumes(
    running_wordpress, small_disk
):
    crawl = ("crawl", running_wordpress, "-o", str(small_disk), "-s", "AUTOTHROTTLE_ENABLED=False")
    first = archiver(*crawl)
    assert first.returncode == 4, first.stdout[-3000:] + first.stderr[-3000:]
    assert "Traceback" not in first.stderr
    said = [line for line in first.stderr.splitlines() if "output error:" in line]
    assert len(said) == 1, said
    assert "No space left on device" in said[0] or "database or disk is full" in said[0]
    assert str(small_disk) in said[0]  # where
    assert "resumes it" in said[0]
    assert f"OUTPUT ERROR, INCOMPLETE archive of {running_wordpress}" in first.stdout
    (crawl_dir,) = [path for path in small_disk.glob("*/*") if path.is_dir()]
    # The records written so far are whole lines.
    for name in ("posts.jsonl", "comments.jsonl"):
        for line in (crawl_dir / name).read_text("utf-8").splitlines():
            json.loads(line)
    history = archiver("history", str(small_disk))
    assert history.returncode == 0
    assert "interrupted" in history.stdout

    subprocess.run(["mount", "-o", "remount,size=40m", str(small_disk)], check=True)
    second = archiver(*crawl)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "Traceback" not in second.stderr
    assert [path for path in small_disk.glob("*/*") if path.is_dir()] == [crawl_dir]
    summary = json.loads((crawl_dir / "summary.json").read_text("utf-8"))
    assert summary["verdict"] == "complete"
    assert summary["exit_code"] == 0
    assert summary["changes"]["resumed"] is True
    assert summary["output_error"] is None
    verify = archiver("verify", str(crawl_dir))
    assert verify.returncode == 0, verify.stdout[-3000:]
    posts = (crawl_dir / "posts.jsonl").read_text("utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in posts]
    assert len(ids) == len(set(ids)) == summary["counts"]["posts"] + summary["counts"]["pages"]
