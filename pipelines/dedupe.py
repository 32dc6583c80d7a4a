"""DedupePipeline: each story stored once; every other copy dropped and recorded as a reprint.

The index is the database (`fingerprints` table: LSH band keys of every stored article), so a crawl
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
from pipelines.fingerprint import Matching, fingerprint
from pipelines.storage import StoragePipeline, article_row

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


@dataclass
class _Pending:
    item: Any
    page: queries.Page
    done: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


def page_of(article: Article) -> queries.Page:
    """What reprint lookups know of an article: its URL and its body's fingerprint."""
    return queries.Page(article.url, fingerprint(article.body))


class DedupePipeline:
    """Drops reprints: a copy of a story already stored, or accepted and about to be (see `Matching`).

    The first stored copy is canonical, unless a later copy is the story's origin (`store.is_origin`).
    """

    def __init__(self, matching: Matching, stats: StatsCollector, crawler: Crawler) -> None:
        self.crawler = crawler
        self.matching = matching
        self.stats = stats
        self.storage: StoragePipeline | None = None
        self.pending: dict[str, _Pending] = {}
        self.connection: Connection | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        assert crawler.stats is not None
        matching = Matching(crawler.settings.getfloat("FINNEWS_REPRINT_THRESHOLD"))
        pipeline = cls(matching, crawler.stats, crawler)
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
            page = page_of(article)
            canonical = self._match(page)
            if canonical is None:
                self.pending[article.url] = _Pending(item, page)
                return item
            url, similarity = canonical
            pending = self.pending.get(url)
            if pending is None or await pending.done:  # the canonical copy is committed
                break
        await self._record(article, url, similarity)
        self.stats.inc_value("finnews/dropped/reprint")
        raise DropItem(f"reprint of {url} (similarity {similarity:.2f}): {article.url}")

    def _match(self, page: queries.Page) -> tuple[str, float] | None:
        """The canonical URL and similarity of the story `page` copies, or None if it is new: first
        among the articles accepted but not yet committed, then in the database."""
        body, bands = page.fingerprint, set(page.fingerprint.bands)
        for url, pending in self.pending.items():
            other = pending.page.fingerprint
            if url == page.url or (other.body_hash != body.body_hash and bands.isdisjoint(other.bands)):
                continue
            if (similarity := self.matching.compare(body, other)) is not None:
                return url, similarity
        match = queries.find_canonical(self._connect(), page, self.matching)
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
            article=article_row(article),  # in case this copy is the story's origin
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
