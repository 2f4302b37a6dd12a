"""ruff, mypy, the docs build and the package's layering are part of the test run, so the
README's one test command checks them."""

from __future__ import annotations

import ast
import subprocess
import sys
from typing import TYPE_CHECKING

from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_is_clean():
    result = _run(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    result = _run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_build_strict(tmp_path: Path) -> None:
    """docs/ builds with MkDocs in strict mode: every page in the nav, every link to a page
    or heading resolving (mkdocs.yml's ``validation``), no warning at all."""
    site = tmp_path / "site"
    result = _run(sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output
    assert (site / "index.html").is_file()
    assert (site / "architecture" / "index.html").is_file()


# The layers of archiver/ (its __init__ docstring, docs/architecture.md), bottom first: each
# subpackage may import only those before it. Top-level modules (cli, settings, _moved) are
# not layers; cli may import any.
LAYERS = (
    "records",
    "extract",
    "discovery",
    "state",
    "warc",
    "report",
    "crawl",
    "offline",
    "fleet",
)


def _archiver_imports(path: Path) -> set[str]:
    """The archiver subpackages or modules ``path`` imports (TYPE_CHECKING ones included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        for name in names:
            parts = name.split(".")
            if parts[0] == "archiver" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_layers_import_only_the_layers_below() -> None:
    wrong = []
    for index, layer in enumerate(LAYERS):
        allowed = set(LAYERS[: index + 1]) | {"_moved", "settings"}
        for path in sorted((ROOT / "archiver" / layer).rglob("*.py")):
            for imported in sorted(_archiver_imports(path) - allowed):
                wrong.append(f"{path.relative_to(ROOT)} imports archiver.{imported}")
    assert not wrong, (
        "a layer imports one above it (move the code down, or change the layer order here, "
        "in archiver/__init__.py and in docs/architecture.md):\n" + "\n".join(wrong)
    )
    assert set(LAYERS) == {
        p.name for p in (ROOT / "archiver").iterdir() if (p / "__init__.py").is_file()
    }, "a subpackage of archiver/ is missing from LAYERS"
