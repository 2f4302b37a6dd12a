"""Component tests: WarcRecordingMiddleware built from a crawler, fed hand-made responses."""

from __future__ import annotations

import gzip
import ipaddress
import json
import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import brotli
import pytest
from backports import zstd
from scrapy import signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archiver.crawl.recording import CRAWL_LOG_URI, META_KEY, WarcRecordingMiddleware

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from scrapy.crawler import Crawler

HTML = b"<html><body><article>Post body</article></body></html>"


class FakeSpider:
    name = "wordpress"

    def __init__(self, crawl_dir: Path | None = None) -> None:
        if crawl_dir is not None:
            self.crawl_dir = crawl_dir


def make_crawler(**settings: Any) -> Crawler:
    return get_crawler(settings_dict={"ARCHIVER_OPERATOR": "ops@example.org", **settings})


def open_middleware(crawler: Crawler, spider: FakeSpider) -> WarcRecordingMiddleware:
    mw = build_from_crawler(WarcRecordingMiddleware, crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    return mw


def close_middleware(crawler: Crawler, spider: FakeSpider) -> None:
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")


def read_warcs(directory: Path) -> list[tuple[Any, bytes, bytes]]:
    """(record, raw payload, decoded payload) for every record of every file, in order."""
    out = []
    for path in sorted(directory.glob("*.warc.gz")):
        # two passes: raw_stream and content_stream() consume the same bytes
        with path.open("rb") as stream:
            raw = [(r, r.raw_stream.read()) for r in ArchiveIterator(stream)]
        with path.open("rb") as stream:
            decoded = [r.content_stream().read() for r in ArchiveIterator(stream)]
        out += [(record, body, text) for (record, body), text in zip(raw, decoded, strict=True)]
    return out


def responses(records: list[tuple[Any, bytes, bytes]]) -> dict[str, tuple[Any, bytes, bytes]]:
    return {
        r.rec_headers.get_header("WARC-Target-URI"): (r, raw, body)
        for r, raw, body in records
        if r.rec_type == "response"
    }


def test_records_hand_made_exchanges(tmp_path: Path) -> None:
    crawler = make_crawler()
    spider = FakeSpider(crawl_dir=tmp_path / "site" / "20240101T000000Z")
    mw = open_middleware(crawler, spider)

    gz_request = Request(
        "https://blog.example/?p=123",
        headers={"User-Agent": "blog-archiver-test", "Accept-Encoding": "gzip"},
    )
    gz_body = gzip.compress(HTML, mtime=0)
    gz_response = HtmlResponse(
        gz_request.url,
        status=200,
        headers={"Content-Type": "text/html; charset=UTF-8", "Content-Encoding": "gzip"},
        body=gz_body,
        request=gz_request,
        protocol="HTTP/1.1",
        ip_address=ipaddress.ip_address("192.0.2.7"),
    )
    redirect_request = Request("http://blog.example/old-post/")
    redirect = Response(
        redirect_request.url,
        status=301,
        headers={"Location": "https://blog.example/new-post/"},
        request=redirect_request,
    )
    unavailable_request = Request("https://blog.example/busy/")
    unavailable = Response(
        unavailable_request.url,
        status=503,
        headers={"Retry-After": "120"},
        body=b"busy",
        request=unavailable_request,
    )
    cookie_request = Request("https://blog.example/wp-login.php")
    cookie_response = Response(
        cookie_request.url,
        status=200,
        headers={"Set-Cookie": ["a=1; Path=/", "b=2; Path=/"]},
        body=b"ok",
        request=cookie_request,
    )

    pairs = [
        (gz_request, gz_response),
        (redirect_request, redirect),
        (unavailable_request, unavailable),
        (cookie_request, cookie_response),
    ]
    for request, response in pairs:
        mw.process_request(request)
        assert mw.process_response(request, response) is response
    close_middleware(crawler, spider)

    files = sorted(spider.crawl_dir.glob("*.warc.gz"))
    assert len(files) == 1
    assert files[0].name.startswith("blog-archiver-")
    assert sorted(p.name for p in spider.crawl_dir.iterdir()) == [files[0].name, "index.cdxj"]
    records = read_warcs(spider.crawl_dir)
    assert records[0][0].rec_type == "warcinfo"
    assert b"operator: ops@example.org" in records[0][2]
    assert b"isPartOf: wordpress" in records[0][2]
    assert [r.rec_type for r, _, _ in records[1:-1]] == ["response", "request"] * 4
    assert records[-1][0].rec_type == "metadata"  # the crawl log
    by_url = responses(records)

    record, raw, decoded = by_url["https://blog.example/?p=123"]
    assert record.http_headers.protocol == "HTTP/1.1"
    assert record.http_headers.statusline == "200 OK"
    assert record.http_headers.get_header("Content-Encoding") == "gzip"
    assert raw == gz_body
    assert decoded == HTML
    assert record.rec_headers.get_header("WARC-IP-Address") == "192.0.2.7"
    request_record = records[records.index((record, raw, decoded)) + 1][0]
    assert request_record.http_headers.protocol == "GET"
    assert request_record.http_headers.statusline == "/?p=123 HTTP/1.1"
    assert request_record.http_headers.get_header("Host") == "blog.example"
    assert request_record.http_headers.get_header("User-Agent") == "blog-archiver-test"
    assert request_record.rec_headers.get_header("WARC-Concurrent-To") == (
        record.rec_headers.get_header("WARC-Record-ID")
    )

    record, _, _ = by_url["http://blog.example/old-post/"]
    assert record.http_headers.statusline == "301 Moved Permanently"
    assert record.http_headers.get_header("Location") == "https://blog.example/new-post/"

    record, raw, _ = by_url["https://blog.example/busy/"]
    assert record.http_headers.statusline == "503 Service Unavailable"
    assert record.http_headers.get_header("Retry-After") == "120"
    assert raw == b"busy"

    record, _, _ = by_url["https://blog.example/wp-login.php"]
    cookies = [v for k, v in record.http_headers.headers if k.lower() == "set-cookie"]
    assert cookies == ["a=1; Path=/", "b=2; Path=/"]

    # provenance for callbacks
    provenance = gz_response.meta[META_KEY]
    assert provenance["file"] == files[0].name
    assert provenance["record_type"] == "response"
    assert "refers_to" not in provenance
    assert provenance["record_id"] == by_url["https://blog.example/?p=123"][
        0
    ].rec_headers.get_header("WARC-Record-ID")
    with files[0].open("rb") as stream:
        stream.seek(provenance["offset"])
        member = stream.read(provenance["length"])
    assert gzip.decompress(member).startswith(b"WARC/1.1\r\nWARC-Type: response\r\n")

    stats = crawler.stats
    assert stats is not None
    # warcinfo + 4 pairs + crawl log
    assert stats.get_value("archiver/warc/records_written") == 10
    assert stats.get_value("archiver/warc/files_written") == 1
    assert stats.get_value("archiver/warc/bytes_written") == files[0].stat().st_size


def test_sees_compressed_body_before_httpcompression(tmp_path: Path) -> None:
    crawler = make_crawler()
    spider = FakeSpider(crawl_dir=tmp_path)
    mw = open_middleware(crawler, spider)
    decompressor = build_from_crawler(HttpCompressionMiddleware, crawler)
    request = Request("https://blog.example/feed/")
    response = Response(
        request.url,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
        body=gzip.compress(HTML, mtime=0),
        request=request,
    )
    # 890 runs before 590 on the way back from the downloader
    recorded = mw.process_response(request, response)
    decoded = decompressor.process_response(request, recorded)
    close_middleware(crawler, spider)

    assert decoded.body == HTML
    _, raw, body = responses(read_warcs(tmp_path))[request.url]
    assert raw == response.body
    assert body == HTML


def test_cached_responses_are_skipped(tmp_path: Path) -> None:
    crawler = make_crawler()
    spider = FakeSpider(crawl_dir=tmp_path)
    mw = open_middleware(crawler, spider)
    request = Request("https://blog.example/cached/")
    response = Response(request.url, body=b"old", flags=["cached"], request=request)
    assert mw.process_response(request, response) is response
    close_middleware(crawler, spider)

    assert META_KEY not in request.meta
    # nothing recorded but the crawl log, which says why
    records = read_warcs(tmp_path)
    assert [r.rec_type for r, _, _ in records] == ["warcinfo", "metadata"]
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/warc/responses_skipped_cached") == 1


def test_default_directory_and_settings(tmp_path: Path) -> None:
    crawler = make_crawler(
        ARCHIVER_OUTPUT_DIR=str(tmp_path),
        ARCHIVER_WARC_PREFIX="my crawl/../x",
        ARCHIVER_WARC_MAX_BYTES=600,
    )
    spider = FakeSpider()
    mw = open_middleware(crawler, spider)
    for n in range(3):
        request = Request(f"https://blog.example/{n}/")
        body = bytes([65 + n]) * 500
        mw.process_response(request, Response(request.url, body=body, request=request))
    close_middleware(crawler, spider)
    close_middleware(crawler, spider)  # closing twice is harmless

    files = sorted((tmp_path / "wordpress").glob("*.warc.gz"))
    assert len(files) == 4  # one exchange each, then the crawl log in a fourth file
    assert all(f.name.startswith("my-crawl-.-x-") for f in files)
    assert [f.name.split("-")[-2] for f in files] == ["00000", "00001", "00002", "00003"]
    assert (tmp_path / "wordpress" / "index.cdxj").is_file()
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/warc/files_written") == 4


def test_disabled_raises_not_configured() -> None:
    crawler = make_crawler(ARCHIVER_WARC_ENABLED=False)
    with pytest.raises(NotConfigured):
        build_from_crawler(WarcRecordingMiddleware, crawler)


def _exchange(mw: WarcRecordingMiddleware, url: str, body: bytes, status: int = 200) -> Request:
    request = Request(url)
    mw.process_request(request)
    mw.process_response(request, Response(url, status=status, body=body, request=request))
    return request


def test_identical_payload_becomes_revisit(tmp_path: Path) -> None:
    crawler = make_crawler()
    spider = FakeSpider(crawl_dir=tmp_path)
    mw = open_middleware(crawler, spider)
    first = _exchange(mw, "https://blog.example/wp-json/wp/v2/comments?post=1", b"[]")
    again = _exchange(mw, "https://blog.example/wp-json/wp/v2/comments?post=2", b"[]")
    missing = _exchange(mw, "https://blog.example/gone/", b"[]", status=404)
    other = _exchange(mw, "https://blog.example/wp-json/wp/v2/comments?post=3", b"[{}]")
    close_middleware(crawler, spider)

    records = read_warcs(tmp_path)
    types = [r.rec_type for r, _, _ in records]
    assert types[:5] == ["warcinfo", "response", "request", "revisit", "request"]
    assert types[5:] == ["response", "request", "response", "request", "metadata"]
    original, revisit = records[1][0], records[3][0]
    original_id = original.rec_headers.get_header("WARC-Record-ID")
    assert revisit.rec_headers.get_header("WARC-Refers-To") == original_id
    assert revisit.rec_headers.get_header("WARC-Refers-To-Target-URI") == first.url
    assert revisit.rec_headers.get_header("WARC-Payload-Digest") == (
        original.rec_headers.get_header("WARC-Payload-Digest")
    )
    assert records[3][1] == b""  # headers kept, no payload
    assert revisit.http_headers.statusline == "200 OK"
    revisit_id = revisit.rec_headers.get_header("WARC-Record-ID")
    assert records[4][0].rec_headers.get_header("WARC-Concurrent-To") == revisit_id

    # provenance points at the revisit record and notes the original
    assert first.meta[META_KEY]["record_type"] == "response"
    provenance = again.meta[META_KEY]
    assert provenance["record_type"] == "revisit"
    assert provenance["record_id"] == revisit_id
    assert provenance["refers_to"] == {
        "uri": first.url,
        "date": original.rec_headers.get_header("WARC-Date"),
        "record_id": original_id,
    }
    assert missing.meta[META_KEY]["record_type"] == "response"
    assert other.meta[META_KEY]["record_type"] == "response"
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/warc/revisits_written") == 1


def test_revisits_can_be_turned_off(tmp_path: Path) -> None:
    crawler = make_crawler(ARCHIVER_WARC_REVISITS=False)
    spider = FakeSpider(crawl_dir=tmp_path)
    mw = open_middleware(crawler, spider)
    _exchange(mw, "https://blog.example/a/", b"same")
    _exchange(mw, "https://blog.example/b/", b"same")
    close_middleware(crawler, spider)
    assert "revisit" not in [r.rec_type for r, _, _ in read_warcs(tmp_path)]


def test_crawl_log_and_index_written_at_close(tmp_path: Path) -> None:
    crawler = make_crawler()
    spider = FakeSpider(crawl_dir=tmp_path)
    mw = open_middleware(crawler, spider)
    assert crawler.stats is not None
    crawler.stats.set_value("test/when", datetime(2024, 1, 1, tzinfo=UTC))
    crawler.stats.set_value("test/not_json", object())
    for n in range(3):
        _exchange(mw, f"https://blog.example/?p={n}", f"post {n}".encode())
    close_middleware(crawler, spider)

    records = read_warcs(tmp_path)
    log, _, body = records[-1]
    assert log.rec_type == "metadata"
    assert log.rec_headers.get_header("WARC-Target-URI") == CRAWL_LOG_URI
    assert log.rec_headers.get_header("Content-Type") == "application/json"
    crawl_log = json.loads(body)
    assert crawl_log["finish_reason"] == "finished"
    assert crawl_log["stats"]["test/when"] == "2024-01-01T00:00:00+00:00"
    assert crawl_log["stats"]["archiver/warc/records_written"] == 7
    assert "test/not_json" not in crawl_log["stats"]

    # the index is cdxj-indexer's, sorted, one line per response and the crawl log
    lines = (tmp_path / "index.cdxj").read_text("utf-8").splitlines()
    assert lines == sorted(lines)
    assert crawler.stats.get_value("archiver/warc/index_lines") == len(lines) == 4
    [warc] = tmp_path.glob("*.warc.gz")
    with warc.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        offsets = {
            (r.rec_headers.get_header("WARC-Target-URI"), iterator.get_record_offset())
            for r in iterator
            if r.rec_type in ("response", "metadata")
        }
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    assert {(e["url"], int(e["offset"])) for e in entries} == offsets
    assert {e["filename"] for e in entries} == {warc.name}


def test_index_can_be_turned_off(tmp_path: Path) -> None:
    crawler = make_crawler(ARCHIVER_WARC_INDEX=False)
    spider = FakeSpider(crawl_dir=tmp_path)
    mw = open_middleware(crawler, spider)
    _exchange(mw, "https://blog.example/a/", b"a")
    close_middleware(crawler, spider)
    assert not (tmp_path / "index.cdxj").exists()


def _deflate(data: bytes) -> bytes:
    return zlib.compress(data)


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", lambda data: gzip.compress(data, mtime=0)),
        ("deflate", _deflate),
        ("br", brotli.compress),
        ("zstd", zstd.compress),
    ],
)
def test_every_content_encoding_is_stored_as_sent(
    tmp_path: Path, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    crawler = make_crawler()
    spider = FakeSpider(crawl_dir=tmp_path)
    mw = open_middleware(crawler, spider)
    decompressor = build_from_crawler(HttpCompressionMiddleware, crawler)
    request = Request(f"https://blog.example/{encoding}/")
    encoded = encode(HTML)
    response = Response(
        request.url,
        headers={"Content-Encoding": encoding, "Content-Type": "text/html"},
        body=encoded,
        request=request,
    )
    decoded = decompressor.process_response(request, mw.process_response(request, response))
    close_middleware(crawler, spider)

    assert decoded.body == HTML  # what the spider parses
    # Raw payloads only: warcio's own br decoding (content_stream) breaks with brotli 1.2.
    (path,) = tmp_path.glob("*.warc.gz")
    with path.open("rb") as stream:
        stored = {
            r.rec_headers.get_header("WARC-Target-URI"): (r, r.raw_stream.read())
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    record, raw = stored[request.url]
    assert raw == encoded  # what the WARC keeps: the bytes the server sent
    assert record.http_headers.get_header("Content-Encoding") == encoding
