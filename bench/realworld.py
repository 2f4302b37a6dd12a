"""Extraction quality on the real-world WordPress pages of tests/fixtures/realworld/.

Each page's ``pages/NAME.json`` holds a hand-made annotation (``expected``: the body's text
and each comment's id, parent, author and text; see that folder's README). blog-archiver's
``read_post_page`` and trafilatura run on the same bytes; the scoring is pure and
unit-tested (tests/unit/test_realworld_scoring.py). Used by bench/quality.py.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lxml.etree

from archiver.extract.records import read_post_page
from bench.quality import text_words as words
from bench.quality import token_f1

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "realworld" / "pages"
# The URL the pages are read under (their own is not needed: scores compare text).
PAGE_URL = "https://blog.example/post/"


@dataclass(slots=True)
class Expected:
    name: str
    html: str
    body_words: list[str]
    comments: list[dict[str, Any]]

    @property
    def comment_words(self) -> list[str]:
        return [w for c in self.comments for w in words(c["text"])]


def load_pages(folder: Path = PAGES) -> list[Expected]:
    pages = []
    for meta_path in sorted(folder.glob("*.json")):
        meta = json.loads(meta_path.read_text("utf-8"))
        html = meta_path.with_suffix(".html").read_bytes().decode("utf-8", "replace")
        expected = meta["expected"]
        pages.append(
            Expected(meta_path.stem, html, words(expected["body_text"]), expected["comments"])
        )
    return pages


@dataclass(slots=True)
class PageScore:
    name: str
    body_f1: float
    empty_body: bool
    comments_expected: int = 0
    # None where the extractor gives no comment records (trafilatura: one text).
    comments_found: int | None = None
    comments_spurious: int | None = None
    parents_right: int | None = None
    authors_right: int | None = None
    comment_text_f1: float | None = None  # pages with expected comments only
    boilerplate: int = 0
    cpu_seconds: float = 0.0


def score_comment_records(
    expected: Sequence[dict[str, Any]], got: Iterable[tuple[int, int, str, str]]
) -> tuple[int, int, int, int, float]:
    """(found, spurious, parents right, authors right, comment-text F1) of comment records
    (id, parent id, author name, text) against the annotation. The text F1 is over all the
    page's comment words, so it does not depend on the records' ids."""
    by_id = {c["id"]: c for c in expected}
    records = list(got)
    found = [r for r in records if r[0] in by_id]
    parents = sum(1 for r in found if (r[1] or 0) == (by_id[r[0]]["parent"] or 0))
    authors = sum(1 for r in found if r[2].split() == by_id[r[0]]["author"].split())
    expected_words = [w for c in expected for w in words(c["text"])]
    got_words = [w for r in records for w in words(r[3])]
    return (
        len({r[0] for r in found}),
        len({r[0] for r in records} - by_id.keys()),
        parents,
        authors,
        token_f1(expected_words, got_words),
    )


def score_blog_archiver(page: Expected, boilerplate: Sequence[str]) -> PageScore:
    start = time.process_time()
    records = read_post_page(PAGE_URL, page.html, None)
    cpu = time.process_time() - start
    post = records.html_post
    body = post.content_text if post is not None else ""
    score = PageScore(
        page.name,
        token_f1(page.body_words, words(body)),
        not body.strip(),
        comments_expected=len(page.comments),
        cpu_seconds=cpu,
    )
    texts = [body, *(c.content_text for c in records.comments)]
    score.boilerplate = sum(1 for t in texts if any(p in t for p in boilerplate))
    if page.comments or records.comments:
        found, spurious, parents, authors, text_f1 = score_comment_records(
            page.comments,
            ((c.id, c.parent_id or 0, c.author.name, c.content_text) for c in records.comments),
        )
        score.comments_found, score.comments_spurious = found, spurious
        score.parents_right, score.authors_right = parents, authors
        if page.comments:
            score.comment_text_f1 = text_f1
    return score


def score_trafilatura(
    trafilatura: ModuleType, page: Expected, boilerplate: Sequence[str]
) -> PageScore:
    start = time.process_time()
    xml = trafilatura.extract(page.html, url=PAGE_URL, output_format="xml", include_comments=True)
    cpu = time.process_time() - start
    root = lxml.etree.fromstring(xml.encode("utf-8")) if xml else None
    main = root.find("main") if root is not None else None
    comments = root.find("comments") if root is not None else None
    body = " ".join(str(t) for t in main.itertext()) if main is not None else ""
    comment_text = " ".join(str(t) for t in comments.itertext()) if comments is not None else ""
    score = PageScore(
        page.name,
        token_f1(page.body_words, words(body)),
        not body.strip(),
        comments_expected=len(page.comments),
        cpu_seconds=cpu,
    )
    score.boilerplate = sum(1 for t in (body, comment_text) if any(p in t for p in boilerplate))
    if page.comments:
        score.comment_text_f1 = token_f1(page.comment_words, words(comment_text))
    return score


@dataclass(slots=True)
class Summary:
    extractor: str
    scores: list[PageScore] = field(default_factory=list)

    def cells(self) -> list[str]:
        scores = self.scores
        with_comments = [s for s in scores if s.comment_text_f1 is not None]
        expected = sum(s.comments_expected for s in scores)
        records = [s for s in scores if s.comments_found is not None]
        found = sum(s.comments_found or 0 for s in records)
        spurious = sum(s.comments_spurious or 0 for s in records)

        def share(part: int, whole: int) -> str:
            return f"{part / whole:.3f}" if whole else "n/a"

        def total(name: str) -> int:
            return sum(int(getattr(s, name) or 0) for s in records)

        per_record = bool(records) and self.extractor.startswith("blog-archiver")
        cpu = sum(s.cpu_seconds for s in scores)
        return [
            self.extractor,
            str(len(scores)),
            f"{_mean([s.body_f1 for s in scores]):.4f}",
            f"{min((s.body_f1 for s in scores), default=1.0):.4f}",
            str(sum(1 for s in scores if s.empty_body)),
            share(found, found + spurious) if per_record else "n/a",
            share(found, expected) if per_record else "n/a",
            f"{_mean([s.comment_text_f1 or 0.0 for s in with_comments]):.4f}",
            f"{total('parents_right')}/{found}" if per_record else "n/a",
            f"{total('authors_right')}/{found}" if per_record else "n/a",
            str(sum(s.boilerplate for s in scores)),
            f"{1000 * cpu / len(scores):.1f}" if scores else "n/a",
        ]


HEADER = (
    "extractor",
    "pages",
    "body F1 mean",
    "body F1 min",
    "empty bodies",
    "comment precision",
    "comment recall",
    "comment text F1",
    "parents right",
    "authors right",
    "boilerplate leaks",
    "CPU ms/page",
)
PAGE_HEADER = (
    "page",
    "comments",
    "body F1",
    "trafilatura body F1",
    "comment text F1",
    "trafilatura comment text F1",
)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 1.0


def per_page_rows(ours: Summary, theirs: Summary | None) -> list[list[str]]:
    rows = []
    other = {s.name: s for s in theirs.scores} if theirs is not None else {}
    for score in ours.scores:
        ref = other.get(score.name)

        def f(value: float | None) -> str:
            return "" if value is None else f"{value:.3f}"

        rows.append(
            [
                score.name,
                str(score.comments_expected),
                f(score.body_f1),
                f(ref.body_f1) if ref else "n/a",
                f(score.comment_text_f1),
                f(ref.comment_text_f1) if ref else "n/a",
            ]
        )
    return rows
