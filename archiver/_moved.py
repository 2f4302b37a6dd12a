"""Old dotted paths of blog-archiver 0.1's flat layout, kept working for one release.

Users name our components in their settings (``DOWNLOADER_MIDDLEWARES``,
``ITEM_PIPELINES``, ``EXTENSIONS``, ``DUPEFILTER_CLASS``, ``SCHEDULER``,
``HTTPCACHE_STORAGE``, ``ADDONS``), in sites files and in their own code. Since the
components moved into subpackages, the old module paths still import (with an
:class:`ArchiverDeprecationWarning`) through :class:`MovedModuleFinder`, and
:class:`MovedPathsAddon` rewrites old paths in the component settings to the new ones, so
that a user's ``{"archiver.middlewares.WarcRecordingMiddleware": None}`` still turns our
recorder off instead of naming a second copy of it. Scrapy does the same for its own moved
paths (``scrapy.utils.deprecate.update_classpath``).

To be removed in the release after next, with this module.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings, Settings


class ArchiverDeprecationWarning(DeprecationWarning):
    """A blog-archiver path or setting that will go away in a later release."""


# old module -> its new home (only modules that held components a user could name, or
# that code outside blog-archiver imported)
MOVED_MODULES = {
    "archiver.backoff": "archiver.crawl.retry_after",
    "archiver.crawlstate": "archiver.crawl.crawl_state",
    "archiver.distributed": "archiver.fleet.distributed",
    "archiver.dupefilter": "archiver.crawl.dupefilter",
    "archiver.items": "archiver.records.items",
    "archiver.jsonl": "archiver.crawl.record_sorting",
    "archiver.middlewares": "archiver.crawl.recording",
    "archiver.pipelines": "archiver.crawl.pipelines",
    "archiver.progress": "archiver.crawl.progress",
    "archiver.recordfiles": "archiver.crawl.record_files",
    "archiver.redis_frontier": "archiver.fleet.redis_frontier",
    "archiver.replay": "archiver.warc.replay",
    "archiver.resume": "archiver.crawl.resume",
    "archiver.revisits": "archiver.crawl.conditional",
    "archiver.scope": "archiver.crawl.redirect_scope",
    "archiver.summary": "archiver.crawl.summary",
}
# settings whose value is one dotted path, and those that are priority dicts of paths
_PATH_SETTINGS = ("DUPEFILTER_CLASS", "SCHEDULER", "HTTPCACHE_STORAGE")
# (ADDONS is not among them: addons are loaded before any addon can rewrite them; an old
# path there still imports through the finder.)
_COMPONENT_SETTINGS = ("DOWNLOADER_MIDDLEWARES", "ITEM_PIPELINES", "EXTENSIONS")


def new_path(path: str) -> str:
    """``path`` with an old module prefix replaced by its new one (unchanged otherwise)."""
    module, _, name = path.rpartition(".")
    if module in MOVED_MODULES:
        return f"{MOVED_MODULES[module]}.{name}"
    return path


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} has moved to {new}; the old path stops working in a later release",
        ArchiverDeprecationWarning,
        stacklevel=3,
    )


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        _warn(spec.name, self.target)
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """The new module ran when it was imported: nothing more to do."""


class MovedModuleFinder(importlib.abc.MetaPathFinder):
    """Import ``archiver.middlewares`` (and the other old paths) as their new modules."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED_MODULES.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(new))


def install_finder() -> None:
    if not any(isinstance(finder, MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(MovedModuleFinder())


class MovedPathsAddon:
    """Rewrite old paths in the component settings to the new ones, with a warning."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def update_settings(self, settings: Settings) -> None:
        for name in _PATH_SETTINGS:
            value = settings.get(name)
            if isinstance(value, str) and new_path(value) != value:
                _warn(value, new_path(value))
                settings.set(name, new_path(value), priority=settings.getpriority(name) or 0)
        for name in _COMPONENT_SETTINGS:
            components = settings[name]
            if components is not None:
                _rewrite_components(components)


def _rewrite_components(components: BaseSettings) -> None:
    """Move each old key of a component priority dict (a BaseSettings) to its new key."""
    for key in [key for key in components if isinstance(key, str)]:
        moved = new_path(key)
        if moved == key:
            continue
        _warn(key, moved)
        priority = components.getpriority(key) or 0
        value = components[key]
        components.delete(key, priority)
        # The user's value wins over ours: it was set at the user's priority.
        components.set(moved, value, priority=priority)
