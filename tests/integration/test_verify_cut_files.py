"""``archiver verify`` on a finished WARC of the failure-site crawl cut short at several
places inside its last record (a partial copy, a full disk): every cut is a defect,
reported as such (exit 1, ``DEFECTS``), never a crash and never "OK".

warcio gives no help here: ``ArchiveIterator`` and ``warcio check`` stop silently at a
cut gzip member (see test_sigkill.py), so the verifier has to notice it itself.
"""

from __future__ import annotations

import io
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

    from tests.integration.conftest import Crawl

pytestmark = pytest.mark.integration


def _last_record(data: bytes) -> tuple[int, int]:
    """(offset, length) of the last record's gzip member."""
    iterator = ArchiveIterator(io.BytesIO(data))
    offset = length = 0
    for record in iterator:
        record.raw_stream.read()
        offset, length = iterator.get_record_offset(), iterator.get_record_length()
    return offset, length


def _verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", "verify", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_uncut_file_verifies(crawl: Crawl) -> None:
    result = _verify(crawl.warcs[0])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("OK")


@pytest.mark.parametrize(
    "where", ["gzip member header", "WARC headers", "record block", "gzip trailer"]
)
def test_a_cut_last_record_is_a_defect(crawl: Crawl, tmp_path: Path, where: str) -> None:
    data = crawl.warcs[0].read_bytes()
    offset, length = _last_record(data)
    assert offset + length == len(data)
    cut = {
        "gzip member header": offset + 5,
        "WARC headers": offset + 100,
        "record block": offset + length // 2,
        "gzip trailer": len(data) - 4,
    }[where]
    path = tmp_path / crawl.warcs[0].name
    path.write_bytes(data[:cut])
    result = _verify(path)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1, result.stdout
    lines = result.stdout.strip().splitlines()
    assert f"{path}:{offset}: gzip member truncated: file ends inside a record" in lines
    assert lines[-1].startswith("DEFECTS")
