"""CDXJ index of a crawl's WARC files, written with cdxj-indexer (not by hand).

The index is what pywb reads to find a capture: one line per ``response``, ``revisit``
and ``metadata`` record (cdxj-indexer's default selection; ``warcinfo`` is left out),
``<SURT url key> <14-digit timestamp> <JSON>`` with ``url``, ``mime``, ``status``,
``digest``, ``length``, ``offset`` and ``filename`` (the WARC's base name, so the index
sits next to its WARC files). Lines are sorted by code point, which for UTF-8 text is
the byte order pywb's binary search expects (``LC_ALL=C sort``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cdxj_indexer.main import CDXJIndexer

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["INDEX_FILE", "IndexEntry", "LatestCaptures", "parse_index_line", "write_cdxj_index"]

INDEX_FILE = "index.cdxj"


def write_cdxj_index(warc_paths: Iterable[Path], output: Path) -> int:
    """Index ``warc_paths`` into ``output``, sorted; return the number of lines.

    The index is written to ``<output>.tmp`` and renamed, so a reader never sees half
    an index.
    """
    tmp = output.with_name(output.name + ".tmp")
    inputs = [str(path) for path in warc_paths]
    CDXJIndexer(output=str(tmp), inputs=inputs, sort=True).process_all()
    with tmp.open("rb") as stream:
        lines = sum(1 for _ in stream)
    tmp.replace(output)
    return lines


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One CDXJ line: a ``response``, ``revisit`` or ``metadata`` record and where it is."""

    urlkey: str
    timestamp: str  # 14 digits, UTC
    url: str
    mime: str
    status: int  # 0 when the line has none (metadata)
    digest: str
    filename: str
    offset: int
    length: int

    @property
    def is_revisit(self) -> bool:
        return self.mime == "warc/revisit"


def parse_index_line(line: str) -> IndexEntry:
    """An :class:`IndexEntry` from one line of a CDXJ index.

    :raises ValueError: not a CDXJ line.
    """
    urlkey, timestamp, data = line.rstrip("\n").split(" ", 2)
    fields = json.loads(data)
    status = str(fields.get("status") or "0")
    return IndexEntry(
        urlkey=urlkey,
        timestamp=timestamp,
        url=str(fields.get("url") or ""),
        mime=str(fields.get("mime") or ""),
        status=int(status) if status.isdigit() else 0,
        digest=str(fields.get("digest") or ""),
        filename=str(fields.get("filename") or ""),
        offset=int(fields.get("offset") or 0),
        length=int(fields.get("length") or 0),
    )


@dataclass
class LatestCaptures:
    """Per URL, the latest capture that answered 200 (a response or a revisit of one),
    and the response records by payload digest, to find what a revisit stands for."""

    latest: dict[str, IndexEntry] = field(default_factory=dict)
    responses: dict[str, IndexEntry] = field(default_factory=dict)  # by payload digest
    revisit_digests: list[str] = field(default_factory=list)

    def add(self, entry: IndexEntry) -> None:
        if entry.status != 200 or not entry.url:
            return
        if entry.is_revisit:
            self.revisit_digests.append(entry.digest)
        elif entry.digest:
            self.responses.setdefault(entry.digest, entry)
        known = self.latest.get(entry.url)
        if known is None or entry.timestamp >= known.timestamp:
            self.latest[entry.url] = entry

    def payload_of(self, url: str) -> IndexEntry | None:
        """The response record holding the latest 200 of ``url``'s payload."""
        entry = self.latest.get(url)
        if entry is None or not entry.is_revisit:
            return entry
        return self.responses.get(entry.digest)

    def unresolved_revisits(self) -> int:
        """How many revisits have no response with their payload among these captures
        (they refer to crawls left out: an incremental crawl's own files alone)."""
        return sum(1 for digest in self.revisit_digests if digest not in self.responses)
