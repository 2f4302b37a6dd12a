"""End to end: every crawl ends with a verdict, and bad input ends before anything starts.

Each case runs ``archiver crawl`` as a user does, in a process of its own, from a
temporary folder (so the default ``./output`` is temporary too): the message, the exit
status (``archiver --help``: 0 complete, 1 incomplete, 2 input, 3 nothing to archive, 4
output), no traceback, and earlier crawls untouched. The site that is not a blog is a
static one: Python's own ``http.server`` serving a folder of text files (the docs'
Markdown sources), a real server whose directory listing is the home page.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e


def archiver(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the digest of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static site on 127.0.0.1: no REST API, no sitemap, no feed, no post links."""
    folder = tmp_path_factory.mktemp("static-site")
    for doc in sorted((ROOT / "docs").glob("*.md")):
        (folder / doc.name).write_bytes(doc.read_bytes())
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = re.search(r"port (\d+)", server.stdout.readline())
        assert port, "http.server did not say its port"
        yield f"http://127.0.0.1:{port.group(1)}/"
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


@pytest.fixture(scope="module")
def earlier(static_site: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An output folder holding one finished crawl of the static site, and its report."""
    output = tmp_path_factory.mktemp("earlier")
    result = archiver(output, "crawl", static_site, "-o", str(output))
    assert result.returncode == 3, result.stderr[-3000:]
    return output, result.stdout


def test_a_site_that_is_not_a_blog_has_nothing_to_archive(earlier, static_site):
    output, stdout = earlier
    assert f"blog-archiver: NOTHING TO ARCHIVE at {static_site}" in stdout
    assert "complete archive" not in stdout
    # What was tried, in the sources' own words.
    why = next(line for line in stdout.splitlines() if line.startswith("  why:"))
    assert "no WordPress REST API (not advertised)" in why
    assert "no post sitemap (unusable: " in why
    assert "HTTP 404" in why
    assert "no feed (unusable: " in why
    assert "no archive page linking posts" in why
    (summary_path,) = output.glob("*/*/summary.json")
    summary = json.loads(summary_path.read_text("utf-8"))
    assert summary["verdict"] == "nothing_to_archive"
    assert summary["exit_code"] == 3
    assert summary["complete"] is False
    assert summary["verdict_reasons"] == [why.split("why:", 1)[1].strip()]


def test_scrapy_crawl_prints_the_same_verdict(static_site, tmp_path):
    command = [sys.executable, "-m", "scrapy", "crawl", "wordpress", "-a", f"url={static_site}"]
    result = subprocess.run(
        [*command, "-s", f"ARCHIVER_OUTPUT_DIR={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "NOTHING TO ARCHIVE" in result.stdout, result.stderr[-3000:]
    assert "(exit 3)" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("example", "'example' is not a full host name (it has no dot): did you mean "),
        ("ftp://blog.example/", "only http and https addresses can be archived, not ftp://"),
        ("http//blog.example/", "a malformed scheme (did you mean http://blog.example/?)"),
        ("https://blog.example:80x/", "blog.example:80x"),
    ],
)
def test_a_malformed_address_is_refused_before_anything_starts(tmp_path, url, said):
    result = archiver(tmp_path, "crawl", url)
    assert result.returncode == 2
    assert said in result.stderr
    assert result.stderr.startswith("archiver crawl: ")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1  # one line: no DNS retry, no log
    assert not (tmp_path / "output").exists()  # nothing made, nothing registered


def test_a_host_without_a_dot_suggests_one(tmp_path):
    result = archiver(tmp_path, "crawl", "example")
    assert "did you mean https://example.com/?" in result.stderr


def test_a_setting_of_the_wrong_type_leaves_the_state_as_it_was(earlier, static_site):
    output, _ = earlier
    before = snapshot(output)
    result = archiver(output, "crawl", static_site, "-o", str(output), "-s", "DOWNLOAD_DELAY=slow")
    assert result.returncode == 2
    assert result.stderr == "archiver crawl: -s DOWNLOAD_DELAY=slow: must be a number " + (
        "(e.g. DOWNLOAD_DELAY=2)\n"
    )
    assert snapshot(output) == before  # no crawl registered, no folder
    history = archiver(output, "history", str(output))
    assert history.returncode == 0
    assert "interrupted" not in history.stdout


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("AUTOTHROTTLE_ENABLED=maybe", "must be True or False"),
        ("ARCHIVER_WARC_MAX_BYTES=1GB", "must be a whole number"),
        ("ARCHIVER_OUTPT_DIR=x", "no such setting (did you mean ARCHIVER_OUTPUT_DIR?)"),
        ("DOWNLOAD_DELAY", "-s needs NAME=VALUE"),
    ],
)
def test_settings_blog_archiver_knows_are_checked(tmp_path, static_site, setting, said):
    result = archiver(tmp_path, "crawl", static_site, "-s", setting)
    assert result.returncode == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_file_as_the_output_folder(tmp_path, static_site):
    output = tmp_path / "not-a-folder"
    output.write_text("a file\n")
    result = archiver(tmp_path, "crawl", static_site, "-o", str(output))
    assert result.returncode == 4
    assert result.stderr == f"archiver crawl: the output folder {output} is a file, not a folder\n"
    assert output.read_text() == "a file\n"


def test_a_read_only_output_folder_leaves_earlier_crawls_untouched(earlier, static_site, tmp_path):
    output, _ = earlier
    before = snapshot(output)
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    # Root writes through permission bits: a read-only bind mount is really read-only.
    subprocess.run(["mount", "--bind", str(output), str(read_only)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(read_only)], check=True)
        result = archiver(tmp_path, "crawl", static_site, "-o", str(read_only))
    finally:
        subprocess.run(["umount", str(read_only)], check=True)
    assert result.returncode == 4
    assert result.stderr == (
        f"archiver crawl: the output folder {read_only} is not writable: Read-only file system\n"
    )
    assert snapshot(output) == before


def test_version_and_the_exit_codes_in_help(tmp_path):
    from archiver import __version__

    version = archiver(tmp_path, "--version")
    assert version.returncode == 0
    assert version.stdout == f"blog-archiver {__version__}\n"
    for args in (("--help",), ("crawl", "--help")):
        text = archiver(tmp_path, *args).stdout
        for code in ("0  complete", "1  incomplete", "2  a usage", "3  nothing to archive"):
            assert code in text
        assert "4  the output folder is not writable" in text
