"""Pure: which post a single view shows, and where its wrapper, title and body are.

Built on what WordPress itself prints on every single view, whatever the theme: the post
id P (``body_class``'s ``postid-P``, the comment form's ``comment_post_ID``, the REST
alternate and shortlink ``<link>``, reply links' ``data-postid``, ``#post-P``), then the
post's own wrapper (``#post-P``, ``.post-P``, Elementor's document of P) and the element
holding ``the_content()`` (the ``entry-content`` family, see
:data:`archiver.extract.selectors.BODY_CLASSES`). Posts listed inside the page (a Query
Loop or Latest Posts block, related posts) and comments are never this post's title or
body. When no convention finds a body, :mod:`archiver.extract.fallback` locates the main
content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import lxml.html

from archiver.extract import selectors as sel
from archiver.extract.page import mentions_class, xpath

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement


@dataclass(slots=True)
class PostScope:
    """Where the post is on its page. ``wrapper`` is the post's own element when one was
    found, else ``main`` or ``body``; ``body`` is None when no convention finds it."""

    post_id: int | None
    wrapper: HtmlElement
    body: HtmlElement | None
    # True when ``wrapper`` is the post's own element (#post-P, .post-P, ...).
    own_wrapper: bool = False


def find_post_id(page: HtmlElement) -> int | None:
    """The id of the post a single view shows, from WordPress's own markup."""
    for value in xpath(page, "//body/@class"):
        match = sel.POST_ID_FROM_BODY_CLASS.search(str(value))
        if match:
            return int(match.group(1))
    for expression in sel.POST_ID_VALUE_XPATHS:
        for value in xpath(page, expression):
            if str(value).strip().isdigit():
                return int(str(value).strip())
    for expression in sel.POST_ID_LINK_XPATHS:
        for value in xpath(page, expression):
            match = sel.POST_ID_FROM_LINK.search(str(value))
            if match:
                return int(match.group(1) or match.group(2))
    for value in xpath(page, sel.POST_ID_DATA_XPATH):
        if str(value).strip().isdigit():
            return int(str(value).strip())
    for article in xpath(page, "//article[starts-with(@id, 'post-')]"):
        match = sel.POST_ID_FROM_ARTICLE_ID.match(article.get("id") or "")
        if match and not in_listing(article, None):
            return int(match.group(1))
    return None


def find_scope(page: HtmlElement, comment_elements: Iterable[HtmlElement] = ()) -> PostScope:
    """The post id, the post's wrapper and its body element (None when none is found by
    convention; the caller falls back to the generic locator)."""
    post_id = find_post_id(page)
    wrapper = _own_wrapper(page, post_id)
    own = wrapper is not None
    if wrapper is None:
        wrapper = _first_element(page, sel.ARTICLE_XPATHS, post_id)
    if wrapper is None:  # pragma: no cover - //body always matches a parsed document
        wrapper = page
    excluded = set(comment_elements)
    body = find_body(page, wrapper if own else None, post_id, excluded)
    return PostScope(post_id=post_id, wrapper=wrapper, body=body, own_wrapper=own)


def find_body(
    page: HtmlElement,
    wrapper: HtmlElement | None,
    post_id: int | None,
    comments: set[HtmlElement],
) -> HtmlElement | None:
    """The element holding ``the_content()``: the first class of the conventions that
    names one, inside the post's wrapper when it has one, outermost, and not part of a
    comment or of another post listed on the page."""
    scopes = [wrapper, page] if wrapper is not None else [page]
    # Each class is a walk of the scope: only those some class attribute of the page holds.
    names = [name for name in sel.BODY_CLASSES if mentions_class(page, name)]
    for scope in scopes:
        if post_id is not None:
            # A post built with Elementor: its document of P is what the_content() gave;
            # the theme's body element around it also holds page links and tags.
            elementor = _body_candidates(
                scope, f"descendant-or-self::*[@data-elementor-id='{post_id}']", post_id, comments
            )
            if elementor is not None:
                return elementor
        for name in names:
            found = _body_candidates(scope, f".//*[{sel.has_class(name)}]", post_id, comments)
            if found is not None:
                return found
        for expression in sel.BODY_ATTRIBUTE_XPATHS:
            found = _body_candidates(scope, "." + expression, post_id, comments)
            if found is not None:
                return found
    return None


def find_title(scope: PostScope) -> HtmlElement | None:
    """The post's title element: the first title class in the post's wrapper that is not
    in its body, a comment or another listed post."""
    root = scope.wrapper.getroottree().getroot()
    # In the wrapper first; then anywhere on the page, since many themes print the title
    # in a page header outside the post's element (Hestia, Hello Elementor, OceanWP).
    for where in (scope.wrapper, root) if scope.own_wrapper else (scope.wrapper,):
        for name in sel.TITLE_CLASSES:
            if not mentions_class(where, name):
                continue
            for element in xpath(where, f".//*[{sel.has_class(name)}]"):
                if (
                    _outside(element, scope.body)
                    and not in_listing(element, scope.post_id)
                    and not _in_comments(element, set())
                ):
                    return element
    if scope.own_wrapper:
        # Old themes print a bare heading (Kubrick: an h2) before the body.
        for element in xpath(scope.wrapper, ".//h1 | .//h2"):
            if _outside(element, scope.body) and _before(element, scope.body):
                return element
    return None


def _before(element: HtmlElement, body: HtmlElement | None) -> bool:
    """True when ``element`` comes before ``body`` in the page (or there is no body)."""
    if body is None:
        return True
    order = {node: index for index, node in enumerate(body.getroottree().iter())}
    return order.get(element, 0) < order.get(body, 0)


def _body_candidates(
    scope: HtmlElement, expression: str, post_id: int | None, comments: set[HtmlElement]
) -> HtmlElement | None:
    accepted = [
        element
        for element in xpath(scope, expression)
        if isinstance(element, lxml.html.HtmlElement)
        and not in_listing(element, post_id)
        and not _in_comments(element, comments)
    ]
    outermost = [
        element
        for element in accepted
        if not any(other is not element and _contains(other, element) for other in accepted)
    ]
    for element in outermost:
        if _shows_something(element):
            return element
    return None


def _own_wrapper(page: HtmlElement, post_id: int | None) -> HtmlElement | None:
    if post_id is None:
        return None
    for expression in sel.POST_WRAPPER_XPATHS:
        for element in xpath(page, expression.replace("{P}", str(post_id))):
            if (
                isinstance(element, lxml.html.HtmlElement)
                and element.tag != "body"
                and not in_listing(element, post_id)
            ):
                return element
    return None


def _first_element(
    page: HtmlElement, expressions: Iterable[str], post_id: int | None
) -> HtmlElement | None:
    for expression in expressions:
        for element in xpath(page, expression):
            if isinstance(element, lxml.html.HtmlElement) and (
                element.tag == "body" or not in_listing(element, post_id, include_self=True)
            ):
                return element
    return None


def in_listing(element: HtmlElement, post_id: int | None, include_self: bool = False) -> bool:
    """True when ``element`` is part of another post listed on the page: a Query Loop or
    Latest Posts item, related posts, any ``post-Q`` wrapper with Q not this post."""
    node = element if include_self else element.getparent()
    while node is not None:
        classes = node.get("class")
        if classes:
            words = classes.split()
            if not sel.LISTED_POSTS_CLASSES.isdisjoint(words):
                return True
            for word in words:
                if word.startswith("post-") and word[5:].isdigit():
                    if post_id is not None and int(word[5:]) != post_id:
                        return True
                    # Without the page's post id: a listed post when it is one of a list.
                    if post_id is None and _is_listing_item(node):
                        return True
        node = node.getparent()
    return False


def _is_listing_item(node: HtmlElement) -> bool:
    """Without the page's post id, a ``post-Q`` element is a listed post when it has a
    sibling of the same kind (a list of posts), not when it stands alone."""
    parent = node.getparent()
    if parent is None:
        return False
    count = 0
    for sibling in parent:
        classes = sibling.get("class") or ""
        if sel.OTHER_POST_CLASS.search(classes):
            count += 1
    return count > 1


def _in_comments(element: HtmlElement, comments: set[HtmlElement]) -> bool:
    node: HtmlElement | None = element
    while node is not None:
        if node in comments or node.get("id") in {"comments", "respond"}:
            return True
        node = node.getparent()
    return False


def _contains(outer: HtmlElement, inner: HtmlElement) -> bool:
    node = inner.getparent()
    while node is not None:
        if node is outer:
            return True
        node = node.getparent()
    return False


def _outside(element: HtmlElement, body: HtmlElement | None) -> bool:
    return body is None or (element is not body and not _contains(body, element))


_MEDIA = ("img", "iframe", "video", "audio", "picture", "svg", "object", "embed")


def _shows_something(element: HtmlElement) -> bool:
    """A body that a reader sees anything in: words, or media."""
    if (element.text_content() or "").strip():
        return True
    return any(True for _ in element.iter(*_MEDIA))


def term_lists_in(body: HtmlElement) -> list[HtmlElement]:
    """The theme's own term lists printed inside the body element (Kubrick's "Tags: a, b"
    in ``.entry``): blocks whose every link is ``rel="tag"`` or ``rel="category tag"``, as
    ``the_tags()``/``the_category()`` print them, with no more than a short label besides."""
    found: list[HtmlElement] = []
    for node in body.iterdescendants(*sel.TERM_LIST_TAGS):
        if any(_contains(other, node) for other in found):
            continue
        links = list(node.iter("a"))
        if not links or not all(
            not sel.TERM_LINK_RELS.isdisjoint((a.get("rel") or "").split()) for a in links
        ):
            continue
        label = (node.text_content() or "").split()
        linked = sum(len((a.text_content() or "").split()) for a in links)
        if len(label) - linked <= sel.TERM_LIST_LABEL_WORDS:
            found.append(node)
    return found
