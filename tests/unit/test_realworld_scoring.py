"""The real-world pages' scoring (bench/realworld.py): pure functions on small inputs."""

from __future__ import annotations

import pytest

from bench.realworld import PageScore, Summary, load_pages, score_comment_records

EXPECTED = [
    {"id": 1, "parent": 0, "author": "Ada", "text": "first words here"},
    {"id": 2, "parent": 1, "author": "Bea", "text": "a reply"},
]


def test_records_are_matched_by_id_and_text_over_the_whole_page():
    found, spurious, parents, authors, text_f1 = score_comment_records(
        EXPECTED,
        [(1, 0, "Ada", "first words here"), (2, 0, "Bea", "a reply"), (9, 0, "Spam", "buy")],
    )
    assert (found, spurious, parents, authors) == (2, 1, 1, 2)
    # 5 expected words, 6 found, 5 in common: precision 5/6, recall 1
    assert text_f1 == pytest.approx(2 * (5 / 6) * 1 / (5 / 6 + 1))


def test_no_records_score_nothing_found():
    assert score_comment_records(EXPECTED, []) == (0, 0, 0, 0, 0.0)


def test_summary_cells_precision_recall_and_text_f1():
    summary = Summary("blog-archiver")
    summary.scores = [
        PageScore("a", 1.0, False, 2, 2, 0, 2, 2, 1.0, 0, 0.01),
        PageScore("b", 0.5, False, 0, 0, 1, 0, 0, None, 1, 0.03),
    ]
    cells = summary.cells()
    assert cells[1:12] == [
        "2",
        "0.7500",
        "0.5000",
        "0",
        "0.667",
        "1.000",
        "1.0000",
        "2/2",
        "2/2",
        "1",
        "20.0",
    ]


def test_trafilatura_rows_have_no_per_record_columns():
    summary = Summary("trafilatura (with comments)")
    summary.scores = [PageScore("a", 0.9, False, 2, comment_text_f1=0.5)]
    cells = summary.cells()
    assert cells[5:7] == ["n/a", "n/a"]
    assert cells[7] == "0.5000"


def test_every_page_has_an_annotation():
    pages = load_pages()
    assert len(pages) >= 20
    assert all(page.body_words for page in pages)
    assert all(c["text"] or c["author"] for page in pages for c in page.comments)
