"""End to end: a blog that refuses requests with 429 and 503 and says when to come back.

The test WordPress's ``throttle`` mode (tests/wordpress/README.md) answers the first request
of three URLs with 429 ``Retry-After: 2`` (REST posts page 2), 503 ``Retry-After: <date 2 s
ahead>`` (the seed post) and 503 ``Retry-After: <date one hour ahead>`` (comment page 2 of
the 125-comment post). The crawl runs with ``ARCHIVER_RETRY_AFTER_MAX=3``: it must wait what
the blog asked (the hour cut to 3 s), retry, finish complete, and report the backoffs. The
waits are read from the WARC: each retry's record is dated at least the asked delay after
the refusal (a lower bound the crawl guarantees, not a timing measure).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import lxml.html
import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, read_jsonl, scrapy_crawl, wp

pytestmark = pytest.mark.e2e

CAP = 3


@pytest.fixture(scope="module")
def crawl(wordpress_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    output = tmp_path_factory.mktemp("output-throttle")
    try:
        wp("mode", "throttle")
        truth = json.loads(wp("groundtruth"))
        result, crawl_dir = scrapy_crawl(wordpress_url, output, f"ARCHIVER_RETRY_AFTER_MAX={CAP}")
    finally:
        wp("mode", "none")
    # Every response of the crawl, per URL, in order: (WARC-Date, status, Retry-After, Date).
    exchanges: dict[str, list[tuple[datetime, int, str, str]]] = defaultdict(list)
    for warc in sorted(crawl_dir.glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type not in {"response", "revisit"}:
                    continue
                headers = record.http_headers
                exchanges[record.rec_headers.get_header("WARC-Target-URI")].append(
                    (
                        datetime.fromisoformat(record.rec_headers.get_header("WARC-Date")),
                        int(headers.get_statuscode()),
                        headers.get_header("Retry-After") or "",
                        headers.get_header("Date") or "",
                    )
                )
    special = truth["special"]
    url_of = {p["id"]: p["url"] for p in truth["posts"]}
    (rest_page_2,) = [u for u in exchanges if "/wp/v2/posts" in u and "&page=2&" in u]
    return {
        "dir": crawl_dir,
        "truth": truth,
        "summary": json.loads((crawl_dir / "summary.json").read_text("utf-8")),
        "stdout": result.stdout,
        "stderr": result.stderr,
        "posts": read_jsonl(crawl_dir / "posts.jsonl"),
        "comments": read_jsonl(crawl_dir / "comments.jsonl"),
        "exchanges": exchanges,
        "refused": {
            "429 seconds": rest_page_2,
            "503 date": url_of[special["seed"]],
            "503 date capped": url_of[special["many"]] + "comment-page-2/",
        },
    }


def test_the_crawl_waits_retries_and_finishes_complete(crawl):
    truth = crawl["truth"]
    assert {p["id"] for p in crawl["posts"]} == {p["id"] for p in truth["posts"]}
    assert {c["id"] for c in crawl["comments"]} == {c["id"] for c in truth["comments"]}
    summary = crawl["summary"]
    assert summary["failures"] == []
    assert summary["complete"] is True
    assert "complete archive" in crawl["stdout"]


def test_each_refused_url_is_retried_once_after_the_delay_asked(crawl):
    exchanges = crawl["exchanges"]
    refused = crawl["refused"]
    for kind, url in refused.items():
        (first, retry) = exchanges[url]
        assert first[1] == int(kind[:3]), (kind, first)
        assert retry[1] == 200, (kind, retry)
        waited = retry[0] - first[0]
        if kind == "429 seconds":
            assert first[2] == "2"
            assert waited >= timedelta(seconds=2), waited
        else:
            asked = parsedate_to_datetime(first[2]) - parsedate_to_datetime(first[3])
            if kind.endswith("capped"):
                assert asked > timedelta(minutes=50)
                assert waited >= timedelta(seconds=CAP), waited
            else:
                assert asked <= timedelta(seconds=3)
                # The retry went out once the date the blog named had passed.
                assert retry[0] >= parsedate_to_datetime(first[2]), (retry[0], first[2])
    # Nothing else was refused, and nothing else was fetched twice.
    others = {url: answers for url, answers in exchanges.items() if url not in refused.values()}
    assert all(len(answers) == 1 and answers[0][1] != 503 for answers in others.values())


def test_the_backoffs_and_the_cap_are_reported(crawl):
    politeness = crawl["summary"]["politeness"]
    assert politeness["retry_after_honoured"] == 3
    assert politeness["retries"] == 3
    assert politeness["retry_after_capped"] == 1
    assert politeness["retry_after_max_seconds"] == CAP
    assert politeness["longest_backoff_seconds"] == CAP
    assert politeness["longest_retry_after_asked_seconds"] > 3000
    assert f"backoff:  3 Retry-After honoured, waited up to {CAP} s, 1 capped" in crawl["stdout"]
    assert "capped by ARCHIVER_RETRY_AFTER_MAX" in crawl["stderr"]
    # Declared by the REST API, though its page 2 was refused once.
    coverage = crawl["summary"]["coverage"]
    assert coverage["declared_by"] == "rest_api"
    assert coverage["posts_declared"] == coverage["posts_archived"]


@pytest.mark.parametrize("how", [[], ["--replay-spider"]], ids=["direct", "replay-spider"])
def test_the_json_rebuilt_from_the_warc_equals_the_crawls(crawl, tmp_path, how):
    """The WARC holds the refusals and the retries; the last answer of each URL wins, in
    the direct rebuild and in the spider replayed through Scrapy (``--replay-spider``)."""
    rebuilt = tmp_path / "rebuilt"
    command = ["archiver.cli", "extract", str(crawl["dir"]), "-o", str(rebuilt), *how]
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    for name in ("posts.jsonl", "comments.jsonl"):
        assert (rebuilt / name).read_bytes() == (crawl["dir"] / name).read_bytes(), name


def test_the_crawl_report_lists_each_backoff_the_blog_asked_for(crawl):
    """report.html (issue 20): each refusal with its URL, status and Retry-After, as the
    blog sent them; the retries are the summary's."""
    page = lxml.html.parse(str(crawl["dir"] / "report.html")).getroot()
    rows = [
        [cell.text_content().strip() for cell in row.findall("td")]
        for row in page.cssselect("table.backoffs tr")[1:]
    ]
    refused = crawl["refused"]
    exchanges = crawl["exchanges"]
    asked = {
        url: next(retry_after for _, status, retry_after, _ in exchanges[url] if status != 200)
        for url in refused.values()
    }
    assert sorted((url, status, retry_after) for _, url, status, retry_after in rows) == sorted(
        (url, "429" if kind.startswith("429") else "503", asked[url])
        for kind, url in refused.items()
    )
    figures = crawl["summary"]["report_figures"]
    assert set(figures["retries"]) == set(refused.values())
    assert page.cssselect("[data-figure=retry_after_honoured]")[0].text_content() == "3"
