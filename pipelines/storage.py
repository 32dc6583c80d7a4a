"""StoragePipeline: articles into the database through SQLAlchemy, batched off the event loop."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from sqlalchemy import Engine

from crawler import db
from crawler.items import Article
from crawler.reprints.fingerprint import fingerprint
from crawler.reprints.matching import Matching
from crawler.writer import ArticleWriter, ReprintRecord, finish_run, start_run

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_ROW_FIELDS = (
    "url", "site", "site_name", "title", "published_at", "date_source", "date_conflict", "reprint_notice", "source", "source_raw",
    "source_canonical", "author", "authors", "editor", "views", "views_lower_bound", "body", "images", "category",
    "crawled_at",
)  # fmt: skip


def article_row(article: Article) -> dict[str, Any]:
    """The values `crawler.writer.write_batch` writes for a normalised article."""
    row = {name: getattr(article, name) for name in _ROW_FIELDS}
    body = fingerprint(article.body)
    row.update(body_hash=body.body_hash, n_shingles=body.size, figures=" ".join(body.figures))
    return row


class StoragePipeline:
    """Stores each article; an item leaves this pipeline only once its transaction has committed.

    Rows go to a background writer thread that commits in batches (group commit), so the event
    loop never waits on the database and batches grow with the crawl's rate. Everything queued is
    written on spider close, which Scrapy also reaches on SIGINT/SIGTERM. Each crawl is recorded
    in `crawl_runs` with its closing stats.
    """

    def __init__(
        self, db_url: str | None, batch_size: int, matching: Matching, stats: StatsCollector, linger: float = 0.0
    ) -> None:
        self.db_url = db.database_url(db_url)
        self.batch_size = batch_size
        self.linger = linger
        self.matching = matching
        self.stats = stats
        self.engine: Engine | None = None
        self.writer: ArticleWriter | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        assert crawler.stats is not None
        settings = crawler.settings
        matching = Matching(settings.getfloat("FINNEWS_REPRINT_THRESHOLD"))
        pipeline = cls(
            settings.get("FINNEWS_DB_URL"),
            settings.getint("FINNEWS_DB_BATCH_SIZE"),
            matching,
            crawler.stats,
            settings.getfloat("FINNEWS_DB_LINGER"),
        )
        crawler.signals.connect(pipeline.spider_opened, signals.spider_opened)
        crawler.signals.connect(pipeline.spider_closed, signals.spider_closed)
        try:  # before the crawl starts: a database that cannot be used stops it with one line, no traceback
            pipeline.engine = db.make_engine(pipeline.db_url)
        except Exception as exc:
            logger.error("cannot store articles in %s: %s", pipeline.db_url, str(exc).splitlines()[0])
            raise SystemExit(1) from None
        return pipeline

    def open_spider(self) -> None:
        assert self.engine is not None
        self.writer = ArticleWriter(self.engine, self.batch_size, self.matching, self.linger)
        logger.info("storing articles in %s", self.engine.url.render_as_string())

    def spider_opened(self, spider: Spider) -> None:
        assert self.engine is not None
        self.run_id = start_run(self.engine, spider.name, getattr(spider, "site", None))

    async def process_item(self, item: Any) -> Any:
        article = ItemAdapter(item).item
        if not isinstance(article, Article):
            return item
        canonical = await self.submit(article_row(article))
        if canonical is not None:  # a copy of a stored story: the writer recorded it as a reprint
            self.stats.inc_value("finnews/dropped/reprint")
            raise DropItem(f"reprint of {canonical} (found in the database): {article.url}")
        self.stats.inc_value("finnews/stored")
        return item

    def submit(self, row: dict[str, Any] | ReprintRecord) -> asyncio.Future[str | None]:
        """Queue a row; the future resolves once it is committed (FIFO with everything queued before)."""
        assert self.writer is not None
        return asyncio.wrap_future(self.writer.submit(row))

    def close_spider(self) -> None:
        if self.writer is not None:  # None: the database never opened, and the crawl stopped at once
            self.writer.close()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.engine is None:
            return
        if self.run_id is not None:
            finish_run(self.engine, self.run_id, reason, self.stats.get_stats())
        self.engine.dispose()
