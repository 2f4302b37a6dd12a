"""The verdict of a crawl, from its summary (``archiver.crawl.verdict``), on summaries
recorded from real crawls (``tests/fixtures/summaries/``) and the changes a crawl can
bring to them (a failed URL, a missing post, a stop, an output error)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from archiver.crawl.summary import format_summary
from archiver.crawl.verdict import EXIT_CODES, judge
from tests.conftest import FIXTURES


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "summaries" / f"{name}.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("wordpress-complete", "complete"),
        ("static-site", "nothing_to_archive"),
        ("failure-site", "incomplete"),
    ],
)
def test_the_recorded_crawls_are_judged_as_they_were(name, verdict):
    summary = recorded(name)
    judged = judge(summary)
    assert judged.verdict == verdict == summary["verdict"]
    assert judged.exit_code == EXIT_CODES[verdict] == summary["exit_code"]
    assert list(judged.reasons) == summary["verdict_reasons"]
    assert judged.complete is summary["complete"]


def test_the_exit_codes_are_distinct_and_leave_2_to_usage_errors():
    assert EXIT_CODES == {
        "complete": 0,
        "incomplete": 1,
        "nothing_to_archive": 3,
        "output_error": 4,
    }


def test_a_complete_archive_has_no_reason():
    assert judge(recorded("wordpress-complete")).reasons == ()


def test_a_failed_url_makes_it_incomplete_and_names_the_url():
    summary = copy.deepcopy(recorded("wordpress-complete"))
    url = summary["start_url"] + "2021/01/05/rainy-kitchen-experiments/"
    summary["failures"] = [{"url": url, "reason": "HTTP 500", "status": 500}]
    judged = judge(summary)
    assert judged.verdict == "incomplete"
    assert judged.reasons == (f"1 URL not archived (first: {url}: HTTP 500)",)


def test_posts_the_blog_declares_but_are_not_archived():
    summary = copy.deepcopy(recorded("wordpress-complete"))
    summary["coverage"]["posts_archived"] -= 2
    summary["coverage"]["posts_missing"] = 2
    assert judge(summary).reasons == ("2 of the 261 posts declared (by rest_api) not archived",)


def test_a_stopped_crawl_is_incomplete_and_resumable():
    summary = copy.deepcopy(recorded("wordpress-complete"))
    summary["finish_reason"] = "shutdown"
    judged = judge(summary)
    assert judged.exit_code == 1
    assert judged.reasons[0].startswith("the crawl was stopped (shutdown) before it finished")


def test_an_output_error_comes_before_everything_else():
    summary = copy.deepcopy(recorded("failure-site"))
    summary["finish_reason"] = "output_error"
    summary["output_error"] = {"message": "No space left on device in /srv/archive/x"}
    judged = judge(summary)
    assert (judged.verdict, judged.exit_code) == ("output_error", 4)
    assert judged.reasons == ("No space left on device in /srv/archive/x",)


def test_a_start_page_that_failed_is_said_rather_than_nothing_to_archive():
    summary = copy.deepcopy(recorded("static-site"))
    summary["failures"] = [
        {"url": summary["start_url"], "reason": "DNSLookupError: no such host", "status": None}
    ]
    judged = judge(summary)
    assert judged.verdict == "incomplete"
    assert judged.reasons == (
        f"the start page {summary['start_url']} failed: DNSLookupError: no such host",
    )


def test_an_empty_wordpress_blog_is_complete_not_nothing():
    summary = copy.deepcopy(recorded("wordpress-complete"))
    coverage = summary["coverage"]
    for kind in ("posts", "pages"):
        coverage[f"{kind}_declared"] = coverage[f"{kind}_archived"] = 0
    assert judge(summary).verdict == "complete"  # its REST API says it has none


def test_nothing_to_archive_says_what_was_tried():
    (reason,) = judge(recorded("static-site")).reasons
    start = recorded("static-site")["start_url"]
    assert reason.startswith("nothing to archive: no WordPress REST API (not advertised), ")
    assert f"no post sitemap (unusable: {start}wp-sitemap.xml: HTTP 404)" in reason
    assert reason.endswith(f"no archive page linking posts at {start}")


def test_the_printed_report_leads_with_the_verdict():
    printed = format_summary(recorded("failure-site")).splitlines()
    assert printed[1].startswith("blog-archiver: INCOMPLETE archive of ")
    assert printed[1].endswith("(exit 1)")
    assert printed[2] == "  why:      " + recorded("failure-site")["verdict_reasons"][0]
    static = format_summary(recorded("static-site")).splitlines()
    assert static[1].startswith("blog-archiver: NOTHING TO ARCHIVE at ")
