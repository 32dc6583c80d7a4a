"""Scrapy settings of finnews. Our own settings are prefixed FINNEWS_ and defaulted here."""

from __future__ import annotations

import os

from crawler.db import database_url

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
#: Seconds the writer waits for more rows before it commits a batch (group commit; 0: commit at once).
FINNEWS_DB_LINGER = 0.1
#: Seconds a batch that failed for a transient reason (a lock held by another process, a deadlock, a dropped
#: connection) is tried again, with backoff, before the crawl stops as `storage_failed`. Two minutes outlast
#: what usually holds a database for a while (a backup or VACUUM of a large SQLite file, MySQL's 50 s lock
#: wait, a PostgreSQL failover) yet a crawl run by cron on a dead database stops within minutes.
FINNEWS_DB_RETRY_SECONDS = 120.0
#: Folder of recovery files: the rows a crawl could not store (`recovery-run<ID>-<time>.jsonl`), loaded back
#: with `finnews db import FILE`.
FINNEWS_RECOVERY_DIR = "data"
# Pages kept (crawler.pagestore): all, off, or N (days; older pages are deleted when a crawl opens).
FINNEWS_KEEP_PAGES = os.environ.get("FINNEWS_KEEP_PAGES", "all")
#: Share of the smaller body's 4-character shingles the other must contain for one story (containment).
FINNEWS_REPRINT_THRESHOLD = 0.6
#: Most listing pages followed per portal (0: no limit).
FINNEWS_MAX_LISTING_PAGES = 0
#: Most pages of one listing followed behind its first (page links, or the range a 尾页 link gives); a
#: listing that links "?page=N+1" forever stops there (stat `finnews/pagination_limit`). At least 1.
FINNEWS_MAX_PAGINATION = 500
#: Also follow article links found on article pages (相关推荐, 上一篇/下一篇, 栏目排行).
FINNEWS_FOLLOW_RELATED = True
#: Worker processes that read article pages (extraction) while the event loop goes on; 0: read them in the
#: crawl's own process. Worth it where a core is free: the event loop, the writer and extraction share one.
FINNEWS_EXTRACTION_PROCESSES = 0
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
# Items per response run one at a time: Scrapy's default of 100 costs ~1 ms of CPU per page in
# asyncio task creation (scrapy#5182) and article pages yield a single item anyway.
CONCURRENT_ITEMS = 1

# No listening ports: Scrapy's telnet console and remote-control HTTP server stay off (re-enable either with
# -s EXTENSIONS=...); not loading them also spares a crawl's start-up their imports (aiohttp).
EXTENSIONS = {"scrapy.extensions.telnet.TelnetConsole": None, "scrapy.extensions.remote_control.RemoteControl": None}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- staying on the portal (crawler.scope) ----------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # First of all: sees every request, redirects and meta refresh included, before robots.txt is asked.
    "crawler.middlewares.PortalScopeMiddleware": 50,
    # Below HttpCompressionMiddleware (590) and RedirectMiddleware (600): keeps pages as served, after both.
    "crawler.pagekeeping.KeepPagesMiddleware": 580,
    # Last before the download: a shared crawl's per-portal delay (only requests that will be fetched wait).
    "crawler.distributed.SharedPortalDelayMiddleware": 950,
}
# Only http(s) is ever fetched: no local files (file:), no data:, ftp: or s3: URLs, whatever a page says.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
LOG_FORMATTER = "crawler.logformatter.FinnewsLogFormatter"
