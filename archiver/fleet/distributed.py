"""Many machines: one blog's frontier shared through Redis (scrapy-redis).

``-s ARCHIVER_REDIS_URL=redis://host:6379/0`` turns it on (:class:`DistributedCrawlAddon`
wires the components; without the setting nothing changes and no Redis is needed):

* scrapy-redis's scheduler and duplicate filter keep the crawl's requests and
  fingerprints in Redis, under ``archiver:<crawl id>:…`` (the crawl id is
  ``ARCHIVER_CRAWL_ID``, by default the blog's folder name), so every worker started
  with the same blog and Redis takes its requests from one frontier;
* the spider's own "once per canonical URL" set and its discovery switches live in Redis
  too (:meth:`SharedCrawl.claim`), so no source asks twice for a page across workers;
* each worker writes its own folder ``<output>/<site>/<UTC>/worker-<id>/`` (WARC files
  named with the worker id, JSONL, summary.json); all workers of one crawl agree on the
  ``<UTC>`` folder through Redis;
* :mod:`archiver.fleet.redis_frontier` decides when the shared crawl is over and hands the
  requests of a dead worker to the others; the last worker merges the folders
  (:mod:`archiver.fleet.merge`).

This module imports no Redis client at import time: the addon is listed in
``settings.ADDONS`` and must load without the ``distributed`` extra.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.settings import SETTINGS_PRIORITIES

from archiver.state.layout import safe_name, site_name

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.settings import BaseSettings

__all__ = ["DistributedCrawlAddon", "SharedCrawl", "default_worker_id"]

WORKER_DIR_PREFIX = "worker-"


def default_worker_id() -> str:
    """``<host>-<pid>``: unique among the workers running at one time."""
    return safe_name(f"{socket.gethostname()}-{os.getpid()}", max_length=60)


def worker_id(settings: BaseSettings) -> str:
    return safe_name(settings.get("ARCHIVER_WORKER_ID") or default_worker_id(), max_length=60)


class DistributedCrawlAddon:
    """Switch to the shared Redis frontier when ``ARCHIVER_REDIS_URL`` is set."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("ARCHIVER_REDIS_URL")
        if not url:
            return
        settings.set("SCHEDULER", "archiver.fleet.redis_frontier.SharedFrontierScheduler", "addon")
        # Above archiver.settings' own filter (a project setting): the frontier's is Redis's.
        above = max(SETTINGS_PRIORITIES["addon"], settings.getpriority("DUPEFILTER_CLASS") or 0)
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", above)
        settings.set("REDIS_URL", url, "addon")
        # The last worker removes the crawl's keys (after the merge); closing one worker
        # must not flush the frontier the others still use.
        settings.set("SCHEDULER_PERSIST", True, "addon")
        settings["EXTENSIONS"]["archiver.fleet.redis_frontier.SharedCrawlExtension"] = 600
        # Two workers on one host must never write one file, even if their folders are
        # copied together: the worker id goes into every WARC file name.
        prefix = settings.get("ARCHIVER_WARC_PREFIX", "blog-archiver")
        priority = settings.getpriority("ARCHIVER_WARC_PREFIX") or "addon"
        settings.set("ARCHIVER_WARC_PREFIX", f"{prefix}-{worker_id(settings)}", priority)


class SharedCrawl:
    """One blog's crawl as the workers share it in Redis: key names, this worker's id,
    the shared crawl folder and the shared "requested once" set.

    :param redis_url: ``redis://…`` of the shared Redis.
    :param crawl_id: names the crawl's keys (``archiver:<crawl_id>:…``).
    :param worker: this worker's id (``ARCHIVER_WORKER_ID``, default ``<host>-<pid>``).
    :param timeout: seconds after its last heartbeat when a worker counts as dead.
    """

    def __init__(self, redis_url: str, crawl_id: str, worker: str, timeout: float) -> None:
        self.redis_url = redis_url
        self.crawl_id = crawl_id
        self.worker = worker
        self.timeout = timeout
        # "busy" from the start and whenever this worker takes a request, "idle" when its
        # engine is: a worker that just joined may be about to queue the home page.
        self.state = "busy"
        self._client: Redis | None = None

    @classmethod
    def from_settings(cls, settings: BaseSettings, url: str) -> SharedCrawl | None:
        redis_url = settings.get("ARCHIVER_REDIS_URL")
        if not redis_url:
            return None
        crawl_id = safe_name(settings.get("ARCHIVER_CRAWL_ID") or site_name(url))
        timeout = settings.getfloat("ARCHIVER_WORKER_TIMEOUT", 60.0)
        return cls(redis_url, crawl_id, worker_id(settings), timeout)

    @property
    def client(self) -> Redis:
        if self._client is None:
            from redis import Redis

            self._client = Redis.from_url(self.redis_url)
        return self._client

    def key(self, *parts: str) -> str:
        return ":".join(("archiver", self.crawl_id, *parts))

    def claim(self, name: str) -> bool:
        """True for the first worker to claim ``name`` (a canonical URL or a discovery
        step) in this crawl, False for every later one."""
        return bool(self.client.sadd(self.key("claimed"), name))

    def worker_dir(self, proposed: Path) -> Path:
        """This worker's folder inside the crawl folder all workers share: the first
        worker's ``proposed`` folder (a resumed crawl keeps it)."""
        self.client.set(self.key("folder"), str(proposed), nx=True)
        shared = self.client.get(self.key("folder"))
        folder = Path(shared.decode() if isinstance(shared, bytes) else str(shared or proposed))
        return folder / f"{WORKER_DIR_PREFIX}{self.worker}"

    def all_keys(self) -> list[Any]:
        return list(self.client.scan_iter(match=f"{self.key()}:*"))
