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

# Where a page names its post's id P, most universal first (WordPress core prints all of
# them on a single view: body_class, the comment form, the REST alternate link, the
# shortlink; reply links and post_class where themes use them).
POST_ID_FROM_BODY_CLASS = re.compile(r"\b(?:postid|page-id)-(\d+)\b")
POST_ID_FROM_ARTICLE_ID = re.compile(r"^post-(\d+)$")
POST_ID_VALUE_XPATHS = (
    "id('comment_post_ID')/@value",
    "//input[@name='comment_post_ID']/@value",
)
POST_ID_LINK_XPATHS = (
    "//link[@rel='alternate' and @type='application/json']/@href",
    "//link[@rel='shortlink']/@href",
)
# /wp-json/wp/v2/posts/P, ?rest_route=/wp/v2/pages/P (escaped or not), and ?p=P shortlinks.
POST_ID_FROM_LINK = re.compile(
    r"wp(?:/|%2F)v2(?:/|%2F)[\w-]+(?:/|%2F)(\d+)\b|[?&](?:p|page_id)=(\d+)\b", re.IGNORECASE
)
POST_ID_DATA_XPATH = "//a[@data-postid][1]/@data-postid"
# The post's own wrapper once P is known: #post-P (classic themes), .post-P (post_class, also
# on block themes' main group in some templates, Hello Elementor's main), Elementor's
# document of P (it holds the body only, so it comes last).
POST_WRAPPER_XPATHS = (
    "id('post-{P}')",
    f"//*[{has_class('post-{P}')}]",
    "//*[@data-elementor-id='{P}' and not(@data-elementor-type='header')"
    " and not(@data-elementor-type='footer')]",
)
# Without P: the first of these is the post.
ARTICLE_XPATHS = (
    "//article[starts-with(@id, 'post-')][1]",
    f"//main//*[{has_class('type-post')} or {has_class('type-page')}][1]",
    f"//*[{has_class('wp-block-post-content')}]/ancestor::main[1]",
    "//main[1]",
    "//body",
)
# Where the generic locator looks when the post has no wrapper of its own: the schema.org
# article that themes with microdata print around the post.
ARTICLE_MICRODATA_XPATHS = (
    "//*[contains(@itemtype, 'schema.org/') and (contains(@itemtype, 'Article')"
    " or contains(@itemtype, 'BlogPosting'))]",
)
# Any post's wrapper (post_class gives every listed post "post-Q"): a Query Loop, Latest
# Posts block or related-posts list inside a post lists other posts, whose titles and
# bodies are not this post's.
OTHER_POST_CLASS = re.compile(r"(?:^|\s)post-(\d+)(?:\s|$)")
LISTED_POSTS_CLASSES = frozenset(
    {
        "wp-block-post",  # core/post-template items (Query Loop)
        "wp-block-query",
        "wp-block-latest-posts",
        "wp-block-latest-posts__list",
        "jp-relatedposts",
        "jp-relatedposts-items",
    }
)
# The element holding the_content(), in the conventions' order: WordPress core and almost
# every theme (entry-content; block themes' post-content block), schema.org microdata,
# Elementor Pro's post-content widget, then theme families (tagDiv, Thesis, Hello
# Elementor, Kubrick and its descendants, old and small themes).
BODY_CLASSES = (
    "entry-content",
    "wp-block-post-content",
    "elementor-widget-theme-post-content",
    "td-post-content",
    "tdb_single_content",
    "post_content",
    "post-content",
    "page-content",
    "post-entry",
    "entry",
    "article-content",
    "post-body",
    "single-content",
    "the-content",
    "content-inner",
    "postcontent",
    "storycontent",
)
# The theme's term lists inside the body element: blocks of these tags holding only
# rel="tag" links (the_tags, the_category) and a label of at most so many words.
TERM_LIST_TAGS = ("p", "div", "span", "ul", "footer")
TERM_LINK_RELS = frozenset({"tag", "category"})
TERM_LIST_LABEL_WORDS = 3
BODY_ATTRIBUTE_XPATHS = ("//*[@itemprop='articleBody']", "//*[@itemprop='text']")
TITLE_CLASSES = ("entry-title", "wp-block-post-title", "post-title", "single-title", "page-title")
TITLE_XPATHS = tuple(f".//*[{has_class(name)}]" for name in TITLE_CLASSES)
TITLE_META_XPATHS = ("//meta[@property='og:title']/@content",)
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
PASSWORD_FORM_XPATH = f".//form[{has_class('post-password-form')}]"

# --- comments -------------------------------------------------------------------------

# A comment is any element whose id is comment-N: core's get_comment_link() ends in
# #comment-N, so every theme must print that anchor. li-comment-N, div-comment-N,
# comment-item-N (Neve) and wpd-comm-N_PARENT (wpDiscuz) name the same comment; of the
# elements naming one N, the outermost is the comment. Threading is read from the nesting
# (or wpDiscuz's id), never guessed from order.
COMMENT_ELEMENT_XPATH = (
    "//*[starts-with(@id, 'comment-') or starts-with(@id, 'li-comment-')"
    " or starts-with(@id, 'div-comment-') or starts-with(@id, 'wpd-comm-')]"
)
COMMENT_ELEMENT_ID = re.compile(r"^(?:li-|div-)?comment-(?:item-)?(\d+)$|^wpd-comm-(\d+)_(\d+)$")
# Replies nest in a list with this class inside the parent (the walker's start_lvl), or in
# one that follows the parent as a sibling (Hestia, Neve).
CHILDREN_CLASS = "children"
REPLY_LINK_CLASSES = frozenset({"comment-reply-link", "comment-reply-login"})
# The element holding a comment's text (comment_text's <p>s), most specific first: core
# html5 and most callbacks, block themes, Storefront, Thesis, Astra, Neve, wpDiscuz, Epoch,
# Highlander, then .comment-body (Twenty Ten: the text only; core xhtml: the whole box).
COMMENT_CONTENT_CLASSES = (
    "comment-content",
    "wp-block-comment-content",
    "comment-text",
    "comment_text",
    "ast-comment-content",
    "nv-comment-content",
    "wpd-comment-text",
    "epoch-comment-content",
    "comment-entry",
    "comment_content",
    "commenttext",
    "comment-body",
)
# Ping text is not the box: "Pingback: <link>" is the author.
PING_CONTENT_CLASSES = COMMENT_CONTENT_CLASSES[:-1]
# The commenter's name, most specific first: block themes, core's .fn (cite/b/span),
# Genesis, Thesis, wpDiscuz, Epoch, Hestia, the xhtml box, then plain cite (Newspaper,
# Kubrick) and .author.
COMMENT_AUTHOR_CLASSES = (
    "wp-block-comment-author-name",
    "fn",
    "comment-author-name",
    "comment_author",
    "wpd-comment-author",
    "epoch-author-link",
    "media-heading",
    "comment-author",
    "author",
)
COMMENT_AUTHOR_TAGS = ("cite",)
# Inside an author box that is not only the name: the date, the actions, the avatar.
COMMENT_AUTHOR_NOISE_TAGS = frozenset({"small", "time", "img", "script"})
COMMENT_AUTHOR_NOISE_CLASSES = frozenset(
    {
        "comment-meta",
        "commentmetadata",
        "comment-metadata",
        "comment-date",
        "comment_date",
        "reply",
        "comment-reply-link",
        "edit-link",
        "comment-edit-link",
        "says",
    }
)
# Where themes without time[datetime] print a comment's date as text (besides the
# permalink's own text).
COMMENT_DATE_TEXT_CLASSES = frozenset(
    {"comment-date", "comment_date", "comment-time", "commentmetadata", "comment-metadata"}
)
COMMENT_DATE_TEXT_TAGS = frozenset({"small"})  # Hestia's heading: "<small>· date</small>"
# Parts of a comment that are never its text: meta, author box, avatar, actions.
COMMENT_META_CLASSES = frozenset(
    {
        "comment-meta",
        "commentmetadata",
        "comment-metadata",
        "comment-author",
        "comment-author-info",
        "vcard",
        "avatar",
        "reply",
        "reply-link",
        "comment-reply-link",
        "comment-util",
        "comment-actions",
        "comment-header",
        "comment-footer",
        "comment-date",
        "comment_date",
        "comment_postinfo",
        "comment-awaiting-moderation",
        "edit-link",
        "comment-edit-link",
        "comment-likes",
        "says",
        "wpd-comment-header",
        "wpd-comment-footer",
        "epoch-comment-meta",
        "epoch-comment-actions",
        "entry-title",
    }
)
COMMENT_META_TAGS = frozenset({"footer", "header", "time", "cite", "img", "script", "form"})
# Blocks that hold a comment's text when no content wrapper does (core xhtml, Hestia).
COMMENT_TEXT_BLOCKS = frozenset(
    {"p", "blockquote", "pre", "ul", "ol", "dl", "table", "figure", "h1", "h2", "h3", "h4"}
)
COMMENT_PUBDATE_UNIX = re.compile(r"^\d{9,11}$")
COMMENTS_TITLE_XPATHS = (
    f"//*[{has_class('comments-title')}]",
    f"//*[{has_class('wp-block-comments-title')}]",
    "id('comments-title')",
    "//h2[@id='comments'] | //h3[@id='comments'] | //h1[@id='comments']",
    f"//*[{has_class('comments-count')} or {has_class('comment-count')}"
    f" or {has_class('comments-number')}]",
    "id('comments')//*[self::h2 or self::h3 or self::h4][1]",
)
# Words that name what a comments heading counts ("6 thoughts on", "One response to").
COUNT_NOUNS = re.compile(
    r"^(?:comments?|responses?|thoughts?|repl(?:y|ies)|opinions?|reactions?|"
    r"discussions?|kommentare?|commentaires?|commentaire|comentarios?|commenti|reacties?|"
    r"reactie|antworten|antwort)\b",
    re.IGNORECASE,
)
NUMBER_WORDS = {
    "no": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
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
# Comment systems that keep the comments out of the page's HTML (Disqus 3, Facebook's
# iframe) or load them after it (wpDiscuz's AJAX modes, Thrive Comments' Backbone app).
# A post names its system only when the page shows no comment. Jetpack Comments replaces
# only the form (the list is the theme's), so it is not here.
EXTERNAL_COMMENTS_XPATHS = {
    "disqus": "id('disqus_thread') | //*[starts-with(@id, 'dsq-')][1]",
    "facebook": f"//*[{has_class('fb-comments')}]",
    "wpdiscuz": "id('wpdcom') | id('wpd-threads')",
    "thrive": f"id('thrive-comments') | //*[{has_class('thrive-comments')}]",
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
    # Any theme: core's comment page links (get_comments_pagenum_link, under
    # previous_comments_link and paginate_comments_links) end in #comments, a comment's own
    # permalink in #comment-N.
    "//a[(contains(@href, 'comment-page-') or contains(@href, 'cpage='))"
    " and contains(@href, '#comments')]/@href",
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
# Each listed post's wrapper (post_class's type-post, the Query Loop's items) and its
# title link, for posts whose title is empty; the links there that are not permalinks: term,
# author and date archives, feeds, reply and share links.
ARCHIVE_POST_WRAPPER_XPATH = (
    f"//article[starts-with(@id, 'post-')] | //*[not(self::article) and ({has_class('type-post')}"
    f" or {has_class('wp-block-post')})]"
)
ARCHIVE_TITLE_LINK_XPATH = (
    f".//*[{has_class('entry-title')} or {has_class('wp-block-post-title')}]//a[@href]"
)
NOT_A_PERMALINK_PATH = re.compile(
    r"^/$|/\d{4}/(?:\d{2}/(?:\d{2}/)?)?$|/(?:author|category|tag)/|/feed/?$|/page/\d+/?$"
)
NOT_A_PERMALINK_QUERY = re.compile(r"(?:^|&)(?:replytocom|share|author|cat|tag|m|feed|paged)=")
PERMALINK_QUERY = re.compile(r"(?:^|&)(?:p|page_id)=\d+")
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
    ".comment-likes",  # Jetpack's comment likes ("Like")
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
    # Sharing, reading-time and related-posts plugins that print inside the_content:
    # AddToAny, AddThis, Shareaholic, Social Warfare, Easy Social Share Buttons, Sassy
    # Social Share, Worth The Read, Reading Time WP, Contextual Related Posts, YARPP.
    ".addtoany_share_save_container",
    ".a2a_kit",
    ".addthis_toolbox",
    ".shareaholic-canvas",
    ".swp_social_panel",
    ".essb_links",
    ".heateor_sss_sharing_container",
    ".wtr-time-wrap",
    ".rt-reading-time",
    ".crp_related",
    ".yarpp-related",
    ".social-sharing",
    # Kubrick (the default theme to WordPress 2.9) and its descendants print the post's
    # "This entry was posted on ... filed under ..." inside .entry.
    ".postmetadata",
    # Post-level navigation inside the body (multi-page posts): themes' wrapper, and
    # wp_link_pages' own default one ("Pages: 1 2 3"; block themes print that).
    ".page-links",
    ".post-nav-links",
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
