"""Shared fixtures: the real test WordPress (tests/wordpress/wp.sh) and saved pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# No time limit on a property test's examples: timing belongs in bench/, and a loaded
# 2-core machine makes any deadline a flaky test (hypothesis's default is 200 ms).
settings.register_profile("blog-archiver", deadline=None)
settings.load_profile("blog-archiver")

ROOT = Path(__file__).resolve().parent.parent
WP_SH = ROOT / "tests" / "wordpress" / "wp.sh"
FIXTURES = ROOT / "tests" / "fixtures"

# matplotlib (the crawl report's plots) keeps a font cache in ~/.cache/matplotlib: the
# tests' crawls, which inherit this environment, keep theirs in a temporary folder.
os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="ba-tests-mpl-"))


def wp(*args: str) -> str:
    """Run tests/wordpress/wp.sh and return its stdout."""
    result = subprocess.run(
        ["bash", str(WP_SH), *args], check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    return result.stdout


@pytest.fixture(scope="session")
def wordpress_url() -> str:
    """A freshly reset test WordPress on 127.0.0.1 (installed and started if needed)."""
    wp("start")
    return wp("reset").strip().splitlines()[-1]


@pytest.fixture(scope="session")
def running_wordpress() -> str:
    """The test WordPress, started if needed but never reset (for tests that only need a
    blog to crawl, not a known state)."""
    return wp("start").strip().splitlines()[-1].rstrip("/") + "/"


def scrapy_crawl(
    url: str, output: Path, *settings: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run ``scrapy crawl wordpress -a url=URL`` in the project folder, as a user does, with
    ``-s NAME=VALUE`` settings; return the finished process and the crawl folder."""
    command = [sys.executable, "-m", "scrapy", "crawl", "wordpress", "-a", f"url={url}"]
    for setting in (f"ARCHIVER_OUTPUT_DIR={output}", *settings):
        command += ["-s", setting]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=1200, check=False
    )
    assert result.returncode == 0, result.stderr[-5000:]
    (crawl_dir,) = [path for path in output.glob("*/*") if path.is_dir()]
    return result, crawl_dir


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def ground_truth(wordpress_url: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(wp("groundtruth"))
    return data


def fixture_path(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)


def load_fixture(*parts: str) -> tuple[str, str]:
    """(url, text) of a page saved by tests/fixtures/record.py."""
    path = fixture_path(*parts)
    meta = json.loads(path.with_suffix(".meta.json").read_text("utf-8"))
    return meta["url"], path.read_text("utf-8")
