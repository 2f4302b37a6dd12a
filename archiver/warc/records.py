"""WARC records for HTTP exchanges, built from plain values (written by archiver.warc.writer).

This module and the writer are the only ones that write with warcio
(:mod:`archiver.warc.verify` reads with it, :mod:`archiver.warc.cdxj` indexes with
cdxj-indexer). It knows nothing about Scrapy: callers
describe what went over the wire with :class:`HttpExchange` (plain values) and this
module turns it into WARC records (:func:`build_exchange_records`) and writes them
(:class:`RotatingWarcWriter`). Building is kept apart from writing, as in warcio
(``RecordBuilder.create_warc_record`` vs. ``WARCWriter``), so records can be compared
byte for byte in tests with a fixed record id and date.

Format choices (the WARC files are the source of truth and must replay in pywb):

* **WARC/1.1.** warcio writes it cleanly (``WARCWriter(warc_version="1.1")``); the only
  visible difference from 1.0 is the version line and ``WARC-Date`` with microseconds.
  pywb, ``warcio check`` and cdxj-indexer all read it.
* **Per exchange:** a ``response`` record, then a ``request`` record carrying
  ``WARC-Concurrent-To: <response id>`` (the order and link warcio's
  ``write_request_response_pair`` uses). Both get the same ``WARC-Date`` (the fetch
  time), ``WARC-Target-URI``, ``WARC-Warcinfo-ID`` (the file's warcinfo record) and
  ``WARC-IP-Address`` when known. warcio computes block and payload digests (sha1).
* **Request line** is ``METHOD /path?query HTTP/1.1`` (the fragment is never sent).
  ``WARC-Target-URI`` is the URL without its fragment. A ``Host`` header is added
  when missing, as Twisted adds it on the wire (``host`` or ``host:port`` for a
  non-default port), and ``Content-Length`` for a body.
* **Status line** uses the real protocol when it is ``HTTP/1.0`` or ``HTTP/1.1``.
  Any other protocol (Scrapy's HTTP/2 handler reports ``"h2"``) is written as
  ``HTTP/1.1`` with the real value in a ``WARC-Protocol`` field, because replay tools
  only parse HTTP/1.x status lines (iipc/warc-specifications#15, #42). The reason
  phrase comes from :class:`http.HTTPStatus` (Scrapy does not keep the server's
  phrase); it is empty for unknown codes.
* **Bodies are stored as received**, still content-encoded: a gzip body stays gzip and
  ``Content-Encoding: gzip`` is kept, so the payload digest is the digest of the bytes
  the server sent and warcio's ``content_stream()`` decodes it on read.
* **Transfer-Encoding is renamed** to ``X-Archive-Orig-Transfer-Encoding``. Bodies
  reach us de-chunked (Scrapy's HTTP/1.1 handler decodes chunking), so keeping
  ``Transfer-Encoding: chunked`` would make readers try to de-chunk plain bytes. The
  renamed field (the convention wget/pywb use for rewritten headers) keeps the
  information without the false claim.
* **Truncation:** an exchange marked ``truncated`` gets ``WARC-Truncated`` on its
  response record (e.g. Scrapy's ``dataloss`` flag -> ``"disconnect"``).
* **Revisits within a crawl:** a complete, non-empty ``200`` response whose payload
  digest (sha1 of the body as stored, still content-encoded) equals that of a ``200``
  response already written by the same :class:`RotatingWarcWriter` (any of its rotated
  files) is written as a ``revisit`` record with the identical-payload-digest profile
  (``http://netpreserve.org/warc/1.1/revisit/identical-payload-digest``, the URI of the
  WARC 1.1 spec and of warcio; the 1.0 one for WARC/1.0): the same WARC and HTTP
  headers, no body, plus ``WARC-Refers-To`` (the original's record id),
  ``WARC-Refers-To-Target-URI`` and ``WARC-Refers-To-Date``. Its request record
  follows as usual. Only ``digest -> (uri, date, record id)`` is kept, in memory or, for
  crawls that keep state, in the state's SQLite (``payload_origins``).
* **Revisits across crawls** (:mod:`archiver.state.site`): the writer can be given the
  payloads earlier crawls stored (``payload_origins``), so an unchanged page is a
  ``revisit`` of the earlier crawl's record; a ``304`` answering a conditional GET is a
  ``revisit`` with the server-not-modified profile, with the 304's own headers and the
  confirmed capture's payload digest. Replaying them needs the earlier WARCs too.
* **Crawl log:** :meth:`RotatingWarcWriter.write_metadata` writes ``metadata`` records;
  the middleware writes one ``urn:blog-archiver:crawl-log`` record (JSON stats and
  finish reason) before closing, so the WARC alone tells how the crawl went.

Limitations (documented, not fixed here):

* Header values are written as text. Non-ASCII values are percent-encoded by warcio
  (RFC 8187 style), so their exact bytes are not kept. CR/LF inside a value would
  break the record and are replaced by spaces.
* With Scrapy's HTTP/1.1 handler, Twisted strips connection-control headers
  (``Content-Length``, ``Transfer-Encoding``, ``Connection``, ``Keep-Alive``…) from the
  response before Scrapy sees them, and Scrapy title-cases header names, so those are
  not in the record. Replay does not need them: the record's length delimits the body.
* Files are flushed after each exchange but not fsync'ed until close. A crash leaves a
  ``*.warc.gz.open`` file whose complete gzip members are readable; finished files are
  never partial because they are renamed only by :meth:`RotatingWarcWriter.close`.
"""

from __future__ import annotations

import base64
import hashlib
import http
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urldefrag, urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

from archiver import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence


WARC_VERSION = "WARC/1.1"


SOFTWARE = f"blog-archiver/{__version__}"


DEFAULT_MAX_BYTES = 1_000_000_000


WARC_FORMAT = "WARC File Format 1.1"


WARC_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


ORIG_TRANSFER_ENCODING = "X-Archive-Orig-Transfer-Encoding"


REVISIT_PROFILE = {
    "WARC/1.0": "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
    "WARC/1.1": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
}[WARC_VERSION]


NOT_MODIFIED_PROFILE = {
    "WARC/1.0": "http://netpreserve.org/warc/1.0/revisit/server-not-modified",
    "WARC/1.1": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
}[WARC_VERSION]


GZIP_LEVEL = 1


"""zlib level of each record's gzip member. warcio uses 9; most bodies arrive already
gzip-compressed, where 9 costs about twice the CPU of 1 for files under 1% smaller (an
uncompressed 95 KB page: 16 KB at 1, 14 KB at 9). Compressing is the WARC writer's largest
cost in the crawling process."""


HeaderPair = tuple[str | bytes, str | bytes]


"""One header as sent or received; repeated names are separate pairs."""


_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


_CRLF = re.compile(r"[\r\n]+")


_DEFAULT_PORTS = {"http": 80, "https": 443}


_HTTP1_PROTOCOLS = ("HTTP/1.0", "HTTP/1.1")


@dataclass(frozen=True, slots=True)
class HttpExchange:
    """One HTTP request and its response, as plain values.

    :param method: request method, e.g. ``"GET"``.
    :param url: full request URL (path and query are kept in the request line).
    :param request_headers: every request header, repeats kept, in order.
    :param request_body: request body bytes.
    :param protocol: response protocol, e.g. ``"HTTP/1.1"`` (or Scrapy's ``"h2"``).
    :param status: response status code.
    :param response_headers: every response header, repeats kept (two ``Set-Cookie``).
    :param response_body: body bytes as received, still content-encoded, de-chunked.
    :param fetched_at: when the response was received; must be timezone-aware.
    :param ip_address: remote IP address, when known.
    :param reason: reason phrase; ``None`` means the :class:`http.HTTPStatus` phrase.
    :param truncated: ``WARC-Truncated`` reason (``"length"``, ``"time"``,
        ``"disconnect"``, ``"unspecified"``) when the body is incomplete.
    """

    method: str
    url: str
    request_headers: tuple[HeaderPair, ...]
    request_body: bytes
    protocol: str
    status: int
    response_headers: tuple[HeaderPair, ...]
    response_body: bytes
    fetched_at: datetime
    ip_address: str | None = None
    reason: str | None = None
    truncated: str | None = None

    def __post_init__(self) -> None:
        if self.fetched_at.tzinfo is None:
            raise ValueError(f"fetched_at must be timezone-aware, got {self.fetched_at!r}")
        if not 100 <= self.status <= 999:
            raise ValueError(f"invalid HTTP status: {self.status}")


@dataclass(frozen=True, slots=True)
class WarcInfo:
    """The fields of the ``warcinfo`` record written first in every file.

    :param crawl_name: written as ``isPartOf``.
    :param operator: who runs the crawl (contact), written as ``operator``.
    :param settings: crawl settings, written as one JSON line ``crawl-settings``.
    :param robots: robots.txt policy, ``"obey"`` or ``"ignore"``.
    """

    crawl_name: str
    operator: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    robots: str = "obey"
    software: str = SOFTWARE
    description: str = ""

    def fields(self, hostname: str) -> list[tuple[str, str]]:
        """Return the ``name: value`` pairs of the record, empty values left out."""
        pairs = [
            ("software", self.software),
            ("format", WARC_FORMAT),
            ("conformsTo", WARC_CONFORMS_TO),
            ("isPartOf", self.crawl_name),
            ("robots", self.robots),
            ("operator", self.operator),
            ("hostname", hostname),
            ("description", self.description),
            (
                "crawl-settings",
                json.dumps(self.settings, sort_keys=True, default=str) if self.settings else "",
            ),
        ]
        return [(name, _clean_value(value)) for name, value in pairs if value]


@dataclass(frozen=True, slots=True)
class PayloadOrigin:
    """The first record of a payload: what a later ``revisit`` record refers to."""

    uri: str
    """``WARC-Target-URI`` of the original response."""
    date: str
    """``WARC-Date`` of the original response, as written."""
    record_id: str
    """``WARC-Record-ID`` of the original response."""
    digest: str = ""
    """``WARC-Payload-Digest`` of the original (needed for a ``304``, which has no body)."""


class PayloadOrigins(Protocol):
    """Payload digest -> the first response record with that payload (a ``dict`` is one;
    :class:`archiver.crawl.recording.StatePayloadOrigins` reads the state's SQLite instead)."""

    def get(self, digest: str, /) -> PayloadOrigin | None: ...

    def __setitem__(self, digest: str, origin: PayloadOrigin, /) -> None: ...


@dataclass(frozen=True, slots=True)
class WrittenRecord:
    """Where a record landed: enough for provenance and for a direct range read."""

    filename: str
    """Final file name (no directory, never the ``.open`` name)."""
    offset: int
    """Byte offset of the record's gzip member in the file."""
    length: int
    """Compressed length of the record's gzip member."""
    record_id: str
    """``WARC-Record-ID``, e.g. ``<urn:uuid:…>``."""
    record_type: str = "response"
    """``WARC-Type`` of the record: ``response``, ``revisit``, ``metadata``…"""
    refers_to: PayloadOrigin | None = None
    """For a ``revisit``: the response record holding the payload."""


def new_record_id() -> str:
    """Return a fresh ``<urn:uuid:…>`` record id."""
    return str(StatusAndHeadersParser.make_warc_id())


def payload_digest(body: bytes) -> str:
    """Return the ``WARC-Payload-Digest`` value of ``body`` (``sha1:`` + base32, as warcio)."""
    digest = hashlib.sha1(body, usedforsecurity=False).digest()
    return "sha1:" + base64.b32encode(digest).decode("ascii")


def reason_phrase(status: int) -> str:
    """Return the standard reason phrase for ``status``, ``""`` if unknown."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def sanitize_name(value: str) -> str:
    """Make ``value`` safe inside a file name: only ``[A-Za-z0-9._-]``, no ``..``.

    :raises ValueError: if nothing usable is left.
    """
    cleaned = _UNSAFE_NAME_CHARS.sub("-", value).strip("-.")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    if not cleaned:
        raise ValueError(f"cannot make a file name part from {value!r}")
    return cleaned


def warc_date(moment: datetime) -> str:
    """Format ``moment`` as a WARC/1.1 date (UTC, microseconds when non-zero)."""
    utc = moment.astimezone(UTC)
    if utc.microsecond:
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: str | bytes) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")
    return value


def _clean_value(value: str | bytes) -> str:
    # A CR or LF inside a value would end the header block early.
    return _CRLF.sub(" ", _text(value)).strip()


def _header_list(headers: Iterable[HeaderPair]) -> list[tuple[str, str]]:
    return [(_clean_value(name), _clean_value(value)) for name, value in headers]


def _has_header(headers: Sequence[tuple[str, str]], name: str) -> bool:
    lowered = name.lower()
    return any(key.lower() == lowered for key, _ in headers)


def _host_value(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    return target


def _builder() -> RecordBuilder:
    return RecordBuilder(warc_version=WARC_VERSION)


def _warc_headers(record_type: str, record_id: str, pairs: Iterable[tuple[str, str]]) -> Any:
    headers = [("WARC-Type", record_type), ("WARC-Record-ID", record_id)]
    headers.extend((name, value) for name, value in pairs if value)
    return StatusAndHeaders("", headers, protocol=WARC_VERSION)


def build_exchange_records(
    exchange: HttpExchange,
    *,
    response_id: str | None = None,
    request_id: str | None = None,
    revisit_of: PayloadOrigin | None = None,
) -> tuple[Any, Any]:
    """Build the ``(response, request)`` warcio records for one exchange.

    The request record carries ``WARC-Concurrent-To`` pointing at the response. Record
    ids are fresh uuids unless given (tests pin them, like warcio's
    ``FixedTestRecordMixin``); ``WARC-Date`` is always ``exchange.fetched_at``. With
    ``revisit_of`` (the caller has checked that the payload digests are equal) the first
    record is a ``revisit`` record referring to that response: HTTP headers, no body.
    A ``304`` with ``revisit_of`` (the capture its conditional request named) is a
    ``revisit`` with the server-not-modified profile: the 304's own headers, and the
    payload digest of the capture it confirms.
    """
    response_id = response_id or new_record_id()
    request_id = request_id or new_record_id()
    date = warc_date(exchange.fetched_at)
    target_uri = urldefrag(exchange.url).url  # the fragment is never sent
    builder = _builder()

    # -- response
    protocol = exchange.protocol.upper()
    warc_protocol = ""
    if protocol not in _HTTP1_PROTOCOLS:
        warc_protocol = exchange.protocol
        protocol = "HTTP/1.1"
    reason = reason_phrase(exchange.status) if exchange.reason is None else exchange.reason
    response_headers = [
        (ORIG_TRANSFER_ENCODING if name.lower() == "transfer-encoding" else name, value)
        for name, value in _header_list(exchange.response_headers)
    ]
    status_line = f"{exchange.status} {_clean_value(reason)}".rstrip()
    response_fields = [
        ("WARC-Target-URI", target_uri),
        ("WARC-Date", date),
        ("WARC-IP-Address", exchange.ip_address or ""),
        ("WARC-Protocol", warc_protocol),
        ("WARC-Truncated", exchange.truncated or ""),
    ]
    body = exchange.response_body
    record_type = "response"
    if revisit_of is not None:
        not_modified = exchange.status == 304
        record_type, body = "revisit", b""
        response_fields += [
            ("WARC-Profile", NOT_MODIFIED_PROFILE if not_modified else REVISIT_PROFILE),
            ("WARC-Refers-To", revisit_of.record_id),
            ("WARC-Refers-To-Target-URI", revisit_of.uri),
            ("WARC-Refers-To-Date", revisit_of.date),
            (
                "WARC-Payload-Digest",
                revisit_of.digest if not_modified else payload_digest(exchange.response_body),
            ),
        ]
    response = builder.create_warc_record(
        target_uri,
        record_type,
        payload=BytesIO(body),
        length=len(body),
        warc_content_type="application/http; msgtype=response",
        warc_headers=_warc_headers(record_type, response_id, response_fields),
        http_headers=StatusAndHeaders(status_line, response_headers, protocol=protocol),
    )

    # -- request
    request_headers = _header_list(exchange.request_headers)
    if not _has_header(request_headers, "Host"):
        request_headers.insert(0, ("Host", _host_value(exchange.url)))
    if (exchange.request_body or exchange.method.upper() == "POST") and not _has_header(
        request_headers, "Content-Length"
    ):
        request_headers.append(("Content-Length", str(len(exchange.request_body))))
    request_line = f"{exchange.method.upper()} {_request_target(exchange.url)} HTTP/1.1"
    request = builder.create_warc_record(
        target_uri,
        "request",
        payload=BytesIO(exchange.request_body),
        length=len(exchange.request_body),
        warc_headers=_warc_headers(
            "request",
            request_id,
            [
                ("WARC-Target-URI", target_uri),
                ("WARC-Date", date),
                ("WARC-IP-Address", exchange.ip_address or ""),
                ("WARC-Concurrent-To", response_id),
            ],
        ),
        http_headers=StatusAndHeaders(request_line, request_headers, is_http_request=True),
    )
    return response, request


def build_warcinfo_record(
    filename: str,
    info: WarcInfo,
    *,
    hostname: str,
    date: datetime,
    record_id: str | None = None,
) -> Any:
    """Build the ``warcinfo`` record (``application/warc-fields``) for ``filename``."""
    body = "".join(f"{name}: {value}\r\n" for name, value in info.fields(hostname)).encode()
    return _builder().create_warc_record(
        "",
        "warcinfo",
        payload=BytesIO(body),
        length=len(body),
        warc_content_type="application/warc-fields",
        warc_headers=_warc_headers(
            "warcinfo",
            record_id or new_record_id(),
            [("WARC-Filename", filename), ("WARC-Date", warc_date(date))],
        ),
    )


def build_metadata_record(
    uri: str,
    content_type: str,
    payload: bytes,
    *,
    date: datetime,
    record_id: str | None = None,
    concurrent_to: str | None = None,
) -> Any:
    """Build a ``metadata`` record (e.g. a crawl log or end-of-crawl summary)."""
    return _builder().create_warc_record(
        uri,
        "metadata",
        payload=BytesIO(payload),
        length=len(payload),
        warc_content_type=content_type,
        warc_headers=_warc_headers(
            "metadata",
            record_id or new_record_id(),
            [
                ("WARC-Target-URI", uri),
                ("WARC-Date", warc_date(date)),
                ("WARC-Concurrent-To", concurrent_to or ""),
            ],
        ),
    )
