"""Pure comment extraction: threaded comments from a post's HTML page, under any theme.

A comment is any element whose id is ``comment-N`` (or an alias of N, see
:data:`archiver.extract.selectors.COMMENT_ELEMENT_ID`); of the elements naming one N the
outermost is the comment. Its parent is the comment whose element contains it (the
walker's ``.children`` list, block themes' plain ``<ol>``), or the comment just before the
``.children`` list that holds it when a theme closes the parent first (Hestia, Neve), or
the parent wpDiscuz names in its id. Nothing is inferred from order. Where WordPress
stopped nesting (replies deeper than the blog's display depth are printed at their
parent's level, and threading may be off), the parent read from the page is marked
``parent_uncertain``. Commenters' e-mail addresses and IPs are never read: WordPress does
not publish them, and avatar URLs (which hash the e-mail) are not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

import lxml.html
from w3lib.url import canonicalize_url

from archiver.extract import selectors as sel
from archiver.extract.clean import clean_bodies
from archiver.extract.page import copy_without, element_text, inner_html, xpath
from archiver.records.items import Author, Comment
from archiver.records.values import Moment, read_moment

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml.html import HtmlElement


@dataclass(slots=True)
class CommentElement:
    """A comment's outermost element, with what its id and its aliases say."""

    element: HtmlElement
    id: int
    # The parent named in a wpDiscuz id (wpd-comm-N_PARENT): exact, whatever the nesting.
    named_parent: int | None = None
    classes: set[str] = field(default_factory=set)


# The last page asked about (its root, kept alive so its identity stays its own) and its
# comment elements: the post and its comments are read from one page one after the other.
_last_page: tuple[Any, list[CommentElement]] = (None, [])


def find_comment_elements(page: HtmlElement) -> list[CommentElement]:
    """Each comment's outermost element, in page order."""
    global _last_page  # a one-page cache, replaced whole (thread-safe)
    root = page.getroottree().getroot()
    known = _last_page
    if known[0] is root:
        return list(known[1])
    items = _find_comment_elements(root)
    _last_page = (root, items)
    return list(items)


def _find_comment_elements(page: HtmlElement) -> list[CommentElement]:
    found: dict[int, CommentElement] = {}
    for element in xpath(page, sel.COMMENT_ELEMENT_XPATH):
        if not isinstance(element, lxml.html.HtmlElement):
            continue
        match = sel.COMMENT_ELEMENT_ID.match(element.get("id") or "")
        if match is None:
            continue
        number = int(match.group(1) or match.group(2))
        named = int(match.group(3)) if match.group(3) else None
        classes = set((element.get("class") or "").split())
        known = found.get(number)
        if known is None:  # page order: the first element naming N is the outermost
            found[number] = CommentElement(element, number, named, classes)
        else:
            # An alias inside (article#div-comment-N, OceanWP's article with
            # comment_class): its classes tell the comment's type too.
            known.classes |= classes
            if named is not None:
                known.named_parent = named
    return list(found.values())


def extract_comments_from_html(url: str, page: HtmlElement, post_id: int | None) -> list[Comment]:
    """Every comment rendered on this page (one comment page of a post), in page order."""
    items = find_comment_elements(page)
    by_element = {item.element: item for item in items}
    comments: list[Comment] = []
    fragments: list[str] = []
    replies: dict[int, bool] = {}
    parents: dict[int, int] = {}
    depths: dict[int, int] = {}
    # The comments still open at each depth, as comment_class's depth-N names them: the
    # walker lists a thread depth first, so a comment's parent is the last one before it at
    # the depth above. It is the parent when the markup's nesting disagrees with the depth
    # WordPress printed (libxml2 closes the block themes' unclosed <li>s of the flattened
    # level differently from browsers, so their nesting is lost in the tree).
    last_at_depth: dict[int, int] = {}
    offset = page_utc_offset(page) if items else None
    for item in items:
        parent = _parent_of(item, by_element)
        parent_id = parent if parent is not None else 0
        # A parent on another page (wpDiscuz names it): the depth is not known here.
        depth = 1 if not parent_id else depths[parent_id] + 1 if parent_id in depths else 0
        printed = _printed_depth(item)
        if printed and printed != depth and item.named_parent is None:
            parent_id = last_at_depth.get(printed - 1, 0) if printed > 1 else 0
            depth = printed if parent_id or printed == 1 else 0
        if depth:
            last_at_depth[depth] = item.id
        comment, content_html, has_reply = _read_comment(url, item, by_element, post_id, offset)
        comment.parent_id, comment.depth = parent_id or None, depth
        depths[item.id], parents[item.id], replies[item.id] = depth, parent_id, has_reply
        comments.append(comment)
        fragments.append(content_html)
    for comment, body in zip(comments, clean_bodies(fragments, url), strict=True):
        comment.content_html, comment.content_text = body.html, body.text
    exact = {i.id for i in items if i.named_parent}
    _mark_uncertain_parents(comments, replies, exact, _after_first_page(url, page, comments))
    return comments


def _after_first_page(url: str, page: HtmlElement, comments: list[Comment]) -> bool:
    """True unless this page is known to be the thread's first comment page (or its only
    one): a flat list's first comment may reply to one on an earlier page."""
    if not comments or not comment_page_urls(url, page):
        return False
    return shown_comment_page(url, page, [c.permalink for c in comments]) != 1


def _printed_depth(item: CommentElement) -> int:
    """The depth comment_class printed (``depth-N``), 0 when the theme prints none."""
    for word in item.classes:
        if word.startswith("depth-") and word[6:].isdigit():
            return int(word[6:])
    return 0


def _parent_of(item: CommentElement, by_element: dict[HtmlElement, CommentElement]) -> int | None:
    """The comment ``item`` replies to, as the markup says; None at top level."""
    if item.named_parent is not None:
        return item.named_parent or None
    node = item.element.getparent()
    while node is not None:
        holder = by_element.get(node)
        if holder is not None:
            return holder.id
        if sel.CHILDREN_CLASS in (node.get("class") or "").split():
            # A replies list closed off from its parent: the parent is just before it.
            previous = node.getprevious()
            while previous is not None and not isinstance(previous.tag, str):
                previous = previous.getprevious()
            if previous is not None and previous in by_element:
                return by_element[previous].id
        node = node.getparent()
    return None


def _mark_uncertain_parents(
    comments: list[Comment], replies: dict[int, bool], exact: set[int], later_page: bool = False
) -> None:
    """Mark the parents that WordPress's flattening may have hidden.

    At the blog's display depth D, replies to a comment of depth D are printed after it at
    its own level, so any comment at depth D that follows a sibling at D may reply to that
    sibling. D shows where reply links stop (core prints none at D); without any reply
    link (comments closed, threading off), the deepest level seen may be D. Pings are
    never threaded. A flat list on a later comment page may open with a reply to a comment
    of an earlier page (``later_page``).
    """
    talk = [c for c in comments if c.type == "comment" and c.id not in exact]
    if not talk:
        return
    with_link = {c.depth for c in talk if replies.get(c.id)}
    without_link = {c.depth for c in talk if not replies.get(c.id)}
    if with_link and without_link and min(without_link) > max(with_link):
        cap = min(without_link)
    elif with_link:
        return  # every level still offers replies: nothing was flattened
    else:
        cap = max(c.depth for c in talk)
    seen: set[int | None] = set()
    for comment in talk:
        if comment.depth != cap:
            continue
        if comment.parent_id in seen or (later_page and cap == 1):
            comment.parent_uncertain = True
        seen.add(comment.parent_id)


def comment_page_urls(url: str, page: HtmlElement) -> list[str]:
    """Links to the other pages of this post's comment thread, in page order, deduplicated."""
    base = urldefrag(url)[0]
    if not _PAGE_HINT.search(base) and not xpath(page, _PAGE_HINT_HREFS):
        # No link could name a comment page (it needs one of these words, in the link or,
        # joined to a relative link, in this page's URL): the pagination selectors would
        # each walk the page for nothing.
        return []
    thread = thread_key(base)
    found: list[str] = []
    hrefs = [href for expr in sel.COMMENT_PAGINATION_HREF_XPATHS for href in xpath(page, expr)]
    for href in hrefs:
        absolute = urldefrag(urljoin(base, str(href)))[0]
        if (
            sel.COMMENT_PAGE_LINK.search(absolute)
            # Sidebars link to other posts' comment pages ("Recent Comments"): not ours.
            and thread_key(absolute) == thread
            and absolute != base
            and absolute not in found
        ):
            found.append(absolute)
    return found


_PAGE_HINT = re.compile("comment-page-|cpage=")
_PAGE_HINT_HREFS = "//a[contains(@href, 'comment-page-') or contains(@href, 'cpage=')]"


def thread_key(url: str) -> str:
    """The post a comment-page URL belongs to: the URL without its comment-page part."""
    return sel.COMMENT_PAGE_LINK.sub("/", urldefrag(url)[0]).rstrip("/?&")


def comment_page_key(url: str) -> tuple[str, int | None]:
    """(canonical thread, page number): a post's URL shows one comment page (the newest or
    the oldest) that pagination links again as /comment-page-N/, so pages are told apart
    by number, not by URL."""
    return str(canonicalize_url(thread_key(url))), comment_page_number(url)


def comment_page_number(url: str) -> int | None:
    """The comment page a URL names (``/comment-page-3/``, ``&cpage=3``), if any."""
    match = sel.COMMENT_PAGE_NUMBER.search(urldefrag(url)[0])
    return int(match.group(1) or match.group(2)) if match else None


def shown_comment_page(url: str, page: HtmlElement, permalinks: Iterable[str]) -> int | None:
    """Which comment page a response shows, also when its URL names none: the post's own URL
    shows the newest page (or the oldest, per the blog's settings), and the same comments
    are linked again as ``/comment-page-N/``.

    From the URL, else the pagination's current item (numbered pagination), else the
    comment page the permalinks of this page's comments name (themes with only "Older
    comments" links); None when nothing tells.
    """
    number = comment_page_number(url)
    if number is not None:
        return number
    for text in page.xpath(sel.COMMENT_PAGINATION_CURRENT_XPATH):
        digits = re.findall(r"\d+", str(text))
        if len(digits) == 1:
            return int(digits[0])
    numbers = {comment_page_number(link) for link in permalinks}
    if len(numbers) == 1:
        return numbers.pop()
    return None


def _read_comment(
    url: str,
    item: CommentElement,
    by_element: dict[HtmlElement, CommentElement],
    post_id: int | None,
    offset: timedelta | None,
) -> tuple[Comment, str, bool]:
    """The comment of ``item`` without its parent and content, its content's markup to
    clean, and whether it offers a reply link."""
    own = _OwnParts.read(item, by_element)
    classes = item.classes
    kind = (
        "pingback"
        if "pingback" in classes
        else "trackback"
        if "trackback" in classes
        else "comment"
    )
    author = _author(own, kind)
    if kind == "comment":
        content_html = _content_html(own)
    else:
        # Classic themes show a ping as "Pingback: <link>" only: that is the author.
        content = own.first_content(sel.PING_CONTENT_CLASSES)
        content_html = inner_html(content) if content is not None else ""
    permalink = str(own.permalink.get("href")) if own.permalink is not None else ""
    if f"#comment-{item.id}" not in permalink:
        permalink = f"{urldefrag(url)[0]}#comment-{item.id}"
    published = own.published(offset)
    comment = Comment(
        id=item.id,
        post_id=post_id,
        type=kind,
        author=author,
        published=published.utc if published else None,
        published_local=published.local if published else None,
        permalink=urljoin(url, permalink),
    )
    return comment, content_html, own.reply_link


@dataclass(slots=True)
class _OwnParts:
    """What one walk over a comment's own elements (not its replies') found."""

    item: CommentElement
    nodes: list[HtmlElement]
    contents: list[tuple[str, HtmlElement]]
    authors: dict[str, HtmlElement]
    cite: HtmlElement | None = None
    url_link: HtmlElement | None = None
    time: HtmlElement | None = None
    permalink: HtmlElement | None = None
    reply_link: bool = False
    alias_ids: list[HtmlElement] = field(default_factory=list)
    # Where a theme without time[datetime] prints the date as text: the permalink's text
    # (core's xhtml format, Kubrick) and the date classes' (comment-date, comment-metadata).
    date_texts: list[HtmlElement] = field(default_factory=list)

    @classmethod
    def read(cls, item: CommentElement, by_element: dict[HtmlElement, CommentElement]) -> _OwnParts:
        parts = cls(item, [], [], {})
        anchor = f"#comment-{item.id}"
        content_names = set(sel.COMMENT_CONTENT_CLASSES)
        author_names = set(sel.COMMENT_AUTHOR_CLASSES)
        for node in _own_nodes(item.element, by_element):
            parts.nodes.append(node)
            words = (node.get("class") or "").split()
            for word in words:
                if word in content_names:
                    parts.contents.append((word, node))
                if word in author_names and word not in parts.authors:
                    parts.authors[word] = node
                if word in sel.REPLY_LINK_CLASSES:
                    parts.reply_link = True
                if word in sel.COMMENT_DATE_TEXT_CLASSES:
                    parts.date_texts.append(node)
            if node.tag in sel.COMMENT_DATE_TEXT_TAGS:
                parts.date_texts.append(node)
            tag = node.tag
            if tag == "a":
                href = node.get("href") or ""
                if parts.permalink is None and href.endswith(anchor):
                    parts.permalink = node
                    parts.date_texts.insert(0, node)
                if parts.url_link is None and "url" in words:
                    parts.url_link = node
            elif tag == "time" and parts.time is None:
                if node.get("datetime") or node.get("pubdate"):
                    parts.time = node
            elif tag == "cite" and parts.cite is None:
                parts.cite = node
            node_id = node.get("id")
            if node_id and node is not item.element and sel.COMMENT_ELEMENT_ID.match(node_id):
                parts.alias_ids.append(node)
        return parts

    def first_content(self, names: Iterable[str]) -> HtmlElement | None:
        """The comment's text element: the first of ``names`` found, then the innermost
        text element inside it (OceanWP and Highlander nest one in a meta box)."""
        chosen = None
        for name in names:
            chosen = next((node for word, node in self.contents if word == name), None)
            if chosen is not None:
                break
        while chosen is not None:
            inner = next(
                (node for _, node in self.contents if node is not chosen and _inside(node, chosen)),
                None,
            )
            if inner is None:
                break
            chosen = inner
        return chosen

    def author_element(self) -> HtmlElement | None:
        for name in sel.COMMENT_AUTHOR_CLASSES:
            if name in self.authors:
                return self.authors[name]
        return self.cite if self.cite is not None else self.url_link

    def published(self, offset: timedelta | None) -> Moment | None:
        if self.time is None:
            return self._text_date()
        moment = read_moment(self.time.get("datetime"))
        if moment is not None:
            return moment
        stamp = (self.time.get("pubdate") or "").strip()
        if sel.COMMENT_PUBDATE_UNIX.match(stamp):
            # tagDiv prints get_comment_time('U'), which WordPress computes as the local
            # time read as UTC (mysql2date: "a sum of timestamp with timezone offset"):
            # the blog's wall clock, placed with the UTC offset the page prints.
            wall = datetime.fromtimestamp(int(stamp), UTC).replace(tzinfo=None)
            if offset is None:
                return Moment(None, wall.isoformat())
            return read_moment(wall.replace(tzinfo=timezone(offset)).isoformat())
        return None

    def _text_date(self) -> Moment | None:
        """A date printed as text ("February 13, 2014 at 7:42 pm"): the blog's clock only
        (``published`` stays null): the post's offset may not be the comment's, across a
        change to summer time, and no zone is guessed."""
        for node in self.date_texts:
            # "· February 13, 2014 at 9:05 pm" (Hestia): the words from the first letter on.
            words = " ".join(node.text_content().split())
            moment = read_moment(_FROM_FIRST_LETTER.sub("", words))
            if moment is not None and moment.local is not None:
                return moment
        return None


_FROM_FIRST_LETTER = re.compile(r"^[^A-Za-z]+")


def page_utc_offset(page: HtmlElement) -> timedelta | None:
    """The blog's UTC offset as the page prints it with the post's own date (the
    article:published_time meta, the entry date's datetime), None when it prints none.
    Around a daylight-saving change a comment's offset may differ from the post's."""
    for expression in sel.PUBLISHED_XPATHS:
        for value in xpath(page, expression):
            try:
                moment = datetime.fromisoformat(str(value).strip())
            except ValueError:
                continue
            if moment.tzinfo is not None:
                return moment.utcoffset()
    return None


def _own_nodes(
    root: HtmlElement, by_element: dict[HtmlElement, CommentElement]
) -> Iterator[HtmlElement]:
    """The elements of ``root`` in page order, without nested comments and reply lists."""
    stack = [child for child in reversed(root) if isinstance(child.tag, str)]
    while stack:
        node = stack.pop()
        if node in by_element:
            continue
        if sel.CHILDREN_CLASS in (node.get("class") or "").split():
            continue
        yield node
        stack.extend(child for child in reversed(node) if isinstance(child.tag, str))


def _content_html(own: _OwnParts) -> str:
    """The markup of the comment's text: its text element, or, where the text element is
    also the meta box (core xhtml's .comment-body) or there is none (Hestia, old themes),
    the comment's own text blocks."""
    content = own.first_content(sel.COMMENT_CONTENT_CLASSES)
    author = own.author_element()
    markers = [m for m in (author, own.time, own.permalink) if m is not None]
    if content is not None and not any(_inside(m, content) for m in markers):
        # Another element naming this comment inside its text (a "Report" link, tagDiv's
        # meta box) is not text.
        aliases = [a for a in own.alias_ids if _inside(a, content)]
        return inner_html(copy_without(content, aliases) if aliases else content)
    box = content if content is not None else own.item.element
    blocks = _text_blocks(box, own, markers)
    aliases = [a for a in own.alias_ids if any(_inside(a, b) for b in blocks)]
    return "".join(
        lxml.html.tostring(
            copy_without(b, aliases) if aliases else b, encoding="unicode", with_tail=False
        )
        for b in blocks
    )


def _text_blocks(box: HtmlElement, own: _OwnParts, markers: list[HtmlElement]) -> list[HtmlElement]:
    """The outermost text blocks (``<p>``, lists, quotes...) in ``box`` that are the
    comment's own and hold no meta: author, date, permalink, reply or avatar."""
    blocks: list[HtmlElement] = []
    skipped: list[HtmlElement] = []
    for node in own.nodes:
        if node is box or not _inside(node, box):
            continue
        if any(_inside(node, b) for b in blocks) or any(_inside(node, s) for s in skipped):
            continue
        words = set((node.get("class") or "").split())
        if (
            node.tag in sel.COMMENT_META_TAGS
            or not sel.COMMENT_META_CLASSES.isdisjoint(words)
            or (node in own.alias_ids and not _holds_blocks(node))
        ):
            skipped.append(node)
            continue
        if node.tag in sel.COMMENT_TEXT_BLOCKS:
            if any(m is node or _inside(m, node) for m in markers):
                skipped.append(node)
                continue
            blocks.append(node)
    return blocks


def _holds_blocks(node: HtmlElement) -> bool:
    """True for a box of text blocks (article#div-comment-N), not a small meta element."""
    return any(d.tag in sel.COMMENT_TEXT_BLOCKS for d in node.iterdescendants())


def _author(own: _OwnParts, kind: str) -> Author:
    if kind != "comment" and own.url_link is not None:
        # A pingback's "author" is the linking page: its title and URL.
        return Author(name=element_text(own.url_link), url=own.url_link.get("href") or None)
    element = own.author_element()
    if element is None:
        return Author()
    # get_comment_author_link's a.url is the name itself; a box that also holds the date
    # or the reply link (Hestia's heading, OceanWP's author box) names it without them.
    url_link = next((a for a in element.iter("a") if "url" in (a.get("class") or "").split()), None)
    if url_link is not None:
        element = url_link
    meta = [
        node
        for node in element.iterdescendants()
        if isinstance(node.tag, str)
        and (
            node.tag in sel.COMMENT_AUTHOR_NOISE_TAGS
            or not sel.COMMENT_AUTHOR_NOISE_CLASSES.isdisjoint((node.get("class") or "").split())
        )
    ]
    shown = copy_without(element, meta) if meta else element
    name = _SAYS.sub("", element_text(shown)).strip()
    link = element if element.tag == "a" and element.get("href") else None
    if link is None:
        link = next((a for a in shown.iter("a") if a.get("href")), None)
    if link is None:
        # Twenty Twenty and others wrap the name in the author link: a.url > span.fn.
        node = element.getparent()
        while node is not None and node is not own.item.element:
            if node.tag == "a" and node.get("href"):
                link = node
                break
            node = node.getparent()
    return Author(name=name, url=(link.get("href") or None) if link is not None else None)


_SAYS = re.compile(r"\s*(?:says|said|wrote)(?: on)?\s*:?\s*$", re.IGNORECASE)


def _inside(node: HtmlElement, outer: HtmlElement) -> bool:
    """True when ``node`` is a descendant of ``outer``."""
    parent = node.getparent()
    while parent is not None:
        if parent is outer:
            return True
        parent = parent.getparent()
    return False
