"""Pure: what a blog calls itself (name, tagline, language), from its REST root or home page.

WordPress knowledge first: the REST API's root (``/wp-json/``) gives ``name`` and
``description`` as the blog's settings hold them; without it, the home page's
``og:site_name``, else its ``<title>`` (WordPress writes ``Name – Tagline`` there), and
``<meta name="description">``. The language is the home page's ``<html lang>`` (what
``language_attributes()`` writes), else the REST root's ``language`` when a plugin adds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from archiver.extract.page import parse_html, xpath

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# WordPress's document title separator (wp_get_document_title: "&#8211;"), and the usual
# ones of themes and SEO plugins.
_TITLE_SEPARATORS = (" – ", " — ", " | ", " - ", " · ")


@dataclass(frozen=True, slots=True)
class BlogIdentity:
    name: str = ""
    description: str = ""
    language: str = ""

    def filled_from(self, other: BlogIdentity) -> BlogIdentity:
        """This identity, its empty fields taken from ``other``."""
        return replace(
            self,
            name=self.name or other.name,
            description=self.description or other.description,
            language=self.language or other.language,
        )


def identity_from_rest_root(text: str) -> BlogIdentity:
    """Name, tagline (and language, if given) from the REST index; empty when not JSON."""
    try:
        root = json.loads(text)
    except ValueError:
        return BlogIdentity()
    if not isinstance(root, dict):
        return BlogIdentity()
    return BlogIdentity(
        name=_text(root.get("name")),
        description=_text(root.get("description")),
        language=_text(root.get("language")),
    )


def identity_from_home_page(html: str) -> BlogIdentity:
    """Name, tagline and language from the home page's head."""
    if not html.strip():
        return BlogIdentity()
    page = parse_html(html)
    language = _first(page, "/html/@lang")
    site_name = _first(page, "//meta[@property='og:site_name']/@content")
    title = " ".join(_first(page, "//head/title").split())
    description = _first(page, "//meta[@name='description']/@content")
    name = site_name
    if not name and title:
        name = title
        for separator in _TITLE_SEPARATORS:
            if separator in title:
                name, _, tagline = title.partition(separator)
                description = description or tagline
                break
    return BlogIdentity(name=name.strip(), description=description.strip(), language=language)


def _first(page: HtmlElement, expression: str) -> str:
    found = cast("list[object]", xpath(page, expression))
    if not found:
        return ""
    value = found[0]
    return _text(value if isinstance(value, str) else getattr(value, "text_content", str)())


def _text(value: object) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""
