"""The media of the offline copy: what the posts show or link, when a WARC holds it.

The captures come from each crawl folder's ``index.cdxj`` (written at every crawl's end),
or, for a folder without one, from indexing its WARC files again; the latest capture of a
URL that answered 200 wins, a revisit standing for the response it repeats. Only what is
not an HTML page is written (images, PDFs, audio, video…), with ``Content-Encoding``
undone, to :func:`archiver.offline.links.media_path`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html

from archiver.offline.links import media_path
from archiver.state.crawls import crawl_warcs
from archiver.warc.captures import read_stored
from archiver.warc.cdxj import INDEX_FILE, LatestCaptures, parse_index_line, write_cdxj_index

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["FolderCaptures", "media_urls", "write_media"]

_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class FolderCaptures:
    """The latest captures of some crawl folders, and the WARC file of each capture."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.captures = LatestCaptures()
        self.files: dict[str, Path] = {}
        for folder in folders:
            warcs = crawl_warcs(folder)
            self.files.update({warc.name: warc for warc in warcs})
            index = folder / INDEX_FILE
            if index.is_file() and all(warc.parent == folder for warc in warcs):
                self._read(index)
            elif warcs:
                with tempfile.TemporaryDirectory() as work:
                    fresh = Path(work) / INDEX_FILE
                    write_cdxj_index(warcs, fresh)
                    self._read(fresh)

    def _read(self, index: Path) -> None:
        with index.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    self.captures.add(parse_index_line(line))


def media_urls(fragments: Iterable[tuple[str, str]]) -> set[str]:
    """Absolute URLs of the images and linked files of ``(html, base URL)`` fragments."""
    from urllib.parse import urldefrag, urljoin

    found = set()
    for html, base in fragments:
        if not html.strip():
            continue
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        for value in root.xpath("//img/@src | //a/@href | //video/@src | //audio/@src"):
            found.add(urldefrag(urljoin(base, str(value).strip()))[0])
    return found


def write_media(urls: Iterable[str], found: FolderCaptures, output: Path) -> dict[str, str]:
    """Write every URL of ``urls`` that the captures hold and is not a page; return URL ->
    path in the copy. An unreadable record is left out (the page shows its alt text)."""
    written: dict[str, str] = {}
    for url in sorted(urls):
        entry = found.captures.payload_of(url)
        if entry is None or entry.mime in _PAGE_TYPES or entry.filename not in found.files:
            continue
        try:
            stored = read_stored(found.files[entry.filename], entry.offset)
        except (OSError, ValueError):
            continue
        if stored.content_type in _PAGE_TYPES:
            continue
        path = media_path(url, stored.content_type)
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(stored.body)
        written[url] = path
    return written
