"""No control port is open during a crawl, unless the user turns one on.

Scrapy opens a telnet console and (2.19) a remote-control HTTP server, which runs any
Python code it is sent, on every crawl; blog-archiver turns both off. The crawl runs as a
user runs it (``archiver crawl``) against the local failure site, slowed down so it is
still running when its sockets are read: the listening TCP sockets of the crawling
process, from ``/proc/<pid>/fd`` and ``/proc/<pid>/net/tcp{,6}``, once the log shows the
crawl's first response (the control servers start with the engine, before it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.integration.mockserver import MockServer

pytestmark = pytest.mark.integration

LISTEN = "0A"  # the TCP state in /proc/net/tcp


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` listens on."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    ports = set()
    for table in ("tcp", "tcp6"):
        lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == LISTEN and inode in inodes:
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def ports_during_a_crawl(tmp_path: Path, *settings: str) -> tuple[set[int], str]:
    """The ports the crawl listens on once it has its first response, and its log."""
    command = [sys.executable, "-m", "archiver.cli", "crawl"]
    with MockServer(tmp_path / "exchanges.jsonl", delay=0.5) as server:
        command += [server.base, "-o", str(tmp_path / "output"), "-s", "LOG_LEVEL=DEBUG"]
        for setting in settings:
            command += ["-s", setting]
        crawl = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        assert crawl.stderr is not None
        log = []
        try:
            for line in crawl.stderr:
                log.append(line)
                if "Crawled (" in line:
                    break
            assert crawl.poll() is None, "".join(log)[-3000:]
            ports = listening_ports(crawl.pid)
        finally:
            crawl.kill()
            crawl.communicate(timeout=60)
    return ports, "".join(log)


def test_no_control_port_is_open_during_a_crawl(tmp_path):
    ports, log = ports_during_a_crawl(tmp_path)
    assert ports == set()
    assert "Telnet console listening" not in log
    assert "Remote control HTTP server listening" not in log


def test_a_user_may_turn_them_on(tmp_path):
    ports, log = ports_during_a_crawl(
        tmp_path,
        "TELNETCONSOLE_ENABLED=True",
        "REMOTE_CONTROL_ENABLED=True",
        f"REMOTE_CONTROL_JOBS_DIR={tmp_path / 'jobs'}",  # not the user's profile folder
    )
    assert "Telnet console listening on 127.0.0.1:" in log
    assert "Remote control HTTP server listening" in log
    assert len(ports) == 2, ports
