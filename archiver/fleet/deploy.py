"""``archiver deploy``: build the project's egg and add it to a Scrapyd server.

Scrapyd runs each job from the newest egg of its project. The egg holds the ``archiver``
and ``spiders`` packages as installed here (so ``archiver deploy`` works from an installed
blog-archiver too, without the source tree) and the ``scrapy`` entry point naming
``archiver.settings``. Scrapyd's own Python environment must have blog-archiver's
dependencies (install blog-archiver with the ``scrapyd`` extra into it); the egg only
carries the code, so a deploy changes what the jobs run without reinstalling anything.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import archiver

_SETUP = """\
from setuptools import find_packages, setup

setup(
    name={project!r},
    version={version!r},
    packages=find_packages(include=["archiver", "archiver.*", "spiders"]),
    package_data={{"archiver": ["py.typed"], "archiver.records": ["schemas/*.json"]}},
    entry_points={{"scrapy": ["settings = archiver.settings"]}},
    zip_safe=False,
)
"""


def build_egg(project: str, version: str) -> bytes:
    """The egg of this blog-archiver for Scrapyd (built with setuptools in a temporary
    folder; nothing is written next to the code)."""
    with tempfile.TemporaryDirectory(prefix="archiver-egg-") as tmp:
        build = Path(tmp)
        for package in ("archiver", "spiders"):
            # Found, not imported: archiver never imports the spiders.
            spec = importlib.util.find_spec(package)
            if spec is None or spec.origin is None:
                raise RuntimeError(f"package {package!r} not found: is blog-archiver installed?")
            source = Path(spec.origin).parent
            shutil.copytree(
                source, build / source.name, ignore=shutil.ignore_patterns("__pycache__")
            )
        (build / "setup.py").write_text(_SETUP.format(project=project, version=version))
        result = subprocess.run(
            [sys.executable, "setup.py", "-q", "bdist_egg", "-d", "dist"],
            cwd=build,
            capture_output=True,
            text=True,
            check=False,
        )
        eggs = sorted((build / "dist").glob("*.egg"))
        if result.returncode != 0 or not eggs:
            raise RuntimeError(f"building the egg failed:\n{result.stderr[-3000:]}")
        return eggs[0].read_bytes()


def default_version() -> str:
    """``<blog-archiver version>.<unix time>``: newer deploys sort after older ones."""
    return f"{archiver.__version__}.{int(time.time())}"
