"""``archiver site``: the offline copy written, page by page, with Jinja2 templates.

Layout of the copy (every name sanitized, see :mod:`archiver.offline.links`)::

    index.html            the home page: posts by month, newest first; pages; indexes
    search.html           search over titles and text (search-index.js, static/search.js)
    posts/<id>-<slug>.html, pages/<id>-<slug>.html
    category/…, tag/…, author/…, archive/<YYYY-MM>.html
    media/…               images and files the WARC holds
    static/style.css

A folder that already holds a copy (``.blog-archiver-site``) is written over; any other
non-empty folder is refused, so nothing of the user's is overwritten.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import jinja2

from archiver import __version__
from archiver.offline.archive import build_archive
from archiver.offline.links import relative, url_key
from archiver.offline.media import FolderCaptures, media_urls, write_media
from archiver.offline.rewrite import rewrite_fragment
from archiver.state.crawls import crawl_folders, read_records
from archiver.warc.blog import blog_identity

if TYPE_CHECKING:
    from pathlib import Path

    from archiver.extract.site import BlogIdentity
    from archiver.offline.archive import ArchivedPost, BlogArchive, Thread

__all__ = ["BuiltSite", "build_site"]

MARKER = ".blog-archiver-site"
_OUR_FOLDERS = ("posts", "pages", "category", "tag", "author", "archive", "media", "static")
_STATIC = ("style.css", "search.js")
_SEARCH_TEXT = 20_000  # characters of a post's text (and its comments') kept for search


@dataclass(frozen=True, slots=True)
class BuiltSite:
    output: Path
    posts: int
    pages: int
    comments: int
    listings: int
    media: int
    media_missing: int  # images and files the posts show that no WARC holds

    def line(self) -> str:
        missing = (
            f", {self.media_missing} not in the WARC (shown as links)" if self.media_missing else ""
        )
        return (
            f"site: {self.output / 'index.html'} ({self.posts} posts, {self.pages} pages, "
            f"{self.comments} comments, {self.listings} index pages, "
            f"{self.media} media files{missing})"
        )


def build_site(path: Path, output: Path) -> BuiltSite:
    """Write the offline copy of the crawl or site folder ``path`` into ``output``.

    :raises FileNotFoundError: no crawl there. :raises ValueError: no posts, or
        ``output`` is a non-empty folder that is not an earlier copy.
    """
    folders = crawl_folders(path)
    records = read_records(folders)
    if not records.posts:
        raise ValueError(f"no posts in {path}: nothing to copy")
    _prepare(output)
    found = FolderCaptures(folders)
    identity = blog_identity(found.captures, records.start_url, folders)
    archive = build_archive(records)
    wanted = media_urls(
        [(p.record.get("content_html") or "", p.record["url"]) for p in archive.all_posts()]
        + [
            (c.get("content_html") or "", c.get("permalink") or "")
            for c in records.comments.values()
        ]
    )
    images = {
        str(image.get("src") or "")
        for p in archive.all_posts()
        for image in p.record.get("images") or []
    }
    media = write_media(wanted | images, found, output)
    writer = _Writer(output, archive, identity, records.start_url, media)
    writer.write_all()
    (output / MARKER).write_text(f"blog-archiver {__version__}\n", "utf-8")
    return BuiltSite(
        output=output,
        posts=len(archive.posts),
        pages=len(archive.pages),
        comments=len(records.comments),
        listings=sum(len(kind) for kind in archive.listings.values()),
        media=len(media),
        media_missing=len({url for url in images if url and url not in media}),
    )


def _prepare(output: Path) -> None:
    if output.exists() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise ValueError(f"{output} is not empty and holds no offline copy: give a new folder")
    output.mkdir(parents=True, exist_ok=True)
    for name in _OUR_FOLDERS:
        shutil.rmtree(output / name, ignore_errors=True)


class _Writer:
    def __init__(
        self,
        output: Path,
        archive: BlogArchive,
        identity: BlogIdentity,
        start_url: str,
        media: dict[str, str],
    ) -> None:
        self.output = output
        self.archive = archive
        self.start_url = start_url
        self.media = media
        self.blog = {
            "name": identity.name or urlsplit(start_url).netloc or "Archived blog",
            "description": identity.description,
            "language": identity.language or _common_language(archive) or "en",
            "url": start_url,
        }
        self.archived = datetime.now(UTC).strftime("%Y-%m-%d")
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("archiver.offline", "templates"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["day"] = lambda value: str(value or "")[:10]
        self.env.filters["when"] = _when
        # URL keys of everything the copy has a page for: posts, pages, indexes, home.
        self.local: dict[str, str] = {url_key(start_url): "index.html"} if start_url else {}
        for post in archive.all_posts():
            for field_name in ("url", "canonical_url"):
                if post.record.get(field_name):
                    self.local.setdefault(url_key(post.record[field_name]), post.path)
        base = start_url.rstrip("/") + "/"
        for kind, prefix in (("category", "category/"), ("tag", "tag/")):
            for slug, listing in archive.listings[kind].items():
                self.local.setdefault(url_key(urljoin(base, f"{prefix}{slug}/")), listing.path)
        for post in archive.posts:
            author = post.record.get("author") or {}
            by = archive.listing_of("author", str(author.get("name") or ""))
            if author.get("url") and by is not None:
                self.local.setdefault(url_key(author["url"]), by.path)

    # --- pages ----------------------------------------------------------------------

    def write_all(self) -> None:
        by_month: dict[str, list[ArchivedPost]] = {}
        for post in self.archive.posts:
            by_month.setdefault(post.month, []).append(post)
        self._render("index.html", "index.html", by_month=by_month)
        for post in self.archive.all_posts():
            self._render(post.path, "post.html", post=self._post_view(post))
        for kind, listings in self.archive.listings.items():
            for listing in listings.values():
                self._render(listing.path, "listing.html", listing=listing, kind=kind)
        self._render("search.html", "search.html")
        self._write_search_index()
        static = self.output / "static"
        static.mkdir(exist_ok=True)
        for name in _STATIC:
            data = resources.files("archiver.offline").joinpath("static", name).read_bytes()
            (static / name).write_bytes(data)

    def _render(self, path: str, template: str, **context: Any) -> None:
        def link(target: str) -> str:
            return relative(path, target)

        html = self.env.get_template(template).render(
            blog=self.blog,
            archive=self.archive,
            pages=self.archive.pages,
            archived=self.archived,
            link=link,
            **context,
        )
        target = self.output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, "utf-8")

    def _post_view(self, post: ArchivedPost) -> dict[str, Any]:
        record = post.record
        author = record.get("author") or {}
        author_listing = self.archive.listing_of("author", str(author.get("name") or ""))
        return {
            "post": post,
            "record": record,
            "body": self._rewrite(record.get("content_html") or "", record["url"], post.path),
            "author": author.get("name") or "",
            "author_path": author_listing.path if author_listing else "",
            "categories": self._terms(record, "category", "categories"),
            "tags": self._terms(record, "tag", "tags"),
            "threads": [self._thread_view(t, post.path, 1) for t in post.threads],
        }

    def _terms(self, record: dict[str, Any], kind: str, field_name: str) -> list[dict[str, str]]:
        terms = []
        for term in record.get(field_name) or []:
            listing = self.archive.listing_of(kind, str(term.get("slug") or term.get("name") or ""))
            if listing is not None:
                terms.append({"name": listing.name, "path": listing.path})
        return terms

    def _thread_view(self, node: Thread, path: str, depth: int) -> dict[str, Any]:
        comment = node.comment
        author = comment.get("author") or {}
        author_url = str(author.get("url") or "")
        return {
            "id": node.id,
            "depth": depth,
            "type": comment.get("type") or "comment",
            "author": author.get("name") or "Anonymous",
            "author_url": author_url if urlsplit(author_url).scheme in {"http", "https"} else "",
            "published": comment.get("published") or "",
            "shown": comment.get("published_local") or comment.get("published") or "",
            "body": self._rewrite(
                comment.get("content_html") or "", comment.get("permalink") or "", path
            ),
            "replies": [self._thread_view(r, path, depth + 1) for r in node.replies],
        }

    def _rewrite(self, html: str, base_url: str, path: str) -> str:
        def link_to(url: str) -> str | None:
            target = self.local.get(url_key(url))
            return relative(path, target) if target else None

        def media_at(url: str) -> str | None:
            target = self.media.get(url)
            return relative(path, target) if target else None

        return rewrite_fragment(html, base_url or self.start_url, link_to, media_at)

    def _write_search_index(self) -> None:
        entries = []
        for post in self.archive.all_posts():
            texts = [str(post.record.get("content_text") or "")]
            texts += [str(t.comment.get("content_text") or "") for t in _flatten(post.threads)]
            entries.append(
                {
                    "t": str(post.record.get("title") or ""),
                    "u": post.path,
                    "d": post.shown[:10],
                    "x": " ".join(" ".join(texts).split())[:_SEARCH_TEXT],
                }
            )
        data = json.dumps(entries, ensure_ascii=False).replace("</", "<\\/")
        # A script, not JSON fetched: browsers refuse fetch() from file:// pages.
        (self.output / "search-index.js").write_text(f"window.SEARCH_INDEX = {data};\n", "utf-8")


def _flatten(threads: list[Thread]) -> list[Thread]:
    out = []
    for node in threads:
        out.append(node)
        out.extend(_flatten(node.replies))
    return out


def _common_language(archive: BlogArchive) -> str:
    languages: dict[str, int] = {}
    for post in archive.all_posts():
        language = str(post.record.get("language") or "")
        if language:
            languages[language] = languages.get(language, 0) + 1
    return max(languages, key=languages.__getitem__) if languages else ""


def _when(value: object) -> str:
    """``2014-02-13T17:30:00+01:00`` -> ``2014-02-13 17:30``."""
    text = str(value or "")
    return text[:16].replace("T", " ")
