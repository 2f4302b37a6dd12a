"""Unit tests for archiver.warc.rebuild (``archiver extract``) on a WARC written by the archiver's
own writer from recorded pages (real warcio, no mocks): a gzip-encoded post page and its
comments are rebuilt; a 404, a revisit and a WARC file cut inside its last record are
reported, and everything else is still rebuilt. The whole spider-equals-rebuild checks run
end to end (tests/e2e)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from archiver.cli import main
from archiver.extract.comments import extract_comments_from_html
from archiver.extract.page import parse_html
from archiver.extract.posts import extract_post_from_html
from archiver.warc.records import HttpExchange, WarcInfo
from archiver.warc.writer import RotatingWarcWriter
from tests.unit.test_warc import FIXED_DATE, fixed_clock

FIXTURES = Path(__file__).parent.parent / "fixtures" / "twentytwentyone"
SEED = json.loads((FIXTURES / "seed-post.meta.json").read_text("utf-8"))
BLOG = SEED["url"].split("/20", 1)[0] + "/"  # the recorded test blog's address
MISSING = BLOG + "2001/01/01/not-there/"
CUT = BLOG + "2001/01/02/cut-short/"


def _exchange(
    url: str, status: int, content_type: bytes, body: bytes, gzipped: bool = False
) -> HttpExchange:
    headers = [(b"Content-Type", content_type)]
    if gzipped:
        headers.append((b"Content-Encoding", b"gzip"))
        body = gzip.compress(body)
    return HttpExchange(
        method="GET",
        url=url,
        request_headers=((b"User-Agent", b"test"),),
        request_body=b"",
        protocol="HTTP/1.1",
        status=status,
        response_headers=tuple(headers),
        response_body=body,
        fetched_at=FIXED_DATE,
    )


def _sitemap(*urls: str) -> bytes:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    ).encode()


def _crawl(tmp_path: Path) -> Path:
    """Home page, a post sitemap, the seed post (gzip), a 404 post, and a post whose record
    the file ends inside."""
    seed = (FIXTURES / "seed-post.html").read_bytes()
    writer = RotatingWarcWriter(
        tmp_path / "site" / "20000101T000000Z",
        "test",
        WarcInfo(crawl_name="rebuild-test"),
        hostname="host",
        clock=fixed_clock(),
    )
    html = b"text/html; charset=UTF-8"
    for exchange in (
        _exchange(BLOG, 200, html, (FIXTURES / "home.html").read_bytes()),
        _exchange(BLOG + "wp-sitemap-posts-post-1.xml", 200, b"application/xml", b""),
        _exchange(SEED["url"], 200, html, seed, gzipped=True),
        _exchange(MISSING, 404, html, b"<html><body>Not found</body></html>"),
        _exchange(CUT, 200, html, seed.replace(b"Spike", b"Jonze")),
    ):
        if exchange.url.endswith(".xml"):
            exchange = _exchange(
                exchange.url, 200, b"application/xml", _sitemap(SEED["url"], MISSING, CUT)
            )
        writer.write_exchange(exchange)
    writer.close()
    (warc,) = writer.finished_paths
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - 2000])  # cut inside the last response's gzip member
    (warc.parent / "summary.json").write_text(json.dumps({"start_url": BLOG}), "utf-8")
    return warc.parent


def test_a_rebuild_reports_what_failed_and_rebuilds_the_rest(tmp_path, capsys):
    crawl = _crawl(tmp_path)
    out = tmp_path / "rebuilt"
    assert main(["extract", str(crawl), "-o", str(out)]) == 1  # something failed: said so
    page = parse_html((FIXTURES / "seed-post.html").read_text("utf-8"))
    post = extract_post_from_html(SEED["url"], page)
    comments = extract_comments_from_html(SEED["url"], page, post.id)
    posts = [json.loads(line) for line in (out / "posts.jsonl").read_text("utf-8").splitlines()]
    assert [(p["id"], p["title"]) for p in posts] == [(post.id, post.title)]
    assert posts[0]["provenance"][0]["source"] == "html"
    assert posts[0]["provenance"][0]["warc_offset"] > 0
    lines = (out / "comments.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(c.id for c in comments)
    assert comments, "the seed post has comments"
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    failures = {f["url"]: f for f in summary["failures"]}
    assert failures[MISSING]["status"] == 404
    assert failures[CUT]["reason"] == "no response in the WARC"
    (error,) = summary["errors"]
    assert "WARC record truncated" in error
    stderr = capsys.readouterr().err
    assert f"not rebuilt: {MISSING}" in stderr
    assert "WARC record truncated" in stderr


def test_a_complete_warc_rebuilds_with_exit_status_0(tmp_path):
    """Only the seed post: nothing fails, exit status 0, one worker or two alike."""
    seed = (FIXTURES / "seed-post.html").read_bytes()
    writer = RotatingWarcWriter(
        tmp_path / "crawl", "test", WarcInfo(crawl_name="t"), hostname="h", clock=fixed_clock()
    )
    html = b"text/html; charset=UTF-8"
    writer.write_exchange(_exchange(BLOG, 200, html, (FIXTURES / "home.html").read_bytes()))
    sitemap = _sitemap(SEED["url"])
    writer.write_exchange(_exchange(BLOG + "sitemap.xml", 200, b"application/xml", sitemap))
    writer.write_exchange(_exchange(SEED["url"], 200, html, seed))
    # The same page again, identical: written as a revisit, read with its original payload.
    writer.write_exchange(_exchange(SEED["url"], 200, html, seed))
    writer.close()
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"rebuilt-{workers}"
        args = [str(writer.directory), "--url", BLOG, "-o", str(out), "--workers", workers]
        code = main(["extract", *args])
        assert code == 0
        outputs.append((out / "posts.jsonl").read_bytes() + (out / "comments.jsonl").read_bytes())
        provenance = json.loads((out / "posts.jsonl").read_text("utf-8"))["provenance"][0]
        assert provenance["warc_offset"] > 0
    assert outputs[0] == outputs[1]
