"""The distributed switch (issue 7): ARCHIVER_REDIS_URL alone turns the shared frontier on;
without it the crawl's components are Scrapy's own and no Redis is needed."""

from __future__ import annotations

from scrapy.settings import Settings

from archiver import settings as project_settings
from archiver.fleet.distributed import DistributedCrawlAddon


def settings_with(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict(overrides, priority="cmdline")
    DistributedCrawlAddon().update_settings(settings)
    return settings


def test_the_addon_is_listed_in_the_project_settings():
    assert "archiver.fleet.distributed.DistributedCrawlAddon" in project_settings.ADDONS


def test_without_a_redis_url_nothing_changes():
    settings = settings_with()
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "archiver.crawl.dupefilter.CompactDupeFilter"
    assert "archiver.fleet.redis_frontier.SharedCrawlExtension" not in settings["EXTENSIONS"]
    assert settings["ARCHIVER_WARC_PREFIX"] == "blog-archiver"


def test_a_redis_url_shares_the_frontier_and_names_the_worker_in_warc_files():
    settings = settings_with(
        ARCHIVER_REDIS_URL="redis://127.0.0.1:6390/0", ARCHIVER_WORKER_ID="machine 2"
    )
    assert settings["SCHEDULER"] == "archiver.fleet.redis_frontier.SharedFrontierScheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:6390/0"
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings["EXTENSIONS"]["archiver.fleet.redis_frontier.SharedCrawlExtension"] == 600
    assert settings["ARCHIVER_WARC_PREFIX"] == "blog-archiver-machine_2"
