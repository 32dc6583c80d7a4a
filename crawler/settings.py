"""Scrapy settings of finnews. Our own settings are prefixed FINNEWS_ and defaulted here."""

from __future__ import annotations

import os

from crawler.db import database_url
from crawler.workers import usable_cores

BOT_NAME = "finnews"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# `scrapy crawl` with exit statuses that mean something (crawler/exitcodes.py)
COMMANDS_MODULE = "crawler.commands"

# --- finnews ---------------------------------------------------------------------------------------
#: SQLAlchemy URL of the database (SQLite, PostgreSQL `postgresql+psycopg://`, MySQL `mysql+pymysql://`).
FINNEWS_DB_URL = database_url()  # $FINNEWS_DB_URL, else crawler.db.DEFAULT_DB_URL
#: Folders of portal profiles (`NAME.toml`), separated by os.pathsep, searched after the built-in profiles
#: (`crawler.profiles`); `-a site=NAME` loads NAME.toml from the first that has it, `-a site=all` all of them.
FINNEWS_PROFILE_DIRS = os.environ.get("FINNEWS_PROFILE_DIRS", "")
#: Most rows written in one transaction (batches are smaller when the crawl is slower).
FINNEWS_DB_BATCH_SIZE = 500
#: Seconds the writer waits for more rows before it commits a batch (group commit; 0: commit at once). Each
#: batch costs the writer thread ~10 ms of Python (its statements) whatever its size: at 0.1 s a fast crawl
#: wrote ~10 rows a batch, and the writer's share of the GIL slowed the event loop (see README, Measured).
FINNEWS_DB_LINGER = 0.5
#: Most articles waiting for their commit: then the crawl waits for the writer (its event loop blocks until the
#: writer has room). Each holds its response, item and pipeline state (~40 KB a sample page), and what a backlog
#: held stays in the process's heap once freed. A crawl the writer keeps up with never has this many waiting
#: (50-571 in a 100,000-story crawl): the bound is for a database that falls far behind (a remote server, a
#: lock held for minutes), where memory would otherwise grow with the backlog. At 200 it slowed a 20,000-story
#: crawl by a quarter (243 s against 191-194 at 1,000 or none; the event loop stopped whenever the writer was
#: one batch behind), for 20 MB less peak RSS (README, Measured).
FINNEWS_DB_MAX_WAITING = 1000
#: Seconds a batch that failed for a transient reason (a lock held by another process, a deadlock, a dropped
#: connection) is tried again, with backoff, before the crawl stops as `storage_failed`. Two minutes outlast
#: what usually holds a database for a while (a backup or VACUUM of a large SQLite file, MySQL's 50 s lock
#: wait, a PostgreSQL failover) yet a crawl run by cron on a dead database stops within minutes.
FINNEWS_DB_RETRY_SECONDS = 120.0
#: Folder of recovery files: the rows a crawl could not store (`recovery-run<ID>-<time>.jsonl`), loaded back
#: with `finnews db import FILE`.
FINNEWS_RECOVERY_DIR = "data"
#: JSON-lines file the `finnews watch` alerts of each crawl are appended to (one per new matching article).
FINNEWS_WATCH_FILE = "data/watch-alerts.jsonl"
#: URL each watch alert is also POSTed to as JSON (empty: none).
FINNEWS_WATCH_WEBHOOK = os.environ.get("FINNEWS_WATCH_WEBHOOK", "")
#: Seconds a crawl's lease on its portals (one crawl of a portal into a database at a time, crawler.leases)
#: stands without renewal; renewed every quarter of it. A crawl killed outright frees its portals at once for
#: the next crawl on its host, after this long for a crawl on another host.
FINNEWS_LEASE_SECONDS = 120.0
#: Template drift (crawler.reports): a field whose share of a portal's articles falls by this much (0.3: from
#: 95 % to 65 % or less) against the median of the portal's previous runs is a warning (exit status 7) ...
FINNEWS_DRIFT_DROP = 0.3
#: ... judged only where this run and those runs read at least this many articles of the portal.
FINNEWS_DRIFT_MIN_ARTICLES = 10
# Pages kept (crawler.pagestore): all, off, or N (days; older pages are deleted when a crawl opens).
FINNEWS_KEEP_PAGES = os.environ.get("FINNEWS_KEEP_PAGES", "all")
#: Share of the smaller body's 4-character shingles the other must contain for one story (containment).
FINNEWS_REPRINT_THRESHOLD = 0.6
#: Most listing pages followed per portal (0: no limit).
FINNEWS_MAX_LISTING_PAGES = 0
#: Most pages of one listing followed behind its first (page links, or the range a 尾页 link gives); a
#: listing that links "?page=N+1" forever stops there (stat `finnews/pagination_limit`). At least 1.
FINNEWS_MAX_PAGINATION = 500
#: When a stored page is fetched again to read its read count (阅读量): each delay after its publication,
#: once, then never (comma-separated: 30m, 6h, 3d, 2w; `off`: never). Each refresh stores a view snapshot.
#: Other known pages are not fetched again (crawler/incremental.py; `-a full=1` fetches everything).
FINNEWS_REFRESH_AFTER = "1h,6h,24h,3d"
#: Also follow article links found on article pages (相关推荐, 上一篇/下一篇, 栏目排行).
FINNEWS_FOLLOW_RELATED = True
#: Also find articles in the sitemaps robots.txt names (else /sitemap.xml) and the RSS/Atom feeds listing pages
#: link to (crawler/spiders/discovery.py). A profile's own `sitemaps`, `feeds` and `json_listings` are read either way.
FINNEWS_DISCOVER = True
#: Worker processes that read article and listing pages (extraction) while the event loop goes on
#: (`crawler.workers`); 0: read them in the crawl's own process. One where the process may use more than one core
#: (its CPU affinity and its control group's CPU quota: `workers.usable_cores`): the event loop is the crawl's
#: bottleneck, and one worker reads pages faster than the loop fetches them (README, Measured).
FINNEWS_EXTRACTION_PROCESSES = 1 if usable_cores() > 1 else 0
#: The longest a worker may spend on one page, reading it or normalising its article (seconds): then it is killed
#: and replaced, the page lost (logged, counted in finnews/failed/article), the tasks waiting behind it run by the
#: next. A page read in the crawl's process has no such limit.
FINNEWS_EXTRACTION_TIME_LIMIT = 60.0
#: Redis shared by the processes of one crawl (`redis://host:6379/0`; see crawler/distributed/).
#: Empty: each process crawls on its own.
FINNEWS_REDIS_URL = os.environ.get("FINNEWS_REDIS_URL", "")
#: Key prefix of the shared crawl in Redis (empty: `finnews:portal:<profile names>:<hash of their start URLs>`).
FINNEWS_REDIS_KEY = ""
#: Seconds a process waits on an empty shared queue (for another process's next requests) before it stops.
FINNEWS_REDIS_IDLE_SECONDS = 10.0
#: How long a request taken from the shared queue stays leased to its process without renewal (renewed
#: every quarter of it while the process lives), and how long a process counts as present: a killed
#: process's requests go back to the queue this long after it died.
FINNEWS_REDIS_LEASE_SECONDS = 60.0
#: Seconds between two requests to one portal for a shared crawl as a whole, however many processes
#: (crawler.distributed.SharedPortalDelayMiddleware); empty: DOWNLOAD_DELAY; 0: no shared limit.
FINNEWS_REDIS_PORTAL_DELAY = ""

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.storage.StoragePipeline": 300,
}

# --- politeness and robustness ---------------------------------------------------------------------
# One compact seen set for the spider and the dupefilter (crawler/seen.py).
DUPEFILTER_CLASS = "crawler.seen.SeenDupeFilter"
ROBOTSTXT_OBEY = True
# Polite by default: a small portal's server is a few cores behind a slow line. AutoThrottle keeps one request
# in flight per site on average (two at most), never sooner than DOWNLOAD_DELAY apart, and slows down when
# the site does. Crawls of our own loopback servers set fast values (sampleportals/crawling.py).
# Name yourself to the sites you crawl: -s USER_AGENT="finnews (+mailto:you@example.org)".
USER_AGENT = "finnews/0.1 (news crawler)"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
#: Recognise challenge and rate-limit pages (crawler/extract/blocks.py): counted as finnews/blocked, never stored,
#: the crawl's exit status 5. finnews never solves them (README: "Running it on real portals").
FINNEWS_DETECT_BLOCKS = True
#: Seconds between requests to a portal once it answered a challenge or rate-limit page: at least this, doubled
#: at each further block, at most AUTOTHROTTLE_MAX_DELAY.
FINNEWS_BLOCKED_DELAY = 10.0
#: The longest wait a portal asks for that it gets (seconds, crawler/crawldelay.py): a robots.txt Crawl-delay
#: above it is obeyed as this; a Retry-After above it (on a 429 or 503) is not waited for.
FINNEWS_MAX_CRAWL_DELAY = 30.0
# Items per response run one at a time: Scrapy's default of 100 costs ~1 ms of CPU per page in
# asyncio task creation (scrapy#5182) and article pages yield a single item anyway.
CONCURRENT_ITEMS = 1

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
EXTENSIONS = {
    # Every LOGSTATS_INTERVAL seconds (60; 0: never) a progress line: pages/min, articles/min, reprints, queue.
    "crawler.logstats.ProgressLog": 0,
    # The start-up's objects out of the garbage collector's walks (crawler/heap.py).
    "crawler.heap.FrozenHeap": 0,
}
# Scrapy's own extensions (its EXTENSIONS_BASE: tests/test_heap.py checks the list against it), but for those
# the crawl replaces or keeps off: its stats line (ProgressLog instead), and no listening ports: its telnet
# console and remote-control HTTP server (re-enable either with -s EXTENSIONS=...). Left out here, not set to
# None in EXTENSIONS: Scrapy imports every class EXTENSIONS names, None or not, and the remote control's
# import alone (aiohttp) cost 0.3 s of every crawl's start-up.
EXTENSIONS_BASE = {
    "scrapy.extensions.corestats.CoreStats": 0,
    "scrapy.extensions.logcount.LogCount": 0,
    "scrapy.extensions.memusage.MemoryUsage": 0,
    "scrapy.extensions.memdebug.MemoryDebugger": 0,
    "scrapy.extensions.closespider.CloseSpider": 0,
    "scrapy.extensions.feedexport.FeedExporter": 0,
    "scrapy.extensions.spiderstate.SpiderState": 0,
    "scrapy.extensions.throttle.AutoThrottle": 0,
}
# Scrapy reads each generator callback's source (inspect, ast) to warn about a `return value` in it, again
# whenever its cache of bound methods lost it: 0.2 ms a response. finnews' callbacks return no value.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Scrapy's stats, without the shim it runs at every read of the collector's attributes (crawler.middlewares).
STATS_CLASS = "crawler.logstats.CrawlStats"

# --- staying on the portal (crawler.scope) ----------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # First of all: sees every request, redirects and meta refresh included, before robots.txt is asked.
    "crawler.middlewares.PortalScopeMiddleware": 50,
    # Scrapy's offsite filter reads a spider's `allowed_domains`, which finnews' spiders leave unset (their scope
    # is the portal's, above): it let every request through, checked twice each (scheduled, then downloaded).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # Below HttpCompressionMiddleware (590) and RedirectMiddleware (600): keeps pages as served, after both.
    # Per portal: the headers, cookies and proxy its profile sets (before robots.txt is asked, which they also serve).
    "crawler.middlewares.PortalRequestMiddleware": 60,
    # Just below Scrapy's RobotsTxtMiddleware (100): the spider's robots.txt request answered with its download.
    "crawler.middlewares.RobotsTxtOnceMiddleware": 101,
    # Reads the Crawl-delay of the robots.txt Scrapy's RobotsTxtMiddleware fetched (after decompression).
    "crawler.crawldelay.CrawlDelayMiddleware": 102,
    # Before the block detection (585) and Scrapy's retries (550) see it: a 429 or 503 with a Retry-After.
    "crawler.crawldelay.RetryAfterMiddleware": 586,
    # Above the page keeper and retries: challenge and rate-limit pages are counted and dropped, never kept.
    "crawler.blocking.BlockedPageMiddleware": 585,
    "crawler.pagekeeping.KeepPagesMiddleware": 580,
    # Scrapy's meta refresh (580, after the page keeper as Scrapy's was), asked only of pages whose head's bytes
    # say "refresh" (crawler.middlewares).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.QuickMetaRefreshMiddleware": 579,
    # Scrapy's cookies, without its download of the public-suffix list (crawler.middlewares).
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.middlewares.OfflineCookiesMiddleware": 700,
    # Last before the download: a shared crawl's per-portal delay (only requests that will be fetched wait).
    "crawler.distributed.SharedPortalDelayMiddleware": 950,
    # Next to the download: every answer and failure of each attempt, per portal (the crawl's report).
    "crawler.monitoring.PortalMonitor": 960,
}
# Only http(s) is ever fetched: no local files (file:), no data:, ftp: or s3: URLs, whatever a page says.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
LOG_FORMATTER = "crawler.logformatter.FinnewsLogFormatter"
