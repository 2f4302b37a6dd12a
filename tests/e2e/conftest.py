"""Shared by the browser tests: one archive of the test blog (two crawls) and one Chromium.

``archived_site`` crawls the running test WordPress twice, as a user does
(``archiver crawl URL -o OUTPUT``): a full crawl, then an incremental one of the unchanged
blog, whose revalidation rechecks one known post (a revisit record). The crawls do not
fetch images (blog-archiver archives pages), so a third folder of the site holds a WARC of
the images the posts show, recorded from the same real server by warcio's
``capture_http``: the offline copy is tested with media a WARC holds.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests.browser import browser
from tests.conftest import ROOT, read_jsonl

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["ArchivedSite", "archived_site", "browser"]


@dataclass(frozen=True)
class ArchivedSite:
    url: str
    site_dir: Path
    full: Path  # the first crawl's folder
    incremental: Path  # the second's
    media: Path  # a folder with a WARC of the posts' images


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return result


@pytest.fixture(scope="session")
def archived_site(running_wordpress: str, tmp_path_factory: pytest.TempPathFactory) -> ArchivedSite:
    output = tmp_path_factory.mktemp("archived-site")
    crawl = ("crawl", running_wordpress, "-o", str(output), "-s", "AUTOTHROTTLE_ENABLED=False")
    archiver(*crawl)
    archiver(*crawl)
    (site_dir,) = [path for path in output.iterdir() if path.is_dir()]
    full, incremental = sorted(path for path in site_dir.iterdir() if path.is_dir())
    media = site_dir / f"{incremental.name}-media"
    media.mkdir()
    _record_images(full, media / "images.warc.gz")
    return ArchivedSite(running_wordpress, site_dir, full, incremental, media)


def _record_images(crawl_dir: Path, warc: Path) -> None:
    from warcio.capture_http import capture_http

    sources = sorted(
        {
            image["src"]
            for post in read_jsonl(crawl_dir / "posts.jsonl")
            for image in post["images"]
            if image["src"].startswith("http://127.0.0.1")
        }
    )
    assert sources, "the test blog's posts show no image"
    with capture_http(str(warc)):
        for url in sources:
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.status == 200, url
                response.read()
