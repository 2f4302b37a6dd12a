"""The discovery sources (archiver.discovery) on recorded answers, without Scrapy: what each
asks for at its start and for an answer, what it tells the crawl (notes, failures,
declared counts), and when it falls back to the next sources in the spider's order.

Answers are the saved fixtures with their recorded URL, status and headers; the site's
memory of an incremental crawl is a real SiteState in a temporary folder."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from archiver.crawl.known_site import KnownSite
from archiver.discovery.archive_pages import ArchivePages
from archiver.discovery.blog import Blog
from archiver.discovery.feeds import Feeds
from archiver.discovery.incremental import IncrementalListings, MissingPosts
from archiver.discovery.rest import RestListings
from archiver.discovery.sitemaps import Sitemaps
from archiver.discovery.source import FALL_BACK, POST_PAGE, Failure, Fetch
from archiver.discovery.urls import blog_scope
from archiver.extract.page import parse_html
from archiver.state.posttable import KnownPost, PostTable
from archiver.state.site import SiteState
from tests.conftest import fixture_path, load_fixture

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from pathlib import Path

    from archiver.discovery.source import Fetches

HOME_URL, HOME_HTML = load_fixture("twentytwentyone", "home.html")
BASE = HOME_URL  # the recorded test blog
PLUGIN_BASE = "https://blog.example/"  # the Yoast and Rank Math fixtures' blog
WARC_RECORD = {"file": "x.warc.gz", "offset": 123, "record_id": "<urn:uuid:1>"}


class RecordedHeaders:
    """Headers as recorded in a fixture's .meta.json, read as Scrapy's Headers are."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = {name.lower(): value.encode("latin-1") for name, value in headers.items()}

    def get(self, key: bytes) -> bytes | None:
        return self._headers.get(key.decode("latin-1").lower())

    def getlist(self, key: bytes) -> list[bytes]:
        value = self.get(key)
        return [] if value is None else [value]


class Recorded:
    """A recorded answer: what a source reads of a response (archiver.discovery.source.Answer)."""

    def __init__(
        self,
        url: str,
        body: bytes,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        *,
        is_text: bool = True,
    ) -> None:
        self.url, self.body, self.status = url, body, status
        self.headers = RecordedHeaders(headers or {})
        self.is_text = is_text
        self.meta = {"warc_record": WARC_RECORD}

    @property
    def text(self) -> str:
        if not self.is_text:
            raise AttributeError("Response content isn't text")
        return self.body.decode("utf-8")

    @classmethod
    def of(cls, *parts: str) -> Recorded:
        path = fixture_path(*parts)
        meta = json.loads(path.with_suffix(".meta.json").read_text("utf-8"))
        return cls(meta["url"], path.read_bytes(), meta["status"], meta["headers"])


class Told:
    """A Reporter that keeps what the sources tell the crawl."""

    def __init__(self) -> None:
        self.notes: dict[str, object] = {}
        self.failures: list[tuple[str, str, int | None]] = []
        self.declared: list[tuple[str, dict[str, int]]] = []

    def note(self, key: str, value: object) -> None:
        self.notes[key] = value

    def fail(self, url: str, reason: str, status: int | None = None) -> None:
        self.failures.append((url, reason, status))

    def declare(self, by: str, counts: Mapping[str, int]) -> None:
        self.declared.append((by, dict(counts)))


def run(output: Fetches, refused: Iterable[str] = ()) -> list[Any]:
    """What a source yields, each fetch sent (as the spider's gate answers) unless refused."""
    refused = set(refused)
    out: list[Any] = []
    sent: bool | None = None
    while True:
        try:
            item = output.send(sent)
        except StopIteration:
            return out
        out.append(item)
        sent = isinstance(item, Fetch) and item.url not in refused


def urls(out: list[Any], source: str | None = None) -> list[str]:
    return [f.url for f in out if isinstance(f, Fetch) and source in (None, f.source)]


def _blog(url: str = BASE, *, home: bool = False, api_root: str = "") -> Blog:
    blog = Blog(url, blog_scope(url), api_root=api_root)
    if home:
        blog.home = (HOME_URL, parse_html(HOME_HTML))
    return blog


# --- REST listings --------------------------------------------------------------------


def test_rest_starts_with_the_posts_and_pages_listings_of_the_advertised_root():
    told = Told()
    out = run(RestListings(_blog(api_root=f"{BASE}wp-json/"), told).start())
    assert [f.url.split("?")[0] for f in out if isinstance(f, Fetch)] == [
        f"{BASE}wp-json/wp/v2/posts",
        f"{BASE}wp-json/wp/v2/pages",
    ]
    assert {(f.kind, f.source, f.args["page"]) for f in out if isinstance(f, Fetch)} == {
        ("api", "rest", 1)
    }
    assert told.notes == {"rest_api_root": f"{BASE}wp-json/"}


@pytest.mark.parametrize(
    ("root", "why"),
    [("", "not advertised"), ("https://elsewhere.example/wp-json/", "out of scope: ")],
)
def test_rest_without_a_root_in_the_blog_falls_back(root, why):
    told = Told()
    assert run(RestListings(_blog(api_root=root), told).start()) == [FALL_BACK]
    assert str(told.notes["rest_api"]).startswith(why)


def test_a_rest_listing_page_declares_the_total_and_asks_for_the_other_pages_and_posts():
    answer = Recorded.of("api", "posts.json")  # page 1 of 87, 3 posts a page (of 261)
    objects = json.loads(answer.body)
    told = Told()
    args = {"root": f"{BASE}wp-json/", "kind": "posts", "page": 1}
    out = run(RestListings(_blog(), told).read("", answer, args))
    listings = [f for f in out if isinstance(f, Fetch) and f.source == "rest"]
    posts = [f for f in out if isinstance(f, Fetch) and f.source == POST_PAGE]
    assert [f.args["page"] for f in listings] == list(range(2, 88))
    assert [f.url for f in posts] == [obj["link"] for obj in objects]
    assert [f.args["api_post"]["id"] for f in posts] == [obj["id"] for obj in objects]
    provenance = posts[0].args["api_source"]
    assert (provenance.source, provenance.warc_offset) == ("api", WARC_RECORD["offset"])
    assert told.declared == [("rest_api", {"posts": 261})]
    assert told.notes["rest_api"] == "used"
    # A later page only names its posts.
    later = run(RestListings(_blog(), Told()).read("", answer, {**args, "page": 2}))
    assert urls(later) == [obj["link"] for obj in objects]


def test_an_object_without_a_link_in_the_blog_is_reported_not_fetched():
    answer = Recorded.of("api", "posts.json")
    objects = json.loads(answer.body)
    objects[0]["link"] = "https://elsewhere.example/post/"
    del objects[1]["link"]
    answer.body = json.dumps(objects).encode()
    told = Told()
    args = {"root": "", "kind": "posts", "page": 2}
    out = run(RestListings(_blog(), told).read("", answer, args))
    assert urls(out) == [objects[2]["link"]]
    assert [f[1] for f in told.failures] == [
        f"posts object {objects[0]['id']} has no link in scope",
        f"posts object {objects[1]['id']} has no link in scope",
    ]


@pytest.mark.parametrize(
    "answer",
    [
        Recorded(HOME_URL, HOME_HTML.encode()),  # the API hidden behind an HTML page
        Recorded(f"{BASE}wp-json/wp/v2/posts", b'{"code": "rest_no_route"}'),
        Recorded(f"{BASE}wp-json/wp/v2/posts", b"\x89PNG", is_text=False),
    ],
)
def test_a_listing_that_is_not_a_json_list_makes_rest_unusable(answer):
    told = Told()
    args = {"root": "", "kind": "posts", "page": 1}
    out = run(RestListings(_blog(), told).read("", answer, args))
    assert out == [FALL_BACK]
    assert told.notes["rest_api"] == f"unusable: {answer.url} did not return a JSON list"
    assert told.declared == []


def test_a_failed_listing_makes_rest_unusable():
    told = Told()
    failure = Failure(f"{BASE}wp-json/wp/v2/posts", "HTTP 401", 401)
    assert run(RestListings(_blog(), told).failed("", failure, {})) == [FALL_BACK]
    assert told.notes["rest_api"] == f"unusable: {BASE}wp-json/wp/v2/posts: HTTP 401"


# --- sitemaps -------------------------------------------------------------------------


def test_sitemaps_try_the_core_sitemap_then_its_plain_permalink_form():
    told = Told()
    sitemaps = Sitemaps(_blog(), told, set)
    out = run(sitemaps.start())
    top = {"top": True}
    assert out == [Fetch(f"{BASE}wp-sitemap.xml", "sitemap", "sitemaps", args=top, awaited=True)]
    # A 500 (or any failure but 404/410): maybe elsewhere, the plain permalink form next.
    failure = Failure(f"{BASE}wp-sitemap.xml", "HTTP 500", 500)
    assert urls(run(sitemaps.failed("", failure, {"top": True}))) == [f"{BASE}?sitemap=index"]
    # That one is no sitemap either (the home page, under plain permalinks): fall back.
    home = Recorded(f"{BASE}?sitemap=index", HOME_HTML.encode())
    assert run(sitemaps.read("", home, {"top": True})) == [FALL_BACK]
    assert str(told.notes["sitemap"]).startswith(f"unusable: {BASE}?sitemap=index: ")
    assert "sitemap_sources" not in told.notes


def test_a_404_sitemap_means_sitemaps_are_off():
    told = Told()
    sitemaps = Sitemaps(_blog(), told, set)
    run(sitemaps.start())
    failure = Failure(f"{BASE}wp-sitemap.xml", "HTTP 404", 404)
    assert run(sitemaps.failed("", failure, {"top": True})) == [FALL_BACK]
    assert told.notes["sitemap"] == f"unusable: {BASE}wp-sitemap.xml: HTTP 404"


def test_the_sitemaps_robots_txt_names_come_first_and_out_of_scope_ones_never_count():
    told = Told()
    blog = _blog()
    robots = Recorded(
        f"{BASE}robots.txt",
        f"Sitemap: {BASE}sitemap_index.xml\nSitemap: https://cdn.example/s.xml\n".encode(),
    )
    blog.read_robots(robots)
    out = run(Sitemaps(blog, told, set).start())
    assert urls(out) == [f"{BASE}sitemap_index.xml"]
    assert told.notes["sitemap_sources"] == f"robots.txt: {BASE}sitemap_index.xml"
    # None of them in the blog: the core sitemap, as if robots.txt named none.
    blog.robots_sitemaps = ["https://cdn.example/s.xml"]
    assert urls(run(Sitemaps(blog, Told(), set).start())) == [f"{BASE}wp-sitemap.xml"]
    # None the gate lets through (asked for already, denied): the next sources.
    told = Told()
    out = run(Sitemaps(_blog(), told, set).start(), refused=[f"{BASE}wp-sitemap.xml"])
    assert out[-1] is FALL_BACK
    assert told.notes["sitemap"] == "none in scope"


def test_an_index_asks_for_its_post_sitemaps_one_at_a_time():
    told = Told()
    sitemaps = Sitemaps(_blog(), told, set)
    run(sitemaps.start())
    index = Recorded.of("sitemaps", "wp-sitemap.xml")
    out = run(sitemaps.read("", index, {"top": True}))
    # Posts first; pages wait for it: users and terms are never asked for.
    assert urls(out) == [f"{BASE}wp-sitemap-posts-post-1.xml"]
    assert out[0].awaited
    assert "top" not in out[0].args
    assert told.notes["sitemap"] == "used"
    # The page sitemap comes once the post sitemap's entries are queued.
    pages = Recorded.of("sitemaps", "wp-sitemap-posts-page-1.xml")
    out = run(sitemaps.read("", pages, {}))
    posts = [f for f in out if isinstance(f, Fetch) and f.source == POST_PAGE]
    assert posts
    assert all(f.paced and f.kind == "post" for f in posts)
    assert urls(out, "sitemaps") == [f"{BASE}wp-sitemap-posts-page-1.xml"]  # the next


def test_a_post_sitemap_passed_over_by_the_gate_gives_its_turn_to_the_next():
    sitemaps = Sitemaps(_blog(), Told(), set)
    index = Recorded.of("sitemaps", "wp-sitemap.xml")
    posts, pages = f"{BASE}wp-sitemap-posts-post-1.xml", f"{BASE}wp-sitemap-posts-page-1.xml"
    out = run(sitemaps.read("", index, {"top": True}), refused=[posts])
    assert urls(out) == [posts, pages]
    assert run(sitemaps._next()) == []  # nothing left


def test_in_a_shared_crawl_an_index_asks_for_all_its_post_sitemaps_at_once():
    sitemaps = Sitemaps(_blog(), Told(), set, one_at_a_time=False)
    out = run(sitemaps.read("", Recorded.of("sitemaps", "wp-sitemap.xml"), {"top": True}))
    assert urls(out) == [f"{BASE}wp-sitemap-posts-post-1.xml", f"{BASE}wp-sitemap-posts-page-1.xml"]


@pytest.mark.parametrize("plugin", ["yoast", "rankmath"])
def test_plugin_sitemaps_declare_posts_and_pages_without_the_home_page(plugin):
    told = Told()
    sitemaps = Sitemaps(_blog(PLUGIN_BASE), told, set, one_at_a_time=False)
    body = fixture_path("sitemaps", plugin, "sitemap_index.xml").read_bytes()
    index = Recorded(PLUGIN_BASE + "sitemap_index.xml", body)
    asked = urls(run(sitemaps.read("", index, {"top": True})))
    entries: dict[str, list[str]] = {}
    for url in asked:
        path = fixture_path("sitemaps", plugin, url.rsplit("/", 1)[-1])
        if not path.is_file():
            continue  # Rank Math's first post sitemap is not among the fixtures
        out = run(sitemaps.read("", Recorded(url, path.read_bytes()), {}))
        entries[url] = urls(out, POST_PAGE)
    posts = {u for url, found in entries.items() if "/post-" in url for u in found} - {PLUGIN_BASE}
    pages = {u for url, found in entries.items() if "/page-" in url for u in found} - {PLUGIN_BASE}
    assert PLUGIN_BASE in {u for found in entries.values() for u in found}  # listed, not counted
    assert told.declared[-1] == ("sitemap", {"posts": len(posts - pages), "pages": len(pages)})
    assert told.notes["sitemap"] == "used"


def test_a_post_sitemap_that_fails_is_reported_and_the_html_is_searched_too():
    told = Told()
    sitemaps = Sitemaps(_blog(), told, set)
    run(sitemaps.read("", Recorded.of("sitemaps", "wp-sitemap.xml"), {"top": True}))
    failure = Failure(f"{BASE}wp-sitemap-posts-post-1.xml", "HTTP 500", 500)
    out = run(sitemaps.failed("", failure, {}))
    assert out[-1] is FALL_BACK
    assert urls(out) == [f"{BASE}wp-sitemap-posts-page-1.xml"]  # the rest still read
    assert told.failures == [(failure.url, "unusable sitemap: HTTP 500", 500)]


# --- feeds and archive pages ----------------------------------------------------------


def test_feeds_are_the_ones_the_home_page_advertises_never_the_comments_feed():
    out = run(Feeds(_blog(home=True), Told()).start())
    assert urls(out) == [f"{BASE}feed/"]
    assert out[0].awaited
    # A worker that never read the home page: the core feed.
    assert urls(run(Feeds(_blog(), Told()).start())) == [f"{BASE}feed/"]


def test_feeds_are_unusable_once_every_one_failed():
    told = Told()
    feeds = Feeds(_blog(home=True), told)
    run(feeds.start())
    not_a_feed = Recorded(f"{BASE}feed/", HOME_HTML.encode())
    assert run(feeds.read("", not_a_feed, {})) == []
    assert str(told.notes["feeds"]).startswith(f"unusable: {BASE}feed/: not XML")


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_a_feed_names_its_entries_pages(name):
    answer = Recorded.of("feeds", name)  # the test blog's RSS and Atom feeds, recorded
    told = Told()
    feeds = Feeds(_blog(answer.url.split("/feed/")[0] + "/"), told)
    run(feeds.start())
    posts = urls(run(feeds.read("", answer, {})), POST_PAGE)
    assert len(posts) == 10  # the latest ten posts
    assert len(set(posts)) == 10
    assert all(url.startswith(f"{answer.url.split('/feed/')[0]}/20") for url in posts)
    assert all("#" not in url for url in posts)
    assert told.notes["feeds"] == "used"


def test_archive_pages_start_from_the_home_page_in_memory():
    told = Told()
    out = run(ArchivePages(_blog(home=True), told).start())
    assert f"{BASE}page/2/" in urls(out, "archive_pages")  # archive page 2, fetched
    assert f"{BASE}about/" in urls(out, POST_PAGE)  # a page, from the menu
    assert BASE not in urls(out)  # the home page is not fetched again
    assert told.notes == {"archive_pages": "used"}


def test_a_worker_that_did_not_read_the_home_page_asks_for_it_again():
    (fetch,) = run(ArchivePages(_blog(), Told()).start())
    assert (fetch.url, fetch.again, fetch.source) == (BASE, True, "archive_pages")
    answer = Recorded(HOME_URL, HOME_HTML.encode())
    assert f"{BASE}page/2/" in urls(run(ArchivePages(_blog(), Told()).read("", answer, {})))
    not_html = Recorded(HOME_URL, b"\x89PNG", is_text=False)
    assert run(ArchivePages(_blog(), Told()).read("", not_html, {})) == []


# --- incremental listings and missing posts -------------------------------------------


def _ids(name: str) -> list[dict[str, Any]]:
    ids: list[dict[str, Any]] = json.loads(fixture_path("api", name).read_text("utf-8"))
    return ids


@pytest.fixture
def known_site(tmp_path: Path) -> Iterator[KnownSite]:
    """A site whose last crawl captured the posts of the recorded id listing (the first
    one since edited) and the first four comments of the recorded comment listing; an
    incremental crawl begun."""
    state = SiteState(tmp_path / "site" / "state.sqlite")
    first = state.begin_crawl(lambda: state.root / "c1", full=False, resume=False)
    posts = {
        obj["id"]: KnownPost(obj["id"], "post", obj["link"], f"{obj['modified_gmt']}Z")
        for obj in _ids("post-ids.json")
    }
    edited = next(iter(posts.values()))
    posts[edited.id] = KnownPost(edited.id, "post", edited.link, "2001-01-01T00:00:00Z")
    first.captured_posts = PostTable(posts)
    for obj in _ids("comment-ids.json")[:4]:
        first.captured_comments[obj["id"]] = (obj["post"], "comment")
    state.finish_crawl(first)
    incremental = state.begin_crawl(lambda: state.root / "c2", full=False, resume=False)
    assert incremental.incremental
    yield KnownSite(state, incremental, revalidate=(0.0, 1))
    state.close()


def _whole(answer: Recorded) -> Recorded:
    """A recorded first page of a listing, as the whole listing (one page)."""
    answer.headers = RecordedHeaders({"X-WP-Total": str(len(json.loads(answer.body)))})
    return answer


def test_incremental_listings_fetch_only_what_changed(known_site):
    posts, comments = _ids("post-ids.json"), _ids("comment-ids.json")
    root = posts[0]["link"].split("/20")[0] + "/wp-json/"
    told = Told()
    listings = IncrementalListings(
        _blog(root.removesuffix("wp-json/"), api_root=root), told, known_site
    )
    start = run(listings.start())
    assert [f.args["kind"] for f in start] == ["posts", "pages", "comments"]
    assert [f.url.split("_fields=")[1].split("&")[0] for f in start] == [
        "id,link,modified_gmt",
        "id,link,modified_gmt",
        "id,post",
    ]
    post_ids = _whole(Recorded.of("api", "post-ids.json"))
    assert run(listings.read("", post_ids, {"root": root, "kind": "posts", "page": 1})) == []
    empty = Recorded(f"{root}wp/v2/pages", b"[]", headers={"X-WP-Total": "0"})
    assert run(listings.read("", empty, {"root": root, "kind": "pages", "page": 1})) == []
    comment_ids = _whole(Recorded.of("api", "comment-ids.json"))
    out = run(listings.read("", comment_ids, {"root": root, "kind": "comments", "page": 1}))
    # The edited post and the post with a new comment, in full; the third one rechecked.
    (changed,) = [f for f in out if f.source == "incremental"]
    assert f"include={posts[0]['id']},{comments[4]['post']}&" in changed.url
    assert (changed.step, changed.args["page"]) == ("changed", 0)
    rechecked = [f for f in out if f.source == POST_PAGE]
    assert [(f.url, f.kind) for f in rechecked] == [(posts[2]["link"], "revalidate")]
    assert known_site.run.changes["edited_posts"] == {posts[0]["id"]}
    assert known_site.run.changes["new_comments"] == {comments[4]["id"]}
    assert told.notes["unchanged_posts"] == 0
    assert told.notes["unchanged_pages"] == 0
    assert told.declared == [("rest_api", {"posts": 3}), ("rest_api", {"pages": 0})]


def test_the_changed_posts_are_read_as_a_rest_listing(known_site):
    answer = Recorded.of("api", "posts.json")
    objects = json.loads(answer.body)
    told = Told()
    listings = IncrementalListings(_blog(), told, known_site)
    args = {"root": f"{BASE}wp-json/", "kind": "posts", "page": 0}
    out = run(listings.read("changed", answer, args))
    assert urls(out, POST_PAGE) == [obj["link"] for obj in objects]
    assert urls(out, "incremental") == []  # no further page
    assert told.declared == []  # nor a total: these are not all the posts


def test_a_failed_id_listing_falls_back(known_site):
    told = Told()
    listings = IncrementalListings(_blog(), told, known_site)
    failure = Failure(f"{BASE}wp-json/wp/v2/comments", "HTTP 500", 500)
    assert run(listings.failed("", failure, {})) == [FALL_BACK]
    assert told.notes["rest_api"] == f"unusable: {failure.url}: HTTP 500"


def test_missing_posts_are_asked_for_at_the_end_of_a_crawl_without_listings(known_site):
    posts = _ids("post-ids.json")
    told = Told()
    missing = MissingPosts(told, known_site)
    found = {posts[0]["link"]}
    out = run(missing.at_end(lambda url: url in found))
    assert urls(out) == [obj["link"] for obj in posts[1:]]
    assert {f.kind for f in out} == {"known_post"}
    assert told.notes["known_posts_not_found"] == 2
    assert run(missing.at_end(lambda url: False)) == []  # asked once
    # A known post's page answering 404 is a deletion; any other failure is not.
    assert not known_site.deleted(posts[1]["link"], 500)
    assert known_site.deleted(posts[1]["link"], 404)
    assert known_site.run.changes["deleted_posts"] == {posts[1]["id"]}
    assert not known_site.deleted(f"{BASE}never-known/", 404)


def test_after_the_listings_were_compared_nothing_is_missing(known_site):
    known_site.compare([], [])
    assert run(MissingPosts(Told(), known_site).at_end(lambda url: False)) == []
    posts = _ids("post-ids.json")
    assert not known_site.deleted(posts[1]["link"], 404)  # listed: its page failed
