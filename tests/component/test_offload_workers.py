"""The extraction workers (archiver.crawl.extraction_pool) never outlive the crawling process: a
crawl killed with SIGKILL must not leave workers behind holding its stdout and stderr open (a
caller waiting for the crawl's output would wait forever)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

CRAWLING_PROCESS = """
import asyncio, os
from archiver.crawl.extraction_pool import ExtractionPool

async def main():
    pool = ExtractionPool(1)
    print(await pool.run(os.getpid), flush=True)  # the worker's pid
    await asyncio.sleep(600)

asyncio.run(main())
"""


def is_gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        state = next(line for line in status.read_text().splitlines() if line.startswith("State"))
    except (FileNotFoundError, StopIteration):
        return True
    return "Z" in state.split()[1]  # a zombie has ended; only its parent's wait is missing


def test_workers_leave_when_the_crawling_process_is_killed() -> None:
    crawl = subprocess.Popen(
        [sys.executable, "-c", CRAWLING_PROCESS],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert crawl.stdout is not None
    worker = int(crawl.stdout.readline())
    assert not is_gone(worker)
    crawl.send_signal(signal.SIGKILL)
    # Returns only once every process holding the crawl's pipes has closed them.
    crawl.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while not is_gone(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert is_gone(worker)
