"""StoragePipeline: articles into the database through SQLAlchemy, batched off the event loop."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import Engine

from crawler import db, rekey, watch
from crawler.batchwrite import ReprintRecord, article_row
from crawler.changes import Removal
from crawler.exitcodes import RECOVERY_FILE_STAT, RUN_STAT, STORAGE_FAILED_REASON
from crawler.items import Article, Gone
from crawler.leases import Leases, PortalsBusy
from crawler.models import SHANGHAI
from crawler.recovery import RecoveryFile, recovery_path
from crawler.reprints.matching import Matching
from crawler.runs import close_interrupted_runs, finish_run, start_run
from crawler.writer import ArticleWriter, StorageFailed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class Reprint(DropItem):
    """A copy of a story already seen: dropped here, recorded as a reprint of the story."""


class StoragePipeline:
    """Stores each article; an item leaves this pipeline only once its transaction has committed.

    Rows go to a background writer thread that commits in batches (group commit), so the event
    loop never waits on the database and batches grow with the crawl's rate; once `max_waiting` rows
    wait for their commit (FINNEWS_DB_MAX_WAITING), the crawl waits for the writer. Everything queued is
    written on spider close, which Scrapy also reaches on SIGINT/SIGTERM. Each crawl is recorded
    in `crawl_runs` with its closing stats; runs of this host whose process died are closed first.
    One crawl of a portal at a time: the crawl takes its portals' leases (`crawler.leases`) before it
    starts, or does not start (`PortalsBusy`, exit status 6); a shared crawl (FINNEWS_REDIS_URL) takes none.

    No silent loss: a batch the database refuses (after `retry_seconds` of retries where the failure
    is transient) goes, with every later row, to a recovery file in `recovery_dir`; the crawl stops
    as `storage_failed` (stats `finnews/dropped/storage_failed` and `finnews/recovery_file`).
    """

    def __init__(
        self,
        db_url: str | None,
        batch_size: int,
        matching: Matching,
        crawler: Crawler,
        linger: float = 0.0,
        retry_seconds: float = 0.0,
        recovery_dir: str = "data",
        watch_file: str = "",
        watch_webhook: str = "",
        max_waiting: int = 0,
    ) -> None:
        self.db_url = db.database_url(db_url)
        self.batch_size = batch_size
        self.linger = linger
        self.max_waiting = max_waiting
        self.retry_seconds = retry_seconds
        self.recovery_dir = recovery_dir
        self.watch_file = watch_file
        self.watch_webhook = watch_webhook
        self.matching = matching
        self.crawler = crawler
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats
        self.engine: Engine | None = None
        self.writer: ArticleWriter | None = None
        self.recovery: RecoveryFile | None = None
        self.run_id: int | None = None
        self.leases: Leases | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        settings = crawler.settings
        pipeline = cls(
            settings.get("FINNEWS_DB_URL"),
            settings.getint("FINNEWS_DB_BATCH_SIZE"),
            Matching(settings.getfloat("FINNEWS_REPRINT_THRESHOLD")),
            crawler,
            settings.getfloat("FINNEWS_DB_LINGER"),
            settings.getfloat("FINNEWS_DB_RETRY_SECONDS"),
            settings.get("FINNEWS_RECOVERY_DIR"),
            settings.get("FINNEWS_WATCH_FILE"),
            settings.get("FINNEWS_WATCH_WEBHOOK"),
            settings.getint("FINNEWS_DB_MAX_WAITING"),
        )
        crawler.signals.connect(pipeline.spider_closed, signals.spider_closed)
        try:  # before the crawl starts: a database that cannot be used stops it with one line, no traceback
            pipeline.engine = db.retrying(  # locked a while (the processes of a shared crawl creating it at once)
                lambda: db.make_engine(pipeline.db_url, busy_seconds=pipeline.busy_seconds),
                pipeline.retry_seconds,
                "opening the database",
            )
        except Exception as exc:
            logger.error("cannot store articles in %s: %s", pipeline.db_url, str(exc).splitlines()[0])
            raise SystemExit(1) from None
        if not settings.get("FINNEWS_REDIS_URL"):  # the processes of a shared crawl crawl the same portals
            portals = [profile.name for profile in getattr(crawler.spider, "profiles", ())]
            pipeline.take_leases(Leases(pipeline.engine, portals, settings.getfloat("FINNEWS_LEASE_SECONDS")))
        return pipeline

    def take_leases(self, leases: Leases) -> None:
        """Take the crawl's leases on its portals; `PortalsBusy` (another crawl runs on them) stops the crawl
        before it starts. A database that refuses them (read-only, full) lets the crawl go on: the writer
        meets the same failure, and its rows go to a recovery file."""
        try:
            leases.acquire()
        except PortalsBusy:
            raise
        except Exception as exc:
            logger.error("could not take the crawl's leases (%s): crawling without them", db.describe(exc))
            return
        leases.keep()
        self.leases = leases

    @property
    def busy_seconds(self) -> float:
        """How long one SQLite statement waits for another connection's lock: a quarter of the retry
        window (at least 1 s, at most SQLite's usual 30 s), so a lock is retried (and logged) a few times."""
        return min(db.SQLITE_BUSY_SECONDS, max(1.0, self.retry_seconds / 4))

    def open_spider(self) -> None:
        assert self.engine is not None and self.crawler.spider is not None
        spider = self.crawler.spider
        try:
            close_interrupted_runs(self.engine)
            self.run_id = start_run(self.engine, spider.name, getattr(spider, "site", None))
            self.stats.set_value(RUN_STAT, self.run_id)
        except Exception as exc:  # the writer meets the same failure: retried, else a recovery file
            logger.error("could not record the crawl run: %s", db.describe(exc))
        try:  # an upgrade's recomputation of the stored articles' reprint keys, if left undone (crawler.rekey)
            rekey.rekey(self.engine)
        except Exception as exc:
            logger.error("could not recompute the stored articles' reprint keys (%s): run `finnews db upgrade`",
                         db.describe(exc))  # fmt: skip
        self.recovery = RecoveryFile(recovery_path(self.recovery_dir, self.run_id, datetime.now(SHANGHAI)))
        self.writer = ArticleWriter(
            self.engine,
            self.batch_size,
            self.matching,
            self.linger,
            self.retry_seconds,
            self.recovery,
            self.max_waiting,
        )
        logger.info("storing articles in %s (run %s)", self.engine.url.render_as_string(), self.run_id)

    async def process_item(self, item: Any) -> Any:
        article = ItemAdapter(item).item
        if isinstance(article, Gone):  # a stored copy of the page, if any, is marked removed
            await self.submit(Removal(article.url, article.seen_at))
            self.stats.inc_value("finnews/gone")
            raise DropItem(f"gone (HTTP {article.status}): {article.url}", log_level="DEBUG")
        if not isinstance(article, Article):
            return item
        canonical = await self.submit(article_row(article))
        if canonical is not None:  # a copy of a stored story: the writer recorded it as a reprint
            self.stats.inc_value("finnews/dropped/reprint")
            raise Reprint(f"reprint of {canonical} (found in the database): {article.url}")
        self.stats.inc_value("finnews/stored")
        return item

    async def submit(self, row: dict[str, Any] | ReprintRecord | Removal) -> str | None:
        """Store a row (FIFO with everything queued before): the canonical URL where the writer found
        it a copy of a stored story, else None. Raises DropItem where the database refused it (the row
        is in the recovery file, and the crawl stops)."""
        assert self.writer is not None
        try:
            return await asyncio.wrap_future(self.writer.submit(row))
        except StorageFailed as failure:
            self._stop(failure)
            self.stats.inc_value("finnews/dropped/storage_failed")
            raise DropItem(f"not stored ({failure.cause}), kept in {failure.path}") from None

    def _stop(self, failure: StorageFailed) -> None:
        """The first refused row stops the crawl (its other refused rows just count)."""
        if self.stats.get_value(RECOVERY_FILE_STAT) is not None:
            return
        self.stats.set_value(RECOVERY_FILE_STAT, str(failure.path))
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORAGE_FAILED_REASON))

    def close_spider(self) -> None:
        if self.writer is not None:  # None: the database never opened, and the crawl stopped at once
            self.writer.close()
        if self.recovery is not None:
            self.recovery.close()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.engine is None:
            return
        if self.writer is not None and self.writer.failure is not None:
            reason = STORAGE_FAILED_REASON  # also when the failure came as the crawl was closing anyway
        self._alert()
        if self.run_id is not None:
            try:
                finish_run(self.engine, self.run_id, reason, self.stats.get_stats())
            except Exception as exc:
                logger.error(
                    "could not close crawl run %s (%s): the next crawl closes it", self.run_id, db.describe(exc)
                )
        if self.leases is not None:
            try:
                self.leases.release()
            except Exception as exc:
                logger.error("could not release the crawl's leases (%s): they expire", db.describe(exc))
        self.engine.dispose()

    def _alert(self) -> None:
        """The watch list's alerts for what this crawl stored (`crawler.watch`), to the file and webhook."""
        assert self.engine is not None
        try:
            count = watch.deliver(watch.alerts(self.engine), self.watch_file, self.watch_webhook)
        except Exception as exc:  # the articles are stored; `finnews watch alerts` gives the alerts later
            logger.error("watch alerts failed (%s): run `finnews watch alerts`", db.describe(exc))
            return
        if count:
            self.stats.set_value("finnews/watch_alerts", count)
            logger.info("%d watch alerts written to %s", count, self.watch_file)
