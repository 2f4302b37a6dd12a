"""End to end: the records of a real crawl of the test WordPress follow one convention for
values (issue 22 item 6), and so does their rebuild from the WARC by ``archiver extract``:
every date UTC with ``Z``, loaded by pandas without options; the blog's own offset beside
it; ``null``, never ``""``, for what no source gave."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from archiver.records.items import SCHEMA_VERSION, json_schema
from tests.conftest import ROOT, read_jsonl, scrapy_crawl, wp

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e

DATES = {"posts": ("published", "modified"), "comments": ("published",)}


@pytest.fixture(scope="module", params=["rest-on", "rest-off"])
def folders(
    request: pytest.FixtureRequest, wordpress_url: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, Path]:
    """A crawl (dates from REST, or with the REST API off from the theme's HTML alone) and
    its rebuild from the WARC."""
    mode = request.param
    output = tmp_path_factory.mktemp(f"values-{mode}")
    wp("mode", "rest-off" if mode == "rest-off" else "none")
    try:
        _, crawl_dir = scrapy_crawl(wordpress_url, output)
    finally:
        wp("mode", "none")
    rebuilt = tmp_path_factory.mktemp(f"values-{mode}-rebuilt")
    command = [sys.executable, "-m", "archiver.cli", "extract", str(crawl_dir), "-o", str(rebuilt)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return mode, crawl_dir, rebuilt


def _frames(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        kind: pd.read_json(folder / f"{kind}.jsonl", lines=True) for kind in ("posts", "comments")
    }


def test_both_files_load_in_pandas_and_every_date_is_one_utc_column(folders):
    for folder in folders[1:]:
        for kind, frame in _frames(folder).items():
            assert len(frame) > 100, kind
            assert set(frame["schema_version"]) == {SCHEMA_VERSION}
            for name in DATES[kind]:
                dates = pd.to_datetime(frame[name])  # no options: "Mixed timezones" before
                assert dates.notna().sum() == frame[name].notna().sum(), (kind, name)
                if dates.notna().any():  # themes show no modified time: all null, rest-off
                    assert str(dates.dt.tz) == "UTC", (kind, name)
                else:
                    assert name == "modified", (kind, name)


def test_the_local_dates_are_the_same_moments_with_the_blogs_offsets(folders, ground_truth):
    mode, crawl_dir, _ = folders
    truth = {c["id"]: c for c in ground_truth["comments"]}
    offsets = set()
    for kind in ("posts", "comments"):
        for record in read_jsonl(crawl_dir / f"{kind}.jsonl"):
            for name in DATES[kind]:
                utc, local = record[name], record[f"{name}_local"]
                if utc is None:
                    continue
                assert utc.endswith("Z"), (kind, record["id"], utc)
                assert local is not None, (kind, record["id"])
                assert datetime.fromisoformat(local) == datetime.fromisoformat(utc)
                offsets.add(local[-6:])
            if kind == "comments" and truth[record["id"]]["type"] == "comment":
                gmt = truth[record["id"]]["date_gmt"]
                assert record["published"] == gmt.removesuffix("+00:00") + "Z", record["id"]
    # The test blog is in Europe/Berlin: winter and summer time both, never a mix in one column.
    assert offsets == {"+01:00", "+02:00"}, (mode, offsets)


def _nullable(schema: dict[str, Any]) -> set[str]:
    names = set()
    for name, spec in schema["properties"].items():
        spec = schema.get("$defs", {}).get(spec.get("$ref", "").rsplit("/", 1)[-1], spec)
        kinds = spec.get("type")
        if (isinstance(kinds, list) and "null" in kinds) or None in spec.get("enum", ()):
            names.add(name)
    return names


def test_what_no_source_gave_is_null_never_an_empty_string(folders):
    _, crawl_dir, rebuilt = folders
    for kind, schema_name in (("posts", "post"), ("comments", "comment")):
        nullable = _nullable(json_schema(schema_name))
        assert {"published", "parent_id"} <= nullable
        records = read_jsonl(crawl_dir / f"{kind}.jsonl")
        assert records == read_jsonl(rebuilt / f"{kind}.jsonl")  # the rebuild: the same form
        for record in records:
            assert not [n for n in nullable if record[n] == ""], (kind, record["id"])
            assert record["author"]["url"] != ""
            assert all(source["warc_file"] for source in record["provenance"])
        if kind == "comments":
            top = [c for c in records if c["depth"] == 1]
            assert top
            assert all(c["parent_id"] is None for c in top)  # as a post without parent
            assert all(c["parent_id"] for c in records if c["depth"] > 1)
        else:
            assert any(p["parent_id"] is None for p in records)
            assert any(p["comments_external"] is None for p in records)
