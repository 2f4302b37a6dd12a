"""The responses a crawl's WARC files hold, as the spider saw them, read without Scrapy's engine.

:class:`CaptureIndex` lists every ``response`` and ``revisit`` record of some WARC files
(headers only; bodies stay on disk), the last one of each URL winning as the crawl's last
attempt did (a 500 retried into a 200 is the 200). :func:`read_capture` then gives one
capture's status, headers and decoded text, as Scrapy's middlewares handed it to the
spider: ``Content-Encoding`` undone, the text decoded by Scrapy's own response classes
(same charset rules), a ``revisit`` given the payload of the record it refers to, which
may live in an earlier crawl folder of the same site (incremental crawls), and a
server-not-modified revisit given the earlier capture itself (as
:class:`archiver.crawl.conditional.ConditionalRequestMiddleware` does during the crawl).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.gz import gunzip
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archiver.warc.verify import cut_record

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

# What a truncated or malformed WARC file raises while being read (see archiver.warc.verify).
UNREADABLE = (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError, AttributeError)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DROPPED_HEADERS = frozenset({"x-archive-orig-transfer-encoding"})


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record is: its file, offset and ``WARC-Record-ID``."""

    path: Path
    offset: int
    record_id: str


@dataclass(frozen=True, slots=True)
class Capture:
    """One ``response`` or ``revisit`` record, headers only."""

    url: str
    at: Location
    status: int
    headers: tuple[tuple[str, str], ...]
    revisit_of: str = ""  # WARC-Refers-To of a revisit
    digest: str = ""  # WARC-Payload-Digest
    not_modified: bool = False  # a 304 recorded as a server-not-modified revisit

    def header(self, name: str) -> str:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), "")

    def redirect_target(self) -> str:
        """Where a redirect points (as Scrapy's RedirectMiddleware resolves it), or ""."""
        location = self.header("Location")
        return urljoin(self.url, location) if self.status in _REDIRECTS and location else ""


@dataclass(slots=True)
class CaptureIndex:
    """Every capture of some WARC files, by URL, and what their revisits refer to."""

    captures: dict[str, Capture] = field(default_factory=dict)
    # WARC-Record-ID and payload digest of every response record, for revisits.
    by_record_id: dict[str, Location] = field(default_factory=dict)
    by_digest: dict[str, Location] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # unreadable files and records
    records_read: int = 0
    # Other crawl folders of the site, searched when a revisit refers outside these files.
    sibling_folders: list[Path] = field(default_factory=list)
    _siblings_read: bool = False

    @classmethod
    def of(cls, warcs: Iterable[Path], sibling_folders: Iterable[Path] = ()) -> CaptureIndex:
        index = cls(sibling_folders=list(sibling_folders))
        for path in warcs:
            index.add_file(path)
        return index

    def add_file(self, path: Path) -> None:
        """Index one WARC file. A record cut short (warcio stops silently at a file cut
        inside its last record) or unreadable is reported in ``errors`` and left out."""
        start = end = 0  # offset and end of the last record read
        truncated = -1  # offset of a record found truncated
        try:
            with path.open("rb") as stream:
                iterator = ArchiveIterator(stream)
                for record in iterator:
                    while record.raw_stream.read(1 << 20):  # to its end: was it all there?
                        pass
                    start = iterator.get_record_offset()
                    end = start + iterator.get_record_length()
                    self.records_read += 1
                    missing = getattr(record.raw_stream, "limit", 0)
                    if missing:
                        truncated = start
                        self.errors.append(
                            f"{path.name}:{start}: WARC record truncated, {missing} bytes missing"
                        )
                        continue
                    self._add(path, start, record)
        except UNREADABLE as error:
            self.errors.append(f"{path.name}:{end}: unreadable WARC record: {describe(error)}")
        cut = cut_record(path, start, end)
        if cut is not None and not (truncated == start and cut.where.endswith(f":{start}")):
            self.errors.append(f"{path.name}: {cut.message} ({cut.where})")
            if cut.where.endswith(f":{start}"):  # the last record read is the one cut
                self.captures = {
                    url: c
                    for url, c in self.captures.items()
                    if not (c.at.path == path and c.at.offset == start)
                }

    def _add(self, path: Path, offset: int, record: Any) -> None:
        if record.rec_type not in {"response", "revisit"} or record.http_headers is None:
            return
        header = record.rec_headers.get_header
        at = Location(path, offset, str(header("WARC-Record-ID") or ""))
        digest = str(header("WARC-Payload-Digest") or "")
        if record.rec_type == "response":
            self.by_record_id[at.record_id] = at
            if digest:
                self.by_digest.setdefault(digest, at)
        url = str(header("WARC-Target-URI") or "")
        self.captures[url] = Capture(
            url=url,
            at=at,
            status=int(record.http_headers.get_statuscode()),
            headers=tuple(
                (name, value)
                for name, value in record.http_headers.headers
                if name.lower() not in _DROPPED_HEADERS
            ),
            revisit_of=str(header("WARC-Refers-To") or "") if record.rec_type == "revisit" else "",
            digest=digest,
            not_modified=record.rec_type == "revisit"
            and str(header("WARC-Profile") or "").endswith("/revisit/server-not-modified"),
        )

    def original(self, capture: Capture) -> Location | None:
        """The response record holding a revisit's payload (here or in a sibling folder)."""
        found = self.by_record_id.get(capture.revisit_of)
        if found is None and not self._siblings_read:
            self._read_siblings()
            found = self.by_record_id.get(capture.revisit_of)
        return found or self.by_digest.get(capture.digest)

    def _read_siblings(self) -> None:
        self._siblings_read = True
        for record_id, (at, digest) in sibling_responses(self.sibling_folders).items():
            self.by_record_id.setdefault(record_id, at)
            if digest:
                self.by_digest.setdefault(digest, at)


def sibling_responses(folders: Iterable[Path]) -> dict[str, tuple[Location, str]]:
    """Record id -> (location, payload digest) of every response record in the WARC files
    of ``folders`` (headers only; an unreadable file is skipped: its own verify reports it)."""
    found: dict[str, tuple[Location, str]] = {}
    for path in sorted(p for folder in folders for p in folder.glob("*.warc.gz")):
        try:
            for record, offset in _records(path):
                if record.rec_type == "response":
                    header = record.rec_headers.get_header
                    record_id = str(header("WARC-Record-ID") or "")
                    digest = str(header("WARC-Payload-Digest") or "")
                    found[record_id] = (Location(path, offset, record_id), digest)
        except UNREADABLE:
            continue
    return found


def sibling_crawl_folders(folder: Path) -> list[Path]:
    """The other crawl folders of a crawl folder's site (``output/<site>/<UTC>/``)."""
    folder = folder.resolve()
    return sorted(p for p in folder.parent.iterdir() if p.is_dir() and p != folder)


@dataclass(frozen=True, slots=True)
class Page:
    """A capture as the spider's callback received it."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    text: str | None  # None: not a text response (Scrapy's responsetypes)
    body: bytes
    at: Location  # the record this crawl wrote for it (its provenance)


def read_capture(capture: Capture, original: Location | None) -> Page:
    """The response the spider saw for ``capture`` (``original``: a revisit's payload).

    :raises ValueError: a revisit whose original is not found, or an undecodable body.
    """
    status, headers = capture.status, capture.headers
    if capture.revisit_of or capture.not_modified:
        if original is None:
            raise ValueError(f"revisit of {capture.revisit_of or capture.digest} not found")
        stored, body = read_record(original.path, original.offset)
        if capture.not_modified:  # the spider was handed the earlier capture itself
            status = int(stored.http_headers.get_statuscode())
            headers = tuple(
                (name, value)
                for name, value in stored.http_headers.headers
                if name.lower() not in _DROPPED_HEADERS
            )
    else:
        body = read_record(capture.at.path, capture.at.offset)[1]
    scrapy_headers = Headers(list(headers))
    body, scrapy_headers = _decoded(body, scrapy_headers)
    cls = responsetypes.from_args(headers=scrapy_headers, url=capture.url, body=body)
    response = cls(url=capture.url, status=status, headers=scrapy_headers, body=body)
    text = response.text if isinstance(response, TextResponse) else None
    return Page(capture.url, status, headers, text, body, capture.at)


def read_record(path: Path, offset: int) -> tuple[Any, bytes]:
    """The WARC record at ``offset`` and its HTTP payload as stored (still encoded)."""
    with path.open("rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record, record.raw_stream.read()


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response record's status, headers and body with ``Content-Encoding`` undone."""

    url: str
    status: int
    headers: Headers
    body: bytes

    @property
    def content_type(self) -> str:
        value = self.headers.get("Content-Type") or b""
        return value.decode("latin-1").split(";", 1)[0].strip().lower()

    def text(self) -> str | None:
        """The body decoded as Scrapy decodes it (same charset rules); None if not text."""
        cls = responsetypes.from_args(headers=self.headers, url=self.url, body=self.body)
        response = cls(url=self.url, status=self.status, headers=self.headers, body=self.body)
        return response.text if isinstance(response, TextResponse) else None


def read_stored(path: Path, offset: int) -> StoredResponse:
    """The ``response`` record at ``offset`` of ``path``, decoded.

    :raises ValueError: not a response record with HTTP headers.
    """
    record, body = read_record(path, offset)
    if record.rec_type != "response" or record.http_headers is None:
        raise ValueError(f"{path.name}:{offset}: not a response record ({record.rec_type})")
    headers = Headers(
        [(k, v) for k, v in record.http_headers.headers if k.lower() not in _DROPPED_HEADERS]
    )
    body, headers = _decoded(body, headers)
    url = str(record.rec_headers.get_header("WARC-Target-URI") or "")
    return StoredResponse(url, int(record.http_headers.get_statuscode()), headers, body)


def _decoded(body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    """Undo ``Content-Encoding`` as Scrapy's HttpCompressionMiddleware does."""
    encodings = [
        value.strip().lower()
        for header in headers.getlist("Content-Encoding")
        for value in header.decode("latin-1").split(",")
        if value.strip()
    ]
    if not encodings or not body:
        return body, headers
    for encoding in reversed(encodings):
        if encoding in {"gzip", "x-gzip"}:
            body = gunzip(body)
        elif encoding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:
                body = zlib.decompress(body, -15)
        elif encoding == "br":
            import brotli  # type: ignore[import-not-found,unused-ignore]

            body = brotli.decompress(body)
        else:
            return body, headers  # left encoded, as Scrapy leaves what it cannot decode
    del headers["Content-Encoding"]
    return body, headers


def _records(path: Path) -> Iterator[tuple[Any, int]]:
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            yield record, iterator.get_record_offset()


def describe(error: BaseException) -> str:
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
