"""Rebuild a crawl's JSON from its WARC files alone, offline, with the crawl's own code.

The ``wordpress`` spider runs again with every response served from the WARC by
:class:`archiver.replay.WarcCacheStorage` (Scrapy's HTTP cache, never the network) and
the same pipelines, feed exports and sorting, so ``posts.jsonl`` and ``comments.jsonl``
come out as the crawl wrote them, or as improved extraction now writes them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


def find_warcs(sources: list[Path]) -> list[Path]:
    """WARC files named directly or found in crawl folders, in name (serial) order."""
    warcs: list[Path] = []
    for source in sources:
        if source.is_dir():
            warcs.extend(sorted(source.glob("*.warc.gz")) + sorted(source.glob("*.warc")))
        elif source.is_file():
            warcs.append(source)
        else:
            raise FileNotFoundError(f"no such WARC file or crawl folder: {source}")
    if not warcs:
        raise FileNotFoundError("no WARC files found in " + ", ".join(map(str, sources)))
    return warcs


def start_url_of(sources: list[Path]) -> str:
    """The blog's address, from the summary.json of a crawl folder among ``sources``."""
    for source in sources:
        summary = source / "summary.json" if source.is_dir() else None
        if summary is not None and summary.is_file():
            url = json.loads(summary.read_text("utf-8")).get("start_url")
            if url:
                return str(url)
    raise ValueError("no summary.json with a start_url here: give the blog's address with --url")


def replay_settings(warcs: list[Path], output_dir: Path) -> dict[str, Any]:
    """Settings that turn a crawl into an offline replay of ``warcs`` into ``output_dir``."""
    return {
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_STORAGE": "archiver.replay.WarcCacheStorage",
        "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.DummyPolicy",
        "HTTPCACHE_IGNORE_MISSING": True,  # not in the WARC: not fetched, reported
        "ARCHIVER_REPLAY_WARCS": [str(path) for path in warcs],
        "ARCHIVER_WARC_ENABLED": False,
        "ARCHIVER_CRAWL_DIR": str(output_dir),
        "ARCHIVER_STATE_ENABLED": False,  # a replay is no crawl of the site
        "ARCHIVER_HONOUR_RETRY_AFTER": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    }
