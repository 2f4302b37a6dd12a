"""Property tests: cleaning never drops a word a reader sees outside the removed blocks."""

from __future__ import annotations

import re
from collections import Counter
from html import escape

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.extract.clean import clean_body
from archiver.extract.records import read_post_page
from tests.conftest import FIXTURES

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüßçøあ한", min_size=1, max_size=8)
# Words inside boilerplate blocks come from another alphabet, so they can be told apart.
CHROME_WORDS = st.text(alphabet="QXZ", min_size=2, max_size=6)
INLINE = ("em", "strong", "span", "a", "code", "b", "i", "small", "sup", "abbr", "mark")
LEAF_BLOCK = ("p", "h2", "h3", "figcaption")  # hold inline content only, as HTML requires
CONTAINER = ("div", "blockquote", "section", "figure")
CHROME = (
    '<div class="sharedaddy sd-sharing-enabled">{}</div>',
    '<div id="jp-relatedposts" class="jp-relatedposts">{}</div>',
    '<div id="respond" class="comment-respond">{}</div>',
    "<script>{}</script>",
    "<style>{}</style>",
)


def _text(words: list[str]) -> str:
    return " ".join(escape(word) for word in words)


inline = st.recursive(
    st.lists(WORDS, min_size=1, max_size=4).map(_text),
    lambda children: st.tuples(
        st.sampled_from(INLINE), st.lists(children, min_size=1, max_size=3)
    ).map(lambda t: f"<{t[0]}{' href=x' if t[0] == 'a' else ''}>{' '.join(t[1])}</{t[0]}>"),
    max_leaves=12,
)
leaf_blocks = st.tuples(st.sampled_from(LEAF_BLOCK), st.lists(inline, min_size=1, max_size=3)).map(
    lambda t: f"<{t[0]}>{' '.join(t[1])}</{t[0]}>"
)
blocks = st.recursive(
    leaf_blocks,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(CONTAINER), st.lists(children, min_size=1, max_size=3)).map(
            lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"
        ),
        st.lists(children, min_size=1, max_size=4).map(
            lambda items: "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
        ),
    ),
    max_leaves=10,
)
chrome = st.tuples(st.sampled_from(CHROME), st.lists(CHROME_WORDS, min_size=1, max_size=4)).map(
    lambda t: t[0].format(" ".join(t[1]))
)


_INLINE_TAG = re.compile(r"</?(?:{})\b[^>]*>".format("|".join(INLINE)))


def _words(html: str) -> Counter[str]:
    """What a reader sees: inline tags join their neighbours, block tags separate them."""
    text = re.sub(r"<[^>]+>", " ", _INLINE_TAG.sub("", html))
    return Counter(re.findall(r"\w+", text.replace("&amp;", " ")))


@settings(max_examples=100, deadline=None)
@given(st.lists(blocks, min_size=1, max_size=5))
def test_every_visible_word_survives_cleaning(parts):
    html = "".join(parts)
    body = clean_body(html, "https://blog.example/post/")
    assert Counter(re.findall(r"\w+", body.text)) == _words(html)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(blocks, chrome), min_size=1, max_size=6))
def test_only_the_boilerplate_blocks_are_removed(parts):
    html = "".join(parts)
    body = clean_body(html, "https://blog.example/post/")
    kept = Counter(re.findall(r"\w+", body.text))
    expected = _words(
        "".join(
            p
            for p in parts
            if not p.startswith(('<div class="share', "<div id=", "<script", "<style"))
        )
    )
    assert kept == expected
    assert not re.search(r"\b[QXZ]{2,}\b", body.text)


# --- hostile markup (issue 22 item 7): whatever a blog's HTML holds, the record's is safe --

SCHEMES = ("javascript:", "vbscript:", "data:text/html,", "data:text/html;base64,")
# How a scheme hides from a naive check; the browser (and lxml) read each as the scheme.
DISGUISES = (
    lambda s: s,
    str.upper,
    lambda s: " \t" + s,
    lambda s: s[:4] + "\t" + s[4:],
    lambda s: s[:3] + "\n" + s[3:],
    lambda s: "".join(f"&#{ord(c)};" for c in s[:2]) + s[2:],
    lambda s: "&#x" + format(ord(s[0]), "x") + ";" + s[1:],
)
URL_ATTRIBUTES = ("href", "src", "srcset", "poster", "cite", "background", "data-src", "action")
# url() and friends in a style, as CSS spells them: cased, spaced, escaped, commented.
CSS_LOADERS = (
    "url({})",
    "URL( '{}' )",
    'url("{}")',
    "\\75 rl({})",
    "u\\rl({})",
    "u/**/rl({})",
    "image-set(url({}) 1x)",
    "expression(alert(1))",
)
CSS_PROPERTIES = ("background", "background-image", "list-style", "border-image", "color", "width")
TAGS = ("p", "a", "img", "div", "span", "video", "source", "blockquote", "iframe", "td")

hostile_url = st.tuples(st.sampled_from(DISGUISES), st.sampled_from(SCHEMES)).map(
    lambda t: t[0](t[1]) + "alert(1)"
)
hostile_style = st.tuples(
    st.sampled_from(CSS_PROPERTIES), st.sampled_from(CSS_LOADERS), hostile_url
).map(lambda t: f"color: red; {t[0]}: {t[1].format(t[2])}; width: 10px")
hostile_attribute = st.one_of(
    st.tuples(st.sampled_from(URL_ATTRIBUTES), hostile_url),
    st.tuples(st.just("style"), hostile_style),
    st.tuples(st.sampled_from(("onclick", "onerror", "OnLoad", "onmouseover")), st.just("x()")),
    st.tuples(st.sampled_from(("srcdoc", "formaction")), st.just("<script>x()</script>")),
)
hostile_element = st.tuples(
    st.sampled_from(TAGS), st.lists(hostile_attribute, min_size=1, max_size=3), WORDS
).map(
    lambda t: (
        f"<{t[0]} "
        + " ".join(f'{name}="{value.replace(chr(34), "&quot;")}"' for name, value in t[1])
        + f">{escape(t[2])}</{t[0]}>"
    )
)
_UNSAFE = re.compile(r"^(javascript|vbscript|data:(?!image/(png|gif|jpe?g|webp);))", re.I)


def _unsafe_leftovers(html: str) -> list[str]:
    """What a browser would run or load from ``html``, read as a browser reads it."""
    found = []
    root = lxml.html.fragment_fromstring(f"<div>{html}</div>")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {"script", "style", "object", "embed", "form", "base", "meta"}:
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name in {"class", "id", "title", "alt", "lang", "dir"}:
                continue  # words, not URLs: a code block's class="javascript"
            compact = re.sub(r"[\x00-\x20]", "", value)
            if name.lower().startswith("on") or name in {"srcdoc", "formaction", "action"}:
                found.append(name)
            elif name == "style" and re.search(r"url|\\|expression|image-set|/\*", value, re.I):
                found.append(f"style={value}")
            elif _UNSAFE.match(compact) or (
                name in {"srcset", "data-srcset"} and _UNSAFE.search(compact)
            ):
                found.append(f"{name}={value}")
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(blocks, hostile_element), min_size=1, max_size=6))
def test_no_script_handler_or_unsafe_url_survives_in_any_attribute_or_style(parts):
    body = clean_body("".join(parts), "https://blog.example/post/")
    assert _unsafe_leftovers(body.html) == []
    assert all(not _UNSAFE.match(link.href) for link in body.links)
    assert all(not _UNSAFE.match(image.src) for image in body.images)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(blocks, hostile_element), min_size=1, max_size=6))
def test_hostile_attributes_take_no_visible_word_with_them(parts):
    html = "<br>".join(parts)  # an inline hostile element would join its neighbour's word
    body = clean_body(html, "https://blog.example/post/")
    # The hostile elements' own words stay: only the attributes go (their values may hold
    # "<" and ">", so the plain element is rebuilt from its tag and its last text).
    plain = [re.sub(r"^<(\w+) .*>([^<>]*)</\1>$", r"<\1>\2</\1>", p, flags=re.S) for p in parts]
    assert Counter(re.findall(r"\w+", body.text)) == _words("<br>".join(plain))


def test_what_archivists_need_is_kept():
    body = clean_body(
        '<p lang="fr" dir="ltr" class="has-text-align-center" style="color: red;'
        ' text-align: center; background: url(https://x.example/i.png)">Un <a href="/x"'
        ' title="t" rel="nofollow">lien</a></p><figure class="wp-block-image"><img'
        ' src="https://blog.example/a.png" alt="A" width="10" height="5"'
        ' srcset="https://blog.example/a.png 1x, https://blog.example/a2.png 2x"><figcaption>'
        'Cap</figcaption></figure><table><tr><td colspan="2">c</td></tr></table>'
        '<pre><code class="language-py">x = 1</code></pre><ol start="3"><li>i</li></ol>'
        '<blockquote cite="https://q.example/">q</blockquote><img src="data:image/png;base64,'
        'iVBORw0KGgo=" alt="d"><iframe src="https://video.example/embed/1"></iframe>',
        "https://blog.example/post/",
    )
    root = lxml.html.fragment_fromstring(f"<div>{body.html}</div>")
    p = root.find("p")
    assert p is not None
    assert (p.get("lang"), p.get("dir"), p.get("class")) == ("fr", "ltr", "has-text-align-center")
    assert p.get("style") == "color:red;text-align:center"  # the url() declaration went
    a = root.find(".//a")
    assert a is not None
    assert (a.get("href"), a.get("title"), a.get("rel")) == ("/x", "t", "nofollow")
    img = root.find(".//figure/img")
    assert img is not None
    assert (img.get("src"), img.get("alt"), img.get("width")) == (
        "https://blog.example/a.png",
        "A",
        "10",
    )
    assert img.get("srcset") == "https://blog.example/a.png 1x, https://blog.example/a2.png 2x"
    assert root.findtext(".//figcaption") == "Cap"
    assert root.find(".//td").get("colspan") == "2"
    assert root.find(".//code").get("class") == "language-py"
    assert root.find(".//ol").get("start") == "3"
    assert root.find(".//blockquote").get("cite") == "https://q.example/"
    assert [i.get("src") for i in root.iter("img")][1] == "data:image/png;base64,iVBORw0KGgo="
    assert root.find(".//iframe").get("src") == "https://video.example/embed/1"


def test_the_real_world_pages_bodies_and_comments_hold_nothing_unsafe():
    pages = sorted((FIXTURES / "realworld" / "pages").glob("*.html"))
    assert len(pages) >= 25
    styles = 0
    for path in pages:
        records = read_post_page("https://blog.example/post/", path.read_text("utf-8"), None)
        post = records.html_post
        assert post is not None
        for html in [post.content_html, *(c.content_html for c in records.comments)]:
            assert _unsafe_leftovers(html) == [], path.name
            styles += html.count("style=")
    assert styles > 50  # styles are filtered, not dropped wholesale
