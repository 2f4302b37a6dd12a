"""Debian's Chromium, driven by Playwright, for the tests that look at pages as a reader does.

Nothing downloads a browser: Playwright (its Python package carries its own driver) launches
``/usr/bin/chromium`` from Debian's ``chromium`` package, which :func:`ensure_chromium`
installs with apt on first use, as ``tests/wordpress/wp.sh`` installs the test WordPress.
Chromium is started with its background networking off (this machine's network is closed;
it would otherwise try Google's hosts at every start) and a new empty profile.

    def test_something(browser):
        page, requests = open_page(browser, "file:///…/report.html")
        assert all(url.startswith("file://") for url in requests)
        page.screenshot(path=artefact("report.png"))
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_PACKAGES = ("chromium", "chromium-driver")
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",  # the tests run as root, as CI does
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
# Screenshots and other files a person may want to look at after a run (git-ignored).
ARTEFACTS = ROOT / "tests" / "artefacts"


def ensure_chromium() -> Path:
    """``/usr/bin/chromium``, installed from Debian's packages when missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None:
        raise RuntimeError("Chromium is missing and apt-get is not there to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "--no-install-recommends", *CHROMIUM_PACKAGES]
    if subprocess.run(command, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(command, env=env, check=True)
    return CHROMIUM


def artefact(name: str) -> Path:
    """A path under ``tests/artefacts/`` for a screenshot or another file to keep."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's) for the whole session, through Playwright."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(executable), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser: Any, url: str, **context_options: Any) -> tuple[Any, list[str]]:
    """A new page (in a context of its own) at ``url``, and the list of every URL it
    requested, filled in as it goes on (service workers' requests included)."""
    context = browser.new_context(**context_options)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(url)
    return page, requests
