"""End to end: ``archiver site`` writes an offline copy of the test blog that works from
``file://`` in Chromium (issue 19).

The copy is built from the shared archive (both crawls and the images' WARC, see
``conftest.py``). Every page of it is opened in Debian's Chromium: every internal link
lands on a file of the copy (and on its ``#comment-N`` anchor), every image loads, and no
request leaves ``file://``. The seed post shows its six comments threaded as the blog
nested them; the search page finds a post by a word of one of its comments.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pytest

from tests.browser import artefact, open_page
from tests.conftest import read_jsonl
from tests.e2e.conftest import archiver

if TYPE_CHECKING:
    from tests.e2e.conftest import ArchivedSite

pytestmark = pytest.mark.e2e

SEED_TITLE = "Further thoughts on ‘Her’ by Spike Jonze"
# Lazy images below the fold load only when asked: all of them are, then looked at.
LINKS_AND_IMAGES = """async () => {
  await Promise.all([...document.images].map(i => { i.loading = 'eager';
    return i.decode().catch(() => null); }));
  return {
  links: [...document.querySelectorAll('a[href]')]
    .map(a => [a.href, a.classList.contains('external')]),
  images: [...document.querySelectorAll('img')]
    .map(i => [i.currentSrc || i.src, i.complete && i.naturalWidth > 0]),
  };
}"""
COMMENT_TREE = """() => [...document.querySelectorAll('li.comment')].map(li => {
  const parent = li.parentElement.closest('li.comment');
  return [Number(li.id.slice(8)), parent ? Number(parent.id.slice(8)) : null];
})"""


@pytest.fixture(scope="module")
def offline_copy(
    archived_site: ArchivedSite,
    tmp_path_factory: pytest.TempPathFactory,
    ground_truth: dict[str, Any],
) -> Path:
    output = tmp_path_factory.mktemp("offline") / "blog"
    result = archiver("site", str(archived_site.site_dir), "-o", str(output))
    posts = sum(p["type"] == "post" for p in ground_truth["posts"])
    pages = len(ground_truth["posts"]) - posts
    assert result.stdout.startswith(
        f"site: {output / 'index.html'} ({posts} posts, {pages} pages, "
    )
    return output


def _local_file(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def _static_links(path: Path, scripted: bool = False) -> tuple[list[tuple[str, bool]], set[str]]:
    """(absolute href, marked external) of every link of a page, and its ids, as a browser
    resolves them against the page's ``file://`` URL (``scripted``: as one running
    JavaScript reads the page, ``<noscript>`` being text then)."""
    root = lxml.html.fromstring(path.read_bytes())
    if scripted:
        for element in list(root.iter("noscript")):
            cast("lxml.html.HtmlElement", element).drop_tree()
    links = [
        (urljoin(path.as_uri(), str(a.get("href"))), "external" in (a.get("class") or "").split())
        for a in root.iter("a")
        if a.get("href") is not None
    ]
    return links, {str(e.get("id")) for e in root.iter() if e.get("id")}


def test_every_internal_link_of_every_page_resolves(offline_copy):
    pages = sorted(offline_copy.rglob("*.html"))
    assert len(pages) > 300
    found = {path.resolve(): _static_links(path) for path in pages}
    for source, (links, _) in found.items():
        for href, external in links:
            if not href.startswith("file://"):
                assert external, (source, href)  # everything else is marked as leaving
                assert href.startswith(("http://", "https://", "mailto:")), (source, href)
                continue
            assert not external, (source, href)
            target = _local_file(href).resolve()
            assert target.is_file(), (source, href)
            assert offline_copy.resolve() in target.parents, (source, href)
            fragment = urlsplit(href).fragment
            if fragment and target.suffix == ".html":
                assert fragment in found[target][1], (source, href)


def test_in_chromium_images_load_links_match_and_nothing_leaves_file(browser, offline_copy):
    """The pages that show images, every kind of index page and the search page, opened
    in Chromium: its links are the ones checked above, every image loads from the copy."""
    with_images = [p for p in offline_copy.rglob("*.html") if b"<img" in p.read_bytes()]
    assert len(with_images) >= 5
    kinds = [next(iter(sorted((offline_copy / kind).glob("*.html")))) for kind in
             ("category", "tag", "author", "archive", "pages")]  # fmt: skip
    pages = [offline_copy / "index.html", offline_copy / "search.html", *kinds, *with_images]
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    images = 0
    try:
        for path in pages:
            page.goto(path.as_uri(), wait_until="load")
            found = page.evaluate(LINKS_AND_IMAGES)
            static = _static_links(path, scripted=True)[0]
            assert len(found["links"]) == len(static)
            assert [(h, e) for h, e in found["links"] if h.startswith("file://")] == [
                (h, e) for h, e in static if h.startswith("file://")
            ]
            for src, loaded in found["images"]:
                assert src.startswith("file://"), (path, src)
                assert loaded, (path, src)
                images += 1
    finally:
        context.close()
    assert images >= 7  # the posts' images, from the WARC
    assert [u for u in requests if not u.startswith("file://")] == []


def test_home_page_keeps_the_blogs_title_and_language(browser, offline_copy, archived_site):
    page, requests = open_page(browser, (offline_copy / "index.html").as_uri(),
                               viewport={"width": 412, "height": 915})  # fmt: skip
    try:
        assert page.title() == "Blog Archiver Test Blog"
        assert page.locator("html").get_attribute("lang") == "en-US"
        posts = [p for p in read_jsonl(archived_site.full / "posts.jsonl") if p["type"] == "post"]
        assert page.locator("section.posts li").count() == len(posts)
        for kind in ("Categories", "Tags", "Authors", "Months"):
            assert page.locator(f"aside h2:text-is('{kind}')").count() == 1
        # readable on a phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 412
        page.screenshot(path=artefact("offline-home.png"))
        assert all(u.startswith("file://") for u in requests)
    finally:
        page.context.close()


def _seed(archived_site: ArchivedSite) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    (post,) = [
        p for p in read_jsonl(archived_site.full / "posts.jsonl") if p["title"] == SEED_TITLE
    ]
    comments = [
        c for c in read_jsonl(archived_site.full / "comments.jsonl") if c["post_id"] == post["id"]
    ]
    return post, comments


def test_seed_post_shows_its_six_comments_threaded(browser, offline_copy, archived_site):
    post, comments = _seed(archived_site)
    (path,) = offline_copy.glob(f"posts/{post['id']}-*.html")
    page, requests = open_page(browser, path.as_uri(), viewport={"width": 412, "height": 915})
    try:
        assert page.locator("h1.post-title").inner_text() == SEED_TITLE
        body = " ".join(page.locator(".post-content").inner_text().split())
        assert " ".join(post["content_text"].split()[:30]) in body
        tree = dict(page.evaluate(COMMENT_TREE))
        assert len(comments) == 6
        assert tree == {c["id"]: c["parent_id"] for c in comments}
        for comment in comments:
            item = page.locator(f"#comment-{comment['id']}")
            assert comment["author"]["name"] in item.locator(".comment-author").first.inner_text()
            assert item.locator("time").first.get_attribute("datetime") == comment["published"]
            # Shown on the blog's own clock, as its readers saw it.
            shown = comment["published_local"][:16].replace("T", " ")
            assert item.locator("time").first.inner_text() == shown
            text = " ".join(item.locator(".comment-content").first.inner_text().split())
            assert text == " ".join(comment["content_text"].split())
        page.locator("#comments").scroll_into_view_if_needed()
        page.screenshot(path=artefact("offline-seed-post.png"), full_page=True)
        assert all(u.startswith("file://") for u in requests)
    finally:
        page.context.close()


def test_search_finds_a_post_by_a_word_of_its_comments(browser, offline_copy, archived_site):
    _post, comments = _seed(archived_site)
    words = "Bill Murray whispering"
    assert any(words in c["content_text"] for c in comments)
    page, requests = open_page(browser, (offline_copy / "search.html").as_uri() + f"?q={words}")
    try:
        results = page.locator("#search-results li a")
        results.first.wait_for()
        assert SEED_TITLE in results.all_inner_texts()
        results.filter(has_text=SEED_TITLE).first.click()
        page.wait_for_load_state()
        assert page.locator("h1.post-title").inner_text() == SEED_TITLE
        assert all(u.startswith("file://") for u in requests)
    finally:
        page.context.close()
