"""The WordPress REST API: where it is (``Link`` header or ``<link>`` tag) and its URLs.

``?rest_route=`` roots (plain permalinks) keep the route in the query; listings ask for
:data:`API_PAGE_SIZE` objects a page, the maximum WordPress allows.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from archiver.extract import selectors as sel
from archiver.extract.page import first_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lxml.html import HtmlElement


API_PAGE_SIZE = 100


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
