"""CDXJ index of a crawl's WARC files, written with cdxj-indexer (not by hand).

The index is what pywb reads to find a capture: one line per ``response``, ``revisit``
and ``metadata`` record (cdxj-indexer's default selection; ``warcinfo`` is left out),
``<SURT url key> <14-digit timestamp> <JSON>`` with ``url``, ``mime``, ``status``,
``digest``, ``length``, ``offset`` and ``filename`` (the WARC's base name, so the index
sits next to its WARC files). Lines are sorted by code point, which for UTF-8 text is
the byte order pywb's binary search expects (``LC_ALL=C sort``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdxj_indexer.main import CDXJIndexer

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["INDEX_FILE", "write_cdxj_index"]

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
