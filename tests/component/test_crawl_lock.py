"""One crawl at a time per site folder (issue 6): a second crawl of the same site fails at
once naming the first (pid, start time); a crawl killed with SIGKILL leaves no lock.

The holder is a real process that takes the lock as a crawl does
(:meth:`archiver.state.site.SiteState.for_crawl`); the second crawl is ``archiver crawl`` as a
user runs it, which must stop before fetching anything (the URL points nowhere).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from archiver.state.layout import site_name
from archiver.state.lock import LOCK_FILE, CrawlLock, CrawlLocked
from archiver.state.site import SiteState
from tests.conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

URL = "http://127.0.0.1:9/"  # the discard port: nothing answers there
HOLD = """
import sys
from pathlib import Path
from archiver.state.site import SiteState
state = SiteState.for_crawl(Path(sys.argv[1]), sys.argv[2])
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A process holding the site's lock (as a running crawl does) until killed."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path), URL],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "locked"
        yield process
    finally:
        process.kill()
        process.communicate(timeout=30)  # closes its pipes


def test_a_second_crawl_fails_at_once_naming_the_first(holder, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "crawl", URL, "-o", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "another crawl of this site is running" in result.stderr
    assert f"pid {holder.pid}, started " in result.stderr
    site = tmp_path / site_name(URL)
    # nothing written: no crawl folder, no request (the state file is the holder's)
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == []
    assert "Traceback" not in result.stderr


def test_a_crawl_killed_with_sigkill_leaves_no_lock(holder, tmp_path):
    site = tmp_path / site_name(URL)
    with pytest.raises(CrawlLocked, match=f"pid {holder.pid}"):
        CrawlLock.acquire(site)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)  # the fixture closes its pipes
    assert (site / LOCK_FILE).read_text().startswith(f"pid {holder.pid}, ")  # a stale file
    state = SiteState.for_crawl(tmp_path, URL)  # ... and no stale lock
    try:
        assert (site / LOCK_FILE).read_text().startswith(f"pid {os.getpid()}, ")
    finally:
        state.close()
    CrawlLock.acquire(site).release()  # closed: free again


def test_reading_the_state_takes_no_lock(holder, tmp_path):
    """``archiver history`` and tests read the state while a crawl runs."""
    state = SiteState(tmp_path / site_name(URL) / "state.sqlite")
    try:
        assert state.history() == []
    finally:
        state.close()
