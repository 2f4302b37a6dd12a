"""The WordPress REST API: where it is (``Link`` header or ``<link>`` tag), its URLs, and
:class:`RestListings`, the best source there is.

``?rest_route=`` roots (plain permalinks) keep the route in the query; listings ask for
:data:`API_PAGE_SIZE` objects a page, the maximum WordPress allows.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from archiver.discovery.source import FALL_BACK, Fetch, post_page, provenance, text_of
from archiver.discovery.urls import is_allowed
from archiver.extract import selectors as sel
from archiver.extract.page import first_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lxml.html import HtmlElement

    from archiver.discovery.blog import Blog
    from archiver.discovery.source import Answer, Failure, Fetches, Reporter


API_PAGE_SIZE = 100
#: The collections listed: posts and pages (other post types are not public by default).
API_KINDS = ("posts", "pages")


_LINK_HEADER_PART = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


_REL_PARAM = re.compile(r"""rel\s*=\s*"?([^";]+)"?""", re.IGNORECASE)


def find_api_root(base_url: str, link_headers: Iterable[str], page: HtmlElement | None) -> str:
    """The REST API root a blog advertises, or "" when it advertises none."""
    for header in link_headers:
        for target, params in _LINK_HEADER_PART.findall(header):
            rel = _REL_PARAM.search(params)
            if rel and sel.API_LINK_REL in rel.group(1).split():
                return urljoin(base_url, str(target).strip())
    if page is not None:
        href = first_value(page, (sel.API_LINK_XPATH,))
        if href:
            return urljoin(base_url, href)
    return ""


def api_url(root: str, route: str, params: Mapping[str, str | int] | None = None) -> str:
    """A REST URL for ``route`` under ``root``, for pretty (``/wp-json/``) and plain
    (``?rest_route=/``) permalinks alike."""
    parts = urlsplit(root)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    extra = {k: str(v) for k, v in (params or {}).items()}
    if "rest_route" in query:
        query["rest_route"] = "/" + route.strip("/")
        query.update(extra)
        return urlunsplit(parts._replace(query=urlencode(query, safe="/,:")))
    path = parts.path.rstrip("/") + "/" + route.strip("/")
    query.update(extra)
    return urlunsplit(parts._replace(path=path, query=urlencode(query, safe="/,:")))


def api_listing_url(root: str, kind: str, page: int) -> str:
    """Page ``page`` of the public ``posts`` or ``pages`` collection, with authors and terms
    embedded so that no request per author or term is needed."""
    return api_url(
        root,
        f"wp/v2/{kind}",
        {
            "per_page": API_PAGE_SIZE,
            "page": page,
            "_embed": "author,wp:term",
            "orderby": "id",
            "order": "asc",
        },
    )


class RestListings:
    """Every post and page the REST API lists, each with its REST object (merged with its
    page's view), 100 a request; ``X-WP-Total`` declares how many the blog has.

    Falls back when the home page advertises no API root in the blog, or when a listing
    answers anything but a JSON list (the API hidden behind an HTML page, a challenge,
    ``rest_no_route``) or fails."""

    name = "rest"

    def __init__(self, blog: Blog, reporter: Reporter) -> None:
        self.blog = blog
        self.reporter = reporter

    def start(self) -> Fetches:
        root = usable_root(self.blog, self.reporter)
        if not root:
            yield FALL_BACK
            return
        for kind in API_KINDS:
            yield self._listing(root, kind, 1)

    def _listing(self, root: str, kind: str, page: int) -> Fetch:
        args = {"root": root, "kind": kind, "page": page}
        return Fetch(api_listing_url(root, kind, page), "api", self.name, args=args)

    def read(self, step: str, answer: Answer, args: Mapping[str, Any]) -> Fetches:
        """A page of a listing (page 0: a listing of given ids, no declared total)."""
        root, kind, page = args["root"], args["kind"], args["page"]
        objects = json_list(answer)
        if objects is None:
            yield from unusable(self.reporter, f"{answer.url} did not return a JSON list")
            return
        if page == 1:
            self.reporter.note("rest_api", "used")
            total_pages = int_header(answer, b"X-WP-TotalPages", default=1)
            total = int_header(answer, b"X-WP-Total", default=len(objects))
            self.reporter.declare("rest_api", {kind: total})
            for next_page in range(2, total_pages + 1):
                yield self._listing(root, kind, next_page)
        source = provenance(answer, "api")
        for obj in objects:
            link = str(obj.get("link") or "")
            if not link or not is_allowed(link, self.blog.scope):
                reason = f"{kind} object {obj.get('id')} has no link in scope"
                self.reporter.fail(link or answer.url, reason)
                continue
            yield post_page(link, api_post=obj, api_source=source)

    def failed(self, step: str, failure: Failure, args: Mapping[str, Any]) -> Fetches:
        yield from unusable(self.reporter, f"{failure.url}: {failure.reason}")


def usable_root(blog: Blog, reporter: Reporter) -> str:
    """The REST root the home page advertised, if in the blog; "" (noted why) if not."""
    root = blog.api_root
    if not root or not is_allowed(root, blog.scope):
        reporter.note("rest_api", "not advertised" if not root else f"out of scope: {root}")
        return ""
    reporter.note("rest_api_root", root)
    return root


def unusable(reporter: Reporter, why: str) -> Fetches:
    """A listing that did not answer: the REST API is no source here, fall back."""
    reporter.note("rest_api", f"unusable: {why}")
    yield FALL_BACK


def json_list(answer: Answer) -> list[dict[str, Any]] | None:
    """The answer's JSON list of objects; None when it is no such thing."""
    text = text_of(answer)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list) or not all(isinstance(obj, dict) for obj in data):
        return None
    return data


def int_header(answer: Answer, name: bytes, default: int) -> int:
    value = answer.headers.get(name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
