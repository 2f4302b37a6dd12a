"""A crawl killed with SIGKILL (issue 4: "a crawl killed with SIGKILL leaves every finished
file valid").

What we observe and pin here:

* Finished ``.warc.gz`` files are complete: ``warcio check`` passes, every gzip member
  ends (``gzip.decompress`` of the whole file works), and every response has its request.
* The ``.warc.gz.open`` file left behind holds the records written before the kill, each
  in a complete gzip member, readable with ``ArchiveIterator``, because the writer
  flushes after each request/response pair. A kill during a write can leave a partial
  last member; a copy cut inside its last record shows what readers then do: warcio's
  ``ArchiveIterator`` yields the complete records and stops *without an error*, and
  ``warcio check`` exits 0 too, so only the ``.open`` name (or a gzip-member check like
  :func:`gzip_members`) tells that a file is unfinished.
* No ``summary.json`` is written (the crawl never reached ``engine_stopped``).
"""

from __future__ import annotations

import base64
import io
import json
import signal
import subprocess
import sys
import time
import zlib
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT
from tests.integration.conftest import crawl_command
from tests.integration.mockserver import MockServer

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration

DELAY = 1.0  # seconds the server waits before each page
MAX_BYTES = 25_000  # rotate often, so finished files exist when the crawl is killed


def gzip_members(data: bytes) -> tuple[int, int]:
    """(complete gzip members, bytes of a trailing incomplete member) of ``data``."""
    members, rest = 0, data
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        inflater.decompress(rest)
        if not inflater.eof:
            return members, len(rest)
        members += 1
        rest = inflater.unused_data
    return members, 0


def read_records(data: bytes) -> list[dict[str, Any]]:
    """Records ``ArchiveIterator`` yields from ``data``, blocks read to the end (still
    content-encoded)."""
    records = []
    iterator = ArchiveIterator(io.BytesIO(data))
    for record in iterator:
        payload = record.raw_stream.read()
        records.append(
            {
                "type": record.rec_type,
                "id": record.rec_headers.get_header("WARC-Record-ID"),
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "concurrent_to": record.rec_headers.get_header("WARC-Concurrent-To"),
                "offset": iterator.get_record_offset(),
                "payload": payload,
            }
        )
    return records


def assert_complete_pairs(records: list[dict[str, Any]], name: str) -> None:
    assert records, name
    assert records[0]["type"] == "warcinfo", name
    responses = {r["id"] for r in records if r["type"] in {"response", "revisit"}}
    requests = {r["concurrent_to"] for r in records if r["type"] == "request"}
    assert responses == requests, name


def _open_records(path: Path) -> list[dict[str, Any]]:
    """Records of the complete gzip members of ``path``: ``ArchiveIterator`` also yields a
    record whose member is still being written, so counting it would let the kill come
    before that record is whole (the file then holds fewer members than records seen)."""
    try:
        data = path.read_bytes()
        members, _ = gzip_members(data)
        return read_records(data)[:members]
    except Exception:  # renamed or being written right now: look again
        return []


def _crawl_and_kill(tmp: Path) -> dict[str, Any]:
    output = tmp / "output"
    with MockServer(tmp / "exchanges.jsonl", delay=DELAY) as server:
        command = crawl_command(server.base, output, f"ARCHIVER_WARC_MAX_BYTES={MAX_BYTES}")
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                finished = list(output.glob("*/*/*.warc.gz"))
                opened = list(output.glob("*/*/*.warc.gz.open"))
                if finished and any(
                    r["type"] == "response" for p in opened for r in _open_records(p)
                ):
                    break
                time.sleep(0.02)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        exchanges = server.exchanges()
    assert process.returncode == -signal.SIGKILL, "the crawl ended before it was killed"
    (crawl_dir,) = [p for p in output.glob("*/*") if p.is_dir()]
    return {"dir": crawl_dir, "exchanges": exchanges}


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Crawl a slow server and SIGKILL the crawl once a file has been finished and the next
    one holds a response.

    The writer may finish (rename) that file in the millisecond between the look and the
    kill, leaving no ``.open`` file to examine; the crawl is then run again (3 tries).
    """
    for attempt in range(3):
        result = _crawl_and_kill(tmp_path_factory.mktemp(f"killed-{attempt}"))
        if list(result["dir"].glob("*.warc.gz.open")):
            break
    return result


def test_every_finished_file_is_valid(killed):
    finished = sorted(killed["dir"].glob("*.warc.gz"))
    assert finished
    for path in finished:
        check = subprocess.run(
            [sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout[-3000:]
        data = path.read_bytes()
        members, partial = gzip_members(data)
        assert partial == 0, path.name
        records = read_records(data)
        assert len(records) == members, path.name
        assert_complete_pairs(records, path.name)


def test_open_file_keeps_its_complete_records(killed):
    (opened,) = sorted(killed["dir"].glob("*.warc.gz.open"))
    data = opened.read_bytes()
    members, partial = gzip_members(data)
    records = read_records(data)
    # Every complete member is a record ArchiveIterator reads; a partial last member
    # (a kill in the middle of a write) is skipped silently.
    assert len(records) >= members >= 3
    complete = records[:members]
    if partial == 0:
        assert_complete_pairs(complete, opened.name)
    else:  # the kill hit a write: the pairs before the interrupted one are complete
        assert complete[0]["type"] == "warcinfo"


def test_recorded_bodies_are_what_the_server_sent(killed):
    sent: dict[str, set[bytes]] = {}
    for exchange in killed["exchanges"]:
        sent.setdefault(exchange["url"], set()).add(base64.b64decode(exchange["body"]))
    paths = [*killed["dir"].glob("*.warc.gz"), *killed["dir"].glob("*.warc.gz.open")]
    responses = 0
    for path in paths:
        for record in read_records(path.read_bytes()):
            if record["type"] == "response":
                responses += 1
                assert record["payload"] in sent[record["uri"]], record["uri"]
    assert 0 < responses <= len(killed["exchanges"])


def test_a_record_cut_by_a_crash_is_skipped_and_the_rest_read(killed):
    """Simulate a kill during a write: cut a copy of the file inside its last record."""
    (opened,) = sorted(killed["dir"].glob("*.warc.gz.open"))
    data = opened.read_bytes()
    whole = read_records(data)
    last = whole[-1]["offset"]
    for cut in (last + 10, (last + len(data)) // 2):
        members, partial = gzip_members(data[:cut])
        assert (members, partial > 0) == (len(whole) - 1, True)
        assert [r["id"] for r in read_records(data[:cut])] == [r["id"] for r in whole[:-1]]


def test_no_summary_and_jsonl_lines_are_json(killed):
    assert not (killed["dir"] / "summary.json").exists()
    for path in killed["dir"].glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines(keepends=True):
            if line.endswith("\n"):  # a last line cut by the kill is not a record
                json.loads(line)
