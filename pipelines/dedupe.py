"""DedupePipeline: each story stored once; every other copy dropped and recorded as a reprint.

Two places hold the stories a copy may belong to. The articles this crawl accepted but the storage
pipeline has not committed yet are matched here, in memory, on the event loop (a handful at a time).
Everything stored, by this crawl or another, today or last year, is matched by the storage writer in
its own thread, batch by batch, inside the transaction that would store the copy (`store.write_batch`
with its LSH band index): such a copy leaves the storage pipeline as a reprint. So the event loop never
waits on a lookup in the database, and a crawl tomorrow drops reprints of what was stored today.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem

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
    """Drops reprints of the stories this crawl accepted and is about to store (see `Matching`).

    The first stored copy is canonical, unless a later copy is the story's origin (`store.is_origin`).
    """

    def __init__(self, matching: Matching, stats: StatsCollector, crawler: Crawler) -> None:
        self.crawler = crawler
        self.matching = matching
        self.stats = stats
        self.storage: StoragePipeline | None = None
        self.pending: dict[str, _Pending] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        assert crawler.stats is not None
        matching = Matching(crawler.settings.getfloat("FINNEWS_REPRINT_THRESHOLD"))
        pipeline = cls(matching, crawler.stats, crawler)
        crawler.signals.connect(pipeline._stored, signals.item_scraped)
        crawler.signals.connect(pipeline._not_stored, signals.item_dropped)
        crawler.signals.connect(pipeline._not_stored, signals.item_error)
        return pipeline

    def open_spider(self) -> None:
        self.storage = self.crawler.get_item_pipeline(StoragePipeline)
        if self.storage is None:
            raise RuntimeError("DedupePipeline needs StoragePipeline (reprints are recorded in the database)")

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
            if await self.pending[url].done:  # the canonical copy is committed (else: match again)
                break
        await self._record(article, url, similarity)
        self.stats.inc_value("finnews/dropped/reprint")
        raise DropItem(f"reprint of {url} (similarity {similarity:.2f}): {article.url}")

    def _match(self, page: queries.Page) -> tuple[str, float] | None:
        """The URL and similarity of the article accepted but not yet committed whose story `page`
        copies, or None (then the storage writer matches it against the database)."""
        body, bands = page.fingerprint, set(page.fingerprint.bands)
        for url, pending in self.pending.items():
            other = pending.page.fingerprint
            if url == page.url or (other.body_hash != body.body_hash and bands.isdisjoint(other.bands)):
                continue
            if (similarity := self.matching.compare(body, other)) is not None:
                return url, similarity
        return None

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
