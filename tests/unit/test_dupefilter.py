"""CompactDupeFilter filters as Scrapy's RFPDupeFilter does, keeping 8 bytes a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.test import get_crawler

from archiver.crawl.dupefilter import CompactDupeFilter

if TYPE_CHECKING:
    from pathlib import Path

URLS = [
    "http://127.0.0.1/a/",
    "http://127.0.0.1/a/?x=1&y=2",
    "http://127.0.0.1/a/?y=2&x=1",  # the same request (canonical URL)
    "http://127.0.0.1/a/#comment-1",  # the same request (fragment)
    "http://127.0.0.1/b/",
    "http://127.0.0.1/a/",
]


def verdicts(dupefilter: RFPDupeFilter) -> list[bool]:
    requests = [Request(url) for url in URLS] + [Request(URLS[0], method="POST")]
    return [dupefilter.request_seen(request) for request in requests]


def test_it_filters_what_scrapys_filter_filters() -> None:
    crawler = get_crawler(settings_dict={"DUPEFILTER_CLASS": CompactDupeFilter})
    compact = CompactDupeFilter.from_crawler(crawler)
    scrapys = RFPDupeFilter.from_crawler(get_crawler())
    assert verdicts(compact) == verdicts(scrapys) == [False, False, True, True, False, True, False]
    assert len(compact.keys) == 4


def test_with_a_job_dir_scrapys_file_of_fingerprints_is_kept(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"JOBDIR": str(tmp_path)})
    first = CompactDupeFilter.from_crawler(crawler)
    assert verdicts(first) == [False, False, True, True, False, True, False]
    first.close("shutdown")
    again = CompactDupeFilter.from_crawler(crawler)  # a resumed job: all of them seen
    assert verdicts(again) == [True] * 7
    again.close("finished")
