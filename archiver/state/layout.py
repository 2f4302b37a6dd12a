"""Where a crawl's files go: ``<output>/<site>/<UTC timestamp>/``. No file name comes from
a URL without going through :func:`safe_name`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

POSTS_FILE = "posts.jsonl"
COMMENTS_FILE = "comments.jsonl"
SUMMARY_FILE = "summary.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, max_length: int = 120) -> str:
    """``text`` reduced to a file-name-safe form: letters, digits, ``.``, ``_`` and ``-``."""
    name = _UNSAFE.sub("_", text).strip("._-")[:max_length]
    return name or "site"


def site_name(url: str) -> str:
    """A folder name for a blog: host, port and (for a blog in a subdirectory) path."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    pieces = [host] + ([str(parts.port)] if parts.port else [])
    path = parts.path.strip("/")
    if path:
        pieces.append(path)
    return safe_name("_".join(pieces))


def new_crawl_dir(output_root: Path, url: str, started: datetime) -> Path:
    """A fresh, not yet existing folder for one crawl of the blog at ``url``."""
    base = output_root / site_name(url) / started.strftime("%Y%m%dT%H%M%SZ")
    candidate, serial = base, 1
    while candidate.exists():
        serial += 1
        candidate = base.with_name(f"{base.name}-{serial}")
    return candidate
