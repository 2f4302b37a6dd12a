"""RotatingWarcWriter: WARC records into size-rotated ``.warc.gz`` files, one gzip member each.

Building records is :mod:`archiver.warc.records`' job; this module only serializes them
(warcio's ``WARCWriter``) into files it names, opens lazily, rotates by size and renames
from ``.open`` when finished. It also decides when a ``200`` is written as an
identical-payload ``revisit`` of a record already stored (in this crawl, or in an earlier
one through ``payload_origins``), and writes the crawl-log ``metadata`` record.

Files are flushed after each exchange but not fsync'ed until close. A crash leaves a
``*.warc.gz.open`` file whose complete gzip members are readable (see
:mod:`archiver.warc.repair`); finished files are never partial because they are renamed
only by :meth:`RotatingWarcWriter.close`.
"""

from __future__ import annotations

import os
import socket
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from warcio.warcwriter import WARCWriter

from archiver.warc.records import (
    DEFAULT_MAX_BYTES,
    GZIP_LEVEL,
    WARC_VERSION,
    HttpExchange,
    PayloadOrigin,
    PayloadOrigins,
    WarcInfo,
    WrittenRecord,
    build_exchange_records,
    build_metadata_record,
    build_warcinfo_record,
    new_record_id,
    payload_digest,
    sanitize_name,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import TracebackType
    from typing import Self


class _GzipMembers:
    """A file for warcio's WARCWriter (``gzip=False``) that gzips each record into its own
    member at ``level``: what warcio's ``GzippingWrapper`` does at level 9. warcio flushes
    once at the end of every record, which ends the member."""

    def __init__(self, file: IO[bytes], level: int) -> None:
        self.file = file
        self.level = level
        self._compressor: Any = None

    def write(self, data: bytes) -> None:
        if self._compressor is None:
            self._compressor = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.file.write(self._compressor.compress(data))

    def flush(self) -> None:
        if self._compressor is not None:
            self.file.write(self._compressor.flush())
            self._compressor = None
        self.file.flush()


def _utcnow() -> datetime:
    return datetime.now(UTC)


class RotatingWarcWriter:
    """Write records into ``<prefix>-<17-digit UTC time>-<serial>-<host>.warc.gz`` files.

    Each record is its own gzip member. A file is written as ``<name>.open``, kept open
    between records, flushed after each exchange, and renamed to ``<name>`` when it is
    finished: on rotation (after an exchange leaves the file larger than ``max_bytes``;
    an exchange's two records are never split) or on :meth:`close`. Every file starts
    with a ``warcinfo`` record. A file is opened lazily on the first write, so a crawl
    that records nothing leaves no file. Identical ``200`` payloads after the first are
    written as ``revisit`` records (see the module docstring) unless ``revisits`` is off.

    :param directory: where files go (created if missing).
    :param prefix: file name prefix; sanitized to ``[A-Za-z0-9._-]``.
    :param info: warcinfo fields.
    :param max_bytes: rotation threshold for the compressed file size.
    :param hostname: host name used in file names and warcinfo (default: this host).
    :param clock: returns the current UTC time (file names, warcinfo/metadata dates).
    :param record_ids: returns fresh record ids (tests pin them).
    :param revisits: write repeated payloads as ``revisit`` records.
    :param gzip_level: zlib level of each record's gzip member (see ``GZIP_LEVEL``).
    :param payload_origins: payload digest -> first response record with it, read and
        added to by the writer (default: a dict of this writer's own). Given one that
        knows earlier crawls' payloads (or the interrupted run's being resumed), a payload
        among them is a ``revisit`` too.
    """

    def __init__(
        self,
        directory: Path,
        prefix: str,
        info: WarcInfo,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        hostname: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
        record_ids: Callable[[], str] = new_record_id,
        revisits: bool = True,
        gzip_level: int = GZIP_LEVEL,
        payload_origins: PayloadOrigins | None = None,
    ) -> None:
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {max_bytes}")
        self.directory = directory
        self.prefix = sanitize_name(prefix)
        self.info = info
        self.max_bytes = max_bytes
        self.hostname = hostname or socket.gethostname()
        self._host_part = sanitize_name(self.hostname)
        self._clock = clock
        self._record_ids = record_ids
        self._serial = 0
        self._file: IO[bytes] | None = None
        self._writer: Any = None
        self._name = ""
        self._warcinfo_id = ""
        self._finished: list[Path] = []
        self._closed = False
        self.revisits = revisits
        self.gzip_level = gzip_level
        # payload digest -> first 200 response with it; across rotated files
        self._origins: PayloadOrigins = {} if payload_origins is None else payload_origins
        self.records_written = 0
        self.bytes_written = 0
        self.revisits_written = 0

    # -- public API

    @property
    def finished_paths(self) -> list[Path]:
        """Paths of finished (renamed, complete) files, oldest first."""
        return list(self._finished)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (no more records can be written)."""
        return self._closed

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` path being written, if any."""
        return self._open_path(self._name) if self._file is not None else None

    def write_exchange(
        self, exchange: HttpExchange, *, not_modified: PayloadOrigin | None = None
    ) -> WrittenRecord:
        """Write the response and request records of ``exchange``.

        A repeated ``200`` payload becomes a ``revisit`` record referring to the first; a
        ``304`` answering a conditional request for ``not_modified`` (an earlier capture)
        becomes a server-not-modified ``revisit`` referring to it.

        :returns: where the response (or revisit) record was written.
        """
        digest = ""
        original = None
        if exchange.status == 304 and not_modified is not None:
            original = not_modified
        elif (
            self.revisits
            and exchange.status == 200
            and exchange.response_body
            and not exchange.truncated
        ):
            digest = payload_digest(exchange.response_body)
            original = self._origins.get(digest)
        response, request = build_exchange_records(
            exchange,
            response_id=self._record_ids(),
            request_id=self._record_ids(),
            revisit_of=original,
        )
        located = self._write_records(response, request)[0]
        if original is not None:
            self.revisits_written += 1
            return replace(located, record_type="revisit", refers_to=original)
        if digest:
            headers = response.rec_headers
            self._origins[digest] = PayloadOrigin(
                uri=headers.get_header("WARC-Target-URI"),
                date=headers.get_header("WARC-Date"),
                record_id=located.record_id,
            )
        return located

    def write_metadata(
        self,
        uri: str,
        content_type: str,
        payload: bytes,
        *,
        concurrent_to: str | None = None,
    ) -> WrittenRecord:
        """Write one ``metadata`` record (e.g. the end-of-crawl summary)."""
        record = build_metadata_record(
            uri,
            content_type,
            payload,
            date=self._clock(),
            record_id=self._record_ids(),
            concurrent_to=concurrent_to,
        )
        return replace(self._write_records(record)[0], record_type="metadata")

    def close(self) -> None:
        """Finish the current file (rename it to its final name). Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._finish_file()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals

    def _open_path(self, name: str) -> Path:
        return self.directory / f"{name}.open"

    def _write_records(self, *records: Any) -> list[WrittenRecord]:
        if self._closed:
            raise ValueError("write to a closed RotatingWarcWriter")
        if self._file is None:
            self._start_file()
        assert self._file is not None  # noqa: S101 - set by _start_file
        located = []
        start = self._file.tell()
        for record in records:
            record.rec_headers.add_header("WARC-Warcinfo-ID", self._warcinfo_id)
            offset = self._file.tell()
            self._writer.write_record(record)
            located.append(
                WrittenRecord(
                    filename=self._name,
                    offset=offset,
                    length=self._file.tell() - offset,
                    record_id=record.rec_headers.get_header("WARC-Record-ID"),
                )
            )
        self._file.flush()
        self.records_written += len(records)
        self.bytes_written += self._file.tell() - start
        if self._file.tell() > self.max_bytes:
            self._finish_file()
        return located

    def _start_file(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        now = self._clock().astimezone(UTC)
        stamp = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
        name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self._host_part}.warc.gz"
        final = self.directory / name
        if final.exists():
            raise FileExistsError(f"WARC file already exists: {final}")
        # "x": never append to (or clobber) a file another writer left behind.
        self._file = self._open_path(name).open("xb")
        self._name = name
        self._serial += 1
        self._writer = WARCWriter(
            _GzipMembers(self._file, self.gzip_level), gzip=False, warc_version=WARC_VERSION
        )
        self._warcinfo_id = self._record_ids()
        warcinfo = build_warcinfo_record(
            name, self.info, hostname=self.hostname, date=now, record_id=self._warcinfo_id
        )
        self._writer.write_record(warcinfo)
        self._file.flush()
        self.records_written += 1
        self.bytes_written += self._file.tell()

    def _finish_file(self) -> None:
        if self._file is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        self._writer = None
        final = self.directory / self._name
        self._open_path(self._name).rename(final)
        self._finished.append(final)
