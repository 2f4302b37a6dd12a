"""Pure: the main content of a page that no WordPress convention marks, found by readability.

readability-lxml (a port of Arc90's Readability) scores the page's paragraphs and picks the
best container and its siblings. It is only asked when no body class of the conventions is
on the page (:func:`archiver.extract.scope.find_body` found nothing), so its cost is paid on
those pages alone, and only inside the post's scope (its wrapper, its schema.org article,
``main``). Readability finds the nodes; their markup is taken from the page as it is (not
readability's pruned copy, which drops captions, embeds and code), without the comments and
the comment form, and :mod:`archiver.extract.clean` cleans it like any body.
"""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING

import lxml.html
from readability import Document

from archiver.extract.page import copy_without

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement

# Never the body: the comment area and form (by id, as WordPress core prints them), and
# elements that are never article text (left out before readability reads the page, which
# halves its work on a typical page).
_NOT_BODY_IDS = frozenset({"comments", "respond", "commentform", "wpdcom", "disqus_thread"})
_NOT_BODY_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "form", "nav", "aside", "footer"}
)
_MARK = "data-ba-node"

logging.getLogger("readability").setLevel(logging.CRITICAL)


def main_content_html(scope: HtmlElement, exclude: Iterable[HtmlElement] = ()) -> str:
    """The markup of the main content inside ``scope`` ("" when readability finds none);
    ``scope`` is not changed."""
    unwanted = set(exclude)
    originals = list(scope.iter())
    unwanted.update(
        node for node in originals if isinstance(node.tag, str) and node.get("id") in _NOT_BODY_IDS
    )
    marked = copy.deepcopy(scope)
    doomed = []
    for index, (original, node) in enumerate(zip(originals, marked.iter(), strict=True)):
        if not isinstance(node.tag, str):
            continue
        node.set(_MARK, str(index))
        if original is not scope and (original in unwanted or node.tag in _NOT_BODY_TAGS):
            # (What only readability is spared, a quote's footer say, stays in the body.)
            doomed.append(node)
    for node in doomed:
        if node.getparent() is not None:
            node.drop_tree()
    if marked.tag != "html":
        document = lxml.html.document_fromstring("<html><body></body></html>")
        body = document.find("body")
        if body is None:  # pragma: no cover - lxml always builds html/body
            return ""
        body.append(marked)
        marked = document
    try:
        summary = Document(marked).summary(html_partial=True)
    except Exception:  # readability's Unparseable (an empty page): no main content
        return ""
    kept = {
        int(mark)
        for mark in lxml.html.fragment_fromstring(summary, create_parent="div").xpath(f"//@{_MARK}")
        if str(mark).isdigit()
    }
    chosen = _outermost(originals, kept)
    parts = []
    for index in chosen:
        node = originals[index]
        inner = [u for u in unwanted if u is not node and _inside(u, node)]
        node = copy_without(node, inner) if inner else node
        parts.append(lxml.html.tostring(node, encoding="unicode", with_tail=False))
    return "".join(parts)


def _outermost(originals: list[HtmlElement], kept: set[int]) -> list[int]:
    """The page positions of the outermost elements of the page that readability kept, in
    page order (it nests what it joins, so its own nesting is not the page's)."""
    chosen_nodes: set[HtmlElement] = set()
    chosen = []
    for index in sorted(kept):
        node = originals[index]
        parent = node.getparent()
        while parent is not None and parent not in chosen_nodes:
            parent = parent.getparent()
        if parent is None:
            chosen_nodes.add(node)
            chosen.append(index)
    return chosen


def _inside(node: HtmlElement, outer: HtmlElement) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent is outer:
            return True
        parent = parent.getparent()
    return False
