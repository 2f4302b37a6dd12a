"""Property tests: cleaning never drops a word a reader sees outside the removed blocks."""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.extract.clean import clean_body

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
