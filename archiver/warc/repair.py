"""WARC files an interrupted crawl left open, cut to their last complete exchange.

A crawl killed (SIGKILL, a second Ctrl-C, a crash) leaves ``*.warc.gz.open`` files.
:func:`repair_open_warcs` cuts each after its last complete exchange (a response without
its request record, or a gzip member cut by the kill, is dropped) and renames it, so every
file is warcio-valid; :func:`read_record` reads one stored record back (the resumed crawl
serves it, see :mod:`archiver.crawl.resume`; the rebuild and conditional requests read
earlier captures with it).
"""

from __future__ import annotations

import os
import zlib
from typing import TYPE_CHECKING, Any

from warcio.archiveiterator import ArchiveIterator

if TYPE_CHECKING:
    from pathlib import Path


_PAIRED = {"response", "revisit"}  # records a request record must follow


def _member_complete(data: bytes) -> bool:
    inflater = zlib.decompressobj(wbits=31)
    inflater.decompress(data)
    return inflater.eof


def complete_length(path: Path) -> int:
    """Bytes of ``path`` up to the end of its last complete exchange (or warcinfo or
    metadata record): what survives of a file a kill interrupted."""
    keep = 0
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            record.raw_stream.read()
            offset = iterator.get_record_offset()
            length = iterator.get_record_length()
            if record.rec_type not in _PAIRED:
                stream_pos = stream.tell()
                stream.seek(offset)
                member = stream.read(length)
                stream.seek(stream_pos)
                if not _member_complete(member):
                    break
                keep = offset + length
    return keep


def repair_open_warcs(directory: Path) -> list[Path]:
    """Cut every ``.open`` WARC file of ``directory`` after its last complete exchange and
    give it its final name; a file with nothing complete is removed. Returns the files."""
    repaired = []
    for open_path in sorted(directory.glob("*.warc.gz.open")):
        keep = complete_length(open_path)
        if keep == 0:
            open_path.unlink()
            continue
        with open_path.open("r+b") as stream:
            stream.truncate(keep)
            stream.flush()
            os.fsync(stream.fileno())
        final = open_path.with_name(open_path.name.removesuffix(".open"))
        open_path.rename(final)
        repaired.append(final)
    return repaired


def read_record(path: Path, offset: int) -> tuple[Any, bytes]:
    """The WARC record at ``offset`` and its HTTP payload as stored (still encoded)."""
    with path.open("rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record, record.raw_stream.read()
