"""WACZ 1.1.1 packages of a crawl, or of all crawls of a site, for ReplayWeb.page.

A WACZ is a ZIP file (``.wacz``) holding the WARC files (``archive/``, stored, not
deflated: they are gzip already), a CDXJ index (``indexes/index.cdx.gz``, gzip blocks of
:data:`LINES_PER_BLOCK` lines sorted by urlkey then timestamp, with ``indexes/index.idx``
saying where each block starts, as cdxj-indexer's ZipNum writer makes them), the page
list (``pages/pages.jsonl``: a header line, then one line per archived post and page
with its url, ts, title and text, so ReplayWeb.page lists them and searches their text),
``datapackage.json`` (profile ``data-package``: size and SHA-256 of every file) and
``datapackage-digest.json`` (the SHA-256 of ``datapackage.json``). See the WACZ 1.1.1
specification (webrecorder/specs).

The package is written with the standard library and cdxj-indexer (already the crawl's
indexer), not with py-wacz: py-wacz has no library interface (its ``main`` prints as it
goes), would bring frictionless, pydantic and typer into every crawl, and finds pages by
Referer headers or by matching a list against response records only, so a post an
incremental crawl saw unchanged (a revisit record) would drop out. The tests check every
package with py-wacz's ``wacz validate``.

The pages come from the crawl's records (:func:`blog_pages`), their timestamp from the
index: the latest capture of the post's URL that answered 200. In a package of all crawls
of a site that is often an incremental crawl's revisit record, which ReplayWeb.page
resolves through its ``WARC-Refers-To-Target-URI`` and ``WARC-Refers-To-Date`` to the
earlier crawl's response, in the same package.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdxj_indexer.main import CompressedWriter

from archiver import __version__
from archiver.state.crawls import RecordLines, crawl_folders, crawl_warcs, start_url_of
from archiver.state.layout import safe_name, site_name
from archiver.warc.blog import blog_identity
from archiver.warc.cdxj import LatestCaptures, parse_index_line, write_cdxj_index

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from archiver.extract.site import BlogIdentity
    from archiver.warc.cdxj import IndexEntry

__all__ = [
    "WACZ_VERSION",
    "Contents",
    "PackageSummary",
    "WaczPage",
    "blog_pages",
    "package_crawls",
    "write_wacz",
]

WACZ_VERSION = "1.1.1"
WACZ_SUFFIX = ".wacz"
PAGES_PATH = "pages/pages.jsonl"
INDEX_PATH = "indexes/index.cdx.gz"
IDX_PATH = "indexes/index.idx"
DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"
# Lines per gzip block of the index: browsertrix-crawler's LINES_PER_BLOCK. ReplayWeb.page
# reads one block per lookup, by a Range request.
LINES_PER_BLOCK = 256
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class WaczPage:
    """One line of ``pages/pages.jsonl``."""

    id: str
    url: str
    timestamp: str  # 14 digits, UTC, as in the index
    title: str
    text: str

    def line(self) -> dict[str, str]:
        return {
            "id": self.id,
            "url": self.url,
            "ts": rfc3339(self.timestamp),
            "title": self.title,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class PackageSummary:
    path: Path
    warcs: int
    index_lines: int
    pages: int
    bytes: int
    posts_without_capture: int  # records whose page is not in the package's WARC files
    unresolved_revisits: int  # revisits whose original is in a crawl left out

    def line(self) -> str:
        notes = []
        if self.posts_without_capture:
            notes.append(f"{self.posts_without_capture} posts without a captured page")
        if self.unresolved_revisits:
            notes.append(
                f"{self.unresolved_revisits} revisits refer to earlier crawls "
                "(package the site folder to replay them)"
            )
        extra = f"; {', '.join(notes)}" if notes else ""
        return (
            f"wacz: {self.path} ({self.bytes / 1e6:.1f} MB: {self.warcs} WARC files, "
            f"{self.index_lines} index lines, {self.pages} pages{extra})"
        )


def rfc3339(timestamp: str) -> str:
    """``20240101123000`` -> ``2024-01-01T12:30:00Z``."""
    return datetime.strptime(timestamp[:14], "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Contents:
    """What a package says besides its WARC files: its pages, title and description.
    The first page is the package's main page."""

    pages: Iterable[WaczPage]  # read once, as the package is written
    title: str = ""
    description: str = ""


def write_wacz(
    warcs: Sequence[Path], output: Path, contents_for: Callable[[LatestCaptures], Contents]
) -> tuple[int, int, LatestCaptures]:
    """Write the WACZ of ``warcs`` to ``output`` (through a temporary file, renamed when
    complete); ``contents_for`` is given the latest captures (from the package's index)
    and returns the pages, title and description.

    :returns: (index lines, pages, the captures).
    :raises ValueError: no WARC file, or two WARC files with one name.
    """
    names = [warc.name for warc in warcs]
    if not names:
        raise ValueError("no WARC files to package")
    if len(set(names)) != len(names):
        twice = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"two WARC files named {twice[0]}: the package needs unique names")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".wacz-") as work:
        folder = Path(work)
        index_lines, captures = _build_index(warcs, folder)
        contents = contents_for(captures)
        title = contents.title
        pages_file = folder / "pages.jsonl"
        count, main_page = _write_pages(contents.pages, title, pages_file)
        partial = folder / "package.wacz"
        with zipfile.ZipFile(partial, "w", allowZip64=True) as package:
            resources = [
                _add_file(package, f"archive/{warc.name}", warc, zipfile.ZIP_STORED)
                for warc in warcs
            ]
            resources.append(
                _add_file(package, INDEX_PATH, folder / "index.cdx.gz", zipfile.ZIP_STORED)
            )
            resources.append(
                _add_file(package, IDX_PATH, folder / "index.idx", zipfile.ZIP_DEFLATED)
            )
            resources.append(_add_file(package, PAGES_PATH, pages_file, zipfile.ZIP_DEFLATED))
            datapackage = _datapackage(resources, title, contents.description, main_page)
            package.writestr(_info(DATAPACKAGE, zipfile.ZIP_DEFLATED), datapackage)
            digest = {"path": DATAPACKAGE, "hash": "sha256:" + _sha256(datapackage)}
            package.writestr(
                _info(DATAPACKAGE_DIGEST, zipfile.ZIP_DEFLATED), json.dumps(digest, indent=2)
            )
        partial.replace(output)
    return index_lines, count, captures


def _build_index(warcs: Sequence[Path], folder: Path) -> tuple[int, LatestCaptures]:
    """``index.cdx.gz`` and ``index.idx`` in ``folder``, from one sorted CDXJ index."""
    sorted_index = folder / "index.cdxj"
    lines = write_cdxj_index(warcs, sorted_index)
    if not lines:
        raise ValueError("the WARC files hold no response, revisit or metadata record")
    captures = LatestCaptures()
    with (
        (folder / "index.idx").open("w", encoding="utf-8") as idx,
        (folder / "index.cdx.gz").open("wb") as blocks,
        sorted_index.open(encoding="utf-8") as index,
    ):
        writer = CompressedWriter(
            idx,
            data_out=blocks,
            num_lines=LINES_PER_BLOCK,
            data_out_name=Path(INDEX_PATH).name,
            digest_records=True,
        )
        for line in index:
            writer.write(line)
            captures.add(parse_index_line(line))
        if writer.block:
            writer.flush()
    return lines, captures


def _info(path: str, compression: int, size: int | None = None, mtime: float = 0.0) -> Any:
    stamp = time.gmtime(mtime or time.time())[:6]
    info = zipfile.ZipInfo(path, date_time=stamp)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    if size is not None:
        info.file_size = size  # zipfile decides on ZIP64 from it before the data comes
    return info


def _add_file(
    package: zipfile.ZipFile, path: str, source: Path, compression: int
) -> dict[str, Any]:
    stat = source.stat()
    digest = hashlib.sha256()
    info = _info(path, compression, stat.st_size, stat.st_mtime)
    with source.open("rb") as stream, package.open(info, "w") as out:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return _resource(path, stat.st_size, digest.hexdigest())


def _resource(path: str, size: int, sha256: str) -> dict[str, Any]:
    # Frictionless wants a lower-case name; browsertrix-crawler and py-wacz use the file name.
    return {
        "name": Path(path).name.lower(),
        "path": path,
        "hash": f"sha256:{sha256}",
        "bytes": size,
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_pages(pages: Iterable[WaczPage], title: str, path: Path) -> tuple[int, WaczPage | None]:
    """``pages/pages.jsonl``, written as the pages come; (their number, the first)."""
    header = {"format": "json-pages-1.0", "id": "pages", "title": title or "Pages", "hasText": True}
    count, first = 0, None
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for page in pages:
            first = first or page
            count += 1
            out.write(json.dumps(page.line(), ensure_ascii=False) + "\n")
    return count, first


def _datapackage(
    resources: list[dict[str, Any]], title: str, description: str, main_page: WaczPage | None
) -> bytes:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    package: dict[str, Any] = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title or "Web archive",
        "description": description,
        "created": now,
        "modified": now,
        "software": f"blog-archiver/{__version__}",
        "resources": resources,
    }
    if main_page is not None:
        package["mainPageUrl"] = main_page.url
        package["mainPageDate"] = rfc3339(main_page.timestamp)
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")


# --- a blog's pages -----------------------------------------------------------------------


def blog_pages(
    lines: RecordLines,
    captures: LatestCaptures,
    home: WaczPage | None = None,
    missing: list[int] | None = None,
) -> Iterator[WaczPage]:
    """The home page (when given), then every post and page whose page the captures hold,
    by id, read one at a time; each with its text and its comments' (author: text), so a
    search in ReplayWeb.page finds posts by what their comments say too. The ids of posts
    without a captured page go to ``missing``."""
    if home is not None:
        yield home
    for post_id in sorted(lines.posts):
        post = lines.post(post_id)
        entry = _capture_of(post, captures)
        if entry is None:
            if missing is not None:
                missing.append(post_id)
            continue
        texts = [str(post.get("content_text") or "")]
        texts += [
            f"{(c.get('author') or {}).get('name') or ''}: {c.get('content_text') or ''}"
            for c in sorted(lines.comments_of(post_id), key=lambda c: int(c["id"]))
        ]
        yield WaczPage(
            id=f"{post.get('type') or 'post'}-{post_id}",
            url=entry.url,
            timestamp=entry.timestamp,
            title=str(post.get("title") or entry.url),
            text="\n\n".join(texts).strip(),
        )


def _capture_of(post: dict[str, Any], captures: LatestCaptures) -> IndexEntry | None:
    for url in (post.get("url"), post.get("canonical_url")):
        if url and url in captures.latest:
            return captures.latest[url]
    return None


# --- the command and the end of a crawl ---------------------------------------------------


def default_output(folders: Sequence[Path], start_url: str) -> Path:
    """``<crawl>/<site>-<crawl>.wacz`` for one crawl; ``<site folder>/<site>.wacz`` for
    all crawls of a site."""
    site = safe_name(site_name(start_url)) if start_url else safe_name(folders[0].parent.name)
    if len(folders) == 1:
        return folders[0] / f"{site}-{safe_name(folders[0].name)}{WACZ_SUFFIX}"
    return folders[0].parent / f"{site}{WACZ_SUFFIX}"


def package_crawls(path: Path, output: Path | None = None) -> PackageSummary:
    """Package the crawl folder, or every crawl of the site folder, ``path`` names.

    :raises FileNotFoundError: no crawl there. :raises ValueError: nothing to package.
    """
    folders = crawl_folders(path)
    warcs = [warc for folder in folders for warc in crawl_warcs(folder)]
    start_url = start_url_of(folders)
    output = output or default_output(folders, start_url)
    lines = RecordLines(folders)
    missing: list[int] = []

    def contents_for(captures: LatestCaptures) -> Contents:
        identity = blog_identity(captures, start_url, folders)
        home = captures.latest.get(start_url) if start_url else None
        home_page = (
            WaczPage("home", home.url, home.timestamp, identity.name or home.url, "")
            if home is not None
            else None
        )
        return Contents(
            blog_pages(lines, captures, home_page, missing),
            identity.name,
            _description(identity, start_url, lines, folders),
        )

    try:
        index_lines, pages, captures = write_wacz(warcs, output, contents_for)
    finally:
        lines.close()
    return PackageSummary(
        path=output,
        warcs=len(warcs),
        index_lines=index_lines,
        pages=pages,
        bytes=output.stat().st_size,
        posts_without_capture=len(missing),
        unresolved_revisits=captures.unresolved_revisits(),
    )


def _description(
    identity: BlogIdentity, start_url: str, lines: RecordLines, folders: Sequence[Path]
) -> str:
    crawls = ", ".join(folder.name for folder in folders)
    comments = sum(len(locations) for locations in lines.comments.values())
    what = f"{start_url}: {len(lines.posts)} posts and pages, {comments} comments"
    tagline = f"{identity.description}\n\n" if identity.description else ""
    return f"{tagline}Archived by blog-archiver from {what} (crawls {crawls})."
