"""Fixtures of the integration tests: the local failure site (``mockserver``) and one crawl
of it with the real ``wordpress`` spider, run the way a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import ROOT
from tests.integration.mockserver import MockServer

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "integration: crawls the local test server of tests/integration"
    )


@dataclass(frozen=True)
class Crawl:
    """What one crawl left behind, and what the server says it sent."""

    dir: Path
    returncode: int
    stdout: str
    stderr: str
    exchanges: list[dict[str, Any]]

    @property
    def warcs(self) -> list[Path]:
        return sorted(self.dir.glob("*.warc.gz"))

    @property
    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.dir / "summary.json").read_text("utf-8"))
        return data


def crawl_command(url: str, output: Path, *settings: str) -> list[str]:
    """``scrapy crawl wordpress`` as a user runs it from the project folder."""
    command = [sys.executable, "-m", "scrapy", "crawl", "wordpress", "-a", f"url={url}"]
    for setting in (f"ARCHIVER_OUTPUT_DIR={output}", "AUTOTHROTTLE_ENABLED=False", *settings):
        command += ["-s", setting]
    return command


def only_crawl_dir(output: Path) -> Path:
    crawl_dirs = [p for p in output.glob("*/*") if p.is_dir()]
    assert len(crawl_dirs) == 1, crawl_dirs
    return crawl_dirs[0]


def run_crawl(server: MockServer, output: Path, settings: Sequence[str] = ()) -> Crawl:
    result = subprocess.run(
        crawl_command(server.base, output, *settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Crawl(
        dir=only_crawl_dir(output),
        returncode=result.returncode,
        stdout=result.stdout,
        stderr=result.stderr,
        exchanges=server.exchanges(),
    )


@pytest.fixture(scope="session")
def mockserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """The failure site on 127.0.0.1 (ephemeral port), fresh for the session."""
    log = tmp_path_factory.mktemp("mockserver") / "exchanges.jsonl"
    with MockServer(log) as server:
        yield server


@pytest.fixture(scope="session")
def crawl(mockserver: MockServer, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """One crawl of the failure site; its 500 and 503 answer only the first request."""
    result = run_crawl(mockserver, tmp_path_factory.mktemp("output"))
    assert result.returncode == 0, result.stderr[-5000:]
    return result
