"""Many machines: two worker processes share one blog's frontier in a real Redis
(scrapy-redis) and archive the test WordPress together; then one of them is killed
mid-crawl and the other finishes the blog."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from redis import Redis
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, read_jsonl
from tests.servers import redis_server

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

RETRIED_STATUSES = {500, 502, 503, 504, 522, 524, 408, 429}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def start_worker(
    url: str, output: Path, redis_url: str, crawl_id: str, worker: str, *, cli: bool = False
) -> subprocess.Popen[str]:
    """A worker as a user starts it on each machine, with the shared Redis: ``scrapy crawl
    wordpress``, or ``archiver crawl`` (``cli``), whose exit status says whether the crawl
    (when it merged it) or its part of it (otherwise) is complete."""
    command = [sys.executable, "-m", "scrapy", "crawl", "wordpress", "-a", f"url={url}"]
    if cli:
        command = [sys.executable, "-m", "archiver.cli", "crawl", url]
    for setting in (
        f"ARCHIVER_OUTPUT_DIR={output}",
        f"ARCHIVER_REDIS_URL={redis_url}",
        f"ARCHIVER_CRAWL_ID={crawl_id}",
        f"ARCHIVER_WORKER_ID={worker}",
        # Short, so that a killed worker is noticed quickly in the test.
        "ARCHIVER_WORKER_TIMEOUT=5",
        "ARCHIVER_PROGRESS_INTERVAL=0",
    ):
        command += ["-s", setting]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(worker: subprocess.Popen[str]) -> tuple[str, str]:
    out, err = worker.communicate(timeout=900)
    assert worker.returncode == 0, err[-5000:]
    return out, err


def load_crawl(output: Path) -> dict[str, Any]:
    (crawl_dir,) = [path for path in output.glob("*/*") if path.is_dir()]
    return {
        "dir": crawl_dir,
        "summary": json.loads((crawl_dir / "summary.json").read_text("utf-8")),
        "posts": read_jsonl(crawl_dir / "posts.jsonl"),
        "comments": read_jsonl(crawl_dir / "comments.jsonl"),
        "workers": sorted(p for p in crawl_dir.glob("worker-*") if p.is_dir()),
    }


@pytest.fixture(scope="module")
def shared_crawl(
    wordpress_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    output = tmp_path_factory.mktemp("distributed")
    workers = [
        start_worker(wordpress_url, output, redis_url, "together", "a"),
        start_worker(wordpress_url, output, redis_url, "together", "b", cli=True),
    ]
    for worker in workers:
        finish(worker)
    return load_crawl(output)


@pytest.fixture(scope="module")
def crawl_with_a_killed_worker(
    wordpress_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    output = tmp_path_factory.mktemp("distributed-kill")
    victim = start_worker(wordpress_url, output, redis_url, "killed", "victim")
    survivor = start_worker(wordpress_url, output, redis_url, "killed", "survivor", cli=True)
    client = Redis.from_url(redis_url)
    deadline = time.monotonic() + 300
    taken = 0
    # Killed once it has taken a good share of the blog's requests (mid-crawl).
    while time.monotonic() < deadline and victim.poll() is None:
        taken = client.llen("archiver:killed:taken:victim")
        if taken >= 40:
            break
        time.sleep(0.1)
    if victim.poll() is not None or taken < 40:
        # Both workers ended and their pipes closed, so no process or file is left to
        # warn in whichever test runs next; the victim's log says why it ended.
        ended = victim.poll() is not None
        for worker in (survivor, victim):
            worker.kill()
        survivor.communicate()
        _, err = victim.communicate()
        raise AssertionError(
            f"the victim {'finished' if ended else 'ran'} with only {taken} requests taken "
            f"(exit {victim.returncode}): {err[-3000:]}"
        )
    victim.kill()  # SIGKILL: no cleanup, no summary, an unfinished WARC file
    victim.communicate()
    out, err = finish(survivor)
    crawl = load_crawl(output)
    crawl["survivor_log"] = err
    crawl["survivor_stdout"] = out
    crawl["leftover_keys"] = client.keys("archiver:killed:*")
    return crawl


def check_archive(crawl: dict[str, Any], ground_truth: dict[str, Any]) -> None:
    """The merged JSON is a single-process crawl's: every post, page and comment once,
    comments in their threads, and every record points at a WARC record that exists."""
    posts, comments = crawl["posts"], crawl["comments"]
    assert Counter(p["id"] for p in posts).most_common(1)[0][1] == 1, "a post twice"
    assert {p["id"] for p in posts} == {p["id"] for p in ground_truth["posts"]}
    assert Counter(c["id"] for c in comments).most_common(1)[0][1] == 1, "a comment twice"
    expected = {c["id"]: c for c in ground_truth["comments"]}
    assert {c["id"] for c in comments} == set(expected)
    for comment in comments:
        truth = expected[comment["id"]]
        assert (comment["post_id"], comment["parent_id"]) == (
            truth["post_id"],
            truth["parent_id"] or None,
        )
    for record in posts + comments:
        for source in record["provenance"]:
            assert (crawl["dir"] / source["warc_file"]).is_file(), source
    summary = crawl["summary"]
    assert summary["complete"] is True, summary["failures"]
    assert summary["counts"]["comments"] == len(expected)
    assert summary["coverage"]["posts_missing"] == 0


def responses_by_url(folders: list[Path]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for folder in folders:
        for path in folder.glob("*.warc.gz"):
            with path.open("rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type not in {"response", "revisit"}:
                        continue
                    status = int(record.http_headers.get_statuscode())
                    if status not in RETRIED_STATUSES:  # a retry is a second fetch by design
                        counts[record.rec_headers.get_header("WARC-Target-URI")] += 1
    return counts


def test_two_workers_archive_the_blog_once_together(shared_crawl, ground_truth):
    check_archive(shared_crawl, ground_truth)
    names = [folder.name for folder in shared_crawl["workers"]]
    assert names == ["worker-a", "worker-b"]
    for folder in shared_crawl["workers"]:
        summary = json.loads((folder / "summary.json").read_text("utf-8"))
        assert summary["counts"]["responses"] > 10, f"{folder.name} did no share of the work"
    assert all(shared_crawl["summary"]["workers"][name]["included"] for name in names)
    # The worker that merged the crawl packaged it: every worker's WARC files, one WACZ.
    (wacz,) = shared_crawl["dir"].glob("*.wacz")
    with zipfile.ZipFile(wacz) as package:
        archived = sorted(n for n in package.namelist() if n.startswith("archive/"))
    warcs = sorted(
        f"archive/{p.name}" for f in shared_crawl["workers"] for p in f.glob("*.warc.gz")
    )
    assert archived == warcs


def test_no_url_is_fetched_twice_across_workers(shared_crawl):
    counts = responses_by_url(shared_crawl["workers"])
    # Each worker obeys robots.txt itself, so that file is the one fetched by both.
    twice = {url: n for url, n in counts.items() if n > 1 and not url.endswith("/robots.txt")}
    assert not twice
    assert len(counts) > 270


def test_each_worker_writes_its_own_valid_warc_files(shared_crawl):
    for folder in shared_crawl["workers"]:
        warcs = sorted(folder.glob("*.warc.gz"))
        assert warcs
        # The worker id is in every file name: two workers never share one file.
        assert all(f"-{folder.name.removeprefix('worker-')}-" in path.name for path in warcs)
        check = [sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)]
        assert subprocess.run(check, capture_output=True, check=False).returncode == 0
        verify = [sys.executable, "-m", "archiver.cli", "verify", str(folder)]
        result = subprocess.run(verify, capture_output=True, text=True, check=False, cwd=ROOT)
        assert result.returncode == 0, result.stdout[-3000:]


def test_the_survivor_finishes_the_blog_when_a_worker_is_killed(
    crawl_with_a_killed_worker, ground_truth
):
    crawl = crawl_with_a_killed_worker
    check_archive(crawl, ground_truth)
    workers = crawl["summary"]["workers"]
    assert workers["worker-survivor"]["included"] is True
    # The killed worker's partial folder is left out; what it had taken was archived again.
    assert workers["worker-victim"]["included"] is False
    assert "worker victim died" in crawl["survivor_log"]
    # archiver crawl on the last worker prints and exits with the merged crawl's summary.
    assert "complete archive of" in crawl["survivor_stdout"]
    survivor = crawl["dir"] / "worker-survivor"
    warcs = sorted(survivor.glob("*.warc.gz"))
    check = [sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)]
    assert subprocess.run(check, capture_output=True, check=False).returncode == 0
    # The shared crawl is over: its keys are gone from Redis.
    assert crawl["leftover_keys"] == []
