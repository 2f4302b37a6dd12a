"""Pure HTML cleaning with BeautifulSoup (lxml parser): boilerplate out, every visible word kept.

Only the post body and comment subtrees are given to BeautifulSoup (the page itself is
parsed once with lxml by :mod:`archiver.extract.page`), because a whole-page BeautifulSoup
parse costs many times an lxml one. The rules are data in :mod:`archiver.extract.selectors`.

The HTML a record keeps then goes through a last, allow-list pass by Ammonia (``nh3``,
:func:`sanitize`): only the tags and attributes an archived body needs survive, every URL
has a safe scheme, and a ``style`` keeps only declarations of listed properties that
cannot load anything. BeautifulSoup's pass decides what is boilerplate; Ammonia's makes
what is left safe by construction, whatever markup a blog (or an attacker) wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import nh3
from bs4 import BeautifulSoup
from bs4.element import (
    CData,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
)

from archiver.extract.selectors import (
    BOILERPLATE_SELECTORS,
    BOILERPLATE_TEXTS,
    BOILERPLATE_TRIGGER,
    DANGEROUS_TAGS,
    URL_ATTRIBUTES,
)
from archiver.records.items import Image, Link

if TYPE_CHECKING:
    from collections.abc import Sequence

_UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
_SAFE_DATA_IMAGE = re.compile(r"^\s*data:image/(png|gif|jpe?g|webp);", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "dialog",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "caption",
    ]
)
_CELL_TAGS = frozenset({"td", "th"})
# Markup that is not text a reader sees.
_NON_TEXT_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
_BLOCK_BREAK = "\x00"
_PHRASE_HOLDERS = frozenset({"p", "h2", "h3", "h4", "div", "span", "label", "a", "li"})
_DANGEROUS_TAGS = frozenset(DANGEROUS_TAGS)
_BOILERPLATE_IDS = frozenset(s[1:] for s in BOILERPLATE_SELECTORS if s.startswith("#"))
_BOILERPLATE_CLASSES = frozenset(s[1:] for s in BOILERPLATE_SELECTORS if s.startswith("."))
if len(_BOILERPLATE_IDS) + len(_BOILERPLATE_CLASSES) != len(BOILERPLATE_SELECTORS):
    raise ValueError("BOILERPLATE_SELECTORS may only hold #id and .class selectors")
# The trigger words with a lookahead on their first letters: the same matches, found about
# twice as fast (the regex engine skips most positions on one character test).
_TRIGGER_FIRSTS = {
    alternative[:1].lower() for alternative in BOILERPLATE_TRIGGER.pattern.split("|")
}
if not all(first.isalpha() for first in _TRIGGER_FIRSTS):
    raise ValueError("every BOILERPLATE_TRIGGER alternative must start with a letter")
_TRIGGER = re.compile(
    f"(?=[{''.join(sorted(_TRIGGER_FIRSTS))}])(?:{BOILERPLATE_TRIGGER.pattern})",
    BOILERPLATE_TRIGGER.flags,
)


def parse_fragment(html: str) -> Tag:
    """Parse an HTML fragment with BeautifulSoup's lxml parser and return its container.

    lxml's HTML parser never loads external entities or DTDs, so nothing outside the
    fragment is read.
    """
    soup = BeautifulSoup(f"<div>{html}</div>", "lxml")
    body = soup.body
    container = body.find("div") if body is not None else None
    if not isinstance(container, Tag):  # pragma: no cover - lxml always builds html/body
        raise ValueError("could not parse HTML fragment")
    return container


def clean_fragment(container: Tag) -> Tag:
    """Remove boilerplate and anything unsafe from ``container`` in place, and return it.

    One walk over the tree drops markup that is not text, dangerous tags and the
    boilerplate selectors' elements (each with its subtree) and makes the attributes of
    what stays safe; then the comment-form phrases go. The selectors are plain ``#id`` and
    ``.class`` selectors, so they are matched here directly: one soupsieve ``select`` per
    selector walked the whole fragment again each time, most of the cleaning's cost.
    """
    triggered: list[NavigableString] = []
    stack: list[PageElement] = list(reversed(container.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name in _DANGEROUS_TAGS or _is_boilerplate(node) or _is_page_links(node):
                node.decompose()
                continue
            _make_attributes_safe(node)
            stack.extend(reversed(node.contents))
        elif isinstance(node, _NON_TEXT_STRINGS):
            node.extract()
        elif isinstance(node, NavigableString) and _TRIGGER.search(node):
            triggered.append(node)
    _drop_boilerplate_texts(container, triggered)
    return container


# wp_link_pages with a theme's own wrapper ("<p><strong>Pages:</strong> 1 2 3</p>",
# Kubrick's): navigation between a multi-page post's pages, not its text.
_PAGE_LINKS_TEXT = re.compile(r"(?:Pages?\s*:?)?[\s\d]*")


def _is_page_links(tag: Tag) -> bool:
    if tag.name != "p" or tag.find(class_="post-page-numbers", recursive=False) is None:
        return False
    return bool(_PAGE_LINKS_TEXT.fullmatch(_WHITESPACE.sub(" ", tag.get_text()).strip()))


def _is_boilerplate(tag: Tag) -> bool:
    """True when one of ``BOILERPLATE_SELECTORS`` (``#id`` or ``.class``) matches ``tag``."""
    classes = tag.get("class")
    if classes and not _BOILERPLATE_CLASSES.isdisjoint(
        classes.split() if isinstance(classes, str) else classes
    ):
        return True
    return tag.get("id") in _BOILERPLATE_IDS


def clean_html(html: str) -> str:
    """Return ``html`` cleaned: no comment form, share blocks, scripts or event handlers."""
    return sanitize(inner_html(clean_fragment(parse_fragment(html))))


# What an archived body keeps (Ammonia's defaults, plus media and sectioning): links,
# images, figures, tables, code, lists, quotes, embeds. Other tags go, their text stays.
_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {
    "address",
    "audio",
    "iframe",
    "main",
    "picture",
    "section",
    "source",
    "track",
    "video",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "style", "role"},
    "a": {"href", "hreflang", "rel", "target", "name"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "align"},
    "iframe": {"src", "width", "height", "allowfullscreen", "frameborder", "loading", "sandbox"},
    "video": {"src", "poster", "controls", "width", "height", "preload", "loop", "muted"},
    "audio": {"src", "controls", "preload", "loop", "muted"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ins": {"cite", "datetime"},
    "del": {"cite", "datetime"},
    "table": {"summary", "width", "border", "align"},
    "td": {"colspan", "rowspan", "headers", "align", "width"},
    "th": {"colspan", "rowspan", "headers", "scope", "align", "width"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "hr": {"width", "size", "align"},
}
# CSS properties that take no URL (no background, list-style, border-image, content,
# cursor, mask, filter) and cannot lift an element out of the body (no position).
_STYLE_PROPERTIES = frozenset(
    {
        "color",
        "background-color",
        "text-align",
        "text-decoration",
        "text-indent",
        "text-transform",
        "vertical-align",
        "font-family",
        "font-size",
        "font-style",
        "font-variant",
        "font-weight",
        "line-height",
        "letter-spacing",
        "word-spacing",
        "white-space",
        "direction",
        "unicode-bidi",
        "writing-mode",
        "list-style-type",
        "list-style-position",
        "width",
        "height",
        "min-width",
        "max-width",
        "min-height",
        "max-height",
        "aspect-ratio",
        "object-fit",
        "margin",
        "margin-top",
        "margin-right",
        "margin-bottom",
        "margin-left",
        "padding",
        "padding-top",
        "padding-right",
        "padding-bottom",
        "padding-left",
        "border",
        "border-top",
        "border-right",
        "border-bottom",
        "border-left",
        "border-color",
        "border-style",
        "border-width",
        "border-radius",
        "border-collapse",
        "border-spacing",
        "float",
        "clear",
        "display",
        "table-layout",
    }
)
# Whatever the property: a declaration that could load or run something, or hides a word
# behind a CSS escape or comment, is dropped before Ammonia filters the properties.
_UNSAFE_CSS = re.compile(r"url\(|image(-set)?\(|expression\(|@import|binding|behavior|\\|/\*", re.I)
# Attributes that hold words, not URLs: their values may start with "javascript:".
_TEXT_ATTRIBUTES = frozenset({"alt", "title", "class", "id", "lang", "dir", "role"})


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """Ammonia's callback for every attribute it keeps: Ammonia checks the scheme of
    ``href`` and ``src`` only; this checks every URL attribute (``srcset`` candidates,
    ``poster``, ``cite``, ``data-*``) and a ``style``'s values."""
    if name == "style":
        kept = [d for d in value.split(";") if d.strip() and not _UNSAFE_CSS.search(d)]
        return ";".join(kept) or None
    if name in _TEXT_ATTRIBUTES or name.startswith("aria-"):
        return value
    if name in {"srcset", "data-srcset"}:
        urls = [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
        if any(_is_unsafe_url(url) for url in urls):
            return None
        return value
    if _is_unsafe_url(value):
        return None
    # Ammonia lets any "data:" through once the scheme is listed: images only, in img.
    if _compact(value).lower().startswith("data:") and tag not in {"img", "source"}:
        return None
    return value


_SANITIZER = nh3.Cleaner(
    tags=set(_ALLOWED_TAGS),
    clean_content_tags={"script", "style", "noscript", "template", "textarea", "title", "xmp"},
    attributes={tag: set(names) for tag, names in _ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    generic_attribute_prefixes={"data-", "aria-"},
    link_rel=None,  # the blog's own rel values are kept (an archive, not a comment box)
    url_schemes=set(nh3.ALLOWED_URL_SCHEMES) | {"data"},  # data: images, see the filter
    filter_style_properties=set(_STYLE_PROPERTIES),
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """``html`` through Ammonia's allow-list (see the module's docstring)."""
    return _SANITIZER.clean(html) if html else html


def inner_html(container: Tag) -> str:
    return "".join(str(child) for child in container.contents).strip()


def html_text(container: Tag) -> str:
    """Text a reader sees: inline text joined as written, blocks on their own lines."""
    parts: list[str] = []
    _collect_text(container, parts)
    text = "".join(parts)
    blocks = []
    for block in text.split(_BLOCK_BREAK):
        lines = [_WHITESPACE.sub(" ", line).strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            blocks.append(joined)
    return "\n\n".join(blocks)


def extract_links(container: Tag, base_url: str) -> list[Link]:
    links = []
    for anchor in container.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        if not href or href.startswith("#") or _is_unsafe_url(href):
            continue  # an unsafe scheme is no link (the body's markup loses it too)
        links.append(Link(href=urljoin(base_url, href), text=html_text(anchor)))
    return links


def extract_images(container: Tag, base_url: str) -> list[Image]:
    images = []
    for img in container.find_all("img"):
        src = str(img.get("src") or img.get("data-src") or "").strip()
        if not src or _is_unsafe_url(src):
            continue  # as in the body's markup, which keeps no such URL
        caption = ""
        figure = img.find_parent("figure")
        if figure is not None:
            figcaption = figure.find("figcaption")
            if figcaption is not None:
                caption = html_text(figcaption)
        images.append(
            Image(src=urljoin(base_url, src), alt=str(img.get("alt") or ""), caption=caption)
        )
    return images


def _collect_text(node: Tag, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, _NON_TEXT_STRINGS):
                parts.append(_WHITESPACE.sub(" ", str(child)))
        elif isinstance(child, Tag):
            if child.name == "br":
                parts.append("\n")
            elif child.name == "pre":
                parts.append(_BLOCK_BREAK + child.get_text() + _BLOCK_BREAK)
            elif child.name in _BLOCK_TAGS:
                parts.append(_BLOCK_BREAK)
                _collect_text(child, parts)
                parts.append(_BLOCK_BREAK)
            elif child.name in _CELL_TAGS:
                parts.append(" ")
                _collect_text(child, parts)
                parts.append(" ")
            else:
                _collect_text(child, parts)


def _drop_boilerplate_texts(container: Tag, strings: list[NavigableString]) -> None:
    """Drop small elements whose whole text is a known comment-form phrase.

    A safety net behind the selectors: themes rename the form's wrappers, but WordPress,
    Jetpack and WordPress.com keep these strings. Only the ancestors of ``strings`` (those
    holding a trigger word, in document order) are looked at, so the cost does not grow
    with the page.
    """
    for string in strings:
        for tag in string.parents:
            if tag is container or tag.decomposed:
                break
            if tag.name not in _PHRASE_HOLDERS:
                continue
            text = _WHITESPACE.sub(" ", tag.get_text()).strip()
            if len(text) >= 200:
                break
            if any(pattern.fullmatch(text) for pattern in BOILERPLATE_TEXTS):
                tag.decompose()
                break


def _make_attributes_safe(tag: Tag) -> None:
    for attr in list(tag.attrs):
        lowered = attr.lower()
        value = tag.attrs[attr]
        is_url = lowered in URL_ATTRIBUTES or lowered == "srcset"
        if (
            lowered.startswith("on")
            or lowered in {"srcdoc", "formaction"}
            or (is_url and isinstance(value, str) and _is_unsafe_url(value))
        ):
            del tag.attrs[attr]


def _is_unsafe_url(value: str) -> bool:
    compact = _compact(value)
    return bool(_UNSAFE_SCHEME.match(compact)) and not _SAFE_DATA_IMAGE.match(compact)


def _compact(value: str) -> str:
    # Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
    return re.sub(r"[\x00-\x20]", "", value)


@dataclass(frozen=True, slots=True)
class CleanBody:
    """A cleaned post body or comment text, with what a reader sees in it."""

    html: str
    text: str
    links: list[Link]
    images: list[Image]


def clean_body(html: str, base_url: str) -> CleanBody:
    """Clean a post body or comment fragment and list its text, links and images."""
    return _clean_body_of(clean_fragment(parse_fragment(html)), base_url)


def clean_bodies(fragments: Sequence[str], base_url: str) -> list[CleanBody]:
    """:func:`clean_body` of each of ``fragments`` (the comments of one page), with one
    BeautifulSoup parse for all of them: building a soup costs more than cleaning a
    comment. Each fragment gets its own ``<div>``, as :func:`parse_fragment` gives it.
    """
    if len(fragments) < 2:
        return [clean_body(html, base_url) for html in fragments]
    outer = parse_fragment("".join(f"<div>{html}</div>" for html in fragments))
    parts = outer.contents
    if len(parts) != len(fragments) or not all(
        isinstance(part, Tag) and part.name == "div" for part in parts
    ):  # pragma: no cover - lxml's own serialization always closes what it opens
        return [clean_body(html, base_url) for html in fragments]
    return [
        _clean_body_of(clean_fragment(part), base_url) for part in parts if isinstance(part, Tag)
    ]


def _clean_body_of(container: Tag, base_url: str) -> CleanBody:
    return CleanBody(
        html=sanitize(inner_html(container)),
        text=html_text(container),
        links=extract_links(container, base_url),
        images=extract_images(container, base_url),
    )


def fragment_text(html: str) -> str:
    """Plain text of a small fragment such as a REST ``title.rendered`` (entities decoded)."""
    return _WHITESPACE.sub(" ", html_text(parse_fragment(html))).strip()
