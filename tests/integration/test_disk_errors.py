"""A crawl folder that turns unwritable mid-crawl stops the crawl cleanly; the next run
resumes.

The crawl (``archiver crawl``, as a user runs it) archives the local failure site, slowed
down so that it is still running when the test, having read the REST listing's response
in the log, makes the crawl's folder immutable (``chattr +i``: as root, permission bits
would not stop the crawl). Its WARC files are small (``ARCHIVER_WARC_MAX_BYTES``), so the
crawl soon needs a new one there, and cannot (``EPERM``): one line, exit status 4, no
traceback, the crawl *interrupted* in the state. Made writable again, the folder is
resumed by the same command. (A disk that fills is ``tests/e2e/test_disk_errors.py``, on
the test WordPress; a read-only output folder at the start, ``tests/e2e/test_verdicts.py``.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.integration.mockserver import MockServer

pytestmark = pytest.mark.integration


def archiver(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_crawl_folder_made_unwritable_mid_crawl_stops_it_and_the_next_run_resumes(tmp_path):
    output = tmp_path / "output"
    with MockServer(tmp_path / "exchanges.jsonl", delay=0.3) as server:
        crawl = ["crawl", server.base, "-o", str(output), "-s", "AUTOTHROTTLE_ENABLED=False"]
        crawl += ["-s", "ARCHIVER_WARC_MAX_BYTES=20000"]
        command = [sys.executable, "-m", "archiver.cli", *crawl, "-s", "LOG_LEVEL=DEBUG"]
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stderr is not None
        log = []
        crawl_dir = None
        try:
            for line in process.stderr:
                log.append(line)
                if "Crawled (200) <GET " in line and "/wp-json/wp/v2/posts" in line:
                    break  # the listing is in: the post pages are yet to come
            (crawl_dir,) = [path for path in output.glob("*/*") if path.is_dir()]
            subprocess.run(["chattr", "+i", str(crawl_dir)], check=True)
            stdout, rest = process.communicate(timeout=300)
        finally:
            process.kill()
            if crawl_dir is not None:
                subprocess.run(["chattr", "-i", str(crawl_dir)], check=True)
        stderr = "".join(log) + rest
        assert process.returncode == 4, stdout[-3000:] + stderr[-3000:]
        assert "Traceback" not in stderr
        said = [line for line in stderr.splitlines() if "output error:" in line]
        assert len(said) == 1, said
        assert f"Operation not permitted writing {crawl_dir}/" in said[0]
        assert "OUTPUT ERROR, INCOMPLETE archive of" in stdout
        assert "interrupted" in archiver("history", str(output)).stdout

        again = archiver(*crawl)
    assert "Traceback" not in again.stderr
    # The failure site is never complete (a 404, a truncated body): 1, and resumed.
    assert again.returncode == 1, again.stdout[-3000:] + again.stderr[-3000:]
    assert "full, resumed:" in again.stdout
    assert [path for path in output.glob("*/*") if path.is_dir()] == [crawl_dir]
    assert archiver("verify", str(crawl_dir)).returncode == 0
