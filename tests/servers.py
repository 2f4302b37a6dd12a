"""Real servers for the tests, started and stopped by them on 127.0.0.1: Redis (Debian's
``redis-server``, installed with apt-get on first use as wp.sh installs its packages) and
Scrapyd (the PyPI package of the ``test`` extra). Ports are the first free ones from
6390 (Redis) and 6870 (Scrapyd), never the defaults 6379 and 6800."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


def free_port(start: int, tries: int = 100) -> int:
    for port in range(start, start + tries):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start}-{start + tries}")


def redis_server_binary() -> str:
    """``redis-server``, installed from Debian's package if missing."""
    found = shutil.which("redis-server")
    if found:
        return found
    install = ["apt-get", "install", "-y", "-q", "redis-server"]
    if subprocess.run(install, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=True)
        subprocess.run(install, capture_output=True, check=True)
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("redis-server is not installed and apt-get could not install it")
    return found


def _wait_for(check: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            if check():  # type: ignore[operator]
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {timeout} s")


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway Redis (no persistence) on a free port; yields its ``redis://`` URL."""
    port = free_port(6390)
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")

    try:
        _wait_for(answers, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def scrapyd_server(folder: Path) -> Iterator[str]:
    """Scrapyd on a free port with its eggs, logs and queues in ``folder``; yields its URL."""
    port = free_port(6870)
    (folder / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {folder / 'eggs'}\n"
        f"logs_dir = {folder / 'logs'}\n"
        f"dbs_dir = {folder / 'dbs'}\n"
        "items_dir =\n"
        "max_proc = 2\n"
        "poll_interval = 1\n"
    )
    log = (folder / "scrapyd.log").open("wb")
    scrapyd = Path(sys.executable).with_name("scrapyd")
    process = subprocess.Popen([str(scrapyd)], cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"

    def answers() -> bool:
        with urllib.request.urlopen(f"{url}daemonstatus.json", timeout=2) as response:
            return bool(json.loads(response.read()).get("status") == "ok")

    try:
        _wait_for(answers, "scrapyd")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
