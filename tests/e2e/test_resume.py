"""End to end: a crawl killed at a random point and started again with the same command ends
with the same archive as an uninterrupted crawl (issue 6, "Resume").

For each seed the crawl of the real test WordPress is interrupted once it has recorded a
random number of responses (SIGKILL, or SIGINT, Ctrl-C, for one seed), then the same
command runs again. It must resume in the same crawl folder, fetch nothing already
stored, and leave the same posts and comments as an uninterrupted crawl, no duplicate
record, and WARC files that ``warcio check`` and ``archiver verify`` accept.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, read_jsonl, scrapy_crawl

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e

# (seed, signal): the seed picks after how many recorded responses the crawl is stopped.
CASES = [(1, signal.SIGKILL), (2, signal.SIGKILL), (3, signal.SIGINT)]
SETTINGS = ("AUTOTHROTTLE_ENABLED=False", "ARCHIVER_WARC_MAX_BYTES=400000")


def crawl_command(url: str, output: Path) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "wordpress", "-a", f"url={url}"]
    for setting in (f"ARCHIVER_OUTPUT_DIR={output}", *SETTINGS):
        command += ["-s", setting]
    return command


def recorded_responses(output: Path) -> int:
    """Response records written so far (finished and ``.open`` files)."""
    count = 0
    for path in output.glob("*/*/*.warc.gz*"):
        try:
            with path.open("rb") as stream:
                count += sum(1 for r in ArchiveIterator(stream) if r.rec_type == "response")
        except Exception:  # noqa: S112 - a file being written or renamed: count it next time
            continue
    return count


def _without_provenance(record: dict[str, Any]) -> dict[str, Any]:
    """A record minus where it was stored (WARC file names and offsets differ by run)."""
    return {key: value for key, value in record.items() if key != "provenance"}


@pytest.fixture(scope="module")
def reference(wordpress_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted crawl."""
    return scrapy_crawl(wordpress_url, tmp_path_factory.mktemp("reference"), *SETTINGS)[1]


@pytest.fixture(scope="module", params=CASES, ids=[f"seed{s}-{g.name}" for s, g in CASES])
def resumed(
    request: pytest.FixtureRequest,
    wordpress_url: str,
    reference: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    seed, stop_signal = request.param
    total = sum(1 for _ in read_jsonl(reference / "posts.jsonl"))  # ~1 response a post
    stop_after = random.Random(seed).randint(5, total - 5)  # noqa: S311 - not for secrets
    output = tmp_path_factory.mktemp(f"resumed-{seed}")
    process = subprocess.Popen(
        crawl_command(wordpress_url, output),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while process.poll() is None and time.monotonic() < deadline:
            if recorded_responses(output) >= stop_after:
                break
            time.sleep(0.05)
    finally:
        process.send_signal(stop_signal)
        process.wait(timeout=120)
    assert process.returncode != 0 or stop_signal == signal.SIGINT, "ended before the stop"
    stopped_at = recorded_responses(output)
    result, crawl_dir = scrapy_crawl(wordpress_url, output, *SETTINGS)  # the same command
    return {
        "dir": crawl_dir,
        "stop_after": stop_after,
        "stopped_at": stopped_at,
        "stdout": result.stdout,
    }


def test_same_posts_and_comments_as_an_uninterrupted_crawl(resumed, reference):
    for name in ("posts.jsonl", "comments.jsonl"):
        expected = [_without_provenance(r) for r in read_jsonl(reference / name)]
        got = [_without_provenance(r) for r in read_jsonl(resumed["dir"] / name)]
        assert [r["id"] for r in got] == [r["id"] for r in expected], name
        assert got == expected, name


def test_no_duplicate_records(resumed):
    for name in ("posts.jsonl", "comments.jsonl"):
        ids = Counter(r["id"] for r in read_jsonl(resumed["dir"] / name))
        assert ids, name
        assert max(ids.values()) == 1, name


def test_nothing_stored_is_fetched_twice(resumed):
    """Each URL has one response (or revisit) record in the whole crawl folder, and the
    summary counts what was served from the interrupted run's files."""
    import json

    uris: Counter[str] = Counter()
    for path in sorted(resumed["dir"].glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type in {"response", "revisit"}:
                    uris[record.rec_headers.get_header("WARC-Target-URI")] += 1
    twice = {uri: n for uri, n in uris.items() if n > 1}
    assert not twice
    summary = json.loads((resumed["dir"] / "summary.json").read_text("utf-8"))
    assert summary["complete"]
    changes = summary["changes"]
    assert changes["resumed"]
    # a response cut by the kill is fetched again: at most the last few are missing
    assert changes["served_from_interrupted_run"] >= resumed["stopped_at"] - 4 > 0
    assert changes["requests_made"] + changes["served_from_interrupted_run"] == len(uris)


def test_warc_files_are_valid(resumed):
    assert not list(resumed["dir"].glob("*.open"))
    for path in sorted(resumed["dir"].glob("*.warc.gz")):
        check = subprocess.run(
            [sys.executable, "-m", "warcio.cli", "check", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    verify = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "verify", str(resumed["dir"])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout[-3000:]
