"""Unit tests for archiver.warc.records: golden records, round trips, rotation, external readers."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import BytesIO
from itertools import count
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archiver.warc.records import (
    REVISIT_PROFILE,
    WARC_VERSION,
    HttpExchange,
    PayloadOrigin,
    WarcInfo,
    build_exchange_records,
    payload_digest,
    reason_phrase,
    sanitize_name,
)
from archiver.warc.writer import RotatingWarcWriter

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)
RESPONSE_ID = "<urn:uuid:00000000-0000-0000-0000-000000000001>"
REQUEST_ID = "<urn:uuid:00000000-0000-0000-0000-000000000002>"
FILE_NAME_RE = r"^test-\d{17}-\d{5}-build-host\.warc\.gz$"


def make_exchange(**overrides: Any) -> HttpExchange:
    values: dict[str, Any] = {
        "method": "GET",
        "url": "http://blog.example:8080/?p=123#comments",
        "request_headers": (
            (b"User-Agent", b"blog-archiver-test"),
            (b"Accept-Encoding", b"gzip, deflate"),
        ),
        "request_body": b"",
        "protocol": "HTTP/1.1",
        "status": 404,
        "response_headers": (
            (b"Content-Type", b"text/html; charset=UTF-8"),
            (b"Set-Cookie", b"a=1; Path=/"),
            (b"Set-Cookie", b"b=2; Path=/"),
            (b"Transfer-Encoding", b"chunked"),
        ),
        "response_body": b"<p>gone</p>",
        "fetched_at": FIXED_DATE,
        "ip_address": "192.0.2.7",
    }
    values.update(overrides)
    return HttpExchange(**values)


def serialize(*records: Any) -> bytes:
    out = BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version=WARC_VERSION)
    for record in records:
        writer.write_record(record)
    return out.getvalue()


def fixed_ids() -> Callable[[], str]:
    serial = count(1)
    return lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(serial):012d}>"


def fixed_clock() -> Callable[[], datetime]:
    ticks = count()
    return lambda: FIXED_DATE + timedelta(milliseconds=next(ticks))


def make_writer(directory: Path, max_bytes: int = 1_000_000) -> RotatingWarcWriter:
    info = WarcInfo(crawl_name="unit-test", operator="ops@example.org", settings={"DEPTH": 2})
    return RotatingWarcWriter(
        directory,
        "test",
        info,
        max_bytes=max_bytes,
        hostname="build/host",
        clock=fixed_clock(),
        record_ids=fixed_ids(),
    )


def read_decoded(path: Path) -> list[tuple[Any, bytes]]:
    with path.open("rb") as stream:
        return [(record, record.content_stream().read()) for record in ArchiveIterator(stream)]


# --------------------------------------------------------------------------- golden

GOLDEN_PAIR = (
    b"WARC/1.1\r\n"
    b"WARC-Type: response\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
    b"WARC-Target-URI: http://blog.example:8080/?p=123\r\n"
    b"WARC-Date: 2000-01-01T00:00:00Z\r\n"
    b"WARC-IP-Address: 192.0.2.7\r\n"
    b"WARC-Payload-Digest: sha1:HCETNWHBDUVLEDXZ24QD4P4L43WEI42J\r\n"
    b"WARC-Block-Digest: sha1:J2UKSFWVM6ZE4XNRTTXVLEMXHMBU5N7I\r\n"
    b"Content-Type: application/http; msgtype=response\r\n"
    b"Content-Length: 170\r\n"
    b"\r\n"
    b"HTTP/1.1 404 Not Found\r\n"
    b"Content-Type: text/html; charset=UTF-8\r\n"
    b"Set-Cookie: a=1; Path=/\r\n"
    b"Set-Cookie: b=2; Path=/\r\n"
    b"X-Archive-Orig-Transfer-Encoding: chunked\r\n"
    b"\r\n"
    b"<p>gone</p>\r\n\r\n"
    b"WARC/1.1\r\n"
    b"WARC-Type: request\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
    b"WARC-Target-URI: http://blog.example:8080/?p=123\r\n"
    b"WARC-Date: 2000-01-01T00:00:00Z\r\n"
    b"WARC-IP-Address: 192.0.2.7\r\n"
    b"WARC-Concurrent-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
    b"WARC-Payload-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ\r\n"
    b"WARC-Block-Digest: sha1:KGC2VCKXH7JAY3PLBYD75F7YISCOAARL\r\n"
    b"Content-Type: application/http; msgtype=request\r\n"
    b"Content-Length: 113\r\n"
    b"\r\n"
    b"GET /?p=123 HTTP/1.1\r\n"
    b"Host: blog.example:8080\r\n"
    b"User-Agent: blog-archiver-test\r\n"
    b"Accept-Encoding: gzip, deflate\r\n"
    b"\r\n"
    b"\r\n\r\n"
)


def test_exchange_records_match_golden_bytes() -> None:
    response, request = build_exchange_records(
        make_exchange(), response_id=RESPONSE_ID, request_id=REQUEST_ID
    )
    assert serialize(response, request) == GOLDEN_PAIR


GOLDEN_REVISIT = (
    b"WARC/1.1\r\n"
    b"WARC-Type: revisit\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
    b"WARC-Target-URI: http://blog.example:8080/?p=124\r\n"
    b"WARC-Date: 2000-01-01T00:00:00Z\r\n"
    b"WARC-IP-Address: 192.0.2.7\r\n"
    b"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
    b"WARC-Refers-To: <urn:uuid:00000000-0000-0000-0000-000000000009>\r\n"
    b"WARC-Refers-To-Target-URI: http://blog.example:8080/?p=123\r\n"
    b"WARC-Refers-To-Date: 1999-12-31T23:59:59Z\r\n"
    b"WARC-Payload-Digest: sha1:HCETNWHBDUVLEDXZ24QD4P4L43WEI42J\r\n"
    b"WARC-Block-Digest: sha1:KJLQE62L2JMJCDEPO4QOB6N42XV6WHRI\r\n"
    b"Content-Type: application/http; msgtype=response\r\n"
    b"Content-Length: 152\r\n"
    b"\r\n"
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/html; charset=UTF-8\r\n"
    b"Set-Cookie: a=1; Path=/\r\n"
    b"Set-Cookie: b=2; Path=/\r\n"
    b"X-Archive-Orig-Transfer-Encoding: chunked\r\n"
    b"\r\n"
    b"\r\n\r\n"
)


def test_revisit_record_matches_golden_bytes() -> None:
    original = PayloadOrigin(
        uri="http://blog.example:8080/?p=123",
        date="1999-12-31T23:59:59Z",
        record_id="<urn:uuid:00000000-0000-0000-0000-000000000009>",
    )
    revisit, request = build_exchange_records(
        make_exchange(url="http://blog.example:8080/?p=124", status=200),
        response_id=RESPONSE_ID,
        request_id=REQUEST_ID,
        revisit_of=original,
    )
    assert serialize(revisit) == GOLDEN_REVISIT
    assert request.rec_headers.get_header("WARC-Concurrent-To") == RESPONSE_ID
    assert REVISIT_PROFILE.endswith("/warc/1.1/revisit/identical-payload-digest")


def test_payload_digest_is_warcios() -> None:
    response, _ = build_exchange_records(make_exchange())
    assert payload_digest(b"<p>gone</p>") == response.rec_headers.get_header("WARC-Payload-Digest")


def test_status_line_uses_real_protocol_and_reason() -> None:
    response, _ = build_exchange_records(make_exchange(protocol="HTTP/1.0", status=301))
    data = serialize(response)
    assert b"\r\n\r\nHTTP/1.0 301 Moved Permanently\r\n" in data
    assert b"WARC-Protocol" not in data


def test_http2_written_as_http11_with_warc_protocol() -> None:
    response, _ = build_exchange_records(make_exchange(protocol="h2", status=200))
    data = serialize(response)
    assert b"\r\n\r\nHTTP/1.1 200 OK\r\n" in data
    assert b"WARC-Protocol: h2\r\n" in data


def test_unknown_status_has_empty_reason() -> None:
    assert reason_phrase(599) == ""
    response, _ = build_exchange_records(make_exchange(status=599))
    assert b"\r\n\r\nHTTP/1.1 599\r\n" in serialize(response)


def test_request_keeps_given_host_and_adds_post_length() -> None:
    exchange = make_exchange(
        method="POST",
        url="https://blog.example/wp-comments-post.php",
        request_headers=((b"Host", b"blog.example"), (b"Content-Type", b"x-www-form")),
        request_body=b"comment=hi",
    )
    _, request = build_exchange_records(exchange)
    data = serialize(request)
    assert b"POST /wp-comments-post.php HTTP/1.1\r\nHost: blog.example\r\n" in data
    assert data.count(b"Host:") == 1
    assert b"Content-Length: 10\r\n\r\ncomment=hi" in data


def test_header_values_cannot_inject_lines() -> None:
    exchange = make_exchange(response_headers=((b"X-Evil", b"a\r\nWARC-Type: bad"),))
    response, _ = build_exchange_records(exchange)
    assert b"X-Evil: a WARC-Type: bad\r\n" in serialize(response)


def test_naive_fetch_time_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_exchange(fetched_at=datetime(2000, 1, 1))


def test_sanitize_name() -> None:
    assert sanitize_name("../etc/pass wd") == "etc-pass-wd"
    assert sanitize_name("host.example.org") == "host.example.org"
    with pytest.raises(ValueError, match="file name"):
        sanitize_name("///")


# --------------------------------------------------------------------------- round trip


def test_round_trip_through_archive_iterator(tmp_path: Path) -> None:
    html = b"<html><body>Hello, gzip</body></html>"
    exchange = make_exchange(
        status=200,
        response_headers=(
            (b"Content-Type", b"text/html"),
            (b"Content-Encoding", b"gzip"),
            (b"Transfer-Encoding", b"chunked"),
            (b"Set-Cookie", b"a=1"),
            (b"Set-Cookie", b"b=2"),
        ),
        response_body=gzip.compress(html, mtime=0),
    )
    with make_writer(tmp_path) as writer:
        written = writer.write_exchange(exchange)
        missing = writer.write_exchange(make_exchange())
    [path] = writer.finished_paths

    records = read_decoded(path)
    assert [r.rec_type for r, _ in records] == [
        "warcinfo",
        "response",
        "request",
        "response",
        "request",
    ]
    warcinfo, info_body = records[0]
    assert warcinfo.rec_headers.get_header("WARC-Filename") == path.name
    info_lines = info_body.decode().splitlines()
    assert "software: blog-archiver/0.1.0" in info_lines
    assert "isPartOf: unit-test" in info_lines
    assert "robots: obey" in info_lines
    assert "operator: ops@example.org" in info_lines
    assert 'crawl-settings: {"DEPTH": 2}' in info_lines

    response, body = records[1]
    request, _ = records[2]
    assert response.rec_headers.protocol == "WARC/1.1"
    assert response.http_headers.protocol == "HTTP/1.1"
    assert response.http_headers.statusline == "200 OK"
    assert response.http_headers.get_header("Content-Encoding") == "gzip"
    assert response.http_headers.get_header("Transfer-Encoding") is None
    cookies = [v for k, v in response.http_headers.headers if k == "Set-Cookie"]
    assert cookies == ["a=1", "b=2"]
    assert body == html  # content_stream() decodes the stored gzip
    assert request.http_headers.protocol == "GET"
    assert request.http_headers.statusline == "/?p=123 HTTP/1.1"
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response_id
    warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
    assert response.rec_headers.get_header("WARC-Warcinfo-ID") == warcinfo_id
    assert records[3][0].http_headers.statusline == "404 Not Found"

    # the returned location points at the response record, gzip member included
    assert written.filename == path.name
    assert written.record_id == response_id
    with path.open("rb") as stream:
        stream.seek(written.offset)
        member = stream.read(written.length)
    assert gzip.decompress(member).startswith(b"WARC/1.1\r\nWARC-Type: response\r\n")
    assert missing.offset > written.offset + written.length  # after the request record


def test_raw_body_is_stored_still_encoded(tmp_path: Path) -> None:
    gz = gzip.compress(b"plain text", mtime=0)
    exchange = make_exchange(
        status=200, response_headers=((b"Content-Encoding", b"gzip"),), response_body=gz
    )
    with make_writer(tmp_path) as writer:
        writer.write_exchange(exchange)
    with writer.finished_paths[0].open("rb") as stream:
        raw = [r.raw_stream.read() for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert raw == [gz]


def test_metadata_record(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        summary = json.dumps({"pages": 3}).encode()
        written = writer.write_metadata("urn:blog-archiver:summary", "application/json", summary)
    records = read_decoded(writer.finished_paths[0])
    assert [r.rec_type for r, _ in records] == ["warcinfo", "metadata"]
    record, body = records[1]
    assert record.rec_headers.get_header("Content-Type") == "application/json"
    assert record.rec_headers.get_header("WARC-Target-URI") == "urn:blog-archiver:summary"
    assert record.rec_headers.get_header("WARC-Record-ID") == written.record_id
    assert json.loads(body) == {"pages": 3}


# --------------------------------------------------------------------------- files


def test_file_is_open_while_writing_and_renamed_on_close(tmp_path: Path) -> None:
    writer = make_writer(tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing until the first record
    writer.write_exchange(make_exchange())
    current = writer.current_path
    assert current is not None
    assert current.name.endswith(".warc.gz.open")
    assert writer.finished_paths == []
    writer.close()
    writer.close()  # idempotent
    [path] = writer.finished_paths
    assert path.name == current.name.removesuffix(".open")
    assert path.name == "test-20000101000000000-00000-build-host.warc.gz"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    with pytest.raises(ValueError, match="closed"):
        writer.write_exchange(make_exchange())


def test_rotation_never_splits_a_pair(tmp_path: Path) -> None:
    writer = make_writer(tmp_path, max_bytes=1500)
    urls = [f"https://blog.example/?p={n}" for n in range(8)]
    for n, url in enumerate(urls):
        body = bytes([65 + n]) * 400  # distinct payloads: no revisit records
        writer.write_exchange(make_exchange(url=url, status=200, response_body=body))
    writer.close()

    paths = writer.finished_paths
    assert len(paths) > 1
    assert [p.name.split("-")[2] for p in paths] == [f"{n:05d}" for n in range(len(paths))]
    assert not list(tmp_path.glob("*.open"))
    seen = []
    for path in paths:
        assert path.name.startswith("test-")
        assert path.name.endswith("-build-host.warc.gz")
        records = read_decoded(path)
        assert records[0][0].rec_type == "warcinfo"
        assert records[0][0].rec_headers.get_header("WARC-Filename") == path.name
        types = [r.rec_type for r, _ in records[1:]]
        assert types == ["response", "request"] * (len(types) // 2)
        seen += [r.rec_headers.get_header("WARC-Target-URI") for r, _ in records[1::2]]
    assert seen == urls


# --------------------------------------------------------------------------- revisits


def test_identical_payload_is_written_as_revisit(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        first = writer.write_exchange(make_exchange(url="https://blog.example/a/", status=200))
        second = writer.write_exchange(make_exchange(url="https://blog.example/b/", status=200))
        other = writer.write_exchange(
            make_exchange(url="https://blog.example/c/", status=200, response_body=b"<p>new</p>")
        )
    [path] = writer.finished_paths
    records = read_decoded(path)
    assert [r.rec_type for r, _ in records] == [
        "warcinfo",
        "response",
        "request",
        "revisit",
        "request",
        "response",
        "request",
    ]
    original, revisit = records[1][0], records[3][0]
    assert (first.record_type, second.record_type, other.record_type) == (
        "response",
        "revisit",
        "response",
    )
    assert second.refers_to == PayloadOrigin(
        uri="https://blog.example/a/",
        date="2000-01-01T00:00:00Z",
        record_id=first.record_id,
    )
    assert revisit.rec_headers.get_header("WARC-Record-ID") == second.record_id
    assert revisit.rec_headers.get_header("WARC-Refers-To") == first.record_id
    assert revisit.rec_headers.get_header("WARC-Refers-To-Target-URI") == "https://blog.example/a/"
    assert revisit.rec_headers.get_header("WARC-Refers-To-Date") == "2000-01-01T00:00:00Z"
    assert revisit.rec_headers.get_header("WARC-Profile") == REVISIT_PROFILE
    assert revisit.rec_headers.get_header("WARC-Payload-Digest") == (
        original.rec_headers.get_header("WARC-Payload-Digest")
    )
    assert revisit.http_headers.get_header("Content-Type") == "text/html; charset=UTF-8"
    assert records[3][1] == b""
    assert writer.revisits_written == 1


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"status": 404}, "not a 200"),
        ({"truncated": "disconnect"}, "truncated"),
        ({"response_body": b""}, "empty"),
    ],
)
def test_no_revisit_for(tmp_path: Path, overrides: dict[str, Any], reason: str) -> None:
    with make_writer(tmp_path) as writer:
        for n in range(2):
            exchange = make_exchange(url=f"https://blog.example/{n}/", **overrides)
            written = writer.write_exchange(exchange)
            assert written.record_type == "response", reason
    assert writer.revisits_written == 0


def test_revisit_across_rotated_files(tmp_path: Path) -> None:
    writer = make_writer(tmp_path, max_bytes=600)
    bodies = [b"same body " * 40, b"other body " * 40, b"same body " * 40]
    written = [
        writer.write_exchange(
            make_exchange(url=f"https://blog.example/{n}/", status=200, response_body=body)
        )
        for n, body in enumerate(bodies)
    ]
    writer.close()
    paths = writer.finished_paths
    assert len(paths) == 3
    assert [w.record_type for w in written] == ["response", "response", "revisit"]
    assert written[2].filename == paths[2].name
    assert written[2].refers_to is not None
    assert written[2].refers_to.record_id == written[0].record_id
    revisit = next(r for r, _ in read_decoded(paths[2]) if r.rec_type == "revisit")
    assert revisit.rec_headers.get_header("WARC-Refers-To") == written[0].record_id
    for path in paths:
        check = subprocess.run(
            [sys.executable, "-m", "warcio.cli", "check", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_gzip_level_changes_the_compression_not_the_records(tmp_path: Path) -> None:
    """Each record is its own gzip member at GZIP_LEVEL; decompressed, the file is what
    warcio's own writer (level 9) writes."""
    written = {}
    for level in (1, 9):
        writer = RotatingWarcWriter(
            tmp_path / str(level),
            "test",
            WarcInfo(crawl_name="t"),
            hostname="host",
            clock=fixed_clock(),
            record_ids=fixed_ids(),
            gzip_level=level,
        )
        with writer:
            writer.write_exchange(make_exchange(status=200, response_body=b"<p>x</p>" * 500))
            located = writer.write_exchange(make_exchange(url="https://blog.example/b/"))
        (path,) = writer.finished_paths
        data = path.read_bytes()
        # Members start where the records are said to start: a reader can seek there.
        assert data[located.offset : located.offset + 2] == b"\x1f\x8b"
        written[level] = (gzip.decompress(data), len(data))
    assert written[1][0] == written[9][0]
    assert written[1][1] != written[9][1]


def test_revisits_off(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, "test", WarcInfo(crawl_name="t"), revisits=False)
    with writer:
        for n in range(2):
            exchange = make_exchange(url=f"https://blog.example/{n}/", status=200)
            assert writer.write_exchange(exchange).record_type == "response"


# --------------------------------------------------------------------------- external tools


def test_warcio_check_and_cdxj_index(tmp_path: Path) -> None:
    writer = make_writer(tmp_path, max_bytes=1500)
    urls = [f"https://blog.example/{n}/?p={n}" for n in range(5)]
    for url in urls:
        writer.write_exchange(
            make_exchange(
                url=url,
                status=200,
                response_headers=((b"Content-Encoding", b"gzip"),),
                response_body=gzip.compress(b"y" * 500, mtime=0),
            )
        )
    writer.write_metadata("urn:blog-archiver:summary", "application/json", b"{}")
    writer.close()
    assert len(writer.finished_paths) > 1

    for path in writer.finished_paths:
        check = subprocess.run(
            [sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "digest pass" in check.stdout

    index = subprocess.run(
        [sys.executable, "-m", "cdxj_indexer.main", *map(str, writer.finished_paths)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries = [json.loads(line.split(" ", 2)[2]) for line in index.splitlines()]
    indexed = {e["url"]: e for e in entries if e.get("mime") != "application/json"}
    assert set(indexed) == set(urls)
    names = {p.name for p in writer.finished_paths}
    for entry in indexed.values():
        assert entry["status"] == "200"
        assert entry["filename"] in names
