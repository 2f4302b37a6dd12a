"""The failure site's WARC replays in pywb (issue 4: "a ``?p=N`` URL and a redirect replay
too"): identity replay (``id_``) gives back what the server sent."""

from __future__ import annotations

import base64
import gzip
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.test_replay_pywb import fetch, pywb_bin, pywb_serving, replay_url
from tests.integration.mockserver import REDIRECT_TARGET

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.integration.conftest import Crawl

pytestmark = pytest.mark.integration
__all__ = ["pywb_bin"]  # the fixture, shared with tests/e2e/test_replay_pywb.py


@pytest.fixture(scope="module")
def pywb_base(
    pywb_bin: Path, crawl: Crawl, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with pywb_serving(pywb_bin, crawl.warcs, tmp_path_factory.mktemp("pywb-site")) as base:
        yield base


def _sent(crawl: Crawl, path: str) -> dict[str, Any]:
    """The last exchange the server logged for ``path``."""
    return [e for e in crawl.exchanges if e["path"] == path][-1]


def _url(crawl: Crawl, path: str) -> str:
    return str(crawl.summary["start_url"]).rstrip("/") + path


def test_query_string_url_replays(crawl, pywb_base):
    status, _, body = fetch(replay_url(pywb_base, _url(crawl, "/?p=123")))
    assert status == 200
    assert body == base64.b64decode(_sent(crawl, "/?p=123")["body"])


def test_redirect_replays_and_its_target_too(crawl, pywb_base):
    status, headers, _ = fetch(replay_url(pywb_base, _url(crawl, "/cases/moved/")))
    assert status == 301
    assert headers.get("Location") == _url(crawl, REDIRECT_TARGET)
    # The target was stored as a revisit of an identical page: pywb resolves it.
    status, _, body = fetch(replay_url(pywb_base, _url(crawl, REDIRECT_TARGET)))
    assert status == 200
    assert body == base64.b64decode(_sent(crawl, REDIRECT_TARGET)["body"])


def test_gzip_body_replays_encoded_or_decoded(crawl, pywb_base):
    sent = base64.b64decode(_sent(crawl, "/cases/gzip/")["body"])
    url = replay_url(pywb_base, _url(crawl, "/cases/gzip/"))
    status, headers, body = fetch(url, headers={"Accept-Encoding": "gzip"})
    assert (status, headers.get("Content-Encoding")) == (200, "gzip")
    assert body == sent
    status, headers, body = fetch(url)
    assert (status, headers.get("Content-Encoding")) == (200, None)
    assert body == gzip.decompress(sent)


def test_both_cookies_replay(crawl, pywb_base):
    _, headers, _ = fetch(replay_url(pywb_base, _url(crawl, "/cases/cookies/")))
    assert headers.get_all("Set-Cookie") == ["first=1; Path=/", "second=2; Path=/; HttpOnly"]


def test_404_replays_as_404(crawl, pywb_base):
    status, _, body = fetch(replay_url(pywb_base, _url(crawl, "/cases/missing/")))
    assert status == 404
    assert body == base64.b64decode(_sent(crawl, "/cases/missing/")["body"])
