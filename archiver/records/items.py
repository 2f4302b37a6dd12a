"""The records blog-archiver writes: one post (or page) and one comment per JSON line.

Field order here is the key order in the JSONL files, so keep it stable; bump
``SCHEMA_VERSION`` whenever a field changes meaning, is added or is removed.

The values follow one convention (docs/records.md, "Values"): dates are UTC with ``Z``
(:mod:`archiver.records.values`), each with a ``*_local`` twin holding the blog's offset
where a source gave it; a fact no source gave is ``None`` (``null``), never ``""``; text
fields are strings, empty when the blog's own value is empty (a post without a title).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

SCHEMA_VERSION = 3


def json_schema(kind: str) -> dict[str, Any]:
    """The published JSON Schema of ``"post"`` or ``"comment"`` records."""
    text = files("archiver.records").joinpath("schemas", f"{kind}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@dataclass(slots=True)
class Author:
    name: str = ""
    url: str | None = None


@dataclass(slots=True)
class Term:
    """A category or tag."""

    name: str
    slug: str = ""


@dataclass(slots=True)
class Link:
    href: str
    text: str = ""


@dataclass(slots=True)
class Image:
    src: str
    alt: str = ""
    caption: str = ""


@dataclass(slots=True)
class Provenance:
    """Where in the crawl's WARC files the response a record came from is stored."""

    url: str
    source: str  # "html", "api", "sitemap", "feed"
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None


@dataclass(slots=True)
class Post:
    """A published post or page as a reader (and the REST API) saw it."""

    id: int | None
    type: str = "post"  # "post" or "page"
    url: str = ""
    canonical_url: str | None = None
    slug: str = ""
    title: str = ""
    author: Author = field(default_factory=Author)
    published: str | None = None  # UTC, "2014-02-13T09:12:00Z"
    published_local: str | None = None  # the same moment with the blog's offset, if known
    modified: str | None = None
    modified_local: str | None = None
    parent_id: int | None = None
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    excerpt: str = ""
    content_html: str = ""
    content_text: str = ""
    links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    language: str | None = None
    sticky: bool = False
    password_protected: bool = False
    comment_status: str | None = None  # "open", "closed" or None when unknown
    comment_count_declared: int | None = None
    comments_external: str | None = None  # "disqus", "facebook", ... when comments live elsewhere
    comments_gated: str | None = None  # "password": hidden with the body; "login": members only
    field_sources: dict[str, str] = field(default_factory=dict)
    provenance: list[Provenance] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION


@dataclass(slots=True)
class Comment:
    """One approved public comment, pingback or trackback, placed in its thread."""

    id: int
    post_id: int | None
    parent_id: int | None = None  # None for a top-level comment, as a post without parent
    depth: int = 1
    # True when the page's nesting may hide the true parent: WordPress prints replies
    # deeper than the blog's display depth (or all, with threading off) at their parent's
    # level, so a comment there may answer the one before it.
    parent_uncertain: bool = False
    type: str = "comment"  # "comment", "pingback" or "trackback"
    author: Author = field(default_factory=Author)
    published: str | None = None
    published_local: str | None = None
    content_html: str = ""
    content_text: str = ""
    permalink: str = ""
    # Which source gave each field ("api": the REST listing, "html": the page), as for
    # posts: a comment seen in both is merged field by field.
    field_sources: dict[str, str] = field(default_factory=dict)
    provenance: list[Provenance] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION
