"""CrawlStateExtension: close the crawl in the site's state when it ends.

On ``spider_closed`` the changes the crawl found are settled (posts and comments captured
that the state did not know, or knew with another ``modified``; deletions a crawl without
REST listings can tell, see :func:`archiver.state.site.infer_deletions`) and, when the crawl
finished (not killed, not stopped with Ctrl-C: those are resumed by the next run), what
it captured is stored and the crawl marked finished. When ``summary.json`` is written
(:data:`archiver.crawl.signals.crawl_summary`), its ``complete`` flag and request count go into
the crawl's row, for ``archiver history``; the state is closed on ``engine_stopped``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archiver.crawl import signals as archiver_signals
from archiver.state.site import crawl_state, infer_deletions, settle_changes

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from archiver.state.site import CrawlRun, SiteState


class CrawlStateExtension:
    def __init__(self, state: SiteState, run: CrawlRun) -> None:
        self.state = state
        self.run = run
        # Any URL not archived makes the crawl too incomplete to infer deletions from.
        self.failures = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        found = crawl_state(crawler)
        if found is None:
            raise NotConfigured
        extension = cls(*found)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(extension.summary_written, signal=archiver_signals.crawl_summary)
        for failed in (archiver_signals.url_failed, signals.spider_error, signals.item_error):
            crawler.signals.connect(extension.failed, signal=failed)
        return extension

    def failed(self) -> None:
        self.failures += 1

    def spider_closed(self, spider: Spider | None = None, reason: str = "") -> None:
        settle_changes(self.run)
        infer_deletions(self.run, crawl_complete=reason == "finished" and not self.failures)
        if reason == "finished":
            self.state.finish_crawl(self.run)

    def summary_written(self, summary: dict[str, Any]) -> None:
        changes = summary.get("changes") or {}
        self.state.record_outcome(
            self.run,
            complete=bool(summary.get("complete")),
            requests=int(changes.get("requests_made") or 0),
        )

    def engine_stopped(self) -> None:
        self.state.close()
