"""WARC records of re-archiving (issue 6): revisits of earlier crawls, server-not-modified
revisits for 304s, and the repair of ``.open`` files a killed crawl left."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.crawl.conditional import request_etag
from archiver.crawl.recording import StatePayloadOrigins
from archiver.state.site import SiteState
from archiver.warc.records import (
    NOT_MODIFIED_PROFILE,
    REVISIT_PROFILE,
    PayloadOrigin,
    WarcInfo,
    payload_digest,
)
from archiver.warc.repair import repair_open_warcs
from archiver.warc.verify import WarcVerifier
from archiver.warc.writer import RotatingWarcWriter
from tests.unit.test_warc import fixed_clock, fixed_ids, make_exchange

if TYPE_CHECKING:
    from pathlib import Path

EARLIER = PayloadOrigin(
    uri="http://blog.example/feed/",
    date="2026-01-01T00:00:00Z",
    record_id="<urn:uuid:earlier>",
    digest=payload_digest(b"<rss>feed</rss>"),
)


def _writer(directory: Path, **kwargs: object) -> RotatingWarcWriter:
    return RotatingWarcWriter(
        directory,
        "test",
        WarcInfo(crawl_name="unit-test"),
        hostname="host",
        clock=fixed_clock(),
        record_ids=fixed_ids(),
        **kwargs,  # type: ignore[arg-type]
    )


def _records(path: Path) -> list[tuple[str, dict[str, str]]]:
    with path.open("rb") as stream:
        return [(r.rec_type, dict(r.rec_headers.headers)) for r in ArchiveIterator(stream)]


def test_a_304_is_a_server_not_modified_revisit_of_the_earlier_capture(tmp_path):
    with _writer(tmp_path) as writer:
        written = writer.write_exchange(
            make_exchange(
                url=EARLIER.uri,
                status=304,
                response_body=b"",
                response_headers=((b"ETag", b'"v1"'),),
            ),
            not_modified=EARLIER,
        )
    assert (written.record_type, written.refers_to) == ("revisit", EARLIER)
    (path,) = writer.finished_paths
    kind, headers = _records(path)[1]
    assert kind == "revisit"
    assert headers["WARC-Profile"] == NOT_MODIFIED_PROFILE
    assert headers["WARC-Refers-To"] == EARLIER.record_id
    assert headers["WARC-Refers-To-Target-URI"] == EARLIER.uri
    assert headers["WARC-Refers-To-Date"] == EARLIER.date
    assert headers["WARC-Payload-Digest"] == EARLIER.digest  # the confirmed payload's


def test_a_payload_an_earlier_crawl_stored_is_a_revisit_of_its_record(tmp_path):
    body = b"<rss>feed</rss>"
    with _writer(tmp_path, payload_origins={EARLIER.digest: EARLIER}) as writer:
        same = writer.write_exchange(make_exchange(url=EARLIER.uri, status=200, response_body=body))
        other = writer.write_exchange(make_exchange(status=200, response_body=b"<p>new</p>"))
    assert same.record_type == "revisit"
    assert same.refers_to == EARLIER
    assert other.record_type == "response"
    (path,) = writer.finished_paths
    headers = _records(path)[1][1]
    assert headers["WARC-Profile"] == REVISIT_PROFILE


def test_with_state_a_repeated_payload_is_found_in_sqlite_not_in_memory(tmp_path):
    """Each response's row is stored after it is written (as ConditionalRequestMiddleware
    does): the next identical payload, in this crawl or a later one, is a revisit of it."""
    state = SiteState(tmp_path / "state.sqlite")
    run = state.begin_crawl(lambda: tmp_path / "c1", full=True, resume=False)
    origins = StatePayloadOrigins(state)
    body = b"<p>the same page</p>"

    def fetch(writer: RotatingWarcWriter, url: str) -> str:
        written = writer.write_exchange(make_exchange(url=url, status=200, response_body=body))
        record = {
            "file": written.filename,
            "offset": written.offset,
            "date": "2026-01-01T00:00:00Z",
        }
        record |= {"record_id": written.record_id, "record_type": written.record_type}
        if written.refers_to is not None:
            record["refers_to"] = {"record_id": written.refers_to.record_id}
        state.record_url(
            run,
            url,
            status=200,
            etag=None,
            last_modified=None,
            payload_digest=payload_digest(body),
            record=record,
        )
        return written.record_type

    with _writer(tmp_path / "c1", payload_origins=origins) as writer:
        assert fetch(writer, "http://blog.example/a/") == "response"
        assert fetch(writer, "http://blog.example/b/") == "revisit"
    found = origins.get(payload_digest(body))
    assert found is not None
    assert (found.uri, found.digest) == ("http://blog.example/a/", payload_digest(body))
    assert origins.get(payload_digest(b"other")) is None
    state.finish_crawl(run)
    state.close()


def test_a_304_without_an_earlier_capture_stays_a_response(tmp_path):
    with _writer(tmp_path) as writer:
        written = writer.write_exchange(make_exchange(status=304, response_body=b""))
    assert written.record_type == "response"


def _file_with_three_exchanges(directory: Path) -> Path:
    """What a crawl writes before it is killed (the kill leaves the ``.open`` name)."""
    with _writer(directory) as writer:
        for n in range(3):
            writer.write_exchange(
                make_exchange(
                    url=f"http://blog.example/{n}/",
                    status=200,
                    response_body=f"<p>{n}</p>".encode(),
                )
            )
    (path,) = writer.finished_paths
    return path


@pytest.mark.parametrize(
    ("cut", "pairs_left"),
    [
        ("whole", 3),  # killed between two exchanges
        ("inside_last_request", 2),
        ("after_last_response", 2),  # the response is there, its request is not
        ("inside_last_response", 2),
        ("inside_warcinfo", 0),
    ],
)
def test_repair_keeps_complete_exchanges_and_renames(tmp_path, cut, pairs_left):
    source = _file_with_three_exchanges(tmp_path / "source")
    data = source.read_bytes()
    with source.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        offsets = [iterator.get_record_offset() for _ in iterator]
    # records: warcinfo, (response, request) x 3
    last_response, last_request = offsets[5], offsets[6]
    end = {
        "whole": len(data),
        "inside_last_request": last_request + 20,
        "after_last_response": last_request,
        "inside_last_response": last_response + 30,
        "inside_warcinfo": 10,
    }[cut]
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / f"{source.name}.open").write_bytes(data[:end])
    repaired = repair_open_warcs(crawl)
    assert not list(crawl.glob("*.open"))
    if pairs_left == 0:
        assert repaired == []
        return
    (path,) = repaired
    assert path.name == source.name
    types = [kind for kind, _ in _records(path)]
    assert types == ["warcinfo"] + ["response", "request"] * pairs_left
    assert WarcVerifier([path]).run() == []


@pytest.mark.parametrize(
    ("stored", "sent"),
    [
        ('"bca9517de1074a5c9c1406c5deafe471-gzip"', '"bca9517de1074a5c9c1406c5deafe471"'),
        ('"5e1-5f2a-br"', '"5e1-5f2a"'),
        ('W/"abc"', 'W/"abc"'),
        ('"gzip"', '"gzip"'),
    ],
)
def test_conditional_requests_send_the_etag_the_application_made(stored, sent):
    # The first value is what Apache (mod_deflate) sent for the test WordPress's feed.
    assert request_etag(stored) == sent
