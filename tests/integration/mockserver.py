"""A small WordPress-like site with failure cases, served on 127.0.0.1 for integration tests.

Run in a subprocess (as Scrapy's ``tests/mockserver`` does)::

    python -m tests.integration.mockserver --log exchanges.jsonl [--delay 1.5]

It prints its base URL (``http://127.0.0.1:PORT/``, an ephemeral port) as the first line
on stdout. Every page is markup recorded from the test WordPress (``tests/fixtures/`` and
``tests/integration/site/``), its recorded origin (read from the ``.meta.json`` beside
each file) rewritten to this server.

Responses are written as raw bytes (no ``send_response``), so the server decides every
byte, and each exchange is appended to the log as one JSON line: the request line and
headers as received, and the status line, headers (order and repeats kept) and body
exactly as sent, plus the whole wire bytes. Tests compare the WARC records with it.

The cases (``CASES`` maps each path to its behaviour):

* ``/`` home page with the REST ``Link`` header; ``/robots.txt``;
* ``/wp-json/wp/v2/posts`` listing one post object per case (recorded objects, ids and
  links rewritten); ``/wp-json/wp/v2/pages`` is empty;
* a plain post, 500 once then 200, 503 with ``Retry-After: 1`` once then 200, a 301 to a
  post, a gzip body with ``Content-Encoding: gzip``, chunked transfer encoding, two
  ``Set-Cookie`` headers, a truncated body (``Content-Length`` larger than what is sent,
  then the connection is closed), an ``HTTP/1.0`` response, ``/?p=123`` and a 404.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
SITE = HERE / "site"
SERVER_NAME = "blog-archiver-mockserver"
MODULE = "tests.integration.mockserver"

SEED_PATH = "/2014/02/13/further-thoughts-on-her-by-spike-jonze/"
HTML = "text/html; charset=UTF-8"
JSON = "application/json; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"


@dataclass(frozen=True)
class Case:
    """How one path answers. ``first`` (status, reason, extra headers) answers the first
    request only; later requests get the page."""

    page: str
    kind: str = "plain"  # plain, gzip, chunked, truncated, http10, redirect, not_found
    first: tuple[int, str, tuple[tuple[str, str], ...]] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    location: str = ""


# Path (with query) -> behaviour. Every path but "/" is listed by the REST listing.
CASES: dict[str, Case] = {
    SEED_PATH: Case("twentytwentyone/seed-post.html"),
    "/cases/retry-500/": Case(
        "twentytwentyone/pingback-post.html", first=(500, "Internal Server Error", ())
    ),
    "/cases/retry-503/": Case(
        "twentytwentythree/child-page.html",
        first=(503, "Service Unavailable", (("Retry-After", "1"),)),
    ),
    "/cases/moved/": Case("", kind="redirect", location="/cases/moved-target/"),
    "/cases/gzip/": Case(
        "twentytwentyone/protected-post.html", kind="gzip", headers=(("Vary", "Accept-Encoding"),)
    ),
    "/cases/chunked/": Case("twentytwentythree/pingback-post.html", kind="chunked"),
    "/cases/cookies/": Case(
        "twentytwentythree/seed-post.html",
        headers=(
            ("Set-Cookie", "first=1; Path=/"),
            ("Set-Cookie", "second=2; Path=/; HttpOnly"),
        ),
    ),
    "/cases/truncated/": Case("twentytwentythree/protected-post.html", kind="truncated"),
    "/cases/http10/": Case("twentytwentyone/child-page.html", kind="http10"),
    "/?p=123": Case("twentytwentythree/home.html"),
    "/cases/missing/": Case("", kind="not_found"),
}
# Reached only through the redirect, so not listed.
REDIRECT_TARGET = "/cases/moved-target/"
EXTRA_PAGES = {REDIRECT_TARGET: Case("twentytwentyone/child-page.html")}
LISTED = tuple(CASES)
TRUNCATED_MISSING = 1000  # bytes promised by Content-Length but never sent


def recorded(path: Path, base: str) -> bytes:
    """A recorded file with its links pointed at this server (plain and JSON-escaped), the
    recorded origin read from the ``.meta.json`` beside it."""
    meta = json.loads(path.with_suffix(".meta.json").read_text("utf-8"))
    return rewrite(path.read_bytes(), str(meta["url"]), base)


def rewrite(data: bytes, recorded_url: str, base: str) -> bytes:
    parts = urlsplit(recorded_url)
    origin = f"{parts.scheme}://{parts.netloc}".encode()
    root = base.rstrip("/").encode()
    escaped = (origin.replace(b"/", b"\\/"), root.replace(b"/", b"\\/"))
    return data.replace(origin, root).replace(*escaped)


def recorded_page(name: str, base: str) -> bytes:
    return recorded(FIXTURES / name, base)


def listing(base: str) -> bytes:
    """The ``/wp/v2/posts`` listing: recorded post objects, one per case, links rewritten."""
    templates: list[dict[str, Any]] = json.loads(recorded(FIXTURES / "api" / "posts.json", base))
    templates.append(json.loads(recorded(FIXTURES / "api" / "seed-post.json", base)))
    objects = []
    for index, path in enumerate(LISTED):
        obj = json.loads(json.dumps(templates[index % len(templates)]))
        obj["id"] = 1000 + index
        obj["link"] = base.rstrip("/") + path
        objects.append(obj)
    # WordPress's json_encode style: ASCII only, escaped slashes.
    text = json.dumps(objects, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")
    return text.encode()


@dataclass
class Site:
    base: str
    log_path: Path
    delay: float = 0.0
    hits: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seq: int = 0

    def log(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.seq += 1
            entry = {"seq": self.seq, **entry}
            with self.log_path.open("a", encoding="utf-8") as stream:
                stream.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SiteServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the JSON log is the record; keep stderr quiet

    def do_GET(self) -> None:
        site = self.server.site
        with site.lock:
            site.hits[self.path] += 1
            hit = site.hits[self.path]
        if site.delay and self.path != "/robots.txt":
            time.sleep(site.delay)
        status, reason, headers, body, kind = self.answer(site, hit)
        protocol = "HTTP/1.0" if kind == "http10" else "HTTP/1.1"
        sent_headers = [
            ("Date", formatdate(usegmt=True)),
            ("Server", SERVER_NAME),
            *headers,
        ]
        payload = body
        if kind == "chunked":
            sent_headers.append(("Transfer-Encoding", "chunked"))
            size = 4096
            pieces = [body[i : i + size] for i in range(0, len(body), size)]
            payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        elif kind == "truncated":
            sent_headers.append(("Content-Length", str(len(body) + TRUNCATED_MISSING)))
        else:
            sent_headers.append(("Content-Length", str(len(body))))
        if kind in {"truncated", "http10"}:
            sent_headers.append(("Connection", "close"))
            self.close_connection = True
        status_line = f"{protocol} {status} {reason}"
        head = status_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in sent_headers) + "\r\n"
        wire = head.encode("latin-1") + payload
        # Logged before it is sent: whoever has the bytes (a WARC written by a crawl killed
        # right after) finds the exchange in the log, never a moment before it is there.
        site.log(
            {
                "method": self.command,
                "request_line": self.requestline,
                "path": self.path,
                "url": site.base.rstrip("/") + self.path,
                "request_headers": list(self.headers.items()),
                "status_line": status_line,
                "headers": sent_headers,
                "body": base64.b64encode(body).decode(),
                "wire": base64.b64encode(wire).decode(),
                "kind": kind,
                "hit": hit,
            }
        )
        self.wfile.write(wire)
        self.wfile.flush()

    def answer(self, site: Site, hit: int) -> tuple[int, str, list[tuple[str, str]], bytes, str]:
        base = site.base
        path = self.path
        if path == "/robots.txt":
            body = recorded(SITE / "robots.txt", base)
            return 200, "OK", [("Content-Type", TEXT)], body, "plain"
        api_link = ("Link", f'<{base}wp-json/>; rel="https://api.w.org/"')
        if path == "/":
            body = recorded_page("twentytwentyone/home.html", base)
            return 200, "OK", [api_link, ("Content-Type", HTML)], body, "plain"
        split = urlsplit(path)
        if split.path == "/wp-json/wp/v2/posts":
            headers = [
                ("X-WP-Total", str(len(LISTED))),
                ("X-WP-TotalPages", "1"),
                api_link,
                ("Content-Type", JSON),
            ]
            return 200, "OK", headers, listing(base), "plain"
        if split.path == "/wp-json/wp/v2/pages":
            headers = [("X-WP-Total", "0"), ("X-WP-TotalPages", "0"), ("Content-Type", JSON)]
            return 200, "OK", headers, b"[]", "plain"
        case = CASES.get(path) or EXTRA_PAGES.get(path) or Case("", kind="not_found")
        if case.kind == "not_found":
            body = recorded(SITE / "not-found.html", base)
            return 404, "Not Found", [api_link, ("Content-Type", HTML)], body, "plain"
        if case.kind == "redirect":
            location = base.rstrip("/") + case.location
            headers = [("Location", location), ("Content-Type", HTML)]
            return 301, "Moved Permanently", headers, b"", "plain"
        if case.first is not None and hit == 1:
            status, reason, extra = case.first
            body = f"{status} {reason}\n".encode()
            return status, reason, [*extra, ("Content-Type", TEXT)], body, "plain"
        body = recorded_page(case.page, base)
        headers = [api_link, *case.headers, ("Content-Type", HTML)]
        if case.kind == "gzip":
            body = gzip.compress(body, mtime=0)
            headers.insert(-1, ("Content-Encoding", "gzip"))
        return 200, "OK", headers, body, case.kind


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Site) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.site = site
        site.base = f"http://127.0.0.1:{self.server_address[1]}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away (the crawler killed with SIGKILL) is part of the tests.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class MockServer:
    """Run this module in a subprocess; ``base`` is its URL, ``exchanges()`` its log.

    Used as a context manager by the fixtures, like Scrapy's ``tests/mockserver``.
    """

    def __init__(self, log_path: Path, *, delay: float = 0.0) -> None:
        self.log_path = log_path
        self.delay = delay
        self.base = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Self:
        command = [
            sys.executable,
            "-m",
            "tests.integration.mockserver",
            "--log",
            str(self.log_path),
        ]
        if self.delay:
            command += ["--delay", str(self.delay)]
        self._process = subprocess.Popen(
            command, cwd=HERE.parent.parent, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        self.base = self._process.stdout.readline().strip()
        if not self.base.startswith("http://127.0.0.1:"):
            self.__exit__(None, None, None)
            raise RuntimeError(f"mock server did not start: {self.base!r}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

    def url(self, path: str) -> str:
        return self.base.rstrip("/") + path

    def exchanges(self) -> list[dict[str, Any]]:
        """Every exchange logged so far, in the order the responses were sent (each is
        logged just before it is sent)."""
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text("utf-8").splitlines()
        return [json.loads(line) for line in lines if line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, required=True, help="JSON Lines log of exchanges")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each page")
    args = parser.parse_args(argv)
    server = SiteServer(Site(base="", log_path=args.log, delay=args.delay))
    print(server.site.base, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
