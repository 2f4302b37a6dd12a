"""ProgressExtension: the periodic progress line, in the archive's terms."""

from __future__ import annotations

import logging

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from archiver.crawl import signals
from archiver.crawl.progress import ProgressExtension
from archiver.records.items import Comment, Post


def test_progress_counts_records_against_what_the_blog_declared(caplog):
    crawler = get_crawler(settings_dict={"ARCHIVER_PROGRESS_INTERVAL": 5})
    ext = ProgressExtension.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.discovery_note, key="declared_posts", value=261)
    ext.item_scraped(Post(id=2, type="post", comment_count_declared=6))
    ext.item_scraped(Post(id=264, type="post", comments_external="disqus"))
    ext.item_scraped(Comment(id=1, post_id=2))
    assert ext.line().startswith("posts 2/261, pages 0, comments 1/6 (declared by the posts seen)")
    with caplog.at_level(logging.INFO, logger="archiver.crawl.progress"):
        ext.log()
    assert "progress: posts 2/261" in caplog.text


def test_progress_can_be_turned_off():
    crawler = get_crawler(settings_dict={"ARCHIVER_PROGRESS_INTERVAL": 0})
    with pytest.raises(NotConfigured):
        ProgressExtension.from_crawler(crawler)
