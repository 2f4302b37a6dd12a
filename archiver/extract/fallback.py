"""Pure: the main content of a page that no WordPress convention marks, by readability.

readability-lxml (a port of Arc90's Readability) scores the page's paragraphs and returns
the best container's markup. It is only asked when no body class of the conventions is on
the page (:func:`archiver.extract.scope.find_body` found nothing), so its cost is paid on
those pages alone. The comments and the comment form are taken out first: they are never
the body. The markup it returns is cleaned by :mod:`archiver.extract.clean` like any body.
"""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING

from readability import Document

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement

# Never the body: the comment area and form (by id, as WordPress core prints them).
_NOT_BODY_IDS = ("comments", "respond", "commentform", "wpdcom", "disqus_thread")

logging.getLogger("readability").setLevel(logging.CRITICAL)


def main_content_html(page: HtmlElement, exclude: Iterable[HtmlElement] = ()) -> str:
    """The markup of the page's main content ("" when readability finds none); ``page``
    is not changed."""
    tree = page.getroottree()
    paths = [tree.getpath(element) for element in exclude]
    document = copy.deepcopy(page)
    dropped = [found for path in paths for found in document.xpath(path)]
    dropped += [found for name in _NOT_BODY_IDS for found in document.xpath(f"id('{name}')")]
    for element in dropped:
        if element.getparent() is not None:
            element.drop_tree()
    try:
        html = Document(document).summary(html_partial=True)
    except Exception:  # readability's Unparseable (an empty page): no main content
        return ""
    return str(html)
