"""Pure: which comment system, if any, keeps a post's comments out of its page's HTML.

Disqus 3 and Facebook's plugin print only an empty container for their script; wpDiscuz
(in its AJAX and "load on click" modes) and Thrive Comments fill theirs after the page
loads. Such a page shows no comment, and its archive says where the comments are
(``comments_external``) rather than claiming none. The markup is in
:data:`archiver.extract.selectors.EXTERNAL_COMMENTS_XPATHS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archiver.extract import selectors as sel
from archiver.extract.page import xpath

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def external_comment_system(page: HtmlElement) -> str:
    """The first comment system of the selectors found on the page ("" when none)."""
    for system, expression in sel.EXTERNAL_COMMENTS_XPATHS.items():
        if xpath(page, expression):
            return system
    return ""
