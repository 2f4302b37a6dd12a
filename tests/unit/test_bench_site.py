"""The benchmark's static blog (bench/site.py) reads back as the blog it was generated from.

Checked with blog-archiver's own pure extraction, so the speed benchmark (issue 9) measures
a blog the archiver understands. No timing here: timings live in bench/run.py only.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

import pytest

from archiver.discovery.rest import find_api_root
from archiver.discovery.sitemaps import is_post_sitemap, robots_sitemaps, sitemap_urls
from archiver.extract.comments import comment_page_urls, extract_comments_from_html
from archiver.extract.page import parse_html
from archiver.extract.posts import extract_post_from_html
from bench.site import THREADS_PER_COMMENT_PAGE, GeneratedPost, Site, build_site, generate

if TYPE_CHECKING:
    from pathlib import Path

BASE = "http://127.0.0.1:8097/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    out = tmp_path_factory.mktemp("bench-site")
    return generate(20, out, BASE), out


def _page(out: Path, path: str) -> bytes:
    return (out / path.lstrip("/") / "index.html").read_bytes()


def _with_comments(site: Site) -> GeneratedPost:
    return max(site.posts, key=lambda p: (len({c.depth for c in p.comments}), len(p.comments)))


def test_post_page_yields_its_id_title_and_comment_count(site: tuple[Site, Path]) -> None:
    blog, out = site
    for post in blog.posts:
        url = blog.url(post.path)
        page = parse_html(_page(out, post.path))
        record = extract_post_from_html(url, page)
        assert (record.id, record.type, record.title) == (post.id, "post", post.title)
        assert record.comment_count_declared == (len(post.comments) or None)
        assert record.published == post.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        # The Jetpack share bar is in the page, never in the archived body.
        assert b"?share=twitter" in _page(out, post.path)
        assert "share=" not in record.content_html


def test_threaded_comments_keep_their_parents(site: tuple[Site, Path]) -> None:
    blog, out = site
    post = _with_comments(blog)
    assert any(c.depth >= 3 for c in post.comments), "the 20-post blog has deep threads"
    url = blog.url(post.path)
    page = parse_html(_page(out, post.path))
    found = extract_comments_from_html(url, page, post.id)
    # The post's own URL shows the last comment page (default_comments_page "newest").
    last = post.comment_pages
    shown = {c.id for c in post.threads()[(last - 1) * THREADS_PER_COMMENT_PAGE :]}
    expected = {
        c.id: (c.parent_id or None, c.depth)
        for c in post.comments
        if _thread_root(post, c.id) in shown
    }
    assert {c.id: (c.parent_id, c.depth) for c in found} == expected
    assert b"?replytocom=" in _page(out, post.path)


def _thread_root(post: GeneratedPost, comment_id: int) -> int:
    by_id = {c.id: c for c in post.comments}
    while by_id[comment_id].parent_id:
        comment_id = by_id[comment_id].parent_id
    return comment_id


def test_paginated_thread_pages_hold_every_comment(tmp_path: Path) -> None:
    blog = generate(60, tmp_path, BASE)
    post = max(blog.posts, key=lambda p: p.comment_pages)
    assert post.comment_pages > 1
    found = {}
    to_read, read = [blog.url(post.path)], set()
    while to_read:  # as the spider does: each page links the others with a.page-numbers
        url = to_read.pop()
        read.add(url)
        page = parse_html(_page(tmp_path, url[len(BASE) - 1 :]))
        found.update({c.id: c.parent_id for c in extract_comments_from_html(url, page, post.id)})
        to_read += [u for u in comment_page_urls(url, page) if u not in read and u not in to_read]
    assert found == {c.id: c.parent_id or None for c in post.comments}
    # As WordPress renders it: every page is linked as …/comment-page-N/, the last one too
    # (a copy of the post's own URL), and only those are linked.
    pages = {blog.url(f"{post.path}comment-page-{n}/") for n in range(1, post.comment_pages + 1)}
    assert read == {blog.url(post.path)} | pages


def test_sitemaps_list_every_post_and_no_rest_api(site: tuple[Site, Path]) -> None:
    blog, out = site
    robots = (out / "robots.txt").read_bytes()
    assert robots_sitemaps(BASE, robots) == [f"{BASE}wp-sitemap.xml"]
    kind, sitemaps = sitemap_urls((out / "wp-sitemap.xml").read_bytes())
    assert kind == "sitemapindex"
    listed: list[str] = []
    for sitemap in filter(is_post_sitemap, sitemaps):
        kind, urls = sitemap_urls((out / sitemap[len(BASE) :]).read_bytes())
        assert kind == "urlset"
        listed += urls
    expected = {blog.url(p.path) for p in [*blog.posts, *blog.pages]}
    assert expected <= set(listed)
    # Static files cannot advertise the REST API: the archiver must use the sitemap.
    home = parse_html((out / "index.html").read_bytes())
    assert find_api_root(BASE, [], home) == ""


def test_generation_is_deterministic(tmp_path: Path) -> None:
    generate(5, tmp_path / "a", BASE)
    generate(5, tmp_path / "b", BASE)
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert a == b
    assert all((tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in a)


def test_heavy_comment_shape_is_comment_heavy_with_paged_threads() -> None:
    default = build_site(300)
    heavy = build_site(300, comments="heavy")
    per_post = sum(len(p.comments) for p in heavy.posts) / len(heavy.posts)
    assert 16 <= per_post <= 22  # issue 23's blog: 56,553 comments / 3,000 posts
    assert sum(p.comment_pages > 1 for p in heavy.posts) > 2 * sum(
        p.comment_pages > 1 for p in default.posts
    )
