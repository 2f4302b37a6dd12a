"""A post body or comment, made to open offline: local links, local media, no network.

The HTML is the crawl's cleaned HTML (no script, event handler or ``javascript:`` URL);
it is parsed again with lxml (no network, no entities resolved) and, to be safe, cleaned
of those again. Then:

* a link to an archived post (or to a comment on one, ``#comment-N``) points to the
  local file, fragment kept; every other link is made absolute and marked
  ``class="external"`` with ``rel="external noopener noreferrer"``;
* an image the WARC holds points to its local copy (``srcset`` and ``sizes`` dropped: one
  file is kept); one it does not hold becomes its alt text and a link to where it was, so
  nothing is fetched;
* ``iframe``, ``embed``, ``object``, ``video``, ``audio`` become a link to their source;
* attributes that load things (``style``, ``poster``, ``background``, ``data-src``…) go.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["Resolver", "rewrite_fragment"]

Resolver = Callable[[str], str | None]  # an absolute URL -> a link in the copy, or None

_EMBEDS = frozenset({"iframe", "embed", "object", "video", "audio"})
_DROPPED = frozenset({"script", "style", "link", "meta", "base", "noscript", "form", "template"})
_LOADING_ATTRIBUTES = ("style", "poster", "background", "srcset", "sizes", "data-src",
                       "data-srcset", "data-lazy-src", "ping", "formaction")  # fmt: skip
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", ""})


def rewrite_fragment(html: str, base_url: str, link_to: Resolver, media_at: Resolver) -> str:
    """``html`` with links and media made local where the archive has them (see above)."""
    if not html.strip():
        return ""
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in _DROPPED:
            element.drop_tree()
            continue
        for name in list(element.attrib):
            if name.lower().startswith("on") or name.lower() in _LOADING_ATTRIBUTES:
                del element.attrib[name]
        if tag == "a":
            _rewrite_link(element, base_url, link_to, media_at)
        elif tag == "img":
            _rewrite_image(element, base_url, media_at)
        elif tag in _EMBEDS:
            _embed_as_link(element, base_url, media_at)
        elif tag == "source":
            element.drop_tree()
    # The wrapper's own text is text, not markup: escaped as lxml escapes the rest.
    text = escape(root.text or "", quote=False)
    return text + "".join(
        lxml.html.tostring(child, encoding="unicode", method="html") for child in root
    )


def _absolute(base_url: str, value: str | None) -> str:
    url = urljoin(base_url, (value or "").strip())
    return url if urlsplit(url).scheme.lower() in _SAFE_SCHEMES else ""


def _rewrite_link(
    element: HtmlElement, base_url: str, link_to: Resolver, media_at: Resolver
) -> None:
    href = element.get("href")
    if href is None:
        return
    if href.startswith("#"):
        return  # within the page: the anchors are kept
    url = _absolute(base_url, href)
    if not url:
        del element.attrib["href"]
        return
    local = link_to(url) or media_at(urldefrag(url)[0])
    if local is not None:
        fragment = urldefrag(url)[1]
        element.set("href", f"{local}#{fragment}" if fragment else local)
        return
    element.set("href", url)
    _mark_external(element)


def _mark_external(element: HtmlElement) -> None:
    classes = (element.get("class") or "").split()
    if "external" not in classes:
        element.set("class", " ".join([*classes, "external"]))
    element.set("rel", "external noopener noreferrer")


def _rewrite_image(element: HtmlElement, base_url: str, media_at: Resolver) -> None:
    url = _absolute(base_url, element.get("src"))
    local = media_at(url) if url else None
    if local is not None:
        element.set("src", local)
        return
    alt = (element.get("alt") or "").strip()
    placeholder = lxml.html.Element("a", {"class": "missing-image external"})
    placeholder.set("rel", "external noopener noreferrer")
    if url:
        placeholder.set("href", url)
    placeholder.text = f"[image not archived: {alt}]" if alt else "[image not archived]"
    _replace(element, placeholder)


def _embed_as_link(element: HtmlElement, base_url: str, media_at: Resolver) -> None:
    source = element.get("src") or element.get("data")
    if source is None:
        first = element.find(".//source")
        source = first.get("src") if first is not None else None
    url = _absolute(base_url, source)
    local = media_at(url) if url else None
    link = lxml.html.Element("a", {"class": "embed"})
    if local is not None:
        link.set("href", local)
        link.text = f"[{element.tag.lower()}: {urlsplit(url).path.rsplit('/', 1)[-1] or url}]"
    else:
        link.text = f"[embedded content: {url}]" if url else "[embedded content not archived]"
        if url:
            link.set("href", url)
            _mark_external(link)
    _replace(element, link)


def _replace(old: HtmlElement, new: HtmlElement) -> None:
    new.tail = old.tail
    parent = old.getparent()
    if parent is not None:
        parent.replace(old, new)
