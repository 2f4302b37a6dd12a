"""The offline copy's pure parts and the WACZ's index reading, on pages recorded from the
test WordPress (tests/fixtures/twentytwentyone) and CDXJ lines as cdxj-indexer writes them."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, cast

import lxml.html

from archiver.extract.records import read_post_page
from archiver.extract.site import identity_from_home_page, identity_from_rest_root
from archiver.offline.archive import thread
from archiver.offline.links import media_path, post_path, relative, term_path, url_key
from archiver.offline.rewrite import rewrite_fragment
from archiver.warc.cdxj import LatestCaptures, parse_index_line
from archiver.warc.wacz import rfc3339
from tests.conftest import load_fixture

NONE = (lambda url: None, lambda url: None)  # nothing archived: no local link or medium


def _xp(root: Any, expression: str) -> list[Any]:
    return cast("list[Any]", root.xpath(expression))


def _seed() -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    url, text = load_fixture("twentytwentyone", "seed-post.html")
    records = read_post_page(url, text, None)
    assert records.html_post is not None
    return url, asdict(records.html_post), [asdict(c) for c in records.comments]


def test_blog_identity_from_the_recorded_home_page():
    _, text = load_fixture("twentytwentyone", "home.html")
    identity = identity_from_home_page(text)
    assert identity.name == "Blog Archiver Test Blog"
    assert identity.language == "en-US"
    assert identity_from_rest_root(json.dumps({"name": "A", "description": "B"})).name == "A"
    assert identity_from_rest_root("<html>not json</html>").name == ""


def test_links_to_archived_posts_become_local_the_rest_external():
    url, post, _ = _seed()
    links = [link["href"] for link in post["links"]]
    assert links
    archived = links[0]
    html = rewrite_fragment(
        post["content_html"],
        url,
        lambda u: "../posts/7-x.html" if url_key(u) == url_key(archived) else None,
        lambda u: None,
    )
    root = lxml.html.fromstring(f"<div>{html}</div>")
    anchors = _xp(root, "//a[@href]")
    assert len(anchors) == len(links)
    for anchor in anchors:
        href = anchor.get("href")
        if href.startswith("../posts/7-x.html"):
            assert "external" not in (anchor.get("class") or "")
        else:
            assert href.startswith(("http://", "https://")), href
            assert "external" in anchor.get("class").split()
            assert anchor.get("rel") == "external noopener noreferrer"
    assert any(a.get("href") == "../posts/7-x.html" for a in anchors)


def test_images_local_when_archived_else_alt_text_and_embeds_become_links():
    html = (
        '<p>x<img src="/a.png" alt="A reel" srcset="/a.png 1x, /b.png 2x" loading="lazy"></p>'
        '<iframe src="https://www.youtube.com/embed/x"></iframe><img src="/missing.png" alt="Gone">'
        '<p style="background:url(https://t.example/p.gif)" onclick="x()">y</p>'
    )
    out = rewrite_fragment(
        html,
        "http://blog.example/2024/01/01/p/",
        lambda u: None,
        lambda u: "../media/1-a.png" if u == "http://blog.example/a.png" else None,
    )
    root = lxml.html.fromstring(f"<div>{out}</div>")
    assert [img.get("src") for img in root.iter("img")] == ["../media/1-a.png"]
    assert _xp(root, "//img/@srcset") == []
    assert not _xp(root, "//iframe | //@style | //@onclick")
    embed = _xp(root, "//a[@class='embed external']")[0]
    assert embed.get("href") == "https://www.youtube.com/embed/x"
    missing = _xp(root, "//a[contains(@class, 'missing-image')]")[0]
    assert missing.text == "[image not archived: Gone]"
    assert missing.get("href") == "http://blog.example/missing.png"


def test_the_seed_posts_comments_thread_as_the_page_nests_them():
    _, _, comments = _seed()
    roots = thread(comments)

    def parents(nodes, parent=None):
        for node in nodes:
            yield node.id, parent
            yield from parents(node.replies, node.id)

    assert dict(parents(roots)) == {c["id"]: c["parent_id"] for c in comments}
    assert len(comments) == 6


def test_file_names_are_sanitized_and_links_relative():
    assert post_path("post", 12, "../../etc/passwd") == "posts/12-etc_passwd.html"
    assert post_path("page", 3, "") == "pages/3-post.html"
    assert term_path("tag", "a/b").startswith("tag/a_b-")
    name = media_path("http://blog.example/wp-content/uploads/x y/../évian photo.JPG?w=300")
    assert name.startswith("media/")
    assert name.endswith("-vian_photo.JPG")
    assert "/" not in name[len("media/") :]
    assert relative("posts/1-a.html", "media/x.png") == "../media/x.png"
    assert relative("index.html", "posts/1-a.html") == "posts/1-a.html"


def _line(ts: str, url: str, mime: str, digest: str, offset: int) -> str:
    data = {"url": url, "mime": mime, "status": "200", "digest": digest,
            "length": "10", "offset": str(offset), "filename": "a.warc.gz"}  # fmt: skip
    return f"x {ts} {json.dumps(data)}"


def test_latest_captures_take_the_newest_200_and_resolve_revisits_by_digest():
    captures = LatestCaptures()
    captures.add(parse_index_line(_line("20240101000000", "http://b/p/", "text/html", "sha1:A", 5)))
    captures.add(
        parse_index_line(_line("20240201000000", "http://b/p/", "warc/revisit", "sha1:A", 9))
    )
    captures.add(
        parse_index_line(_line("20240201000000", "http://b/q/", "warc/revisit", "sha1:Z", 12))
    )
    assert captures.latest["http://b/p/"].timestamp == "20240201000000"
    original = captures.payload_of("http://b/p/")
    assert original is not None
    assert original.offset == 5
    assert captures.unresolved_revisits() == 1  # sha1:Z's response is in another crawl
    assert rfc3339("20240201123456") == "2024-02-01T12:34:56Z"


def test_text_that_reads_like_markup_stays_text():
    out = rewrite_fragment(
        "&lt;script&gt;alert(1)&lt;/script&gt; <b>&lt;i&gt;</b>", "http://b/", *NONE
    )
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt; <b>&lt;i&gt;</b>"
    assert rewrite_fragment('<a href="javascript:alert(1)">x</a>', "http://b/", *NONE) == "<a>x</a>"
