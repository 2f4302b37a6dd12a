"""The shared Redis frontier's two components (see :mod:`archiver.fleet.distributed`).

``SharedFrontierScheduler`` is scrapy-redis's scheduler (priority queue and RFPDupeFilter,
requests serialized by scrapy-redis, so callbacks and ``cb_kwargs`` travel with them)
under the crawl's keys. A request taken from the queue is, in the same Redis script,
copied to the worker's ``taken`` list and the worker marked busy: if the worker dies,
nothing it took is lost.

``SharedCrawlExtension`` keeps the worker's heartbeat (``worker:<id>``, expiring after
``ARCHIVER_WORKER_TIMEOUT`` seconds) and decides, each time the worker runs out of work,
whether the shared crawl is over:

* the requests a dead worker took (its heartbeat expired before it finished) go back
  into the queue; its folder is left out of the merge, so what it archived is archived
  again by the others;
* the crawl is over when the queue is empty and every other live worker is idle; until
  then the worker waits (``DontCloseSpider``) rather than close while others may still
  add requests.

A worker that finished (close reason ``finished``) drops its ``taken`` list; the last one
merges the workers' folders (:func:`archiver.fleet.merge.merge_crawl`) and deletes the crawl's
keys.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Self

from redis.exceptions import ResponseError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from archiver.crawl.summary import format_summary
from archiver.crawl.wacz_package import wacz_enabled, write_crawl_wacz
from archiver.fleet.distributed import SharedCrawl
from archiver.fleet.merge import merge_crawl

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Take the best request, remember it as taken by this worker and mark the worker busy,
# all at once: no moment where a request is neither queued nor owned by a live worker.
_TAKE = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0)
if #item == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('RPUSH', KEYS[2], item[1])
redis.call('SET', KEYS[3], 'busy', 'PX', ARGV[1])
return item[1]
"""


def _shared(spider: Spider) -> SharedCrawl:
    shared = getattr(spider, "shared_crawl", None)
    if not isinstance(shared, SharedCrawl):
        raise NotConfigured("the spider has no shared crawl (ARCHIVER_REDIS_URL unset?)")
    return shared


class SharedFrontierScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler on the crawl's keys, remembering what each worker took."""

    shared: SharedCrawl

    def open(self, spider: Spider) -> None:
        self.shared = _shared(spider)
        self.queue_key = self.shared.key("requests")
        self.df = RFPDupeFilter(
            self.server,
            key=self.shared.key("dupefilter"),
            debug=spider.settings.getbool("DUPEFILTER_DEBUG"),
        )
        self._take = self.server.register_script(_TAKE)
        super().open(spider)
        if not isinstance(self.queue, PriorityQueue):  # _TAKE reads the sorted set
            raise ValueError(
                "the shared frontier needs SCHEDULER_QUEUE_CLASS = scrapy_redis.queue.PriorityQueue"
            )

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        shared = self.shared
        keys = [
            self.queue.key,
            shared.key("taken", shared.worker),
            shared.key("worker", shared.worker),
        ]
        data = self._take(keys=keys, args=[int(shared.timeout * 1000)])
        if not data:
            return None
        shared.state = "busy"
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        request: Request = self.queue._decode_request(data)
        return request


class SharedCrawlExtension:
    """Heartbeat, end of the shared crawl, requeueing a dead worker's requests, merge.

    :param interval: seconds between heartbeats.
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.shared: SharedCrawl | None = None
        self.crawl_dir: Path | None = None
        self.finish_reason = ""
        self.heartbeat: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("ARCHIVER_REDIS_URL"):
            raise NotConfigured("ARCHIVER_REDIS_URL is not set")
        timeout = crawler.settings.getfloat("ARCHIVER_WORKER_TIMEOUT", 60.0)
        extension = cls(crawler, interval=max(0.5, timeout / 4))
        connect = crawler.signals.connect
        connect(extension.spider_opened, signal=signals.spider_opened)
        connect(extension.spider_idle, signal=signals.spider_idle)
        connect(extension.spider_closed, signal=signals.spider_closed)
        connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.shared = shared = _shared(spider)
        self.crawl_dir = Path(spider.crawl_dir)  # type: ignore[attr-defined]
        shared.client.sadd(shared.key("workers"), shared.worker)
        self.heartbeat = LoopingCall(self.beat)
        self.heartbeat.start(self.interval, now=True)
        logger.info("worker %s joined the shared crawl %s", shared.worker, shared.key())

    def beat(self) -> None:
        if self.shared is not None:
            shared = self.shared
            ttl = int(shared.timeout * 1000)
            shared.client.set(shared.key("worker", shared.worker), shared.state, px=ttl)

    def spider_idle(self, spider: Spider) -> None:
        shared = self.shared
        if shared is None:
            return
        shared.state = "idle"
        self.beat()
        if self.requeue_dead_workers():
            raise DontCloseSpider
        busy = self.busy_workers()
        if busy:
            logger.debug("waiting for %s, which may still add requests", ", ".join(busy))
            raise DontCloseSpider
        # Read after the workers' states: a request queued since is seen here.
        if shared.client.zcard(shared.key("requests")):
            raise DontCloseSpider

    def busy_workers(self) -> list[str]:
        """Other workers that are alive and working (they may still add requests), or
        whose death has not been noticed yet."""
        assert self.shared is not None  # noqa: S101 - set in spider_opened
        shared = self.shared
        busy = []
        for raw in shared.client.smembers(shared.key("workers")):
            worker = _text(raw)
            if worker == shared.worker:
                continue
            state = shared.client.get(shared.key("worker", worker))
            if state == b"busy":
                busy.append(worker)
        return busy

    def requeue_dead_workers(self) -> int:
        """Put the requests of workers that died (heartbeat expired, not finished) back
        into the queue; return how many."""
        assert self.shared is not None  # noqa: S101 - set in spider_opened
        shared = self.shared
        client = shared.client
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        if not isinstance(scheduler, SharedFrontierScheduler):
            return 0
        finished = {_text(raw) for raw in client.smembers(shared.key("finished"))}
        requeued = 0
        for raw in client.smembers(shared.key("workers")):
            worker = _text(raw)
            if worker == shared.worker or worker in finished:
                continue
            if client.exists(shared.key("worker", worker)):
                continue
            # RENAME is atomic: of two workers noticing the death, one gets the list.
            claimed = shared.key("requeueing", worker)
            try:
                client.rename(shared.key("taken", worker), claimed)
            except ResponseError:  # no such key: it took nothing, or another worker has it
                claimed = ""
            if claimed:
                for data in client.lrange(claimed, 0, -1):
                    scheduler.queue.push(scheduler.queue._decode_request(data))
                    requeued += 1
                client.delete(claimed)
            client.smove(shared.key("workers"), shared.key("dead"), worker)
            logger.warning(
                "worker %s died: %d requests it had taken are queued again", worker, requeued
            )
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/distributed/requeued", requeued)
        return requeued

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.finish_reason = reason
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()

    def engine_stopped(self) -> None:
        """After the summary and the sorted JSONL are written: done, and maybe last."""
        shared = self.shared
        if shared is None or self.crawl_dir is None:
            return
        client = shared.client
        if self.finish_reason != "finished":
            # Stopped early: its requests go back to the others once its heartbeat expires.
            logger.warning(
                "worker %s stopped (%s) before the crawl ended", shared.worker, self.finish_reason
            )
            return
        client.sadd(shared.key("finished"), shared.worker)
        client.delete(shared.key("taken", shared.worker), shared.key("worker", shared.worker))
        workers = {_text(raw) for raw in client.smembers(shared.key("workers"))}
        finished = {_text(raw) for raw in client.smembers(shared.key("finished"))}
        if workers - finished:
            return
        if not client.set(shared.key("merging"), shared.worker, nx=True):
            return
        crawl_dir = self.crawl_dir.parent
        merged = merge_crawl(crawl_dir)
        logger.info("merged %d workers' folders into %s", len(merged["workers"]), crawl_dir)
        print_summary = self.crawler.settings.getbool("ARCHIVER_PRINT_SUMMARY", True)
        if print_summary:
            sys.stdout.write(format_summary(merged))
            sys.stdout.flush()
        if wacz_enabled(self.crawler.settings):
            write_crawl_wacz(crawl_dir, print_summary)
        keys = shared.all_keys()
        if keys:
            client.delete(*keys)


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw
