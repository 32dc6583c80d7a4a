"""DedupePipeline: each story stored once; every other copy dropped and recorded as a reprint.

The index is the database (`fingerprints` table: paragraph keys of every stored article), so a crawl
tomorrow drops reprints of what was stored today. Articles accepted but not yet committed are held
in a small in-memory overlay until the storage pipeline has committed them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem
from sqlalchemy import Connection

from crawler import queries, store
from crawler.items import Article
from pipelines.fingerprint import body_hash, containment, paragraph_keys
from pipelines.storage import StoragePipeline

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


@dataclass
class _Pending:
    item: Any
    keys: list[int]
    body_hash: int
    done: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class DedupePipeline:
    """Drops reprints: a body whose paragraph keys are mostly contained in a stored article's.

    `threshold` is the share of the smaller key set two bodies must share (containment), and
    `min_shared` the fewest shared paragraphs that count; bodies too short for keys match only
    exactly. The first stored copy is canonical.
    """

    def __init__(self, threshold: float, min_shared: int, stats: StatsCollector, crawler: Crawler) -> None:
        self.crawler = crawler
        self.threshold = threshold
        self.min_shared = min_shared
        self.stats = stats
        self.storage: StoragePipeline | None = None
        self.pending: dict[str, _Pending] = {}
        self.connection: Connection | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        assert crawler.stats is not None
        pipeline = cls(
            crawler.settings.getfloat("FINNEWS_REPRINT_THRESHOLD"),
            crawler.settings.getint("FINNEWS_REPRINT_MIN_SHARED"),
            crawler.stats,
            crawler,
        )
        crawler.signals.connect(pipeline._stored, signals.item_scraped)
        crawler.signals.connect(pipeline._not_stored, signals.item_dropped)
        crawler.signals.connect(pipeline._not_stored, signals.item_error)
        return pipeline

    def _connect(self) -> Connection:
        """The read connection of lookups, opened on first use (after StoragePipeline opened the database)."""
        if self.connection is None:
            self.storage = self.crawler.get_item_pipeline(StoragePipeline)
            if self.storage is None or self.storage.engine is None:
                raise RuntimeError("DedupePipeline needs StoragePipeline (its index is the database)")
            # Lookups must see what the writer thread commits: no transaction may hold an old snapshot.
            self.connection = self.storage.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self.connection

    def close_spider(self) -> None:
        if self.connection is not None:
            self.connection.close()

    async def process_item(self, item: Any) -> Any:
        article = ItemAdapter(item).item
        if not isinstance(article, Article):
            return item
        while True:
            canonical = self._match(article)
            if canonical is None:
                self.pending[article.url] = _Pending(item, paragraph_keys(article.body), body_hash(article.body))
                return item
            url, similarity = canonical
            pending = self.pending.get(url)
            if pending is None or await pending.done:  # the canonical copy is committed
                break
        await self._record(article, url, similarity)
        self.stats.inc_value("finnews/dropped/reprint")
        raise DropItem(f"reprint of {url} (similarity {similarity:.2f}): {article.url}")

    def _match(self, article: Article) -> tuple[str, float] | None:
        """The canonical URL and similarity of the story `article` reprints, or None if it is new."""
        keys, exact = paragraph_keys(article.body), body_hash(article.body)
        for url, pending in self.pending.items():
            if url == article.url:
                continue
            similarity = 1.0 if pending.body_hash == exact else containment(keys, pending.keys)
            shared = similarity * min(len(keys), len(pending.keys))
            if pending.body_hash == exact or (shared >= self.min_shared and similarity >= self.threshold):
                return url, similarity
        match = queries.find_canonical(self._connect(), article.url, exact, keys, self.min_shared, self.threshold)
        return (match.url, match.similarity) if match else None

    async def _record(self, article: Article, canonical_url: str, similarity: float) -> None:
        assert self.storage is not None and article.crawled_at is not None
        record = store.ReprintRecord(
            canonical_url=canonical_url,
            url=article.url,
            site=article.site,
            published_at=article.published_at,
            views=article.views,
            similarity=round(similarity, 3),
            crawled_at=article.crawled_at,
        )
        await self.storage.submit(record)

    def _stored(self, item: Any) -> None:
        self._settle(item, stored=True)

    def _not_stored(self, item: Any) -> None:
        self._settle(item, stored=False)

    def _settle(self, item: Any, stored: bool) -> None:
        article = ItemAdapter(item).item
        pending = self.pending.get(getattr(article, "url", ""))
        if pending is not None and pending.item is item:
            del self.pending[article.url]
            pending.done.set_result(stored)
