"""WarcCacheStorage: serve a crawl's WARC files to Scrapy as its HTTP cache, offline.

Rebuilding the JSON from the WARC (``archiver extract``) runs the very same spider,
middlewares and pipelines as a crawl, with Scrapy's ``HttpCacheMiddleware`` answering
every request from the WARC and ignoring anything the WARC lacks. The crawl and the
rebuild thus share one code path, and nothing touches the network.

For each (method, URL) the last response recorded wins, as the crawl's last attempt did
(a 500 retried into a 200 is served as the 200). A ``revisit`` record is served with its
own headers and the payload of the record it refers to.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy import Request, Spider
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

META_KEY = "warc_record"  # the key WarcRecordingMiddleware sets during a crawl


class WarcCacheStorage:
    """A read-only HTTPCACHE_STORAGE over the WARC files in ``ARCHIVER_REPLAY_WARCS``."""

    def __init__(self, settings: BaseSettings) -> None:
        self.paths = [Path(p) for p in settings.getlist("ARCHIVER_REPLAY_WARCS")]
        # (method, url) -> (file, offset) of the last response or revisit; digests of
        # originals so revisits can be resolved. Offsets only: bodies stay on disk.
        self.index: dict[tuple[str, str], tuple[Path, int]] = {}
        self.originals: dict[str, tuple[Path, int]] = {}

    def open_spider(self, spider: Spider | None = None) -> None:
        for path in sorted(self.paths):
            for offset, record in _records(path):
                if record.rec_type not in {"response", "revisit"}:
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI")
                method = "GET"  # the archiver only ever GETs
                self.index[(method, uri)] = (path, offset)
                digest = record.rec_headers.get_header("WARC-Payload-Digest")
                if record.rec_type == "response" and digest:
                    self.originals.setdefault(digest, (path, offset))

    def close_spider(self, spider: Spider | None = None) -> None:
        self.index.clear()
        self.originals.clear()

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        found = self.index.get((request.method, request.url))
        if found is None:
            return None
        path, offset = found
        record, body = _read(path, offset)
        if record.rec_type == "revisit":
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            original = self.originals.get(digest or "")
            if original is None:
                return None
            body = _read(*original)[1]
        status = int(record.http_headers.get_statuscode())
        headers = Headers(
            [
                (name, value)
                for name, value in record.http_headers.headers
                if name.lower() != "x-archive-orig-transfer-encoding"
            ]
        )
        request.meta[META_KEY] = {
            "file": path.name,
            "offset": offset,
            "record_id": record.rec_headers.get_header("WARC-Record-ID"),
        }
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=status, headers=headers, body=body, request=request)

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        """Nothing is stored: the WARC is read-only here."""


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            yield iterator.get_record_offset(), record


def _read(path: Path, offset: int) -> tuple[Any, bytes]:
    """The record at ``offset`` and its HTTP payload exactly as stored (still encoded)."""
    with path.open("rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record, record.raw_stream.read()
