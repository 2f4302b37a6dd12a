"""Pure: the comment count a page declares, read from the count, not from the first digit.

Themes print the count in a heading ("6 thoughts on “Title”", "One response to “Crawler
often, part 5”", "Comments (6)", "No comments") or in a count element of their own. The
number that counts is the one next to a count noun (thoughts, responses, comments...), in
digits or in words; the post's title and anything quoted are left out first, so a number in
the title is never taken for the count.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from archiver.extract import selectors as sel
from archiver.extract.page import element_text, xpath

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Quoted parts of a heading (the post's title, as core's comments_number texts quote it).
_QUOTED = re.compile(r"“[^”]*”|„[^“”]*[“”]|«[^»]*»|\"[^\"]*\"|‘[^’]*’|「[^」]*」")
# Numbers (with thousands separators) and words.
_TOKENS = re.compile(r"\d(?:[\d,.\u00a0\u202f]*\d)?|[^\W\d_]+")


def declared_comment_count(page: HtmlElement, title: str = "") -> int | None:
    """The count the theme's comments heading or count element declares, if any."""
    for expression in sel.COMMENTS_TITLE_XPATHS:
        for heading in xpath(page, expression):
            count = count_in_heading(element_text(heading), title)
            if count is not None:
                return count
    return None


def count_in_heading(text: str, title: str = "") -> int | None:
    """The count in a comments heading's text: the number before a count noun ("6
    thoughts", "One response"), else after one ("Comments (6)"), else a heading that is
    only a number; None when the heading declares none ("Leave a Reply")."""
    if title:
        text = text.replace(title, " ")
    tokens = _TOKENS.findall(_QUOTED.sub(" ", text))
    for index, token in enumerate(tokens):
        value = _number(token)
        if (
            value is not None
            and index + 1 < len(tokens)
            and sel.COUNT_NOUNS.match(tokens[index + 1])
        ):
            return value
    for index, token in enumerate(tokens[:-1]):
        if sel.COUNT_NOUNS.match(token):
            value = _number(tokens[index + 1])
            if value is not None and tokens[index + 1][0].isdigit():
                return value
    if len(tokens) == 1 and tokens[0][0].isdigit():
        return _number(tokens[0])
    return None


def _number(token: str) -> int | None:
    if token[0].isdigit():
        digits = re.sub(r"\D", "", token)
        return int(digits) if digits else None
    return sel.NUMBER_WORDS.get(token.lower())
