"""Real servers for the tests, started and stopped by them on 127.0.0.1: Redis (Debian's
``redis-server``, installed with apt-get on first use as wp.sh installs its packages) and
Scrapyd (the PyPI package of the ``test`` extra), and a static file server that answers
Range requests, as a WACZ reader needs (CPython's ``http.server`` does not: python/cpython
issue 86809). Ports are the first free ones from 6390 (Redis), 6870 (Scrapyd) and 8790
(files), never the defaults 6379 and 6800."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

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


class RangeRequestHandler(http.server.SimpleHTTPRequestHandler):
    """CPython's static file handler, plus what a WACZ reader needs: ``Range: bytes=``
    requests answered with 206 and ``Content-Range`` (first-last, first-, and suffix -N
    ranges), ``Accept-Ranges: bytes`` and CORS on every answer, and no log lines."""

    extensions_map = {  # noqa: RUF012 - the base class's own mapping, overridden
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wacz": "application/wacz",
        ".js": "text/javascript",
    }

    def send_head(self) -> Any:
        range_header = self.headers.get("Range", "")
        path = Path(self.translate_path(self.path))
        if not range_header.startswith("bytes=") or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first_text, _, last_text = range_header[len("bytes=") :].split(",")[0].partition("-")
        try:
            if first_text:
                first = int(first_text)
                last = min(int(last_text), size - 1) if last_text else size - 1
            else:  # a suffix range: the last N bytes
                first, last = max(size - int(last_text), 0), size - 1
        except ValueError:
            first, last = 0, -1
        if first > last or first >= size:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        stream = path.open("rb")
        stream.seek(first)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(last - first + 1))
        self.end_headers()
        return _Limited(stream, last - first + 1)

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Limited(io.RawIOBase):
    """The first ``remaining`` bytes of an open file (what copyfile sends of a range)."""

    def __init__(self, stream: BinaryIO, remaining: int) -> None:
        self.stream = stream
        self.remaining = remaining

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.stream.read(size)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.stream.close()
        super().close()


@contextlib.contextmanager
def range_server(folder: Path) -> Iterator[str]:
    """A static file server for ``folder`` on 127.0.0.1 (a free port from 8790) that
    answers Range requests; yields its base URL."""
    handler = functools.partial(RangeRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port(8790)), handler)
    thread = threading.Thread(target=server.serve_forever, name="range-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
