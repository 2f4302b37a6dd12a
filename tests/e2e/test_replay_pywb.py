"""End to end: the crawl's WARC files replay in a real pywb (issue 4, "Tests").

Crawl the test WordPress, build a pywb collection from the WARC files (``wb-manager init``
and ``add``), start ``wayback`` on 127.0.0.1 and fetch archived URLs in identity mode
(``/<coll>/id_/<url>``: the archived body, no rewriting).

pywb pins ``pyOpenSSL<26.2`` (the project has a newer one through Scrapy) and depends on
``brotlipy``, whose ``brotli`` module would replace the ``Brotli`` package Scrapy decodes
``br`` with, so it cannot share the project's virtualenv: the ``pywb`` fixture installs it
once into ``tests/.cache/pywb-venv`` (git-ignored by the ``.gitignore`` it writes there).

The test WordPress is shared with other test runs: this module only ever runs
``wp.sh start`` (no reset, no theme switch).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import lxml.html
import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, read_jsonl, scrapy_crawl

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from email.message import Message
    from pathlib import Path

pytestmark = pytest.mark.e2e

PYWB_REQUIREMENT = "pywb>=2.10,<2.11"
CACHE = ROOT / "tests" / ".cache"
PYWB_VENV = CACHE / "pywb-venv"
COLLECTION = "blog"
SEED_TITLE = "Further thoughts on ‘Her’ by Spike Jonze"
# Both seed posts of ../shared/seeds/, with their approved comment counts.
SEEDS = {SEED_TITLE: 6, "New Indie Thursday: Her": 2}


@dataclass(frozen=True)
class Replay:
    """A running pywb serving one collection made of a crawl's WARC files."""

    base: str
    crawl_dir: Path

    def url(self, archived_url: str) -> str:
        return replay_url(self.base, archived_url)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is returned as it is (urllib raises it as HTTPError)


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, *, timeout: float = 30, headers: Mapping[str, str] | None = None
) -> tuple[int, Message, bytes]:
    """GET ``url``, redirects not followed, no compression unless ``headers`` ask for it
    (urllib sends no Accept-Encoding)."""
    request = urllib.request.Request(
        url, headers={"User-Agent": "blog-archiver tests", **(headers or {})}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    """``bin/`` of a virtualenv holding pywb, created on first use (about 15 s)."""
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("# created by tests/e2e/test_replay_pywb.py\n*\n")
    bin_dir = PYWB_VENV / "bin"
    marker = PYWB_VENV / "blog-archiver-requirement.txt"
    with (CACHE / "pywb-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be installing it
        if not (marker.exists() and marker.read_text() == PYWB_REQUIREMENT):
            shutil.rmtree(PYWB_VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(PYWB_VENV)], check=True)
            subprocess.run(
                [str(bin_dir / "python"), "-m", "pip", "install", "-q", PYWB_REQUIREMENT],
                check=True,
                timeout=900,
            )
            marker.write_text(PYWB_REQUIREMENT)
    return bin_dir


@pytest.fixture(scope="module")
def crawl_dir(running_wordpress: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One crawl (AutoThrottle off: the site is local and the test stays under a minute)."""
    output = tmp_path_factory.mktemp("replay-output")
    return scrapy_crawl(running_wordpress, output, "AUTOTHROTTLE_ENABLED=False")[1]


@contextmanager
def pywb_serving(bin_dir: Path, warcs: Sequence[Path], root: Path) -> Iterator[str]:
    """Run pywb (``wayback``) on 127.0.0.1 in ``root`` with one collection, ``COLLECTION``,
    made of ``warcs``; yield its base URL and stop it afterwards."""
    assert warcs
    manager = str(bin_dir / "wb-manager")
    subprocess.run([manager, "init", COLLECTION], cwd=root, check=True, capture_output=True)
    subprocess.run(
        [manager, "add", COLLECTION, *map(str, warcs)], cwd=root, check=True, capture_output=True
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log_path = root / "wayback.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1", "-d", str(root)],
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(base, timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pywb did not start: {log_path.read_text('utf-8')[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def replay_url(base: str, archived_url: str, modifier: str = "id_") -> str:
    """pywb URL of ``archived_url`` in ``COLLECTION`` (``id_``: the archived bytes)."""
    return f"{base}{COLLECTION}/{modifier}/{archived_url}"


@pytest.fixture(scope="module")
def replay(
    pywb_bin: Path, crawl_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replay]:
    """pywb serving the crawl's WARC files."""
    warcs = sorted(crawl_dir.glob("*.warc.gz"))
    with pywb_serving(pywb_bin, warcs, tmp_path_factory.mktemp("pywb")) as base:
        yield Replay(base=base, crawl_dir=crawl_dir)


def _seed_post(crawl_dir: Path, title: str = SEED_TITLE) -> dict[str, Any]:
    (post,) = [p for p in read_jsonl(crawl_dir / "posts.jsonl") if p["title"] == title]
    return post


def _attributes(html: bytes, xpath: str) -> list[str]:
    return [str(value) for value in cast("list[str]", lxml.html.fromstring(html).xpath(xpath))]


def _theme(html: bytes) -> set[str]:
    """The theme(s) whose assets the page loads."""
    refs = _attributes(html, "//link/@href | //script/@src")
    marker = "/wp-content/themes/"
    return {ref.split(marker, 1)[1].split("/", 1)[0] for ref in refs if marker in ref}


def _live_under_theme(url: str, themes: set[str]) -> bytes:
    """The live page; waits (30 s at most) while another test run has switched the shared
    WordPress to another theme, since only the page under the archived theme can match."""
    deadline = time.monotonic() + 30
    while True:
        status, _, body = fetch(url)
        assert status == 200, url
        if _theme(body) == themes or time.monotonic() > deadline:
            return body
        time.sleep(1)


@pytest.mark.parametrize("title", SEEDS)
def test_seed_post_replays_byte_for_byte(replay, title):
    post = _seed_post(replay.crawl_dir, title)
    status, headers, replayed = fetch(replay.url(post["url"]))
    assert status == 200, replayed[:500]
    assert headers.get("Memento-Datetime")
    live = _live_under_theme(post["url"], _theme(replayed))
    assert replayed == live


@pytest.mark.parametrize("title", SEEDS)
def test_seed_post_comments_are_in_the_replayed_page(replay, title):
    post = _seed_post(replay.crawl_dir, title)
    comments = [
        c for c in read_jsonl(replay.crawl_dir / "comments.jsonl") if c["post_id"] == post["id"]
    ]
    assert len(comments) == SEEDS[title]
    _, _, replayed = fetch(replay.url(post["url"]))
    ids = _attributes(replayed, "//*/@id")
    shown = {int(i.rsplit("-", 1)[1]) for i in ids if _is_comment_id(i)}
    assert shown == {c["id"] for c in comments}
    texts = lxml.html.fromstring(replayed).itertext()
    text = " ".join("".join(str(t) for t in texts).split())
    for comment in comments:
        assert " ".join(comment["content_text"].split()) in text, comment["id"]


def _is_comment_id(value: str) -> bool:
    prefix, _, number = value.rpartition("-")
    return prefix == "comment" and number.isdigit()


def _archived_responses(crawl_dir: Path) -> dict[str, bytes]:
    """Target URI -> decoded payload of every response record of the crawl."""
    bodies = {}
    for warc in sorted(crawl_dir.glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    bodies[uri] = record.content_stream().read()
    return bodies


def test_rest_url_with_a_query_string_replays(replay):
    archived = _archived_responses(replay.crawl_dir)
    listing = sorted(u for u in archived if "/wp-json/wp/v2/posts?" in u and "page=1&" in u)
    assert listing, "no REST listing in the WARC"
    url = listing[0]
    assert "per_page=100&page=1&" in url
    status, headers, replayed = fetch(replay.url(url))
    assert status == 200, replayed[:500]
    assert headers.get("Content-Type", "").startswith("application/json")
    assert replayed == archived[url]
    seed = _seed_post(replay.crawl_dir)
    assert seed["id"] in {obj["id"] for obj in json.loads(replayed)}
