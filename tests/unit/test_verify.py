"""Unit tests for archiver.warc.verify and ``archiver verify``: a good crawl passes, and each
defect injected into a copy of it is found (real warcio and cdxj-indexer, no mocks)."""

from __future__ import annotations

import gzip
import shutil
from itertools import count
from typing import TYPE_CHECKING

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import main
from archiver.warc.cdxj import INDEX_FILE, write_cdxj_index
from archiver.warc.records import HttpExchange, WarcInfo
from archiver.warc.verify import WarcVerifier
from archiver.warc.writer import RotatingWarcWriter
from tests.unit.test_warc import FIXED_DATE, fixed_clock

if TYPE_CHECKING:
    from pathlib import Path


def _exchange(n: int, body: bytes) -> HttpExchange:
    return HttpExchange(
        method="GET",
        url=f"https://blog.example/?p={n}",
        request_headers=((b"User-Agent", b"test"),),
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        response_headers=((b"Content-Type", b"text/html"),),
        response_body=body,
        fetched_at=FIXED_DATE,
    )


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    """A crawl folder: two rotated WARC files (a revisit in the second), crawl log, index."""
    serial = count(1)
    writer = RotatingWarcWriter(
        tmp_path / "crawl",
        "test",
        WarcInfo(crawl_name="verify-test"),
        max_bytes=900,
        hostname="host",
        clock=fixed_clock(),
        record_ids=lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(serial):012d}>",
    )
    bodies = [b"first post " * 50, b"second post " * 50, b"first post " * 50]
    written = [writer.write_exchange(_exchange(n, body)) for n, body in enumerate(bodies)]
    writer.write_metadata("urn:blog-archiver:crawl-log", "application/json", b"{}")
    writer.close()
    assert [w.record_type for w in written] == ["response", "response", "revisit"]
    assert len(writer.finished_paths) > 1
    write_cdxj_index(writer.finished_paths, writer.directory / INDEX_FILE)
    return writer.directory


def warcs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.warc.gz"))


def members(path: Path) -> list[tuple[str, int, int]]:
    """(record type, offset, length) of each gzip member of ``path``."""
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        return [
            (r.rec_type, iterator.get_record_offset(), iterator.get_record_length())
            for r in iterator
        ]


def replace_member(path: Path, record_type: str, new: bytes | None = None) -> int:
    """Replace (or, with ``None``, drop) the first ``record_type`` member; return its offset."""
    _, offset, length = next(m for m in members(path) if m[0] == record_type)
    data = path.read_bytes()
    if new is None:
        new = b""
    path.write_bytes(data[:offset] + new + data[offset + length :])
    return offset


def messages(folder: Path) -> list[str]:
    return [str(defect) for defect in WarcVerifier([folder]).run()]


def test_good_crawl_passes(crawl: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert messages(crawl) == []
    assert main(["verify", str(crawl)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: 4 WARC files, 11 records (2 responses, 1 revisits, 3 requests)")
    assert out.rstrip().endswith("4 index lines, 0 defects")
    # WARC files can be given one by one too (index and leftovers are folder checks)
    assert main(["verify", *map(str, warcs(crawl))]) == 0


def test_corrupted_payload_byte_is_a_digest_error(
    crawl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = warcs(crawl)[0]
    _, offset, length = next(m for m in members(path) if m[0] == "response")
    record = gzip.decompress(path.read_bytes()[offset : offset + length])
    corrupted = record.replace(b"first post", b"first p0st", 1)
    assert corrupted != record
    replace_member(path, "response", gzip.compress(corrupted))

    assert main(["verify", str(crawl)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{path}:{offset}: payload digest failed") for line in out)
    assert any(line.startswith(f"{path}:{offset}: block digest failed") for line in out)
    assert out[-1].startswith("DEFECTS: ")


def test_missing_request_record(crawl: Path) -> None:
    path = warcs(crawl)[0]
    replace_member(path, "request")
    response_offset = next(m[1] for m in members(path) if m[0] == "response")
    assert (
        f"{path}:{response_offset}: response https://blog.example/?p=0 has no request record"
        in messages(crawl)
    )


def test_request_for_another_uri(crawl: Path) -> None:
    path = warcs(crawl)[0]
    _, offset, length = next(m for m in members(path) if m[0] == "request")
    record = gzip.decompress(path.read_bytes()[offset : offset + length])
    other = record.replace(b"WARC-Target-URI: https://blog.example/?p=0", b"WARC-Target-URI: x:/")
    replace_member(path, "request", gzip.compress(other))
    assert any("its request is for x:/" in message for message in messages(crawl))


def test_stray_open_file(crawl: Path) -> None:
    stray = crawl / (warcs(crawl)[0].name + ".open")
    shutil.copy(warcs(crawl)[0], stray)
    assert messages(crawl) == [f"{stray}: unfinished .open file left in the crawl folder"]


def test_index_line_pointing_nowhere(crawl: Path) -> None:
    index = crawl / INDEX_FILE
    lines = index.read_text("utf-8").splitlines()
    lines[0] = lines[0].replace('"offset": "', '"offset": "9')
    index.write_text("\n".join(lines) + "\n", "utf-8")
    found = messages(crawl)
    assert any(m.startswith(f"{index}:1: points at no ") for m in found), found


def test_record_missing_from_index_and_unsorted_index(crawl: Path) -> None:
    index = crawl / INDEX_FILE
    lines = index.read_text("utf-8").splitlines()
    kept = [line for line in lines if "?p=1" not in line]
    assert len(kept) == len(lines) - 1
    index.write_text("\n".join(reversed(kept)) + "\n", "utf-8")
    found = messages(crawl)
    assert f"{index}: lines are not sorted (pywb searches it by bisection)" in found
    assert any(m.endswith(": response is not in index.cdxj") for m in found), found


def test_revisit_whose_original_is_missing(crawl: Path) -> None:
    # the revisit's original is in another file
    [holder] = [path for path in warcs(crawl) if "revisit" in [m[0] for m in members(path)]]
    [defect] = WarcVerifier([holder]).run()
    assert defect.message == "revisit refers to a record not in these files"


def test_first_record_must_be_warcinfo(crawl: Path) -> None:
    path = warcs(crawl)[0]
    replace_member(path, "warcinfo")
    assert "0: first record is response, not warcinfo" in "\n".join(messages(crawl))


def test_truncated_record(crawl: Path) -> None:
    path = warcs(crawl)[0]
    path.write_bytes(path.read_bytes()[:-20])
    assert any(m.endswith(" bytes missing") for m in messages(crawl))


@pytest.mark.parametrize("cut", [5, 100, -4], ids=["gzip header", "WARC headers", "trailer"])
def test_file_cut_inside_its_last_gzip_member(crawl: Path, cut: int) -> None:
    # warcio (and `warcio check`) read such a file without a word, or crash on it
    path = warcs(crawl)[-1]
    _, offset, _ = members(path)[-1]
    data = path.read_bytes()
    path.write_bytes(data[: offset + cut] if cut > 0 else data[:cut])
    found = messages(crawl)
    assert f"{path}:{offset}: gzip member truncated: file ends inside a record" in found


@pytest.mark.parametrize("cut", [30, 200])
def test_uncompressed_file_cut_inside_its_last_record(
    crawl: Path, tmp_path: Path, cut: int
) -> None:
    path = tmp_path / "cut.warc"
    path.write_bytes(gzip.decompress(warcs(crawl)[1].read_bytes()))
    assert [m[0] for m in members(path)] == ["warcinfo", "response", "request"]
    assert WarcVerifier([path]).run() == []
    _, offset, _ = members(path)[-1]
    path.write_bytes(path.read_bytes()[: offset + cut])
    found = [str(defect) for defect in WarcVerifier([path]).run()]
    assert f"{path}:{offset - 4}: file ends inside a record" in found, found


def test_garbage_is_unreadable(crawl: Path) -> None:
    path = warcs(crawl)[0]
    end = path.stat().st_size
    with path.open("ab") as stream:
        stream.write(b"this is not a WARC record\r\n\r\n")
    assert any(m.startswith(f"{path}:{end}: unreadable") for m in messages(crawl))


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path / "missing")]) == 2
    (tmp_path / "notes.txt").write_text("hi")
    assert main(["verify", str(tmp_path / "notes.txt")]) == 2
    assert "not a crawl folder or WARC file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["verify"])
    assert exit_info.value.code == 2
    # an empty folder is a defect, not a usage error
    assert main(["verify", str(tmp_path)]) == 1
