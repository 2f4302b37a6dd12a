"""Shared fixtures: the real test WordPress (tests/wordpress/wp.sh) and saved pages."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
WP_SH = ROOT / "tests" / "wordpress" / "wp.sh"
FIXTURES = ROOT / "tests" / "fixtures"


def wp(*args: str) -> str:
    """Run tests/wordpress/wp.sh and return its stdout."""
    result = subprocess.run(
        ["bash", str(WP_SH), *args], check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    return result.stdout


@pytest.fixture(scope="session")
def wordpress_url() -> str:
    """A freshly reset test WordPress on 127.0.0.1 (installed and started if needed)."""
    wp("start")
    return wp("reset").strip().splitlines()[-1]


@pytest.fixture(scope="session")
def ground_truth(wordpress_url: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(wp("groundtruth"))
    return data


def fixture_path(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)


def load_fixture(*parts: str) -> tuple[str, str]:
    """(url, text) of a page saved by tests/fixtures/record.py."""
    path = fixture_path(*parts)
    meta = json.loads(path.with_suffix(".meta.json").read_text("utf-8"))
    return meta["url"], path.read_text("utf-8")
