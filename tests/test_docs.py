"""The docs say only what is true of the code: the README's commands are the ones CI runs,
every file path and dotted name they give exists, every setting is documented.

MkDocs' strict build (tests/test_code_quality.py) checks the links between pages; these
check what it cannot: the names of blog-archiver's own files, modules and settings.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING

import pytest

from archiver import settings as project_settings
from archiver._moved import MOVED_MODULES
from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

README = ROOT / "README.md"
DOC_FILES = sorted(
    [
        README,
        ROOT / "bench" / "README.md",
        ROOT / "tests" / "wordpress" / "README.md",
        *(ROOT / "docs").glob("*.md"),
    ]
)
# A repository path in a code span: a file with its extension, `archiver/warc/verify.py`,
# or a folder with its slash, `tests/e2e/` (not a stats key such as `archiver/requests/x`).
_PATH_SPAN = re.compile(
    r"`((?:archiver|spiders|tests|bench|docs|\.ci)/(?:[A-Za-z0-9_./-]*/|[A-Za-z0-9_./-]*\.\w+))`"
)
# A dotted name of the package: archiver.crawl.recording.WarcRecordingMiddleware (not the
# "archiver" of blog-archiver.example or urn:blog-archiver:...).
_DOTTED = re.compile(r"(?<![\w.:/-])archiver(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def _text(path: Path) -> str:
    return path.read_text("utf-8")


def test_readme_starts_with_the_two_commands_ci_runs() -> None:
    lines = _text(README).splitlines()
    assert lines[:5] == [
        "# blog-archiver",
        "",
        "```sh",
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/archiver crawl",
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/pytest",
    ]
    assert lines[5] == "```"
    assert lines[4] in _text(ROOT / ".ci" / "run").splitlines(), ".ci/run must run it verbatim"
    assert len(lines) < 200, f"the README has {len(lines)} lines: move detail into docs/"


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_paths_in_the_docs_exist(doc: Path) -> None:
    missing = [
        path for path in _PATH_SPAN.findall(_text(doc)) if not (ROOT / path.rstrip("/")).exists()
    ]
    assert not missing, f"{doc.relative_to(ROOT)} names files that do not exist: {missing}"


def _resolves(name: str) -> bool:
    """``name`` is a module of blog-archiver or an attribute of one; an old (moved) module
    path counts when the module it moved to has the rest."""
    for old, new in MOVED_MODULES.items():  # never imported: that would warn
        if name == old or name.startswith(f"{old}."):
            name = new + name[len(old) :]
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        target: object = module
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dotted_names_in_the_docs_exist(doc: Path) -> None:
    names = sorted(set(_DOTTED.findall(_text(doc))))
    missing = [name for name in names if not _resolves(name)]
    assert not missing, f"{doc.relative_to(ROOT)} names what does not exist: {missing}"


def _settings_read_by_the_code() -> set[str]:
    """``ARCHIVER_`` settings: those archiver/settings.py defines, and every one the code
    reads by name (some have no default there)."""
    names = {name for name in vars(project_settings) if name.startswith("ARCHIVER_")}
    quoted = re.compile(r"""["'](ARCHIVER_[A-Z0-9_]*[A-Z0-9])["']""")
    for path in [*(ROOT / "archiver").rglob("*.py"), *(ROOT / "spiders").rglob("*.py")]:
        names.update(quoted.findall(_text(path)))
    return names


def test_every_archiver_setting_is_in_the_settings_page() -> None:
    page = _text(ROOT / "docs" / "settings.md")
    documented = set(re.findall(r"^\| `(ARCHIVER_[A-Z0-9_]+)` \|", page, re.MULTILINE))
    read = _settings_read_by_the_code()
    assert read - documented == set(), "add a row for each to docs/settings.md"
    assert documented - read == set(), "docs/settings.md documents settings nothing reads"
