"""DedupePipeline: each story stored once; every other copy dropped and recorded as a reprint.

Two places hold the stories a copy may belong to (`crawler.reprints.index`). The articles this crawl
accepted but the storage pipeline has not committed yet are matched here, in memory, on the event loop
(a handful at a time). Everything stored, by this crawl or another, today or last year, is matched by the
storage writer in its own thread, batch by batch, inside the transaction that would store the copy
(`crawler.batchwrite.write_batch` with its LSH band index): such a copy leaves the storage pipeline as a
reprint. So the event loop never waits on a lookup in the database, and a crawl tomorrow drops reprints
of what was stored today.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals

from crawler.batchwrite import article_row, reprint_of
from crawler.items import Article
from crawler.reprints.fingerprint import fingerprint
from crawler.reprints.index import Page, PendingArticles
from crawler.reprints.matching import Matching
from pipelines.storage import Reprint, StoragePipeline

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def page_of(article: Article) -> Page:
    """What reprint lookups know of an article: its URL and its body's fingerprint."""
    return Page(article.url, fingerprint(article.body))


class DedupePipeline:
    """Drops reprints of the stories this crawl accepted and is about to store (see `Matching`).

    The first stored copy is canonical, unless a later copy is the story's origin
    (`crawler.reprints.matching.is_origin`).
    """

    def __init__(self, matching: Matching, stats: StatsCollector, crawler: Crawler) -> None:
        self.crawler = crawler
        self.matching = matching
        self.stats = stats
        self.storage: StoragePipeline | None = None
        self.pending = PendingArticles(matching)

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
            found = self.pending.match(page)
            if found is None:  # else the storage writer matches it against the database
                self.pending.add(item, page)
                return item
            canonical, similarity = found
            if await canonical.done:  # the canonical copy is committed (else: match again)
                break
        url = canonical.page.url
        await self._record(article, url, similarity)
        self.stats.inc_value("finnews/dropped/reprint")
        raise Reprint(f"reprint of {url} (similarity {similarity:.2f}): {article.url}")

    async def _record(self, article: Article, canonical_url: str, similarity: float) -> None:
        assert self.storage is not None and article.crawled_at is not None
        await self.storage.submit(reprint_of(canonical_url, article_row(article), similarity))

    def _stored(self, item: Any) -> None:
        self._settle(item, stored=True)

    def _not_stored(self, item: Any) -> None:
        self._settle(item, stored=False)

    def _settle(self, item: Any, stored: bool) -> None:
        self.pending.settle(item, stored)
