"""bench/run.py measures the peak RSS of the run it starts, not its own."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bench.run import timed

if TYPE_CHECKING:
    from pathlib import Path

ALLOCATE = (
    "x = bytearray({mb} << 20); x[::4096] = b'a' * len(x[::4096]); import time; time.sleep(0.5)"
)


def test_peak_rss_is_the_largest_process_of_the_run_not_the_benchmarks(tmp_path: Path) -> None:
    held = bytearray(150 << 20)
    held[::4096] = b"a" * len(held[::4096])  # this process (as bench/run.py) is the larger
    command = f'{sys.executable} -c "{ALLOCATE.format(mb=60)}"; true'
    measure = timed(["bash", "-c", command], tmp_path, tmp_path / "run.log")
    assert measure.ok
    # the grandchild's 60 MB and its interpreter, not the 150 MB held here
    assert 60 <= measure.rss_mb < 140
    assert held[4096] == ord("a")
