"""The flat layout's dotted paths keep working for one release, with a deprecation warning
(archiver._moved), in settings and in imports alike."""

from __future__ import annotations

import importlib
import sys

import pytest
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from archiver._moved import MOVED_MODULES, ArchiverDeprecationWarning, MovedPathsAddon, new_path
from archiver.crawl.dupefilter import CompactDupeFilter
from archiver.crawl.recording import WarcRecordingMiddleware


@pytest.mark.parametrize(("old", "new"), sorted(MOVED_MODULES.items()))
def test_every_old_module_imports_as_its_new_one_with_a_warning(old, new):
    sys.modules.pop(old, None)
    with pytest.warns(ArchiverDeprecationWarning, match=f"{old} has moved to {new}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)


def test_an_old_component_path_loads_the_same_class():
    sys.modules.pop("archiver.middlewares", None)
    with pytest.warns(ArchiverDeprecationWarning):
        loaded = load_object("archiver.middlewares.WarcRecordingMiddleware")
    assert loaded is WarcRecordingMiddleware


def test_new_path_rewrites_only_old_modules():
    assert new_path("archiver.scope.RedirectScopeMiddleware") == (
        "archiver.crawl.redirect_scope.RedirectScopeMiddleware"
    )
    assert new_path("archiver.crawl.summary.CrawlSummaryExtension") == (
        "archiver.crawl.summary.CrawlSummaryExtension"
    )
    assert new_path("myproject.middlewares.Mine") == "myproject.middlewares.Mine"


def test_a_user_turning_off_a_component_by_its_old_path_turns_off_ours():
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    middlewares = settings["DOWNLOADER_MIDDLEWARES"]
    middlewares.set("archiver.middlewares.WarcRecordingMiddleware", None, priority="cmdline")
    settings.set("DUPEFILTER_CLASS", "archiver.dupefilter.CompactDupeFilter", priority="cmdline")
    with pytest.warns(ArchiverDeprecationWarning):
        MovedPathsAddon().update_settings(settings)
    enabled = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert "archiver.crawl.recording.WarcRecordingMiddleware" not in enabled
    assert "archiver.middlewares.WarcRecordingMiddleware" not in enabled
    # the others stay, once each
    assert enabled.count("archiver.crawl.retry_after.RetryAfterMiddleware") == 1
    assert load_object(settings["DUPEFILTER_CLASS"]) is CompactDupeFilter


def test_the_project_settings_name_no_old_path():
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    for name in ("DOWNLOADER_MIDDLEWARES", "ITEM_PIPELINES", "EXTENSIONS", "ADDONS"):
        for path in settings[name]:
            assert new_path(path) == path, path
