"""``archiver verify``: check a crawl's WARC files with warcio, as an archivist would.

For each WARC file: it parses with warcio's ``ArchiveIterator``; block and payload
digests hold (the checks of ``warcio check``); no record is cut short, the last one
included (``warcio check`` stops silently at a file cut inside its last record, be it in
the headers, the block or the gzip trailer); the first record is ``warcinfo``; record ids
are unique; every ``response``/``revisit`` has a ``request`` linked by
``WARC-Concurrent-To`` (either way) with the same ``WARC-Target-URI``; every ``revisit``
refers to a record in the files checked, with the same payload digest (for a crawl
folder, a revisit of an earlier crawl's record, as re-archiving writes, may refer to the
WARC files of the other crawl folders of the site). For a crawl folder, also: no
``*.open`` file is left, and when ``index.cdxj`` exists, each line points at a record
(file, offset, URL) and every response/revisit record has a line.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader

from archiver.warc.cdxj import INDEX_FILE

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

__all__ = ["WARC_SUFFIXES", "Defect", "WarcVerifier", "cut_record"]

WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.open", ".warc.gz.open")
_CAPTURES = ("response", "revisit")
# AttributeError: warcio's, on a record cut inside its headers, before WARC-Target-URI
_UNREADABLE = (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError, AttributeError)


@dataclass(frozen=True, slots=True)
class Defect:
    where: str
    """``file:offset`` of the record, ``index.cdxj:line`` or a path."""
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Record:
    where: str
    path: Path
    type: str
    headers: Any  # warcio StatusAndHeaders

    def get(self, name: str) -> str:
        return str(self.headers.get_header(name) or "")


class WarcVerifier:
    """Check WARC files, and for crawl folders their leftovers and ``index.cdxj``.

    :param paths: crawl folders (every ``*.warc.gz``/``*.warc`` in them) and WARC files.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        self.folders = [path for path in paths if path.is_dir()]
        found = [p for d in self.folders for p in (*d.glob("*.warc.gz"), *d.glob("*.warc"))]
        self.files = sorted({*found, *(path for path in paths if not path.is_dir())})
        self.defects: list[Defect] = []
        self.records: dict[str, _Record] = {}
        self.requests: dict[str, str] = {}  # WARC-Concurrent-To of a request -> its URI
        self.at: dict[tuple[Path, int], _Record] = {}  # (resolved file, offset) -> record
        self.index_lines = 0
        self._earlier: dict[str, str] | None = None  # other crawls' responses: id -> digest

    def run(self) -> list[Defect]:
        """Run every check; return the defects found (none: the crawl is sound)."""
        for folder in self.folders:
            for leftover in sorted(folder.glob("*.open")):
                self._defect(str(leftover), "unfinished .open file left in the crawl folder")
            if not any(path.parent == folder for path in self.files):
                self._defect(str(folder), "no WARC files in the folder")
        for path in self.files:
            if path.name.endswith(".open"):
                self._defect(str(path), "unfinished .open file")
            self._check_file(path)
        self._check_links()
        for folder in self.folders:
            if (folder / INDEX_FILE).is_file():
                self._check_index(folder / INDEX_FILE)
        return self.defects

    def _defect(self, where: str, message: str) -> None:
        self.defects.append(Defect(where, message))

    def _check_file(self, path: Path) -> None:
        start = end = 0  # offset and end of the last record read
        try:
            with path.open("rb") as stream:
                iterator = ArchiveIterator(stream, check_digests=True)
                for number, warc in enumerate(iterator):
                    while warc.raw_stream.read(1 << 20):  # digests are checked as it reads
                        pass
                    start = iterator.get_record_offset()
                    end = start + iterator.get_record_length()
                    where = f"{path}:{start}"
                    if not isinstance(warc.raw_stream, LimitReader):  # no Content-Length
                        self._defect(where, "WARC headers cut short (no Content-Length)")
                        continue
                    if number == 0 and warc.rec_type != "warcinfo":
                        self._defect(where, f"first record is {warc.rec_type}, not warcinfo")
                    for problem in warc.digest_checker.problems:
                        self._defect(where, problem)
                    if warc.raw_stream.limit:  # warcio (and `warcio check`) stop silently
                        self._defect(where, f"truncated: {warc.raw_stream.limit} bytes missing")
                    self._add(_Record(where, path, warc.rec_type, warc.rec_headers), start)
        except _UNREADABLE as exc:
            self._defect(f"{path}:{end}", f"unreadable from here on: {exc}".rstrip())
        if cut := cut_record(path, start, end):
            self.defects.append(cut)

    def _add(self, record: _Record, offset: int) -> None:
        record_id = record.get("WARC-Record-ID")
        if not record_id or record_id in self.records:
            self._defect(record.where, f"missing or duplicate WARC-Record-ID {record_id!r}")
        self.records[record_id] = self.at[record.path.resolve(), offset] = record
        if record.type == "request":
            self.requests[record.get("WARC-Concurrent-To")] = record.get("WARC-Target-URI")

    def _check_links(self) -> None:
        by_capture = {
            (r.get("WARC-Target-URI"), r.get("WARC-Date")): r
            for r in self.records.values()
            if r.type == "response"
        }
        for record_id, record in self.records.items():
            if record.type not in _CAPTURES:
                continue
            uri = record.get("WARC-Target-URI")
            linked = self.records.get(record.get("WARC-Concurrent-To"))
            if linked is not None and linked.type == "request":
                self.requests.setdefault(record_id, linked.get("WARC-Target-URI"))
            if record_id not in self.requests:
                self._defect(record.where, f"{record.type} {uri} has no request record")
            elif self.requests[record_id] != uri:
                self._defect(record.where, f"its request is for {self.requests[record_id]}")
            if record.type != "revisit":
                continue
            refers = (record.get("WARC-Refers-To-Target-URI"), record.get("WARC-Refers-To-Date"))
            original = self.records.get(record.get("WARC-Refers-To")) or by_capture.get(refers)
            digest = original.get("WARC-Payload-Digest") if original is not None else None
            if original is None:
                digest = self._earlier_responses().get(record.get("WARC-Refers-To"))
            if digest is None:
                self._defect(record.where, "revisit refers to a record not in these files")
            elif digest != record.get("WARC-Payload-Digest"):
                self._defect(record.where, "revisit's payload digest differs from the original")

    def _earlier_responses(self) -> dict[str, str]:
        """Record id -> payload digest of the responses in the site's other crawl folders
        (read once, headers only, when a revisit refers outside the files checked)."""
        if self._earlier is None:
            self._earlier = {}
            checked = {folder.resolve() for folder in self.folders}
            sites = {folder.resolve().parent for folder in self.folders}
            for path in sorted(p for site in sites for p in site.glob("*/*.warc.gz")):
                if path.parent in checked:
                    continue
                try:
                    with path.open("rb") as stream:
                        for warc in ArchiveIterator(stream):
                            if warc.rec_type == "response":
                                headers = warc.rec_headers
                                self._earlier[headers.get_header("WARC-Record-ID")] = str(
                                    headers.get_header("WARC-Payload-Digest") or ""
                                )
                except _UNREADABLE:
                    continue  # that crawl's own verify reports it
        return self._earlier

    def _check_index(self, index: Path) -> None:
        lines = index.read_text("utf-8").splitlines()
        self.index_lines += len(lines)
        if lines != sorted(lines):
            self._defect(str(index), "lines are not sorted (pywb searches it by bisection)")
        folder, indexed = index.parent.resolve(), set()
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line.split(" ", 2)[2])
                location = (folder / entry["filename"], int(entry["offset"]))
            except (IndexError, KeyError, ValueError, TypeError):
                self._defect(f"{index}:{number}", "not a CDXJ line with filename and offset")
                continue
            record = self.at.get(location)
            if record is None or record.get("WARC-Target-URI") != entry.get("url"):
                where = f"{entry['filename']}:{entry['offset']}"
                self._defect(
                    f"{index}:{number}", f"points at no {entry.get('url')} record: {where}"
                )
            indexed.add(location)
        for (path, offset), record in self.at.items():
            if record.type in _CAPTURES and path.parent == folder and (path, offset) not in indexed:
                self._defect(record.where, f"{record.type} is not in {INDEX_FILE}")


def cut_record(path: Path, start: int, end: int) -> Defect | None:
    """A defect when ``path`` ends inside a record after the last one warcio read (from
    ``start`` to ``end``): warcio stops without a word there, even when a gzip member only
    lacks its trailer. zlib tells: ``eof`` is set once a member has ended, ``unused_data``
    then holds the members that follow.
    """
    with path.open("rb") as stream:
        if ".gz" not in path.suffixes:  # only the blank lines ending the record may follow
            stream.seek(end)
            cut = stream.read(8).strip(b"\r\n")
            return Defect(f"{path}:{end}", "file ends inside a record") if cut else None
        stream.seek(start)
        offset = position = start  # where the current member starts; bytes read so far
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while data := stream.read(1 << 20):
            position += len(data)
            while data:
                try:
                    inflate.decompress(data)  # the output is not needed, only zlib's checks
                except zlib.error as exc:
                    return Defect(f"{path}:{offset}", f"bad gzip member: {exc}")
                if not inflate.eof:
                    break
                data, inflate = inflate.unused_data, zlib.decompressobj(16 + zlib.MAX_WBITS)
                offset = position - len(data)
    if offset == position:
        return None
    return Defect(f"{path}:{offset}", "gzip member truncated: file ends inside a record")
