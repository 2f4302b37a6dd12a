"""End to end: crawl the real test WordPress, then check the crawl with ``archiver verify``.

One crawl (about 20 s) as a user runs it (``scrapy crawl wordpress -a url=…``), then the
verify command in a subprocess, and independent reads of the WARC files, index and crawl
log with warcio.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.crawl.recording import CRAWL_LOG_URI
from tests.conftest import ROOT, scrapy_crawl

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def crawl_dir(running_wordpress: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scrapy_crawl(running_wordpress, tmp_path_factory.mktemp("verify-output"))[1]


def _records(crawl: Path) -> list[tuple[Any, str, int, bytes]]:
    """(record, file name, offset, payload) of every record of the crawl."""
    out = []
    for path in sorted(crawl.glob("*.warc.gz")):
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                payload = record.content_stream().read() if record.rec_type == "metadata" else b""
                out.append((record, path.name, iterator.get_record_offset(), payload))
    return out


def test_verify_passes_on_a_real_crawl(crawl_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "verify", str(crawl_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    [summary] = result.stdout.splitlines()
    assert summary.startswith("OK: ")
    assert summary.endswith(" 0 defects")


def test_crawl_has_index_and_crawl_log(crawl_dir: Path) -> None:
    assert not list(crawl_dir.glob("*.open"))
    records = _records(crawl_dir)
    types = Counter(record.rec_type for record, _, _, _ in records)
    assert types["response"] > 200
    assert types["request"] == types["response"] + types["revisit"]

    # the crawl log is the last record and tells how the crawl went
    log, _, _, payload = records[-1]
    assert log.rec_type == "metadata"
    assert log.rec_headers.get_header("WARC-Target-URI") == CRAWL_LOG_URI
    crawl_log = json.loads(payload)
    assert crawl_log["finish_reason"] == "finished"
    assert crawl_log["stats"]["downloader/response_count"] == (types["response"] + types["revisit"])

    # the index (cdxj-indexer's) has one line per response, revisit and the crawl log
    lines = (crawl_dir / "index.cdxj").read_text("utf-8").splitlines()
    assert lines == sorted(lines)
    entries = {
        (entry["filename"], int(entry["offset"])): entry
        for entry in (json.loads(line.split(" ", 2)[2]) for line in lines)
    }
    indexed = {
        (name, offset): record
        for record, name, offset, _ in records
        if record.rec_type in ("response", "revisit", "metadata")
    }
    assert entries.keys() == indexed.keys()
    for key, record in indexed.items():
        assert entries[key]["url"] == record.rec_headers.get_header("WARC-Target-URI")
    summary = json.loads((crawl_dir / "summary.json").read_text("utf-8"))
    assert summary["counts"]["warc_records"] == len(records)


def test_revisits_point_at_recorded_responses(crawl_dir: Path) -> None:
    # A normal crawl of the test blog fetches no identical 200 payload twice, so there
    # may be none; any that exist must refer to a response with the same payload.
    records = _records(crawl_dir)
    responses = {
        record.rec_headers.get_header("WARC-Record-ID"): record
        for record, _, _, _ in records
        if record.rec_type == "response"
    }
    for record, _, _, _ in records:
        if record.rec_type != "revisit":
            continue
        original = responses[record.rec_headers.get_header("WARC-Refers-To")]
        assert original.rec_headers.get_header("WARC-Payload-Digest") == (
            record.rec_headers.get_header("WARC-Payload-Digest")
        )
        assert original.rec_headers.get_header("WARC-Target-URI") == (
            record.rec_headers.get_header("WARC-Refers-To-Target-URI")
        )
