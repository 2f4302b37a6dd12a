"""Pure post extraction: from a post's HTML page or its REST API object to a :class:`Post`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from archiver.extract import selectors as sel
from archiver.extract.clean import clean_body, fragment_text
from archiver.extract.comments import find_comment_elements
from archiver.extract.counts import declared_comment_count
from archiver.extract.fallback import main_content_html
from archiver.extract.page import (
    all_elements,
    copy_without,
    element_text,
    first_element,
    first_value,
    inner_html,
    xpath,
)
from archiver.extract.scope import find_scope, find_title, in_listing, term_lists_in
from archiver.extract.systems import external_comment_system
from archiver.records.items import Author, Post, Term
from archiver.records.values import Moment, read_moment, rest_moment

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lxml.html import HtmlElement


def extract_post_from_html(url: str, page: HtmlElement) -> Post:
    """Read a single post or page view as the theme rendered it (see :mod:`scope` for how
    the post, its wrapper and its body are found under any theme)."""
    comment_items = find_comment_elements(page)
    scope = find_scope(page, (item.element for item in comment_items))
    article = scope.wrapper
    post = Post(id=scope.post_id, url=url)
    post.type = _post_type(page, article)
    title = find_title(scope)
    post.title = element_text(title) if title is not None else ""
    post.canonical_url = first_value(page, (sel.CANONICAL_XPATH,)) or None
    post.slug = _slug_from_url(post.canonical_url or url)
    post.language = first_value(page, (sel.LANGUAGE_XPATH,)) or None
    _set_dates(post, _first_moment(article, sel.PUBLISHED_XPATHS, scope.post_id), "published")
    _set_dates(post, _first_moment(article, sel.MODIFIED_XPATHS, scope.post_id), "modified")
    author = first_element(article, sel.AUTHOR_NAME_XPATHS)
    if author is not None:
        post.author = Author(
            name=_author_name(element_text(author)),
            url=first_value(article, sel.AUTHOR_URL_XPATHS) or None,
        )
    post.categories = _terms(all_elements(article, sel.CATEGORY_LINK_XPATHS))
    post.tags = _terms(all_elements(article, sel.TAG_LINK_XPATHS))
    post.sticky = "sticky" in (article.get("class") or "").split()
    if scope.body is not None and xpath(scope.body, sel.PASSWORD_FORM_XPATH):
        post.password_protected = True
    elif xpath(page, "//form[" + sel.has_class("post-password-form") + "]"):
        post.password_protected = True  # a theme whose body class no convention names
    elif scope.body is not None:
        terms = term_lists_in(scope.body)
        _set_body(post, inner_html(copy_without(scope.body, terms) if terms else scope.body), url)
    else:
        # No convention marks the body: the generic locator finds the main content, in the
        # post's wrapper, else its schema.org article, else main or the page.
        region = scope.wrapper if scope.own_wrapper else None
        if region is None:
            region = first_element(page, sel.ARTICLE_MICRODATA_XPATHS)
        if region is None:
            region = scope.wrapper
        _set_body(post, main_content_html(region, (i.element for i in comment_items)), url)
    post.comment_status = _comment_status(page)
    post.comment_count_declared = declared_comment_count(page, post.title)
    # A system that keeps comments elsewhere is named only when the page shows none.
    post.comments_external = None if comment_items else external_comment_system(page) or None
    post.comments_gated = _comments_gated(page, post.password_protected)
    post.field_sources = {name: "html" for name in _filled_fields(post)}
    return post


def post_from_api(obj: Mapping[str, Any]) -> Post:
    """Read a ``/wp/v2/posts`` or ``/wp/v2/pages`` object (ideally fetched with ``_embed``)."""
    link = str(obj.get("link") or "")
    post = Post(id=int_or_none(obj.get("id")), url=link)
    post.type = str(obj.get("type") or "post")
    post.slug = str(obj.get("slug") or "")
    post.title = fragment_text(_rendered(obj.get("title")))
    _set_dates(post, rest_moment(obj.get("date"), obj.get("date_gmt")), "published")
    _set_dates(post, rest_moment(obj.get("modified"), obj.get("modified_gmt")), "modified")
    post.parent_id = int_or_none(obj.get("parent")) if obj.get("parent") else None
    post.sticky = bool(obj.get("sticky", False))
    post.comment_status = str(obj.get("comment_status") or "") or None
    excerpt = obj.get("excerpt")
    content = obj.get("content")
    protected = isinstance(content, dict) and bool(content.get("protected"))
    post.password_protected = protected
    post.comments_gated = "password" if protected else None
    if not protected:
        post.excerpt = fragment_text(_rendered(excerpt))
        _set_body(post, _rendered(content), link)
    embedded = obj.get("_embedded") or {}
    authors = embedded.get("author") or []
    if authors and isinstance(authors[0], dict) and "name" in authors[0]:
        # Only public fields: the users endpoint never exposes e-mail addresses.
        profile = authors[0].get("link")
        post.author = Author(name=str(authors[0]["name"]), url=str(profile) if profile else None)
    for group in embedded.get("wp:term") or []:
        for term in group if isinstance(group, list) else []:
            if not isinstance(term, dict):
                continue
            item = Term(
                name=fragment_text(str(term.get("name", ""))), slug=str(term.get("slug", ""))
            )
            if term.get("taxonomy") == "category":
                post.categories.append(item)
            elif term.get("taxonomy") == "post_tag":
                post.tags.append(item)
    post.field_sources = {name: "api" for name in _filled_fields(post)}
    return post


# Fields the theme's page knows better than the API: what the reader was shown.
_HTML_FIRST = frozenset(
    {"canonical_url", "language", "comment_count_declared", "comments_external", "comments_gated"}
)


def merge_posts(api: Post | None, html: Post | None) -> Post:
    """Merge the API's and the page's view of one post, field by field, noting the source."""
    if api is None or html is None:
        found = api or html
        if found is None:
            raise ValueError("merge_posts needs at least one post")
        return found
    merged = Post(id=api.id if api.id is not None else html.id)
    sources: dict[str, str] = {}
    for name in Post.__dataclass_fields__:
        if name in {"field_sources", "provenance", "schema_version"}:
            continue
        order = (html, api) if name in _HTML_FIRST else (api, html)
        for candidate in order:
            value = getattr(candidate, name)
            if _is_filled(value):
                setattr(merged, name, value)
                sources[name] = candidate.field_sources.get(name, "")
                break
    merged.password_protected = api.password_protected or html.password_protected
    if merged.password_protected:
        merged.content_html = merged.content_text = merged.excerpt = ""
        merged.links, merged.images = [], []
    merged.field_sources = sources
    merged.provenance = [*api.provenance, *html.provenance]
    return merged


def _set_body(post: Post, html: str, base_url: str) -> None:
    body = clean_body(html, base_url)
    post.content_html, post.content_text = body.html, body.text
    post.links, post.images = body.links, body.images


def _author_name(text: str) -> str:
    for wrapper in sel.AUTHOR_NAME_WRAPPERS:
        match = wrapper.match(text)
        if match:
            return match.group(1).strip()
    return text


def _post_type(page: HtmlElement, article: HtmlElement) -> str:
    classes = set(" ".join(xpath(page, "//body/@class")).split())
    classes |= set((article.get("class") or "").split())
    return "page" if "page" in classes or "type-page" in classes else "post"


def _terms(anchors: list[HtmlElement]) -> list[Term]:
    terms: list[Term] = []
    seen = set()
    for anchor in anchors:
        name = element_text(anchor)
        slug = _slug_from_url(str(anchor.get("href") or ""))
        if name and (name, slug) not in seen:
            seen.add((name, slug))
            terms.append(Term(name=name, slug=slug))
    return terms


def _slug_from_url(url: str) -> str:
    path = [part for part in urlsplit(url).path.split("/") if part]
    return unquote(path[-1]) if path else ""


def _comment_status(page: HtmlElement) -> str | None:
    if first_element(page, sel.COMMENT_FORM_XPATHS) is not None:
        return "open"
    if first_element(page, sel.COMMENTS_CLOSED_XPATHS) is not None:
        return "closed"
    return None


def _comments_gated(page: HtmlElement, password_protected: bool) -> str | None:
    if password_protected:
        return "password"  # WordPress hides the comments along with the body
    if first_element(page, sel.COMMENTS_LOGIN_REQUIRED_XPATHS) is not None:
        return "login"
    return None


def _rendered(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("rendered") or "")
    return str(value or "")


def _first_moment(node: HtmlElement, xpaths: Iterable[str], post_id: int | None) -> Moment | None:
    """The first value of ``xpaths`` that names a moment (in UTC), else the first that
    gives the blog's clock only: a theme's text date in one ``time[datetime]`` must not hide
    the ISO date of the next. Dates of other posts listed inside this one are skipped
    (:func:`~archiver.extract.scope.in_listing`)."""
    clock_only = None
    for expression in xpaths:
        for found in xpath(node, expression):
            element = getattr(found, "getparent", lambda: None)()
            if element is not None and in_listing(element, post_id, include_self=True):
                continue  # a Query Loop's or Latest Posts' date inside the body: not ours
            moment = read_moment(found)
            if moment is not None and moment.utc is not None:
                return moment
            clock_only = clock_only or moment
    return clock_only


def _set_dates(post: Post, moment: Moment | None, name: str) -> None:
    if moment is not None:
        setattr(post, name, moment.utc)
        setattr(post, f"{name}_local", moment.local)


def int_or_none(value: object) -> int | None:
    """``value`` as an int (REST ids come as numbers or strings), None when it is none."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _is_filled(value: object) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str | list | dict):
        return bool(value)
    if isinstance(value, Author):
        return bool(value.name or value.url)
    return True  # numbers, 0 included: a declared count of 0 is information


def _filled_fields(post: Post) -> list[str]:
    skip = {"field_sources", "provenance", "schema_version"}
    return [n for n in Post.__dataclass_fields__ if n not in skip and _is_filled(getattr(post, n))]
