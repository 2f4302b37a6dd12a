"""Parse a page once with lxml and answer small questions about it with named XPaths."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING, Any, cast

import lxml.etree
import lxml.html

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement


def parse_html(html: str | bytes) -> HtmlElement:
    """Parse a whole page. lxml's HTML parser resolves no external entities."""
    if isinstance(html, str):
        # lxml refuses str input that carries an XML encoding declaration.
        html = html.encode("utf-8")
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=False)
    return lxml.html.document_fromstring(html, parser=parser)


@lru_cache(maxsize=512)
def _compiled(expression: str) -> lxml.etree.XPath:
    return lxml.etree.XPath(expression)


# A page-wide walk for one class (``//*[has_class(X)]…``, see selectors.has_class): it
# selects nothing when no class attribute of the page contains X.
_PAGE_WIDE_CLASS = re.compile(
    r"//\*\[\(contains\(@class, '([^']+)'\) and "
    r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ' \1 '\)\)\]"
)
_ALL_CLASSES = lxml.etree.XPath("//@class", smart_strings=False)
# The last page asked about (its root element, kept alive so its identity stays its
# own) and all its class attributes, joined; one tuple, replaced whole (thread-safe).
_classes_of: tuple[Any, str] = (None, "")


@lru_cache(maxsize=512)
def _required_class(expression: str) -> str:
    match = _PAGE_WIDE_CLASS.match(expression)
    # Not for a union: its other branches may select without the class.
    return match.group(1) if match and "|" not in expression else ""


def xpath(node: HtmlElement, expression: str) -> Any:
    """``node.xpath(expression)``, with the expression compiled once per process: the
    selector tables are evaluated on every page, compiling them each time cost more than
    evaluating most of them.

    The tables try classic and block themes' classes in turn, each a walk of the whole
    page; a walk for a class that no class attribute of the page contains is skipped (the
    page's class attributes are read once, in one walk).
    """
    required = _required_class(expression)
    if required and not mentions_class(node, required):
        return []
    return _compiled(expression)(node)


def mentions_class(node: HtmlElement, name: str) -> bool:
    """False when no class attribute of ``node``'s page contains ``name`` (so no element
    has that class): the page's class attributes are read once, in one walk."""
    global _classes_of  # a one-page cache
    root = node.getroottree().getroot()
    known = _classes_of
    if known[0] is not root:
        known = (root, "\n".join(cast("list[str]", _ALL_CLASSES(root))))
        _classes_of = known
    return name in known[1]


def first_element(node: HtmlElement, xpaths: Iterable[str]) -> HtmlElement | None:
    for expression in xpaths:
        for found in xpath(node, expression):
            if isinstance(found, lxml.html.HtmlElement):
                return found
    return None


def first_value(node: HtmlElement, xpaths: Iterable[str]) -> str:
    """The first non-empty attribute or text value that one of ``xpaths`` selects."""
    for expression in xpaths:
        for found in xpath(node, expression):
            value = str(found).strip()
            if value:
                return value
    return ""


def all_elements(node: HtmlElement, xpaths: Iterable[str]) -> list[HtmlElement]:
    """Elements selected by the first of ``xpaths`` that selects any."""
    for expression in xpaths:
        found = [el for el in xpath(node, expression) if isinstance(el, lxml.html.HtmlElement)]
        if found:
            return found
    return []


def copy_without(element: HtmlElement, drop: Iterable[HtmlElement]) -> HtmlElement:
    """A deep copy of ``element`` without the elements of ``drop`` (each with its subtree;
    the text after it stays). ``element`` itself is not changed."""
    unwanted = set(drop)
    copied = copy.deepcopy(element)
    # A deep copy has the same elements in the same order: walk both together.
    doomed = [
        mine
        for theirs, mine in zip(element.iter(), copied.iter(), strict=True)
        if theirs in unwanted and theirs is not element
    ]
    for node in doomed:
        if node.getparent() is not None:
            node.drop_tree()
    return copied


def inner_html(element: HtmlElement) -> str:
    """The markup inside ``element``, without the element's own tag."""
    text = element.text or ""
    return escape(text, quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in element
    )


def element_text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())
