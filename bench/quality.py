"""Extraction quality: the archive of the test WordPress scored against its database.

    python bench/quality.py                          # start the test WordPress, crawl, score
    python bench/quality.py --crawl DIR [--crawl DIR2 …] [--truth gt.json] [--themes a,b]
    python bench/quality.py --pages-only             # the real-world pages only
    BA_WP_PORT=8102 BA_WP_DB_PORT=3402 BA_WP_STATE=/tmp/ba-wp-q python bench/quality.py --matrix
                                                     # every theme of the matrix, REST off

Rows: the crawl's JSONL (``blog-archiver``), blog-archiver's pure HTML extraction re-run on
the WARC's pages without the REST API (``blog-archiver, HTML only``) and trafilatura on the
same pages (``trafilatura (with comments)``, skipped with a message when it is not
installed). The truth is ``tests/wordpress/wp.sh groundtruth``. A second table scores the
annotated real-world WordPress pages of tests/fixtures/realworld/ (bench/realworld.py).
The scoring functions are pure and unit-tested (tests/unit/test_quality_scoring.py); see
bench/README.md for what each column means. This is a report, not a test: it exits 0
whatever the scores.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin

import lxml.etree
import lxml.html
from warcio.archiveiterator import ArchiveIterator

from archiver.extract.comments import extract_comments_from_html
from archiver.extract.page import parse_html
from archiver.extract.posts import extract_post_from_html

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence
    from types import ModuleType

    from archiver.records.items import Comment, Post

ROOT = Path(__file__).resolve().parent.parent
WP_SH = ROOT / "tests" / "wordpress" / "wp.sh"

# The comment form and subscription texts of WordPress, Jetpack and WordPress.com.
BOILERPLATE = (
    "Leave a Reply",
    "Fill in your details below",
    "You are commenting using",
    "Connecting to %s",
    "Log Out /",
    "Notify me of new comments",
    "Post Comment",
    "Cancel reply",
)
# A comment counts as found in a text blob when this share of its words is there.
COMMENT_FOUND_SHARE = 0.8

_WORD = re.compile(r"\w+")
# Elements after which a reader sees a break even where the markup has no whitespace.
_HTML_BLOCKS = (
    *("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "pre", "blockquote"),
    *("figure", "figcaption", "td", "th", "tr", "br", "ul", "ol", "table", "hr", "dt", "dd"),
)
# The same for trafilatura's XML output (its TEI-like element names).
_XML_BLOCKS = (
    *("main", "comments", "p", "head", "list", "item", "quote", "code", "lb"),
    *("table", "row", "cell", "graphic", "div"),
)
_COMMENT_PAGE = re.compile(r"(comment-page-\d+/?|[?&]cpage=\d+)$")
_THEME = re.compile(r"/wp-content/themes/([\w.-]+)/")


# --- pure scoring ------------------------------------------------------------------------


def block_words(tree: Any, blocks: Sequence[str]) -> list[str]:
    """The ``\\w+`` words of an lxml tree, with a break after every block element.

    The tree's tails are changed: pass a tree that is not used afterwards.
    """
    for element in tree.iter(*blocks):
        element.tail = " " + (element.tail or "")
    return _WORD.findall(str(tree.xpath("string()")))


def truth_words(html: str) -> list[str]:
    """The words a reader sees in WordPress's rendered HTML (read with lxml, not our code)."""
    if not html.strip():
        return []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    # Core's [gallery] prints a <style> block in themes without html5 gallery support.
    for element in list(tree.iter("style", "script")):
        element.drop_tree()
    return block_words(tree, _HTML_BLOCKS)


def text_words(text: str) -> list[str]:
    return _WORD.findall(text)


def token_f1(expected: Sequence[str], got: Sequence[str]) -> float:
    """F1 of the two bags of words (1.0 when both are empty)."""
    if not expected and not got:
        return 1.0
    common = sum((Counter(expected) & Counter(got)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(got), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def normalize_url(url: str, base: str = "") -> str:
    """Absolute, without fragment, percent-escapes decoded: the same link however written."""
    return unquote(urldefrag(urljoin(base, url.strip()))[0])


def truth_links(html: str, base: str) -> set[str]:
    if not html.strip():
        return set()
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return {normalize_url(href, base) for a in tree.iter("a") if (href := a.get("href"))}


def truth_images(html: str, base: str) -> set[tuple[str, str]]:
    """(src, alt) of every image; ``loading``/``srcset`` differences do not matter."""
    if not html.strip():
        return set()
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return {
        (normalize_url(src, base), img.get("alt") or "")
        for img in tree.iter("img")
        if (src := img.get("src"))
    }


def kept(expected: Collection[Any], got: Iterable[Any]) -> tuple[int, int]:
    """(how many of ``expected`` are in ``got``, how many were expected)."""
    return len(set(expected) & set(got)), len(set(expected))


@dataclass(frozen=True, slots=True)
class CommentMatch:
    found: int
    missed: int
    spurious: int
    wrong_parents: int
    # Wrong parents the extraction marked parent_uncertain (not in wrong_parents).
    uncertain_parents: int = 0


def match_comments(
    truth: Mapping[int, int], got: Mapping[int, int], uncertain: Collection[int] = ()
) -> CommentMatch:
    """Compare comments by id; both map a comment id to its parent id (0 at top level).
    A wrong parent of a comment in ``uncertain`` (marked ``parent_uncertain``) is counted
    apart: the record says it may be wrong."""
    found = truth.keys() & got.keys()
    wrong = {cid for cid in found if (got[cid] or 0) != (truth[cid] or 0)}
    marked = wrong & set(uncertain)
    return CommentMatch(
        found=len(found),
        missed=len(truth.keys() - got.keys()),
        spurious=len(got.keys() - truth.keys()),
        wrong_parents=len(wrong - marked),
        uncertain_parents=len(marked),
    )


def comments_in_text(
    comments: Sequence[Sequence[str]], blob: Sequence[str], share: float = COMMENT_FOUND_SHARE
) -> int:
    """How many comments (each a list of words) are in ``blob``, one text of many comments.

    A comment is found when ``share`` of its words are still unused in the blob; its words
    are then used up, longest comment first, so two comments with the same words are not
    both found in one copy of them.
    """
    pool = Counter(blob)
    found = 0
    for words in sorted(comments, key=len, reverse=True):
        need = Counter(words)
        common = need & pool
        if sum(common.values()) >= share * len(words):
            found += 1
            pool -= common
    return found


def count_boilerplate(records: Iterable[str]) -> int:
    """How many records contain any comment-form or subscription phrase."""
    return sum(1 for text in records if any(phrase in text for phrase in BOILERPLATE))


def private_data_found(texts: Iterable[str], needles: Iterable[str]) -> list[str]:
    """Which e-mail addresses or IPs occur in ``texts`` (as whole tokens: 192.0.2.1 is
    not found in 192.0.2.15)."""
    joined = "\n".join(texts)
    return sorted(
        needle
        for needle in set(needles)
        if needle and re.search(rf"(?<![\w.]){re.escape(needle)}(?!\w|\.\w)", joined)
    )


def post_url_key(url: str) -> str:
    """The post a page belongs to: its URL without the ``comment-page-N`` part."""
    return _COMMENT_PAGE.sub("", normalize_url(url))


def detect_theme(html: str) -> str:
    """The theme whose assets the page loads most (``?`` when none)."""
    themes = Counter(_THEME.findall(html))
    return themes.most_common(1)[0][0] if themes else "?"


def crawl_theme(htmls: Iterable[str]) -> str:
    """The theme of a crawl's pages; ``a+b (mixed)`` when the theme changed during the crawl
    (the test WordPress is shared, and other tests switch its theme)."""
    themes = sorted({detect_theme(html) for html in htmls})
    return themes[0] if len(themes) == 1 else "+".join(themes) + " (mixed)"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "n/a"


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 1.0


# --- the truth, the pages, the rows ------------------------------------------------------


@dataclass(slots=True)
class TruthPost:
    id: int
    url: str
    words: list[str]
    links: set[str]
    images: set[tuple[str, str]]
    scored: bool  # published and not password-protected


@dataclass(slots=True)
class TruthComment:
    id: int
    post_id: int
    parent_id: int
    words: list[str]


@dataclass(slots=True)
class Truth:
    posts: dict[int, TruthPost]
    comments: dict[int, TruthComment]
    private: list[str]  # commenters' e-mail addresses and IPs

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Truth:
        posts = {
            p["id"]: TruthPost(
                id=p["id"],
                url=p["url"],
                words=truth_words(p["content_html"]),
                links=truth_links(p["content_html"], p["url"]),
                images=truth_images(p["content_html"], p["url"]),
                scored=not p["password_protected"],
            )
            for p in data["posts"]
        }
        comments = {
            c["id"]: TruthComment(
                id=c["id"],
                post_id=c["post_id"],
                parent_id=c["parent_id"] or 0,
                words=truth_words(c["content_html"]),
            )
            for c in data["comments"]
        }
        forbidden = data["forbidden"]
        return cls(posts, comments, [*forbidden["emails"], *forbidden["ips"]])

    def comment_parents(self) -> dict[int, int]:
        return {c.id: c.parent_id for c in self.comments.values()}


@dataclass(slots=True)
class Page:
    url: str
    html: str


@dataclass(slots=True)
class Row:
    extractor: str
    theme: str
    body_f1: list[float] = field(default_factory=list)
    links: list[int] = field(default_factory=lambda: [0, 0])  # kept, expected
    images: list[int] = field(default_factory=lambda: [0, 0])
    comments_found: int = 0
    comments_missed: int = 0
    comments_spurious: int | None = None  # None: the extractor cannot tell
    wrong_parents: int | None = None
    uncertain_parents: int = 0
    comment_f1: list[float] | None = None
    boilerplate: int = 0
    private: list[str] = field(default_factory=list)
    cpu_seconds: float | None = None
    pages: int = 0

    def score_body(
        self,
        truth: TruthPost,
        words: Sequence[str],
        links: Iterable[str],
        images: Iterable[tuple[str, str]],
    ) -> None:
        self.body_f1.append(token_f1(truth.words, words))
        for total, (part, whole) in (
            (self.links, kept(truth.links, {normalize_url(h, truth.url) for h in links})),
            (
                self.images,
                kept(truth.images, {(normalize_url(s, truth.url), a) for s, a in images}),
            ),
        ):
            total[0] += part
            total[1] += whole

    def score_comments(
        self, truth: Truth, got: Mapping[int, int], uncertain: Collection[int] = ()
    ) -> None:
        match = match_comments(truth.comment_parents(), got, uncertain)
        self.comments_found, self.comments_missed = match.found, match.missed
        self.comments_spurious, self.wrong_parents = match.spurious, match.wrong_parents
        self.uncertain_parents = match.uncertain_parents

    def cells(self) -> list[str]:
        def optional(value: int | None) -> str:
            return "n/a" if value is None else str(value)

        return [
            self.theme,
            self.extractor,
            f"{mean(self.body_f1):.4f}",
            f"{min(self.body_f1, default=1.0):.4f}",
            ratio(*self.links),
            ratio(*self.images),
            ratio(self.comments_found, self.comments_found + self.comments_missed),
            "n/a"
            if self.comments_spurious is None
            else share(self.comments_found, self.comments_found + self.comments_spurious),
            share(self.comments_found, self.comments_found + self.comments_missed),
            str(self.comments_missed),
            optional(self.comments_spurious),
            optional(self.wrong_parents)
            + (f" (+{self.uncertain_parents} marked uncertain)" if self.uncertain_parents else ""),
            "n/a" if self.comment_f1 is None else f"{mean(self.comment_f1):.4f}",
            str(self.boilerplate),
            str(len(self.private)),
            "n/a" if self.cpu_seconds is None else f"{1000 * self.cpu_seconds / self.pages:.1f}",
        ]


HEADER = (
    "theme",
    "extractor",
    "body F1 mean",
    "body F1 min",
    "links kept",
    "images kept",
    "comments found",
    "comment precision",
    "comment recall",
    "missed",
    "spurious",
    "wrong parents",
    "comment text F1",
    "boilerplate leaks",
    "e-mails/IPs",
    "CPU ms/page",
)


def read_post_pages(warcs: Iterable[Path], truth: Truth) -> dict[int, list[Page]]:
    """Each ground-truth post's HTML pages from the WARCs: its page, then its comment pages."""
    post_ids = {normalize_url(post.url): post.id for post in truth.posts.values()}
    html: dict[str, Page] = {}
    for warc in warcs:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                content_type = record.http_headers.get_header("Content-Type") or ""
                status = record.http_headers.get_statuscode()
                if status != "200" or "html" not in content_type:
                    continue
                if post_url_key(url) not in post_ids:
                    continue
                charset = re.search(r"charset=([\w-]+)", content_type)
                body = record.content_stream().read()
                text = body.decode(charset.group(1) if charset else "utf-8", "replace")
                html[normalize_url(url)] = Page(url, text)  # the last capture wins
    pages: dict[int, list[Page]] = defaultdict(list)
    # The post's own page first (it has the body), comment pages in URL order.
    for key in sorted(html, key=lambda k: (post_url_key(k), k != post_url_key(k), k)):
        pages[post_ids[post_url_key(key)]].append(html[key])
    return dict(pages)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def score_archive(crawl: Path, truth: Truth, theme: str) -> Row:
    """The crawl's own output: posts.jsonl and comments.jsonl."""
    row = Row("blog-archiver", theme)
    posts = {p["id"]: p for p in _jsonl(crawl / "posts.jsonl")}
    comments = _jsonl(crawl / "comments.jsonl")
    for post in truth.posts.values():
        if not post.scored:
            continue
        record = posts.get(post.id, {})
        row.score_body(
            post,
            text_words(record.get("content_text", "")),
            [link["href"] for link in record.get("links", [])],
            [(img["src"], img["alt"]) for img in record.get("images", [])],
        )
    row.score_comments(
        truth,
        {c["id"]: c["parent_id"] or 0 for c in comments},
        [c["id"] for c in comments if c.get("parent_uncertain")],
    )
    row.comment_f1 = [
        token_f1(truth.comments[c["id"]].words, text_words(c["content_text"]))
        for c in comments
        if c["id"] in truth.comments
    ]
    row.boilerplate = count_boilerplate(
        r["content_text"] + "\n" + r["content_html"] for r in [*posts.values(), *comments]
    )
    outputs = [*crawl.glob("*.jsonl"), *crawl.glob("*.json")]
    row.private = private_data_found((p.read_text("utf-8") for p in outputs), truth.private)
    return row


def score_html_extraction(pages: Mapping[int, list[Page]], truth: Truth, theme: str) -> Row:
    """blog-archiver's pure HTML extraction re-run on the pages, timed, without the REST API."""
    row = Row("blog-archiver, HTML only", theme)
    cpu = 0.0
    comments: dict[int, Comment] = {}
    posts: list[Post] = []
    for post_id, post_pages in pages.items():
        post = None
        for index, page in enumerate(post_pages):
            start = time.process_time()
            tree = parse_html(page.html)
            if index == 0:
                post = extract_post_from_html(page.url, tree)
            found = extract_comments_from_html(page.url, tree, post_id)
            cpu += time.process_time() - start
            row.pages += 1
            for comment in found:
                comments.setdefault(comment.id, comment)
        if post is not None:
            posts.append(post)
        if truth.posts[post_id].scored:
            row.score_body(
                truth.posts[post_id],
                text_words(post.content_text if post else ""),
                [link.href for link in post.links] if post else [],
                [(img.src, img.alt) for img in post.images] if post else [],
            )
    row.cpu_seconds = cpu
    row.score_comments(
        truth,
        {c.id: c.parent_id or 0 for c in comments.values()},
        [c.id for c in comments.values() if c.parent_uncertain],
    )
    row.comment_f1 = [
        token_f1(truth.comments[c.id].words, text_words(c.content_text))
        for c in comments.values()
        if c.id in truth.comments
    ]
    records: list[Post | Comment] = [*posts, *comments.values()]
    row.boilerplate = count_boilerplate(r.content_text + "\n" + r.content_html for r in records)
    row.private = private_data_found(
        (json.dumps(asdict(r), ensure_ascii=False) for r in records), truth.private
    )
    return row


def load_trafilatura() -> ModuleType | None:
    try:
        module = importlib.import_module("trafilatura")
    except ImportError as error:
        print(
            f"trafilatura is not installed ({error}): its reference row is skipped. "
            "Install it with: .venv/bin/pip install trafilatura lxml_html_clean",
            file=sys.stderr,
        )
        return None
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    return module


def score_trafilatura(
    trafilatura: ModuleType, pages: Mapping[int, list[Page]], truth: Truth, theme: str
) -> Row:
    """trafilatura on the same pages: its ``main`` scored as the body, everything it output
    (body and comments, one blob per post) searched for each comment's words."""
    row = Row("trafilatura (with comments)", theme)
    cpu = 0.0
    by_post: dict[int, list[TruthComment]] = defaultdict(list)
    for comment in truth.comments.values():
        by_post[comment.post_id].append(comment)
    found = 0
    texts: list[str] = []
    for post_id, post_pages in pages.items():
        blob: list[str] = []
        post_texts: list[str] = []
        for index, page in enumerate(post_pages):
            start = time.process_time()
            xml = trafilatura.extract(
                page.html,
                url=page.url,
                output_format="xml",
                include_comments=True,
                include_links=True,
                include_images=True,
            )
            cpu += time.process_time() - start
            row.pages += 1
            root = lxml.etree.fromstring(xml.encode("utf-8")) if xml else None
            main = root.find("main") if root is not None else None
            if index == 0 and truth.posts[post_id].scored:
                row.score_body(
                    truth.posts[post_id],
                    block_words(main, _XML_BLOCKS) if main is not None else [],
                    [r.get("target", "") for r in main.iter("ref")] if main is not None else [],
                    [(g.get("src", ""), g.get("alt", "")) for g in main.iter("graphic")]
                    if main is not None
                    else [],
                )
            if root is not None:
                post_texts.append(str(root.xpath("string()")))
                blob += block_words(root, _XML_BLOCKS)
        found += comments_in_text([c.words for c in by_post.get(post_id, [])], blob)
        texts.append("\n".join(post_texts))
    row.cpu_seconds = cpu
    row.comments_found = found
    row.comments_missed = len(truth.comments) - found
    row.boilerplate = count_boilerplate(texts)
    row.private = private_data_found(texts, truth.private)
    return row


# --- running -----------------------------------------------------------------------------


def wp(*args: str) -> str:
    """tests/wordpress/wp.sh (only ``start`` and ``groundtruth``: the instance is shared)."""
    return subprocess.run(
        ["bash", str(WP_SH), *args], check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT
    ).stdout


def load_truth(path: Path | None) -> dict[str, Any]:
    if path is not None:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        return data
    try:
        return dict(json.loads(wp("groundtruth")))
    except subprocess.CalledProcessError:
        wp("start")
        return dict(json.loads(wp("groundtruth")))


def run_crawl(url: str, output: Path) -> Path:
    print(f"crawling {url} …", file=sys.stderr)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "scrapy", "crawl", "wordpress"),
            *("-a", f"url={url}", "-s", f"ARCHIVER_OUTPUT_DIR={output}"),
            *("-s", "AUTOTHROTTLE_ENABLED=False"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"the crawl exited {result.returncode}; scoring what it wrote", file=sys.stderr)
        print(result.stderr[-3000:], file=sys.stderr)
    return find_crawl(output)


def matrix_crawls(themes: Sequence[str], mode: str, output: Path) -> list[tuple[Path, Any]]:
    """Crawl the test WordPress under each theme (``wp.sh php switch_theme``) in site mode
    ``mode``, each with the ground truth read under that theme; the theme and mode are
    restored afterwards. Only on an instance of one's own (``BA_WP_PORT``, never the shared
    8081): switching the theme under someone else's test breaks it."""
    if os.environ.get("BA_WP_PORT", "8081") == "8081":
        raise SystemExit("--matrix switches themes: set BA_WP_PORT and BA_WP_STATE to your own")
    url = wp("start").strip().splitlines()[-1]
    found: list[tuple[Path, Any]] = []
    try:
        for theme in themes:
            wp("php", f"switch_theme({theme!r});")
            wp("mode", mode or "none")
            truth = json.loads(wp("groundtruth"))
            found.append((run_crawl(url, output / theme), truth))
    finally:
        wp("mode", "none")
        wp("php", "switch_theme('twentytwentyone');")
    return found


def matrix_themes() -> list[str]:
    """The default themes and the matrix of tests/wordpress/themes/."""
    matrix = sorted(p.name for p in (ROOT / "tests" / "wordpress" / "themes").glob("ba-*"))
    return ["twentytwentyone", "twentytwentytwo", "twentytwentythree", *matrix]


def find_crawl(path: Path) -> Path:
    """The crawl folder itself, or the newest crawl folder under ``path``."""
    if (path / "posts.jsonl").exists():
        return path
    found = sorted(p.parent for p in path.glob("**/posts.jsonl"))
    if not found:
        raise SystemExit(f"no crawl (posts.jsonl) under {path}")
    return found[-1]


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"


def report(
    crawls: Sequence[Path],
    sources: Sequence[str],
    labels: Sequence[str],
    truth_json: Mapping[str, Any] | list[Mapping[str, Any]],
) -> str:
    """The table; ``sources`` describe the crawls, ``labels`` override detected theme names;
    one ground truth for all crawls, or one per crawl (a theme's threading and comment
    pages are its own settings)."""
    truths = (
        [Truth.from_json(t) for t in truth_json]
        if isinstance(truth_json, list)
        else [Truth.from_json(truth_json)] * len(crawls)
    )
    truth = truths[0]
    trafilatura = load_trafilatura()
    rows: list[Row] = []
    themes: list[str] = []
    notes: list[str] = []
    for index, crawl in enumerate(crawls):
        truth = truths[index]
        pages = read_post_pages(sorted(crawl.glob("*.warc.gz")), truth)
        theme = crawl_theme(page.html for post_pages in pages.values() for page in post_pages)
        if "mixed" in theme:
            print(f"warning: {crawl}: the theme changed during the crawl", file=sys.stderr)
        if index < len(labels):
            theme = labels[index]
        themes.append(theme)
        html_row = score_html_extraction(pages, truth, theme)
        archive_row = score_archive(crawl, truth, theme)
        archive_row.cpu_seconds, archive_row.pages = html_row.cpu_seconds, html_row.pages
        rows += [archive_row, html_row]
        if trafilatura is not None:
            rows.append(score_trafilatura(trafilatura, pages, truth, theme))
        comment_pages = html_row.pages - len(pages)
        notes.append(
            f"{theme}: {sources[index]} ({len(pages)} post pages + {comment_pages} comment pages)"
        )
    scored = sum(1 for p in truth.posts.values() if p.scored)
    versions = f"Python {platform.python_version()}"
    if trafilatura is not None:
        versions += f", trafilatura {getattr(trafilatura, '__version__', '?')}"
    head = [
        f"Extraction quality, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, {versions}",
        f"Themes: {', '.join(themes)}. Ground truth: {scored} published posts and pages "
        f"scored ({len(truth.posts) - scored} password-protected left out), "
        f"{len(truth.comments)} approved comments.",
        *(f"- {note}" for note in notes),
        "",
    ]
    return "\n".join([*head, markdown_table(HEADER, (row.cells() for row in rows))])


def realworld_report(folder: Path | None = None) -> str:
    """The table for the real-world WordPress pages (tests/fixtures/realworld/): summary
    rows for blog-archiver and trafilatura, then one row per page."""
    if str(ROOT) not in sys.path:  # run as a script: the checkout is not on the path
        sys.path.insert(0, str(ROOT))
    from bench import realworld  # imports this module's scoring helpers

    pages = realworld.load_pages(folder or realworld.PAGES)
    ours = realworld.Summary("blog-archiver (read_post_page, HTML only)")
    ours.scores = [realworld.score_blog_archiver(page, BOILERPLATE) for page in pages]
    trafilatura = load_trafilatura()
    theirs = None
    if trafilatura is not None:
        theirs = realworld.Summary("trafilatura (with comments)")
        theirs.scores = [
            realworld.score_trafilatura(trafilatura, page, BOILERPLATE) for page in pages
        ]
    with_comments = sum(1 for page in pages if page.comments)
    head = [
        f"Real-world WordPress pages ({len(pages)}, {with_comments} with comments, "
        f"{sum(len(page.comments) for page in pages)} comments): tests/fixtures/realworld/",
        "",
    ]
    summary = markdown_table(realworld.HEADER, [s.cells() for s in (ours, theirs) if s is not None])
    pages_table = markdown_table(realworld.PAGE_HEADER, realworld.per_page_rows(ours, theirs))
    return "\n".join([*head, summary, "", pages_table])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument(
        "--crawl",
        action="append",
        type=Path,
        default=[],
        help="an existing crawl folder (posts.jsonl, comments.jsonl, *.warc.gz) to score; "
        "repeat it for one crawl per theme",
    )
    parser.add_argument("--url", help="the blog to crawl (default: wp.sh start's URL)")
    parser.add_argument("--truth", type=Path, help="ground-truth JSON (default: wp.sh)")
    parser.add_argument(
        "--themes",
        default="",
        help="comma-separated theme labels for the crawls, in order (default: detected "
        "from the pages); this script never switches the shared WordPress's theme",
    )
    parser.add_argument("--output", type=Path, help="where a fresh crawl goes (default: tmp)")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="score the real-world pages of tests/fixtures/realworld/ only (no crawl)",
    )
    parser.add_argument(
        "--no-pages", action="store_true", help="leave out the real-world pages' table"
    )
    parser.add_argument(
        "--matrix",
        nargs="?",
        const="all",
        help="crawl an own test WordPress (BA_WP_PORT, not 8081) under each theme: the "
        "default themes and tests/wordpress/themes/ (or a comma-separated list)",
    )
    parser.add_argument(
        "--mode",
        default="rest-off",
        help="the site mode of --matrix crawls (default rest-off: the theme's HTML is all "
        "there is; 'none' for the REST API on)",
    )
    args = parser.parse_args(argv)
    if args.pages_only:
        print(realworld_report())
        return 0
    labels = [label for label in args.themes.split(",") if label]
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        crawls = [find_crawl(path) for path in args.crawl]
        sources = [str(crawl) for crawl in crawls]
        if args.matrix:
            themes = matrix_themes() if args.matrix == "all" else args.matrix.split(",")
            done = matrix_crawls(themes, "" if args.mode == "none" else args.mode, Path(tmp))
            crawls, truths = [crawl for crawl, _ in done], [truth for _, truth in done]
            sources = [f"a fresh crawl, mode {args.mode}" for _ in crawls]
            print(report(crawls, sources, themes, truths))
        elif not crawls:
            url = args.url or wp("start").strip().splitlines()[-1]
            crawls = [run_crawl(url, args.output or Path(tmp))]
            sources = [f"a fresh crawl of {url}" if args.output is None else str(crawls[0])]
        if not args.matrix:
            print(report(crawls, sources, labels, load_truth(args.truth)))
    if not args.no_pages:
        print()
        print(realworld_report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
