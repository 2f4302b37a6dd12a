"""``DOWNLOAD_FAIL_ON_DATALOSS=False``: Scrapy keeps a truncated body, and the WARC must say
it is truncated (``WARC-Truncated``) while storing exactly the bytes that arrived."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.integration.conftest import run_crawl
from tests.integration.mockserver import TRUNCATED_MISSING, MockServer

if TYPE_CHECKING:
    from tests.integration.conftest import Crawl

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lossy_crawl(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    tmp = tmp_path_factory.mktemp("dataloss")
    with MockServer(tmp / "exchanges.jsonl") as server:
        result = run_crawl(server, tmp / "output", ["DOWNLOAD_FAIL_ON_DATALOSS=False"])
    assert result.returncode == 0, result.stderr[-5000:]
    return result


def test_truncated_body_is_recorded_as_received_and_marked(lossy_crawl):
    url = lossy_crawl.summary["start_url"].rstrip("/") + "/cases/truncated/"
    (sent,) = [e for e in lossy_crawl.exchanges if e["url"] == url]
    body = base64.b64decode(sent["body"])
    found: list[dict[str, Any]] = []
    for warc in lossy_crawl.warcs:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and uri == url:
                    found.append(
                        {
                            "truncated": record.rec_headers.get_header("WARC-Truncated"),
                            "length": record.http_headers.get_header("Content-Length"),
                            "raw": record.raw_stream.read(),
                        }
                    )
    (record,) = found
    assert record["truncated"] == "disconnect"
    assert record["raw"] == body
    # The Content-Length the server claimed, not the length that arrived.
    assert record["length"] == str(len(body) + TRUNCATED_MISSING)


def test_summary_reports_the_truncated_capture(lossy_crawl):
    url = lossy_crawl.summary["start_url"].rstrip("/") + "/cases/truncated/"
    failures = {f["url"]: f for f in lossy_crawl.summary["failures"]}
    assert url in failures
    assert "trunc" in failures[url]["reason"].lower() or "loss" in failures[url]["reason"].lower()
