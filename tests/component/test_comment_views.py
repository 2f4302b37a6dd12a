"""A comment's two views (the REST listing's and its page's) through the real pipelines and
the end-of-crawl sort: counted once, written as one merged line, whichever came first.

The views are the deep thread of the test WordPress as recorded (tests/fixtures/api and
twentytwentyone/deep-post.html); the crawl folder is a temporary one."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archiver.crawl.pipelines import VIEWS_SUFFIX, DeduplicatePipeline, OtherView
from archiver.crawl.record_files import RecordFilesPipeline
from archiver.crawl.record_sorting import SortedRecordsExtension
from archiver.state.layout import COMMENTS_FILE
from tests.unit.test_rest_comments import BY_ID, _page_comments, _rest_comments

if TYPE_CHECKING:
    from pathlib import Path

    from archiver.records.items import Comment


class FolderSpider:
    """What the pipelines read of the spider: its crawl folder."""

    name = "wordpress"

    def __init__(self, crawl_dir: Path) -> None:
        self.crawl_dir = crawl_dir


def _crawl(crawl_dir: Path, items: list[Comment]) -> tuple[int, int]:
    """The pipelines and the sort over ``items``: (records passed on, other views)."""
    crawler = get_crawler()
    spider = FolderSpider(crawl_dir)
    dedup, files = DeduplicatePipeline(crawler), RecordFilesPipeline(crawler)
    dedup.open_spider(spider)  # type: ignore[arg-type]
    files.open_spider(spider)  # type: ignore[arg-type]
    passed = others = 0
    for item in items:
        try:
            files.process_item(dedup.process_item(item))
            passed += 1
        except OtherView:
            others += 1
    files.close_spider()  # Scrapy closes the pipelines last first
    dedup.close_spider()
    sorting = SortedRecordsExtension()
    sorting.crawl_dir = crawl_dir
    sorting.engine_stopped()
    return passed, others


@pytest.mark.parametrize("rest_first", [True, False])
def test_each_comment_is_counted_once_and_written_as_one_merged_line(tmp_path, rest_first):
    rest, page = _rest_comments(), _page_comments()
    items = [*rest, *page] if rest_first else [*page, *rest]
    passed, others = _crawl(tmp_path, items)
    assert (passed, others) == (len(BY_ID), len(BY_ID))
    assert not (tmp_path / (COMMENTS_FILE + VIEWS_SUFFIX)).exists()
    lines = [
        json.loads(line) for line in (tmp_path / COMMENTS_FILE).read_text("utf-8").splitlines()
    ]
    assert [c["id"] for c in lines] == sorted(BY_ID)
    for comment in lines:
        assert comment["parent_id"] == BY_ID[comment["id"]]["parent_id"]
        assert not comment["parent_uncertain"]
        assert [p["source"] for p in comment["provenance"]] == ["api", "html"]


def test_the_order_of_the_views_does_not_change_the_file(tmp_path):
    one, other = tmp_path / "one", tmp_path / "other"
    _crawl(one, [*_rest_comments(), *_page_comments()])
    _crawl(other, [*_page_comments()[::-1], *_rest_comments()])
    assert (one / COMMENTS_FILE).read_bytes() == (other / COMMENTS_FILE).read_bytes()


def test_the_same_view_twice_is_a_duplicate(tmp_path):
    crawler = get_crawler()
    dedup = DeduplicatePipeline(crawler)
    dedup.open_spider(FolderSpider(tmp_path))  # type: ignore[arg-type]
    comment = _page_comments()[0]
    dedup.process_item(comment)
    with pytest.raises(DropItem, match="duplicate comment") as raised:
        dedup.process_item(comment)
    assert not isinstance(raised.value, OtherView)
    dedup.close_spider()
