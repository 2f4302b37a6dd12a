# The theme's markup is kept one element a line, as WordPress prints it: long lines.
# ruff: noqa: E501
"""A large static WordPress-like blog for the speed benchmark (issue 9).

    python bench/site.py --posts 3000 --out /tmp/blog [--base-url http://127.0.0.1:8097/]

The pages are the test WordPress's twentytwentyone pages (``tests/fixtures/twentytwentyone``):
the recorded chrome (head with its inline CSS, header, menu, sidebar, footer, scripts) is
kept, and the post, its threaded comments, archives and sidebar lists are generated. The
blog has posts with threaded comments (``ol.children``, ``li#comment-N``), paginated threads
(``/comment-page-N/``, the theme's ``a.page-numbers``), ``?replytocom=N`` and Jetpack-style
``?share=x`` links, paginated home and category archives (``/page/N/``), three pages from
the menu, core sitemaps (``/wp-sitemap.xml``, 2,000 URLs a post sitemap) and a robots.txt
naming it. There is no REST API (static files cannot send its ``Link`` header), so the
archiver discovers posts through the sitemap. Each file also gets a ``.gz`` twin for nginx's
``gzip_static``. Output is deterministic for a given ``--posts``, ``--seed`` and base URL.

:func:`generate` returns a :class:`Site` (the truth: posts with their comments) so tests can
compare extraction with what was generated.
"""

from __future__ import annotations

import argparse
import gzip
import html
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tests" / "fixtures" / "twentytwentyone" / "seed-post.html"
RECORDED_BASE = "http://127.0.0.1:8092"
DEFAULT_BASE = "http://127.0.0.1:8097/"
SITE_NAME = "Blog Archiver Test Blog"
POSTS_PER_SITEMAP = 2000  # WordPress core's wp_sitemaps_get_max_urls()
POSTS_PER_ARCHIVE_PAGE = 10  # "Blog pages show at most"
THREADS_PER_COMMENT_PAGE = 15  # top-level comments a comment page (page_comments on)
MAX_DEPTH = 5  # thread_comments_depth
GENERATOR_VERSION = "2"

CATEGORIES = (
    ("Books", "books"),
    ("Cinéma", "cinema"),
    ("Documentaries", "documentaries"),
    ("Film", "film"),
    ("Food &amp; Drink", "food-drink"),
    ("Music", "music"),
    ("Notes", "notes"),
    ("Reviews", "reviews"),
    ("Technology", "technology"),
    ("Travel", "travel"),
)
# (name, url): some commenters link a site, as in the test WordPress.
COMMENTERS = (
    ("Tom Hargreaves", "https://tomwatchesfilms.example/"),
    ("Priya Natarajan", ""),
    ("Jonas Becker", ""),
    ("Rosa García", "https://rosa.example.es/"),
    ("Li Wei (李伟)", ""),
    ("Chloé Dubois", "https://chloe-lit.example.fr/"),
    ("Marcus Webb", "https://webb.example.com/blog/"),
    ("Kenji Watanabe", ""),
    ("Zoë Ångström", "https://zoe.example.se/"),
    ("Margaret O'Brien", "https://mobrien.example.ie/"),
    ("Anonymous", ""),
)
AUTHOR = "Ada Archivist"
_ADJECTIVES = (
    *("quiet", "early", "late", "rainy", "golden", "strange", "bright", "gentle", "noisy"),
    *("unexpected", "long", "small", "forgotten", "careful", "slow", "second", "winter"),
)
_NOUNS = (
    *("letters", "walks", "film festivals", "museum visits", "postcards", "train journeys"),
    *("debugging sessions", "bookshop finds", "notes on cinema", "photographs", "recipes"),
    *("records", "screenplays", "harbours", "archives", "conversations", "maps"),
)
_PLACES = ("Lisbon", "Kyoto", "Oslo", "Porto", "Leeds", "Montréal", "Ghent", "Valparaíso")
_WORDS = [
    "film",
    "story",
    "city",
    "light",
    "train",
    "archive",
    "letter",
    "memory",
    "talk",
    "friend",
    "morning",
    "window",
    "book",
    "music",
    "river",
    "road",
    "evening",
    "photograph",
    "street",
    "harbour",
    "winter",
    "summer",
    "page",
    "reader",
    "blog",
    "screen",
    "dialogue",
    "camera",
    "frame",
    "sound",
    "silence",
    "journey",
    "market",
    "coffee",
    "rain",
    "station",
    "festival",
    "audience",
    "critic",
    "chapter",
    "voice",
    "garden",
    "bridge",
    "museum",
    "ticket",
    "map",
    "notebook",
]
_VERBS = [
    "watched",
    "wrote",
    "found",
    "kept",
    "read",
    "heard",
    "walked",
    "remembered",
    "noticed",
    "liked",
    "missed",
]


@dataclass(slots=True)
class GeneratedComment:
    id: int
    parent_id: int
    depth: int
    author: str
    author_url: str
    published: datetime
    text: str
    children: list[GeneratedComment] = field(default_factory=list)


@dataclass(slots=True)
class GeneratedPost:
    id: int
    type: str  # "post" or "page"
    title: str
    slug: str
    path: str  # "/2014/02/13/slug/", always with a trailing slash
    published: datetime
    category: tuple[str, str] | None
    paragraphs: list[str]
    comments: list[GeneratedComment]  # every comment, in id order
    comment_pages: int = 1

    def threads(self) -> list[GeneratedComment]:
        return [c for c in self.comments if c.parent_id == 0]


@dataclass(slots=True)
class Site:
    base: str  # with a trailing slash
    posts: list[GeneratedPost]  # posts, oldest first
    pages: list[GeneratedPost]
    files: int = 0
    bytes: int = 0

    def url(self, path: str) -> str:
        return self.base.rstrip("/") + path


# --- the theme's chrome, read once from the recorded page ---------------------------------


@dataclass(slots=True)
class Chrome:
    head: str  # up to the REST API link, {title} in <title>
    body_open: str  # <body …> … <main id="main" class="site-main">, {body_class}
    after_main: str  # </main> … up to <aside
    search_widget: str  # <aside …> and the search block
    footer: str  # </aside> … </html>
    respond: str  # the comment form, {post_id} and {path}
    assets: list[str]  # same-site paths the chrome loads (CSS, JS)


def _between(text: str, start: str, end: str, include_end: bool = True) -> str:
    i = text.index(start)
    j = text.index(end, i)
    return text[i : j + (len(end) if include_end else 0)]


def load_chrome(base: str) -> Chrome:
    text = TEMPLATE.read_text("utf-8").replace(RECORDED_BASE + "/", base)
    text = text.replace(RECORDED_BASE, base.rstrip("/"))
    head = text[: text.index('<link rel="https://api.w.org/"')]
    # No feeds in a static blog; the REST API, oEmbed and XML-RPC links are left out with
    # the REST API itself.
    head = re.sub(r'<link rel="alternate" type="application/rss\+xml"[^>]*/>\n', "", head)
    head = re.sub(r"<title>.*?</title>", "<title>{title}</title>", head, flags=re.S)
    head = head.replace("{", "{{").replace("}", "}}").replace("{{title}}", "{title}")
    body_open = _between(text, "<body ", '<main id="main" class="site-main">')
    body_open = re.sub(r'<body class="[^"]*">', '<body class="{body_class}">', body_open)
    after_main = _between(text, "</main><!-- #main -->", '<aside class="widget-area">', False)
    aside = _between(text, '<aside class="widget-area">', "</section>")
    footer = text[text.index("</aside><!-- .widget-area -->") :]
    respond = _between(text, '<div id="respond"', "</div><!-- #respond -->")
    respond = respond.replace("{", "{{").replace("}", "}}")
    respond = re.sub(
        r"value='2' id='comment_post_ID'", "value='{post_id}' id='comment_post_ID'", respond
    )
    respond = re.sub(r'href="/[^"]*#respond"', 'href="{path}#respond"', respond)
    assets = sorted(
        {
            m.group(1).split("?")[0]
            for m in re.finditer(
                r"""(?:href|src)=['"]{}(/[^'"]+)['"]""".format(re.escape(base.rstrip("/"))),
                head + footer,
            )
            if re.search(r"\.(css|js)(\?|$)", m.group(1))
        }
    )
    return Chrome(head, body_open, after_main, aside, footer, respond, assets)


# --- content ------------------------------------------------------------------------------


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
    verb = rng.choice(_VERBS)
    words.insert(rng.randint(1, 4), verb)
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"<em>{words[i]}</em>"
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))
    if rng.random() < 0.15:
        n = rng.randint(1, 999)
        text += f' See <a href="https://elsewhere.example/notes/{n}/">this note</a>.'
    return text


def _comment_text(rng: random.Random) -> str:
    return "</p>\n<p>".join(
        " ".join(_sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 2))
    )


def _comment_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.2:
        return 0
    if roll < 0.8:
        return rng.randint(1, 10)
    if roll < 0.97:
        return rng.randint(11, 40)
    return rng.randint(60, 140)  # long threads, over several comment pages


def _comment_count_heavy(rng: random.Random) -> int:
    """The comment-heavy shape of issue 23's blog (3,000 posts, 56,553 comments): about 19
    comments a post, and one post in three with a thread over several comment pages."""
    roll = rng.random()
    if roll < 0.05:
        return 0
    if roll < 0.6:
        return rng.randint(1, 15)
    if roll < 0.92:
        return rng.randint(16, 40)
    return rng.randint(41, 90)


# --comments: how many comments a post gets ("default" keeps the bench's older figures comparable).
COMMENT_SHAPES = {"default": _comment_count, "heavy": _comment_count_heavy}


def _comments(
    rng: random.Random, count: int, start_id: int, after: datetime
) -> list[GeneratedComment]:
    comments: list[GeneratedComment] = []
    when = after
    for i in range(count):
        when += timedelta(minutes=rng.randint(5, 600))
        parent: GeneratedComment | None = None
        if comments and rng.random() < 0.6:
            candidates = [c for c in comments[-8:] if c.depth < MAX_DEPTH]
            parent = rng.choice(candidates) if candidates else None
        name, url = rng.choice(COMMENTERS)
        comment = GeneratedComment(
            id=start_id + i,
            parent_id=parent.id if parent else 0,
            depth=parent.depth + 1 if parent else 1,
            author=name,
            author_url=url,
            published=when,
            text=_comment_text(rng),
        )
        if parent:
            parent.children.append(comment)
        comments.append(comment)
    return comments


def _slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def build_site(
    posts: int, base: str = DEFAULT_BASE, seed: int = 9, comments: str = "default"
) -> Site:
    """The blog's content: posts (oldest first) with their comment trees, and three pages.
    ``comments`` is a key of :data:`COMMENT_SHAPES`."""
    comment_count = COMMENT_SHAPES[comments]
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    base = base.rstrip("/") + "/"
    pages = [
        GeneratedPost(
            2, "page", "About", "about", "/about/", datetime(2010, 1, 1, tzinfo=UTC), None, [], []
        ),
        GeneratedPost(
            3,
            "page",
            "Team",
            "team",
            "/about/team/",
            datetime(2010, 1, 1, tzinfo=UTC),
            None,
            [],
            [],
        ),
        GeneratedPost(
            4,
            "page",
            "Contact",
            "contact",
            "/contact/",
            datetime(2010, 1, 1, tzinfo=UTC),
            None,
            [],
            [],
        ),
    ]
    for page in pages:
        page.paragraphs = [_paragraph(rng) for _ in range(3)]
    generated: list[GeneratedPost] = []
    seen_slugs: set[str] = set()
    when = datetime(2010, 1, 4, 9, 0, tzinfo=UTC)
    comment_id = 1
    for i in range(posts):
        when += timedelta(hours=rng.randint(8, 40), minutes=rng.randint(0, 59))
        title = f"{rng.choice(_ADJECTIVES).capitalize()} {rng.choice(_NOUNS)}"
        if rng.random() < 0.4:
            title += f" in {rng.choice(_PLACES)}"
        slug = _slugify(title)
        n = 2
        while slug in seen_slugs:  # WordPress makes slugs unique with -2, -3, …
            slug = f"{_slugify(title)}-{n}"
            n += 1
        seen_slugs.add(slug)
        thread = _comments(rng, comment_count(rng), comment_id, when)
        comment_id += len(thread)
        post = GeneratedPost(
            id=10 + i,
            type="post",
            title=title,
            slug=slug,
            path=f"/{when:%Y/%m/%d}/{slug}/",
            published=when,
            category=CATEGORIES[rng.randrange(len(CATEGORIES))],
            paragraphs=[_paragraph(rng) for _ in range(rng.randint(10, 24))],
            comments=thread,
        )
        threads = len(post.threads())
        post.comment_pages = max(1, -(-threads // THREADS_PER_COMMENT_PAGE))
        generated.append(post)
    return Site(base=base, posts=generated, pages=pages)


# --- rendering ----------------------------------------------------------------------------


def _iso(when: datetime) -> str:
    return when.isoformat()


def _human(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def _comment_page_path(post: GeneratedPost, page: int) -> str:
    """Where WordPress links comment page ``page``: every page of a paginated thread is
    ``…/comment-page-N/`` (the last one too, although the post's own URL shows it)."""
    return post.path if post.comment_pages == 1 else f"{post.path}comment-page-{page}/"


def _render_comment(
    site: Site, post: GeneratedPost, comment: GeneratedComment, page: int, parity: list[int]
) -> str:
    parity[0] += 1
    classes = ["comment", "even" if parity[0] % 2 else "odd"]
    if parity[0] % 2 == 0:
        classes.append("alt")
    if comment.depth == 1:
        classes.append("thread-even" if parity[0] % 2 else "thread-odd")
    classes.append(f"depth-{comment.depth}")
    if comment.children:
        classes.append("parent")
    page_url = site.url(_comment_page_path(post, page))
    name = html.escape(comment.author)
    author = (
        f"<a href='{comment.author_url}' rel='external nofollow ugc' class='url'>{name}</a>"
        if comment.author_url
        else name
    )
    permalink = f"{page_url}#comment-{comment.id}"
    out = [
        f'\t\t<li id="comment-{comment.id}" class="{" ".join(classes)}">\n'
        f'\t\t\t<article id="div-comment-{comment.id}" class="comment-body">\n'
        '\t\t\t\t<footer class="comment-meta">\n'
        '\t\t\t\t\t<div class="comment-author vcard">\n'
        f"\t\t\t\t\t\t<img alt='' src='http://0.gravatar.com/avatar/{comment.id:032x}?s=60&#038;d=mm&#038;r=g' "
        f"srcset='http://0.gravatar.com/avatar/{comment.id:032x}?s=120&#038;d=mm&#038;r=g 2x' "
        "class='avatar avatar-60 photo' height='60' width='60' loading='lazy' decoding='async'/>"
        f'\t\t\t\t\t\t<b class="fn">{author}</b> <span class="says">says:</span>'
        "\t\t\t\t\t</div><!-- .comment-author -->\n\n"
        '\t\t\t\t\t<div class="comment-metadata">\n'
        f'\t\t\t\t\t\t<a href="{permalink}"><time datetime="{_iso(comment.published)}">'
        f"{_human(comment.published)} at {comment.published:%-I:%M %p}</time></a>"
        "\t\t\t\t\t</div><!-- .comment-metadata -->\n\n"
        "\t\t\t\t\t\t\t\t\t</footer><!-- .comment-meta -->\n\n"
        '\t\t\t\t<div class="comment-content">\n'
        f"\t\t\t\t\t<p>{comment.text}</p>\n"
        "\t\t\t\t</div><!-- .comment-content -->\n\n"
    ]
    if comment.depth < MAX_DEPTH:
        out.append(
            "\t\t\t\t<div class=\"reply\"><a rel='nofollow' class='comment-reply-link' "
            f"href='{page_url}?replytocom={comment.id}#respond' data-commentid=\"{comment.id}\" "
            f'data-postid="{post.id}" data-belowelement="div-comment-{comment.id}" '
            f'data-respondelement="respond" data-replyto="Reply to {name}" '
            f"aria-label='Reply to {name}'>Reply</a></div>"
        )
    out.append("\t\t\t</article><!-- .comment-body -->\n")
    if comment.children:
        out.append('\t\t<ol class="children">\n')
        out.extend(_render_comment(site, post, c, page, parity) for c in comment.children)
        out.append("</ol><!-- .children -->\n")
    out.append("</li><!-- #comment-## -->\n")
    return "".join(out)


_PREV_SVG = (
    '<svg class="svg-icon" width="24" height="24" aria-hidden="true" role="img" focusable="false" '
    'viewBox="0 0 24 24" fill="none" xmlns="http://www.w3.org/2000/svg"><path fill-rule="evenodd" '
    'clip-rule="evenodd" d="M20 13v-2H8l4-4-1-2-7 7 7 7 1-2-4-4z" fill="currentColor"/></svg>'
)
_NEXT_SVG = _PREV_SVG.replace(
    "M20 13v-2H8l4-4-1-2-7 7 7 7 1-2-4-4z", "m4 13v-2h12l-4-4 1-2 7 7-7 7-1-2 4-4z"
)


def _page_numbers(current: int, total: int, href: dict[int, str], prev: str, next_: str) -> str:
    """paginate_links() as twentytwentyone prints it: end_size 1, mid_size 0, dots between."""
    parts = []
    if current > 1:
        parts.append(f'<a class="prev page-numbers" href="{href[current - 1]}">{prev}</a>')
    dots = False
    for n in range(1, total + 1):
        if n == current:
            parts.append(f'<span aria-current="page" class="page-numbers current">Page {n}</span>')
            dots = False
        elif n in (1, total):
            parts.append(f'<a class="page-numbers" href="{href[n]}">Page {n}</a>')
            dots = False
        elif not dots:
            parts.append('<span class="page-numbers dots">&hellip;</span>')
            dots = True
    if current < total:
        parts.append(f'<a class="next page-numbers" href="{href[current + 1]}">{next_}</a>')
    return "\n".join(parts)


def _comments_area(
    site: Site, post: GeneratedPost, page: int, chrome: Chrome, respond_path: str
) -> str:
    out = ['<div id="comments" class="comments-area default-max-width show-avatars">\n\n']
    count = len(post.comments)
    if count:
        label = "1 comment" if count == 1 else f"{count} comments"
        out.append(
            f'\t\t\t<h2 class="comments-title">\n\t\t\t\t\t\t\t{label}\t\t\t\t\t</h2><!-- .comments-title -->\n\n'
        )
        out.append('\t\t<ol class="comment-list">\n')
        threads = post.threads()
        chunk = threads[(page - 1) * THREADS_PER_COMMENT_PAGE : page * THREADS_PER_COMMENT_PAGE]
        parity = [0]
        out.extend(_render_comment(site, post, c, page, parity) for c in chunk)
        out.append("\t\t</ol><!-- .comment-list -->\n\n")
        if post.comment_pages > 1:
            href = {
                n: site.url(f"{post.path}comment-page-{n}/") + "#comments"
                for n in range(1, post.comment_pages + 1)
            }
            links = _page_numbers(
                page,
                post.comment_pages,
                href,
                f'{_PREV_SVG} <span class="nav-prev-text">Older comments</span>',
                f'<span class="nav-next-text">Newer comments</span> {_NEXT_SVG}',
            )
            out.append(
                '\t\t\n\t<nav class="navigation comments-pagination" aria-label="Comments">\n'
                '\t\t<h2 class="screen-reader-text">Comments navigation</h2>\n'
                f'\t\t<div class="nav-links">{links}</div>\n\t</nav>\n'
            )
    out.append("\t\t\t\n\t\t")
    out.append(chrome.respond.format(post_id=post.id, path=respond_path))
    out.append("\n\t\n</div><!-- #comments -->\n")
    return "".join(out)


def _share(url: str, post_id: int) -> str:
    """Jetpack's sharing buttons: one ?share= URL each, every one a crawler trap."""
    items = "".join(
        f'<li class="share-{s}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{s}-{post_id}" '
        f'class="share-{s} sd-button share-icon" href="{url}?share={s}&#038;nb=1" target="_blank" '
        f'title="Click to share on {label}"><span>{label}</span></a></li>'
        for s, label in (("twitter", "Twitter"), ("facebook", "Facebook"), ("email", "Email"))
    )
    return (
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
        'sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content">'
        f"<ul>{items}</ul></div></div></div>"
    )


def _entry_footer(site: Site, post: GeneratedPost) -> tuple[str, str]:
    posted = (
        '<span class="posted-on">Published <time class="entry-date published updated" '
        f'datetime="{_iso(post.published)}">{_human(post.published)}</time></span>'
    )
    cats = ""
    if post.category:
        name, slug = post.category
        cats = (
            '<div class="post-taxonomies"><span class="cat-links">Categorized as '
            f'<a href="{site.url(f"/category/{slug}/")}" rel="category tag">{name}</a> </span></div>'
        )
    return posted, cats


def _article(site: Site, post: GeneratedPost, single: bool) -> str:
    url = site.url(post.path)
    cat_class = f" category-{post.category[1]}" if post.category else ""
    kind = "post type-post" if post.type == "post" else "page type-page"
    body = "\n".join(f"<p>{p}</p>" for p in post.paragraphs)
    posted, cats = _entry_footer(site, post)
    if single:
        header = f'<h1 class="entry-title">{html.escape(post.title)}</h1>'
        content = body + (_share(url, post.id) if post.type == "post" else "")
        footer = (
            f'\t<footer class="entry-footer default-max-width">\n\t\t<div class="posted-by">{posted}</div>'
            f"{cats}\t</footer><!-- .entry-footer -->\n"
            if post.type == "post"
            else ""
        )
        align = " alignwide"
    else:
        header = f'<h2 class="entry-title default-max-width"><a href="{url}">{html.escape(post.title)}</a></h2>'
        content = body
        footer = f'\t<footer class="entry-footer default-max-width">\n\t\t{posted}{cats}\t</footer><!-- .entry-footer -->\n'
        align = ""
    return (
        f'<article id="post-{post.id}" class="post-{post.id} {kind} status-publish format-standard '
        f'hentry{cat_class} entry">\n\n\t<header class="entry-header{align}">\n\t\t{header}'
        "\t\t\t</header><!-- .entry-header -->\n\n"
        f'\t<div class="entry-content">\n\t\t{content}\n\t</div><!-- .entry-content -->\n\n'
        f"{footer}\n</article><!-- #post-{post.id} -->\n"
    )


def _post_navigation(site: Site, prev: GeneratedPost | None, nxt: GeneratedPost | None) -> str:
    links = ""
    if prev:
        links += (
            f'<div class="nav-previous"><a href="{site.url(prev.path)}" rel="prev"><p class="meta-nav">'
            f'{_PREV_SVG}Previous post</p><p class="post-title">{html.escape(prev.title)}</p></a></div>'
        )
    if nxt:
        links += (
            f'<div class="nav-next"><a href="{site.url(nxt.path)}" rel="next"><p class="meta-nav">'
            f'Next post{_NEXT_SVG}</p><p class="post-title">{html.escape(nxt.title)}</p></a></div>'
        )
    return (
        '\t<nav class="navigation post-navigation" aria-label="Posts">\n'
        '\t\t<h2 class="screen-reader-text">Post navigation</h2>\n'
        f'\t\t<div class="nav-links">{links}</div>\n\t</nav>'
    )


def _sidebar(site: Site, chrome: Chrome) -> str:
    latest = "".join(
        f'<li><a class="wp-block-latest-posts__post-title" href="{site.url(p.path)}">{html.escape(p.title)}</a></li>\n'
        for p in site.posts[-5:][::-1]
    )
    recent = []
    for post in site.posts[::-1]:
        for comment in post.comments[::-1]:
            page = _thread_page(post, comment)
            link = site.url(_comment_page_path(post, page)) + f"#comment-{comment.id}"
            name = html.escape(comment.author)
            author = (
                f'<a class="wp-block-latest-comments__comment-author" href="{comment.author_url}">{name}</a>'
                if comment.author_url
                else f'<span class="wp-block-latest-comments__comment-author">{name}</span>'
            )
            recent.append(
                '<li class="wp-block-latest-comments__comment"><article><footer '
                f'class="wp-block-latest-comments__comment-meta">{author} on <a '
                f'class="wp-block-latest-comments__comment-link" href="{link}">'
                f"{html.escape(post.title)}</a></footer></article></li>"
            )
            if len(recent) == 5:
                break
        if len(recent) == 5:
            break
    cats = "".join(
        f'\t<li class="cat-item cat-item-{i + 2}"><a href="{site.url(f"/category/{slug}/")}">{name}</a>\n</li>\n'
        for i, (name, slug) in enumerate(CATEGORIES)
    )

    months = sorted({(p.published.year, p.published.month) for p in site.posts}, reverse=True)
    # The archives block as a dropdown: the months are there, with no link to follow (the
    # benchmark blog has no date archives).
    options = "".join(
        f"\t<option value='{site.url(f'/{y}/{m:02d}/')}'> {datetime(y, m, 1):%B} {y} </option>\n"
        for y, m in months
    )
    archives = (
        '<div class="wp-block-archives-dropdown wp-block-archives"><label for="wp-block-archives-1" '
        'class="wp-block-archives__label">Archives</label><select id="wp-block-archives-1" '
        'name="archive-dropdown" onchange="document.location.href=this.options[this.selectedIndex]'
        f'.value;"><option value="">Select Month</option>{options}</select></div>'
    )

    def block(n: int, title: str, inner: str) -> str:
        return (
            f'<section id="block-{n}" class="widget widget_block"><div class="is-layout-flow '
            f'wp-block-group"><div class="wp-block-group__inner-container"><h2>{title}</h2>'
            f"{inner}</div></div></section>"
        )

    return (
        chrome.search_widget
        + block(
            3,
            "Recent Posts",
            f'<ul class="wp-block-latest-posts__list wp-block-latest-posts">{latest}</ul>',
        )
        + block(
            4, "Recent Comments", f'<ol class="wp-block-latest-comments">{"".join(recent)}</ol>'
        )
        + block(5, "Archives", archives)
        + block(
            6, "Categories", f'<ul class="wp-block-categories-list wp-block-categories">{cats}</ul>'
        )
        + "\t"
    )


def _thread_page(post: GeneratedPost, comment: GeneratedComment) -> int:
    by_id = {c.id: c for c in post.comments}
    top = comment
    while top.parent_id:
        top = by_id[top.parent_id]
    index = next(i for i, c in enumerate(post.threads()) if c.id == top.id)
    return index // THREADS_PER_COMMENT_PAGE + 1


def _document(
    site: Site, chrome: Chrome, sidebar: str, title: str, body_class: str, links: str, main: str
) -> str:
    return (
        chrome.head.format(title=f"{title} &#8211; {SITE_NAME}")
        + '<meta name="generator" content="WordPress 6.1.9" />\n'
        + links
        + "</head>\n\n"
        + chrome.body_open.format(body_class=body_class)
        + "\n\n"
        + main
        + chrome.after_main
        + sidebar
        + chrome.footer
    )


def _write(out: Path, path: str, text: str, site: Site) -> None:
    """``path`` is a URL path: a directory URL becomes its index.html."""
    target = out / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    target.write_bytes(data)
    # For nginx's gzip_static: compressed once here rather than on every request.
    target.with_name(target.name + ".gz").write_bytes(gzip.compress(data, 6, mtime=0))
    site.files += 1
    site.bytes += len(data)


def _archive(
    site: Site,
    chrome: Chrome,
    sidebar: str,
    out: Path,
    prefix: str,
    posts: list[GeneratedPost],
    title: str,
    body_class: str,
) -> None:
    total = max(1, -(-len(posts) // POSTS_PER_ARCHIVE_PAGE))
    href = {n: site.url(prefix if n == 1 else f"{prefix}page/{n}/") for n in range(1, total + 1)}
    for n in range(1, total + 1):
        chunk = posts[(n - 1) * POSTS_PER_ARCHIVE_PAGE : n * POSTS_PER_ARCHIVE_PAGE]
        links = _page_numbers(
            n,
            total,
            href,
            f'{_PREV_SVG} <span class="nav-prev-text">Newer <span class="nav-short">posts</span></span>',
            f'<span class="nav-next-text">Older <span class="nav-short">posts</span></span> {_NEXT_SVG}',
        )
        main = (
            "".join(_article(site, p, single=False) for p in chunk)
            + '\n\t<nav class="navigation pagination" aria-label="Posts">\n'
            '\t\t<h2 class="screen-reader-text">Posts navigation</h2>\n'
            f'\t\t<div class="nav-links">{links}</div>\n\t</nav>'
        )
        page_title = title if n == 1 else f"{title} &#8211; Page {n}"
        cls = body_class + (f" paged paged-{n}" if n > 1 else "")
        canonical = f'<link rel="canonical" href="{href[n]}" />\n' if n > 1 else ""
        _write(
            out,
            href[n][len(site.base) - 1 :],
            _document(site, chrome, sidebar, page_title, cls, canonical, main),
            site,
        )


def write_site(site: Site, out: Path) -> Site:
    """Write every page, the sitemaps, robots.txt and the theme's assets under ``out``."""
    chrome = load_chrome(site.base)
    sidebar = _sidebar(site, chrome)
    out.mkdir(parents=True, exist_ok=True)
    everything = [*site.pages, *site.posts]
    for i, post in enumerate(everything):
        prev = (
            site.posts[i - len(site.pages) - 1]
            if post.type == "post" and i > len(site.pages)
            else None
        )
        nxt = (
            site.posts[i - len(site.pages) + 1]
            if post.type == "post" and i + 1 < len(everything)
            else None
        )
        # default_comments_page "newest" (the test WordPress's setting, WordPress's default):
        # the post's own URL shows the last comment page; every page, the last one too, is
        # also …/comment-page-N/ (canonical …/comment-page-N/#comments).
        views = [(post.path, post.comment_pages, site.url(post.path))]
        if post.comment_pages > 1:
            views += [
                (path, page, site.url(path) + "#comments")
                for page in range(1, post.comment_pages + 1)
                if (path := _comment_page_path(post, page))
            ]
        for path, page, canonical in views:
            if post.type == "post":
                body_class = (
                    f"post-template-default single single-post postid-{post.id} single-format-standard "
                    "wp-embed-responsive is-light-theme no-js singular has-main-navigation"
                )
            else:
                body_class = (
                    f"page-template-default page page-id-{post.id} wp-embed-responsive "
                    "is-light-theme no-js singular has-main-navigation"
                )
            links = (
                f'<link rel="canonical" href="{canonical}" />\n'
                f"<link rel='shortlink' href='{site.base}?p={post.id}' />\n"
            )
            main = (
                _article(site, post, single=True)
                + "\n"
                + _comments_area(site, post, page, chrome, path)
                + (_post_navigation(site, prev, nxt) if post.type == "post" else "")
            )
            text = _document(
                site, chrome, sidebar, html.escape(post.title), body_class, links, main
            )
            _write(out, path, text, site)
    newest = site.posts[::-1]
    _archive(
        site,
        chrome,
        sidebar,
        out,
        "/",
        newest,
        SITE_NAME,
        "home blog wp-embed-responsive is-light-theme no-js hfeed has-main-navigation",
    )
    for i, (name, slug) in enumerate(CATEGORIES):
        in_cat = [p for p in newest if p.category and p.category[1] == slug]
        _archive(
            site,
            chrome,
            sidebar,
            out,
            f"/category/{slug}/",
            in_cat,
            name,
            f"archive category category-{slug} category-{i + 2} wp-embed-responsive is-light-theme no-js hfeed has-main-navigation",
        )
    _write_sitemaps(site, out)
    robots = (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {site.base}wp-sitemap.xml\n"
    )
    _write(out, "/robots.txt", robots, site)
    for asset in chrome.assets:
        kind = "css" if asset.endswith(".css") else "js"
        _write(out, asset, f"/* {asset}: placeholder {kind} for the benchmark */\n", site)
    (out / "bench-site.txt").write_text(
        f"{GENERATOR_VERSION} {len(site.posts)} {site.base}\n", "utf-8"
    )
    return site


def _urlset(urls: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
        + "</urlset>\n"
    )


def _write_sitemaps(site: Site, out: Path) -> None:
    names = []
    urls = [site.url(p.path) for p in site.posts]
    for n, start in enumerate(range(0, len(urls), POSTS_PER_SITEMAP), 1):
        names.append(f"wp-sitemap-posts-post-{n}.xml")
        _write(out, f"/{names[-1]}", _urlset(urls[start : start + POSTS_PER_SITEMAP]), site)
    names.append("wp-sitemap-posts-page-1.xml")
    _write(
        out, f"/{names[-1]}", _urlset([site.base, *(site.url(p.path) for p in site.pages)]), site
    )
    names.append("wp-sitemap-taxonomies-category-1.xml")
    cats = [site.url(f"/category/{slug}/") for _, slug in CATEGORIES]
    _write(out, f"/{names[-1]}", _urlset(cats), site)
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{site.base}{name}</loc></sitemap>" for name in names)
        + "</sitemapindex>\n"
    )
    _write(out, "/wp-sitemap.xml", index, site)


def generate(
    posts: int, out: Path, base: str = DEFAULT_BASE, seed: int = 9, comments: str = "default"
) -> Site:
    """Build and write the blog; the returned :class:`Site` is its truth."""
    return write_site(build_site(posts, base, seed, comments), out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--base-url", default=DEFAULT_BASE, help=f"default {DEFAULT_BASE}")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--comments",
        choices=sorted(COMMENT_SHAPES),
        default="default",
        help="comments a post: default (~8) or heavy (~19, many paged threads; issue 23)",
    )
    args = parser.parse_args(argv)
    site = generate(args.posts, args.out, args.base_url, args.seed, args.comments)
    comments = sum(len(p.comments) for p in site.posts)
    print(
        f"{args.out}: {len(site.posts)} posts, {len(site.pages)} pages, {comments} comments, "
        f"{site.files} files, {site.bytes / 1e6:.1f} MB (+ .gz twins)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
