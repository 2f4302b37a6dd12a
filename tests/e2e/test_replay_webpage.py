"""End to end: the crawl's WACZ is valid and replays in ReplayWeb.page, offline (issue 19).

The WACZ each crawl wrote at its end, and the one ``archiver wacz SITE_DIR`` packs of
both crawls, pass py-wacz's ``wacz validate``; their index, pages and datapackage are
read back with the standard library. Then ReplayWeb.page, from its npm package
(:data:`REPLAYWEBPAGE`, fetched once by ``npm pack`` into ``tests/.cache/``, as wp.sh
installs WordPress with apt), is served with the WACZ by a Range-capable server on
127.0.0.1 and driven in Debian's Chromium: the archived post is read from the replayed
page's DOM (``replay-web-page >> iframe >> … wr-coll-replay >> iframe``), every comment
with its parent, and no request leaves 127.0.0.1.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import shutil
import subprocess
import tarfile
import zipfile
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from warcio.archiveiterator import ArchiveIterator

from tests.browser import artefact, open_page
from tests.conftest import ROOT, read_jsonl
from tests.e2e.conftest import archiver
from tests.servers import range_server

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.e2e.conftest import ArchivedSite

pytestmark = pytest.mark.e2e

REPLAYWEBPAGE = "replaywebpage@2.5.3"  # pinned: the embed's frames are what the test reads
CACHE = ROOT / "tests" / ".cache"
SEED_TITLE = "Further thoughts on ‘Her’ by Spike Jonze"
SEED_SENTENCE = "I think for a modern film to focus on this is very admirable."
PAGINATED = "comment-page-2"
REPLAY_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>replay</title><script src="/ui.js"></script></head>
<body style="margin:0">
<script>
  const query = new URLSearchParams(location.search);
  const replay = document.createElement("replay-web-page");
  for (const name of ["source", "url", "ts"]) {
    if (query.get(name)) replay.setAttribute(name, query.get(name));
  }
  replay.setAttribute("replayBase", "/replay/");
  replay.setAttribute("embed", "replay-with-info");
  replay.style.cssText = "display:block;height:100vh";
  document.body.appendChild(replay);
</script>
</body></html>
"""
# Every comment element of the replayed page, with the comment element it is nested in.
COMMENT_TREE = """() => [...document.querySelectorAll('li[id^="comment-"]')].map(li => {
  const parent = li.parentElement.closest('li[id^="comment-"]');
  return [Number(li.id.slice(8)), parent ? Number(parent.id.slice(8)) : 0];
})"""


# --- the packages --------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_wacz(archived_site: ArchivedSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both crawls (and the images' WARC) in one WACZ, by ``archiver wacz SITE_DIR``."""
    path = tmp_path_factory.mktemp("site-wacz") / "blog.wacz"
    result = archiver("wacz", str(archived_site.site_dir), "-o", str(path))
    assert result.stdout.startswith(f"wacz: {path} ")
    assert "revisits refer to earlier crawls" not in result.stdout
    return path


def _crawl_wacz(crawl_dir: Path) -> Path:
    (path,) = crawl_dir.glob("*.wacz")
    assert path.name == f"{crawl_dir.parent.name}-{crawl_dir.name}.wacz"
    return path


def test_every_crawl_wrote_a_wacz_that_validates(archived_site, site_wacz):
    for path in (
        _crawl_wacz(archived_site.full),
        _crawl_wacz(archived_site.incremental),
        site_wacz,
    ):
        wacz = shutil.which("wacz", path=str(ROOT / ".venv" / "bin")) or "wacz"
        result = subprocess.run(
            [wacz, "validate", "-f", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Validation succeeded, the passed WACZ is valid" in result.stdout


def _entries(path: Path) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as package:
        return {info.filename: info for info in package.infolist()}


def test_wacz_layout_hashes_index_and_pages(archived_site, site_wacz):
    crawl = _crawl_wacz(archived_site.full)
    entries = _entries(crawl)
    warcs = sorted(p.name for p in archived_site.full.glob("*.warc.gz"))
    assert sorted(n[len("archive/") :] for n in entries if n.startswith("archive/")) == warcs
    for name, info in entries.items():
        stored = name.startswith("archive/") or name == "indexes/index.cdx.gz"
        assert (info.compress_type == zipfile.ZIP_STORED) == stored, name
    with zipfile.ZipFile(crawl) as package:
        datapackage = json.loads(package.read("datapackage.json"))
        assert datapackage["profile"] == "data-package"
        assert datapackage["wacz_version"] == "1.1.1"
        assert datapackage["title"] == "Blog Archiver Test Blog"
        resources = {r["path"]: r for r in datapackage["resources"]}
        assert set(resources) == set(entries) - {"datapackage.json", "datapackage-digest.json"}
        for name, resource in resources.items():
            data = package.read(name)
            assert resource["bytes"] == len(data), name
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), name
        digest = json.loads(package.read("datapackage-digest.json"))
        expected = hashlib.sha256(package.read("datapackage.json")).hexdigest()
        assert digest == {"path": "datapackage.json", "hash": f"sha256:{expected}"}
        lines = _index_lines(package)
        assert lines == sorted(lines)
        (crawl_index,) = [archived_site.full / "index.cdxj"]
        assert [line.split(" ", 2)[:2] for line in lines] == [
            line.split(" ", 2)[:2] for line in crawl_index.read_text("utf-8").splitlines()
        ]
        header, *pages = [
            json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()
        ]
    assert header == {
        "format": "json-pages-1.0",
        "id": "pages",
        "title": "Blog Archiver Test Blog",
        "hasText": True,
    }
    posts = read_jsonl(archived_site.full / "posts.jsonl")
    assert pages[0]["url"] == archived_site.url
    assert sorted(page["url"] for page in pages[1:]) == sorted(post["url"] for post in posts)
    seed = next(page for page in pages if page["title"] == SEED_TITLE)
    assert SEED_SENTENCE in seed["text"]
    comments = [c for c in read_jsonl(archived_site.full / "comments.jsonl")]
    seed_id = next(p["id"] for p in posts if p["title"] == SEED_TITLE)
    for comment in comments:
        if comment["post_id"] == seed_id:
            assert comment["content_text"] in seed["text"]
    assert all(page["ts"].endswith("Z") and len(page["ts"]) == 20 for page in pages)


def _index_lines(package: zipfile.ZipFile) -> list[str]:
    """The CDXJ lines of ``indexes/index.cdx.gz``, block by block as ``index.idx`` says."""
    idx = package.read("indexes/index.idx").decode("utf-8").splitlines()
    assert idx[0].startswith("!meta 0 ")
    assert json.loads(idx[0][8:])["filename"] == "index.cdx.gz"
    blocks = package.read("indexes/index.cdx.gz")
    lines: list[str] = []
    for line in idx[1:]:
        where = json.loads(line.split(" ", 2)[2])
        block = blocks[where["offset"] : where["offset"] + where["length"]]
        assert where["digest"] == "sha256:" + hashlib.sha256(block).hexdigest()
        lines += gzip.decompress(block).decode("utf-8").splitlines()
    return lines


def test_incremental_crawl_alone_says_its_revisits_need_the_site(archived_site):
    incremental = _crawl_wacz(archived_site.incremental)
    assert [n for n in _entries(incremental) if n.startswith("archive/")] == [
        f"archive/{p.name}" for p in archived_site.incremental.glob("*.warc.gz")
    ]
    result = archiver("wacz", str(archived_site.incremental), "-o", str(incremental))
    assert "revisits refer to earlier crawls (package the site folder to replay them)" in (
        result.stdout
    )


# --- ReplayWeb.page ------------------------------------------------------------------


@pytest.fixture(scope="session")
def replaywebpage() -> Path:
    """The unpacked npm package (``ui.js``, ``sw.js``): ``npm pack`` once, into the cache.
    Its bundles carry their dependencies, so nothing is installed from it."""
    name, _, version = REPLAYWEBPAGE.partition("@")
    folder = CACHE / f"{name}-{version}"
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("# created by the tests (pywb, ReplayWeb.page)\n*\n")
    with (CACHE / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be unpacking it
        if not (folder / "package" / "sw.js").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            subprocess.run(
                [_npm(), "pack", REPLAYWEBPAGE, "--pack-destination", str(folder), "--silent"],
                check=True,
                capture_output=True,
                timeout=600,
            )
            (tarball,) = folder.glob("*.tgz")
            with tarfile.open(tarball) as archive:
                archive.extractall(folder, filter="data")
            tarball.unlink()
    package = json.loads((folder / "package" / "package.json").read_text("utf-8"))
    assert package["version"] == version
    return folder / "package"


def _npm() -> str:
    """``npm``, installed from Debian's packages when missing."""
    found = shutil.which("npm")
    if found:
        return found
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "nodejs", "npm"]
    if subprocess.run(install, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=True)
        subprocess.run(install, capture_output=True, check=True)
    found = shutil.which("npm")
    assert found, "npm is not installed and apt-get could not install it"
    return found


@pytest.fixture(scope="module")
def replay_server(
    replaywebpage: Path,
    archived_site: ArchivedSite,
    site_wacz: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """ReplayWeb.page and the WACZ files, served from one folder on 127.0.0.1."""
    root = tmp_path_factory.mktemp("replaywebpage")
    shutil.copy(replaywebpage / "ui.js", root / "ui.js")
    (root / "replay").mkdir()
    shutil.copy(replaywebpage / "sw.js", root / "replay" / "sw.js")
    (root / "replay.html").write_text(REPLAY_PAGE, "utf-8")
    shutil.copy(_crawl_wacz(archived_site.full), root / "crawl.wacz")
    shutil.copy(site_wacz, root / "site.wacz")
    with range_server(root) as base:
        yield base


def _replayed(
    browser: Any, base: str, source: str, url: str, ts: str = ""
) -> tuple[Any, Any, list[str]]:
    page, requests = open_page(
        browser, f"{base}replay.html?source=/{source}&url={url}&ts={ts}",
        viewport={"width": 1100, "height": 1400},
    )  # fmt: skip
    app = page.frame_locator("replay-web-page >> iframe")
    frame = app.frame_locator("replay-app-main wr-item wr-coll-replay >> iframe")
    # ReplayWeb.page's service worker may not yet control a brand-new context's first
    # load (the app then waits for it for ever); a reader reloads, and so does the test,
    # at most twice. A page that never replays still fails here.
    for attempt in range(3):
        try:
            frame.locator("h1").first.wait_for(timeout=40_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.reload()
    return page, frame, requests


def _check_thread(frame: Any, comments: list[dict[str, Any]]) -> None:
    """Every comment of ``comments`` is on the replayed page, inside its parent, with its text."""
    tree = dict(frame.locator("body").evaluate(COMMENT_TREE))
    for comment in comments:
        assert comment["id"] in tree, comment["permalink"]
        parent = comment["parent_id"] or 0  # the page's tree says 0 for a top-level comment
        if parent in tree or parent == 0:
            assert tree[comment["id"]] == parent, comment["id"]
        body = frame.locator(f"#comment-{comment['id']}").first.inner_text()
        assert " ".join(comment["content_text"].split()[:8]) in " ".join(body.split())


def _offline(requests: list[str], base: str) -> None:
    outside = [u for u in requests if not u.startswith((base, "blob:", "data:"))]
    assert outside == []


def test_seed_post_replays_with_its_threaded_comments(browser, replay_server, archived_site):
    posts = read_jsonl(archived_site.full / "posts.jsonl")
    seed = next(p for p in posts if p["title"] == SEED_TITLE)
    page, frame, requests = _replayed(browser, replay_server, "crawl.wacz", seed["url"])
    try:
        assert frame.locator("h1").first.inner_text() == SEED_TITLE
        assert SEED_SENTENCE in frame.locator("body").inner_text()
        comments = [
            c
            for c in read_jsonl(archived_site.full / "comments.jsonl")
            if c["post_id"] == seed["id"]
        ]
        assert len(comments) == 6
        assert any(c["parent_id"] for c in comments)
        assert any(c["depth"] >= 3 for c in comments)
        _check_thread(frame, comments)
        page.screenshot(path=artefact("replaywebpage-seed-post.png"))
        _offline(requests, replay_server)
    finally:
        page.context.close()


def test_post_with_paginated_comments_replays_page_by_page(browser, replay_server, archived_site):
    comments = read_jsonl(archived_site.full / "comments.jsonl")
    by_page: dict[str, list[dict[str, Any]]] = {}
    for comment in comments:
        for source in comment["provenance"]:
            by_page.setdefault(source["url"], []).append(comment)
    (later,) = [url for url in by_page if url.rstrip("/").endswith(PAGINATED)]
    first = later.replace(PAGINATED, "comment-page-1")
    assert len(by_page[later]) > 10
    assert len(by_page[first]) > 10
    for number, url in enumerate((first, later), 1):
        page, frame, requests = _replayed(browser, replay_server, "crawl.wacz", url)
        try:
            _check_thread(frame, by_page[url])
            shown = {c for c, _ in frame.locator("body").evaluate(COMMENT_TREE)}
            assert shown == {c["id"] for c in by_page[url]}
            if number == 2:
                page.screenshot(path=artefact("replaywebpage-comment-page-2.png"))
            _offline(requests, replay_server)
        finally:
            page.context.close()


def test_post_only_revisited_replays_from_the_site_package(
    browser, replay_server, archived_site, site_wacz
):
    revisited = _revisited_posts(archived_site)
    assert revisited, "the incremental crawl rechecked no post page"
    post, timestamp = revisited[0]
    with zipfile.ZipFile(site_wacz) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()[1:]]
    (listed,) = [p for p in pages if p["url"] == post["url"]]
    assert listed["ts"].replace("-", "").replace(":", "").replace("T", "")[:14] == timestamp
    page, frame, requests = _replayed(browser, replay_server, "site.wacz", post["url"], timestamp)
    try:
        assert frame.locator("h1").first.inner_text() == post["title"]
        assert " ".join(post["content_text"].split()[:12]) in " ".join(
            frame.locator("body").inner_text().split()
        )
        comments = [
            c
            for c in read_jsonl(archived_site.full / "comments.jsonl")
            if c["post_id"] == post["id"]
        ]
        _check_thread(frame, comments)
        page.screenshot(path=artefact("replaywebpage-revisited-post.png"))
        _offline(requests, replay_server)
    finally:
        page.context.close()


def _revisited_posts(site: ArchivedSite) -> list[tuple[dict[str, Any], str]]:
    """Posts of the full crawl whose page the incremental crawl wrote as a revisit record
    (identical payload), with the revisit's 14-digit timestamp."""
    posts = {p["url"]: p for p in read_jsonl(site.full / "posts.jsonl")}
    found = []
    for warc in sorted(site.incremental.glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "revisit" and uri in posts:
                    assert record.rec_headers.get_header("WARC-Refers-To-Target-URI") == uri
                    assert record.rec_headers.get_header("WARC-Refers-To-Date")
                    date = record.rec_headers.get_header("WARC-Date")
                    found.append((posts[uri], "".join(ch for ch in date if ch.isdigit())[:14]))
    return found
