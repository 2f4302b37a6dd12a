"""Scrapy settings for blog-archiver: polite by default, every response into the WARC.

Override any of them per run (``-s NAME=VALUE``) or per site. Settings of our own are
prefixed ``ARCHIVER_``.
"""

from __future__ import annotations

from archiver import __version__

BOT_NAME = "blog-archiver"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- where files go ---------------------------------------------------------------------
# Each crawl writes output/<site>/<UTC timestamp>/ (see archiver.state.layout).
ARCHIVER_OUTPUT_DIR = "output"
ARCHIVER_CRAWL_DIR = ""  # an explicit folder for this crawl (rebuilds use it)
ARCHIVER_WARC_ENABLED = True
ARCHIVER_WARC_MAX_BYTES = 1_000_000_000  # rotate WARC files at about 1 GB
ARCHIVER_WARC_PREFIX = "blog-archiver"
ARCHIVER_OPERATOR = ""  # who runs the crawl, written into every warcinfo record
ARCHIVER_PRINT_SUMMARY = True
# A WACZ of the crawl (<site>-<crawl>.wacz in its folder) for ReplayWeb.page, written when
# it ends (archiver.crawl.wacz_package); `archiver wacz` packages a folder at any time.
ARCHIVER_WACZ_ENABLED = True
# report.html in the crawl folder when it ends (archiver.crawl.report_writer); `archiver report`
# writes it at any time.
ARCHIVER_REPORT_ENABLED = True
ARCHIVER_PROGRESS_INTERVAL = 30.0  # seconds between progress log lines; 0 turns them off
ARCHIVER_PROGRESS_BAR = True  # a progress bar instead, when stderr is a terminal
# Worker processes that read post and comment pages (archiver.crawl.extraction_pool); unset: one per
# core (1 to 4); 0: in the crawling process.
# ARCHIVER_EXTRACT_WORKERS = 1
# Re-archiving (archiver.state.site): <output>/<site>/state.sqlite remembers every crawl. Once a
# crawl has finished, the next ones fetch only what changed; an interrupted one is resumed.
ARCHIVER_STATE_ENABLED = True
ARCHIVER_FULL_CRAWL = False  # True: fetch everything again (`archiver crawl --full`)
ARCHIVER_RESUME = True  # False: leave an interrupted crawl as it is and start a new one
# Each incremental crawl also rechecks (conditional GET; unchanged: a revisit record) the
# pages of this share of the known posts, at least ARCHIVER_REVALIDATE_MIN of them: the
# posts the previous crawl changed first, then the least recently captured ones in turn.
ARCHIVER_REVALIDATE_SHARE = 0.005
ARCHIVER_REVALIDATE_MIN = 1
# An incremental crawl first asks for the newest end of each REST listing (one request a
# kind) and lists every post and comment id only when that shows a change, or every this
# many crawls, or when the last full listing is this many days old (0: no such limit).
ARCHIVER_FULL_LISTING_EVERY = 10
ARCHIVER_FULL_LISTING_DAYS = 30.0

# posts.jsonl and comments.jsonl are written by archiver.crawl.record_files.RecordFilesPipeline
# (cheaper than feed exports); FEEDS and -o stay free for the user's own exports.
FEED_EXPORT_ENCODING = "utf-8"
FEED_STORE_EMPTY = True

# --- politeness ---------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = (
    f"blog-archiver/{__version__} (+https://github.com/blog-archiver/blog-archiver; "
    "web archiving of blogs)"
)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 60
ARCHIVER_HONOUR_RETRY_AFTER = True  # 429/503 with Retry-After slow the whole blog down
ARCHIVER_RETRY_AFTER_MAX = 300.0  # seconds; a longer Retry-After is capped (and reported)

# Scrapy's duplicate filter with 8 bytes a request kept, not 90 (archiver.crawl.dupefilter).
DUPEFILTER_CLASS = "archiver.crawl.dupefilter.CompactDupeFilter"
# Scrapy starts this many asyncio tasks for every callback's output (default 100), whatever
# its size; our pipelines are synchronous, so more buy nothing but the tasks' cost.
CONCURRENT_ITEMS = 16
# Response bodies waiting for an extraction worker (Scrapy's default 5 MB): 2 MB keep two
# workers fed, and the crawl's memory stays 12 MB lower (bench/README.md).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 2_000_000

# --- components, in Scrapy's priority order ---------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # A redirect out of the blog's scope (or to a denied URL) is not followed.
    "archiver.crawl.redirect_scope.RedirectScopeMiddleware": 100,
    # Engine side ... Retry 550, HttpCompression 590, Redirect 600, DownloaderStats 850
    # Just before Retry on the way back: a Retry-After delays the blog's download slot.
    "archiver.crawl.retry_after.RetryAfterMiddleware": 555,
    # Conditional GETs from the state, 304s answered with the earlier capture; every
    # response remembered in the state (after the recorder has written it).
    "archiver.crawl.conditional.ConditionalRequestMiddleware": 880,
    # Recording at 890 sees responses as they came off the wire: still compressed, and 3xx,
    # 4xx and 5xx before Redirect and Retry act on them.
    "archiver.crawl.recording.WarcRecordingMiddleware": 890,
    # Next to where HttpCache sits (900): a resumed crawl's stored responses, not fetched again.
    "archiver.crawl.resume.ResumeMiddleware": 905,
    # downloader side.
}
ITEM_PIPELINES = {
    "archiver.crawl.pipelines.DeduplicatePipeline": 100,
    "archiver.crawl.pipelines.ChangedRecordsPipeline": 200,
    "archiver.crawl.record_files.RecordFilesPipeline": 900,
}
EXTENSIONS = {
    # A full or read-only output folder stops the crawl with one line (not a traceback
    # a request); first, so the summary already knows when it is written.
    "archiver.crawl.output_errors.OutputErrorsExtension": 490,
    "archiver.crawl.summary.CrawlSummaryExtension": 500,
    # Figures for the report (summary.json's report_figures): every response as downloaded.
    "archiver.crawl.report_figures.ReportFiguresExtension": 505,
    "archiver.crawl.record_sorting.SortedRecordsExtension": 510,
    "archiver.crawl.progress.ProgressExtension": 520,
    # After the summary: its engine_stopped handler runs first and announces summary.json.
    "archiver.crawl.crawl_state.CrawlStateExtension": 530,
    # Last: engine_stopped handlers run in this order, so summary.json, the sorted JSONL
    # and index.cdxj (spider_closed) are all written when the WACZ packages them.
    "archiver.crawl.wacz_package.WaczPackageExtension": 540,
    # After the WACZ: the report lists it with the crawl's other files.
    "archiver.crawl.report_writer.ReportWriterExtension": 550,
}

# --- many machines (archiver.fleet.distributed) -------------------------------------------
# Set ARCHIVER_REDIS_URL (redis://host:6379/0) to share one blog's frontier among workers.
ARCHIVER_REDIS_URL = ""
ARCHIVER_CRAWL_ID = ""  # names the shared crawl in Redis; default: the blog's folder name
ARCHIVER_WORKER_ID = ""  # default: <host>-<pid>
ARCHIVER_WORKER_TIMEOUT = 60.0  # seconds without a heartbeat before a worker counts as dead
ADDONS = {
    # Component paths of the flat layout (archiver.middlewares...) rewritten, with a warning.
    "archiver._moved.MovedPathsAddon": -100,
    "archiver.fleet.distributed.DistributedCrawlAddon": 0,
}

LOG_LEVEL = "INFO"

# --- no control servers -------------------------------------------------------------------
# Scrapy's telnet console and its remote-control HTTP server (Scrapy 2.19: runs any Python
# code it is sent) listen on every crawl; a crawl from cron or Scrapyd on a shared machine
# has no use for either. A user may turn them on with -s.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
