"""End to end: re-archiving a blog without the REST API (issue 6).

Under ``rest-off,sitemap-off`` the crawl finds posts through the feed and the archive
pages, so nothing tells what changed: the second crawl asks again for every page, with
``If-None-Match``/``If-Modified-Since`` where the first crawl got an ``ETag`` or
``Last-Modified`` (WordPress sends them on feeds). The feed answers ``304``, written as a
server-not-modified revisit; pages that come back byte for byte the same are
identical-payload revisits; nothing unchanged reaches the JSONL.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.warc.records import NOT_MODIFIED_PROFILE, REVISIT_PROFILE
from tests.conftest import read_jsonl, wp
from tests.e2e.test_incremental import archiver_crawl

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.e2e
MODE = "rest-off,sitemap-off"


@pytest.fixture(scope="module")
def crawls(
    wordpress_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    output = tmp_path_factory.mktemp("fallback-output")
    try:
        wp("mode", MODE)
        yield [archiver_crawl(wordpress_url, output) for _ in range(2)]
    finally:
        wp("mode", "none")


def test_the_feed_answers_304_and_is_a_server_not_modified_revisit(crawls):
    crawl_dir, summary = crawls[1]
    assert summary["discovery"]["feeds"] == "used"
    assert summary["changes"]["kind"] == "incremental"
    assert summary["changes"]["not_modified"] >= 1
    profiles: Counter[str] = Counter()
    requests_with_validators = 0
    for path in sorted(crawl_dir.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "revisit":
                    profiles[record.rec_headers.get_header("WARC-Profile")] += 1
                    if record.http_headers.get_statuscode() == "304":
                        assert "/feed/" in record.rec_headers.get_header("WARC-Target-URI")
                        assert record.rec_headers.get_header("WARC-Refers-To")
                elif record.rec_type == "request" and record.http_headers.get_header(
                    "If-None-Match"
                ):
                    requests_with_validators += 1
    assert profiles[NOT_MODIFIED_PROFILE] == summary["changes"]["not_modified"]
    assert requests_with_validators >= profiles[NOT_MODIFIED_PROFILE]
    assert profiles[REVISIT_PROFILE] > 200  # the pages came back the same


def test_nothing_unchanged_reaches_the_jsonl_and_the_crawl_is_complete(crawls):
    (first_dir, first), (second_dir, second) = crawls
    assert first["complete"]
    assert second["complete"]
    assert read_jsonl(first_dir / "posts.jsonl")
    assert not read_jsonl(second_dir / "posts.jsonl")
    assert not read_jsonl(second_dir / "comments.jsonl")
    changes = second["changes"]
    assert not any(changes[k] for k in ("new_posts", "edited_posts", "new_comments"))
    print(json.dumps({k: changes[k] for k in ("requests_made", "not_modified")}))
