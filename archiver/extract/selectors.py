"""Named selector tables: where WordPress themes put things, and what is boilerplate.

XPath expressions (for the one lxml parse of each page) are tried in order, first match
wins; they cover classic themes (twentyten to twentytwentyone and most WordPress.com
themes, which use ``wp_list_comments``), block themes (twentytwentytwo onwards:
``wp-block-*`` classes) and Jetpack/WordPress.com additions. CSS selectors are for
BeautifulSoup when cleaning a body or comment subtree.
"""

from __future__ import annotations

import re


def has_class(name: str) -> str:
    """XPath predicate true when an element's class attribute holds ``name`` as a word.

    The plain ``contains(@class, name)`` first is implied by the exact test and cheap:
    libxml2 stops there for almost every element of a page (``and`` short-circuits).
    """
    return (
        f"(contains(@class, '{name}') and "
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
    )


# --- the post -------------------------------------------------------------------------

# The main article of a single post or page view.
ARTICLE_XPATHS = (
    "//article[starts-with(@id, 'post-')][1]",
    f"//main//*[{has_class('type-post')} or {has_class('type-page')}][1]",
    f"//*[{has_class('wp-block-post-content')}]/ancestor::main[1]",
    "//main[1]",
    "//body",
)
TITLE_XPATHS = (
    f".//*[{has_class('entry-title')}]",
    f".//*[{has_class('wp-block-post-title')}]",
    f".//*[{has_class('post-title')}]",
)
CONTENT_XPATHS = (
    f".//*[{has_class('entry-content')}]",
    f".//*[{has_class('wp-block-post-content')}]",
    f".//*[{has_class('post-content')}]",
    f".//*[{has_class('post-entry')}]",
    f".//*[{has_class('entry')}]",
)
PUBLISHED_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    f".//time[{has_class('entry-date')} and {has_class('published')}]/@datetime",
    f".//time[{has_class('entry-date')}]/@datetime",
    f".//*[{has_class('wp-block-post-date')}]//time/@datetime",
    ".//time[@datetime]/@datetime",
)
MODIFIED_XPATHS = (
    "//meta[@property='article:modified_time']/@content",
    f".//time[{has_class('updated')} and not({has_class('published')})]/@datetime",
)
AUTHOR_NAME_XPATHS = (
    f".//*[{has_class('author')} and {has_class('vcard')}]//a",
    f".//*[{has_class('byline')}]//a[contains(@href, '/author/')]",
    f".//*[{has_class('wp-block-post-author-name')}]",
    f".//*[{has_class('wp-block-post-author__name')}]",
    f".//*[{has_class('author-title')}]",  # twentytwentyone's author box: "By Name"
    ".//a[@rel='author']",
)
AUTHOR_URL_XPATHS = (
    ".//a[@rel='author']/@href",
    f".//*[{has_class('author')} and {has_class('vcard')}]//a/@href",
    ".//a[contains(@href, '/author/')]/@href",
)
# Words themes wrap around an author's name.
AUTHOR_NAME_WRAPPERS = (
    re.compile(r"^(?:By|Posted by|Written by)\s+(.+)$", re.IGNORECASE),
    re.compile(r"^View all (?:of )?(.+?)[’']s posts\.?$", re.IGNORECASE),
    re.compile(r"^View all posts by (.+?)\.?$", re.IGNORECASE),
)
CATEGORY_LINK_XPATHS = (
    f".//*[{has_class('taxonomy-category')}]//a",
    ".//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]",
)
# Block themes mark categories rel="tag" too: look inside the tag block first.
TAG_LINK_XPATHS = (
    f".//*[{has_class('taxonomy-post_tag')}]//a",
    f".//a[normalize-space(@rel)='tag' and not(ancestor::*[{has_class('taxonomy-category')}])]",
)
POST_ID_FROM_BODY_CLASS = re.compile(r"\b(?:postid|page-id)-(\d+)\b")
POST_ID_FROM_ARTICLE_ID = re.compile(r"^post-(\d+)$")
PASSWORD_FORM_XPATH = f".//form[{has_class('post-password-form')}]"

# --- comments -------------------------------------------------------------------------

# Every rendered comment is an <li id="comment-N">; replies are nested inside their parent's
# <li> (classic <ol class="children"> and block themes alike), so threading is read from
# the nesting, never guessed from order.
COMMENT_ITEM_XPATH = "//li[starts-with(@id, 'comment-')]"
COMMENT_ID = re.compile(r"^comment-(\d+)$")
COMMENT_PARENT_XPATH = "ancestor::li[starts-with(@id, 'comment-')][1]"
COMMENT_CONTENT_XPATHS = (
    f".//*[{has_class('comment-content')}]",
    f".//*[{has_class('wp-block-comment-content')}]",
    f".//*[{has_class('comment-text')}]",
    f".//*[{has_class('comment-body')}]",
)
PING_CONTENT_XPATHS = COMMENT_CONTENT_XPATHS[:3]  # not .comment-body: the label and link
COMMENT_AUTHOR_XPATHS = (
    f".//*[{has_class('comment-author')}]//*[{has_class('fn')}]",
    f".//*[{has_class('wp-block-comment-author-name')}]",
    f".//*[{has_class('comment-author')}]",
    f".//*[{has_class('fn')}]",
)
COMMENT_DATE_XPATHS = (
    f".//*[{has_class('comment-metadata')}]//time/@datetime",
    f".//*[{has_class('wp-block-comment-date')}]//time/@datetime",
    f".//*[{has_class('comment-meta')}]//time/@datetime",
    ".//time/@datetime",
)
COMMENT_PERMALINK_XPATHS = (
    f".//*[{has_class('comment-metadata')}]//a/@href",
    f".//*[{has_class('wp-block-comment-date')}]//a/@href",
    f".//*[{has_class('comment-meta')}]//a/@href",
)
COMMENTS_TITLE_XPATHS = (
    f"//*[{has_class('comments-title')}]",
    f"//*[{has_class('wp-block-comments-title')}]",
    "id('comments-title')",
    "//h2[@id='comments'] | //h3[@id='comments']",  # the classic fallback template
)
COMMENT_FORM_XPATHS = (
    "id('respond')",  # id(): libxml2's id table, no walk over the page
    "//form[@id='commentform']",
    f"//*[{has_class('wp-block-post-comments-form')}]",
)
COMMENTS_CLOSED_XPATHS = (
    f"//*[{has_class('no-comments')}]",
    f"//*[{has_class('comments-closed')}]",
)
# The comment form replaced by "You must be logged in to post a comment."
COMMENTS_LOGIN_REQUIRED_XPATHS = (f"//*[{has_class('must-log-in')}]",)
EXTERNAL_COMMENTS_XPATHS = {
    "disqus": "id('disqus_thread')",
    "facebook": f"//*[{has_class('fb-comments')}]",
}
# Pages of a paginated comment thread (pretty and plain permalinks).
COMMENT_PAGE_LINK = re.compile(r"(/comment-page-\d+/?|[?&]cpage=\d+)")
COMMENT_PAGE_NUMBER = re.compile(r"/comment-page-(\d+)/?(?:$|[?#])|[?&]cpage=(\d+)")
# The current page of a numbered comment pagination (paginate_comments_links, the
# comments-pagination-numbers block): "3" or "Page 3".
COMMENT_PAGINATION_CURRENT_XPATH = (
    f"//*[{has_class('comments-pagination')} or {has_class('comment-navigation')}"
    f" or {has_class('wp-block-comments-pagination')} or @id='comment-nav-above'"
    f" or @id='comment-nav-below']//*[@aria-current='page' or {has_class('current')}]//text()"
)
# Only the thread's pagination is followed: block themes also point every comment's date
# and the comments heading at ".../comment-page-1/", a copy of the page already fetched.
COMMENT_PAGINATION_HREF_XPATHS = (
    f"//a[{has_class('page-numbers')}]/@href",
    f"//*[{has_class('wp-block-comments-pagination')}]//a/@href",
    f"//a[{has_class('wp-block-comments-pagination-previous')}]/@href",
    f"//a[{has_class('wp-block-comments-pagination-next')}]/@href",
    f"//*[{has_class('comment-navigation')} or {has_class('comments-pagination')}]//a/@href",
    "//*[@id='comment-nav-above' or @id='comment-nav-below']//a/@href",
    # The classic fallback template (block themes without a comments block, old themes).
    f"//*[{has_class('navigation')} or {has_class('nav-previous')} or {has_class('nav-next')}]"
    "//a/@href",
)

# --- discovery ------------------------------------------------------------------------

API_LINK_REL = "https://api.w.org/"
API_LINK_XPATH = "//link[@rel='https://api.w.org/']/@href"
CANONICAL_XPATH = "//link[@rel='canonical']/@href"
LANGUAGE_XPATH = "/html/@lang"
ARCHIVE_POST_LINK_XPATHS = (
    f"//article//*[{has_class('entry-title')}]//a/@href",
    f"//*[{has_class('wp-block-post-title')}]//a/@href",
)
# Pages of the blog linked from its menus: classic menus (menu items of pages), the page
# list of ``wp_page_menu`` and the block themes' page list.
PAGE_LINK_XPATHS = (
    f"//li[{has_class('menu-item-object-page')}]/a/@href",
    f"//li[{has_class('page_item')}]/a/@href",
    f"//a[{has_class('wp-block-pages-list__item__link')}]/@href",
)
FEED_LINK_XPATH = (
    "//link[@rel='alternate' and (@type='application/rss+xml' or @type='application/atom+xml')]"
    "/@href"
)
ARCHIVE_NEXT_PAGE_XPATHS = (
    "//a[@rel='next']/@href",
    f"//a[{has_class('next')}]/@href",
    f"//*[{has_class('nav-previous')}]//a/@href",
    f"//a[{has_class('wp-block-query-pagination-next')}]/@href",
)

# --- cleaning (BeautifulSoup CSS selectors) --------------------------------------------

# Never content, and unsafe to keep.
DANGEROUS_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "object",
    "embed",
    "applet",
    "base",
    "meta",
    "link",
    "frame",
    "frameset",
)
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "background", "xlink:href", "data"}
)
BOILERPLATE_SELECTORS = (
    # WordPress core comment form and its WordPress.com/Jetpack (Highlander) variants.
    "#respond",
    "#commentform",
    ".comment-respond",
    ".comment-form",
    "#comment-form-identity",
    "#comment-form-subscribe",
    ".comment-subscription-form",
    ".wp-block-post-comments-form",
    # Per-comment controls.
    ".reply",
    ".comment-reply-link",
    ".edit-link",
    ".comment-edit-link",
    ".comment-awaiting-moderation",
    # Jetpack sharing, likes, related posts, subscriptions.
    ".sharedaddy",
    ".sd-sharing-enabled",
    ".sd-block",
    ".sharing",
    ".jp-relatedposts",
    "#jp-relatedposts",
    ".wpl-likebox",
    ".post-likes-widget-placeholder",
    ".jetpack-likes-widget-wrapper",
    ".wp-block-jetpack-subscriptions",
    ".jetpack_subscription_widget",
    # Post-level navigation inside the body (multi-page posts).
    ".page-links",
    ".post-page-numbers",
)
# Whole texts of elements that are comment-form boilerplate (matched against the whole,
# whitespace-collapsed text of a small element).
BOILERPLATE_TEXTS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"Leave a Reply",
        r"Leave a Reply to .{1,80} Cancel reply",
        r"Leave a Comment",
        r"Cancel reply",
        r"Fill in your details below or click an icon to log in:",
        r"You are commenting using your (?:\S+ )?account\.? ?\(? ?Log ?Out ?/ ?Change ?\)?",
        r"Connecting to %s",
        r"Notify me of (?:new comments|new posts|follow-up comments) (?:via|by) e-?mail\.?",
        r"Post Comment",
        r"Like this:",
        r"Share this:",
        r"Like Loading\.{3}",
        r"\d+ bloggers? likes? this\.?",
    )
)
# Words that start one of those texts: only strings holding one are looked at.
BOILERPLATE_TRIGGER = re.compile(
    r"Leave a|Cancel reply|Fill in your details|commenting using|Log ?Out|Connecting to"
    r"|Notify me|Post Comment|Like this|Share this|Loading|likes? this",
    re.IGNORECASE,
)
