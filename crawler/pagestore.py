"""Kept pages: the pages a crawl fetched, as served, compressed, in the `pages` table.

One home for everything about a kept page: the retention rule (`FINNEWS_KEEP_PAGES`), compression, the
background writer a crawl stores pages through, and the reads (`load_page`, `stored_validators`, `space_used`).

Pages live in the database, beside the articles they are the evidence of, rather than in a folder of
content-addressed files: one backup and one copy hold everything, a distributed crawl shares them through
the database it already shares, and retention is one DELETE. Compression is zstd level 3: on the real pages
of `../shared/realpages` it is as small as zlib level 6 (44 vs 45 KB from 190 KB) at a fifth of its CPU
(0.9 vs 4.4 ms a page) and reads back three times as fast (0.15 vs 0.43 ms), which is what
`finnews reextract` pays per page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import zstandard
from sqlalchemy import Engine, delete, exists, func, or_, select

from crawler.batches import BatchThread
from crawler.db import upsert
from crawler.models import ArticleRow, PageRow, ReprintRow

logger = logging.getLogger(__name__)

#: Page kinds: an article page, a page its content classifies, a CMS read-count script, a later part of a
#: paginated article (read with its first part's page: `finnews reextract`).
ARTICLE, PAGE, COUNTER, PART = "article", "page", "counter", "part"
ZSTD = "zstd"
_LEVEL = 3
_UPDATES = (
    "site", "kind", "response_url", "status", "content_type", "last_modified", "etag", "listing_date", "fetched_at",
    "size", "compression", "content",
)  # fmt: skip


@dataclass(frozen=True)
class Retention:
    """How long pages are kept: `keep` False keeps none; `days` None keeps them all."""

    keep: bool
    days: int | None = None

    @classmethod
    def parse(cls, text: str | int | None) -> Retention:
        """`all`, `off` or a number of days (`30`, `30d`).

        >>> Retention.parse("all"), Retention.parse("off"), Retention.parse("30d")
        (Retention(keep=True, days=None), Retention(keep=False, days=None), Retention(keep=True, days=30))
        """
        value = str(text if text is not None else "all").strip().lower()
        if value in ("all", ""):
            return cls(True)
        if value in ("off", "none", "0"):
            return cls(False)
        days = value.removesuffix("d").removesuffix(" days").strip()
        if not days.isdigit():
            raise ValueError(f"FINNEWS_KEEP_PAGES: {text!r} is none of all, off, N (days)")
        return cls(True, int(days))


#: Each thread's zstd compressor (one may not be shared by threads): making one per page cost a fifth of the
#: compression of a real page (0.96 vs 0.76 ms on `../shared/realpages`), and its output is the same.
_compressors = threading.local()


def compress(content: bytes) -> bytes:
    """`content` as stored (zstd level 3)."""
    compressor = getattr(_compressors, "zstd", None)
    if compressor is None:
        compressor = _compressors.zstd = zstandard.ZstdCompressor(level=_LEVEL)
    return compressor.compress(content)


def decompress(stored: bytes, compression: str) -> bytes:
    """The bytes served, from what is stored."""
    if compression != ZSTD:
        raise ValueError(f"unknown page compression {compression!r}")
    return zstandard.ZstdDecompressor().decompress(stored)


@dataclass
class KeptPage:
    """A page as fetched: what `PageWriter.submit` takes and `load_page` returns."""

    url: str
    site: str
    kind: str
    response_url: str
    status: int
    content_type: str | None
    last_modified: str | None
    etag: str | None
    listing_date: str | None
    fetched_at: datetime
    content: bytes

    def row(self) -> dict[str, Any]:
        """The `pages` row (content compressed)."""
        values = vars(self) | {"size": len(self.content), "compression": ZSTD, "content": compress(self.content)}
        return values

    @classmethod
    def of(cls, row: Any) -> KeptPage:
        """A page from its `pages` row."""
        return cls(
            row.url, row.site, row.kind, row.response_url, row.status, row.content_type, row.last_modified, row.etag,
            row.listing_date, row.fetched_at, decompress(row.content, row.compression),
        )  # fmt: skip


class PageWriter:
    """Writes pages from one background thread, batched: compression and the database stay off the event
    loop. Pages are upserted by URL (a refetch replaces the stored page). A failed batch is logged and
    lost: a kept page is evidence, not the article, which the article writer guarantees."""

    def __init__(self, engine: Engine, batch_size: int = 200) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.written = 0
        # Pages are evidence, not the article: batches wait a little for more (0.2 s) to compress and commit fewer.
        # Two batches at most wait (each page holds its whole body): a crawl faster than the database waits for
        # it here, rather than holding every page it has fetched since the writer fell behind.
        self._batches: BatchThread[KeptPage] = BatchThread(
            self._write, "finnews-pages", batch_size, linger=0.2, max_waiting=2 * batch_size
        )

    def submit(self, page: KeptPage) -> None:
        self._batches.put(page)

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._batches.close()

    def _write(self, batch: list[KeptPage]) -> None:
        rows = list({page.url: page.row() for page in batch}.values())  # the last fetch of a URL wins
        try:
            with self.engine.begin() as connection:
                upsert(connection, PageRow, rows, _UPDATES)
            self.written += len(rows)
        except Exception as exc:
            logger.error("keeping %d pages failed: %s", len(rows), str(exc).splitlines()[0])


def load_page(engine: Engine, url: str, kind: str | None = None) -> KeptPage | None:
    """The kept page (of `kind`, if given) fetched from `url` (or whose final URL after redirects is `url`), else
    None."""
    with engine.connect() as connection:
        for column in (PageRow.url, PageRow.response_url):
            query = select(PageRow).where(column == url).order_by(PageRow.id.desc())
            row = connection.execute(query.where(PageRow.kind == kind) if kind else query).first()
            if row is not None:
                return KeptPage.of(row)
    return None


def stored_validators(engine: Engine, sites: Collection[str] | None = None) -> dict[str, tuple[str | None, str | None]]:
    """(ETag, Last-Modified) by URL of the pages kept (of `sites`, else all) with a validator and whose article
    is stored (as an article or a reprint): one query, read when a crawl opens. A page kept whose item never
    reached the database (a crawl stopped, storage refused it) must be fetched whole again, or a 304 would
    lose its article for good."""
    stored = or_(
        exists(select(ArticleRow.id).where(ArticleRow.url == PageRow.url)),
        exists(select(ReprintRow.id).where(ReprintRow.url == PageRow.url)),
    )
    query = select(PageRow.url, PageRow.etag, PageRow.last_modified).where(
        or_(PageRow.etag.is_not(None), PageRow.last_modified.is_not(None)), stored
    )
    if sites is not None:
        query = query.where(PageRow.site.in_(sites))
    with engine.connect() as connection:
        return {row.url: (row.etag, row.last_modified) for row in connection.execute(query)}


def space_used(engine: Engine) -> dict[str, int]:
    """Pages kept, their bytes as served and as stored (compressed)."""
    with engine.connect() as connection:
        count, served, stored = connection.execute(
            select(func.count(), func.coalesce(func.sum(PageRow.size), 0),
                   func.coalesce(func.sum(func.length(PageRow.content)), 0))
        ).one()  # fmt: skip
    return {"pages": int(count), "bytes_served": int(served), "bytes_stored": int(stored)}


def prune(engine: Engine, retention: Retention, now: datetime) -> int:
    """Delete the pages older than `retention` keeps; returns how many."""
    if retention.keep and retention.days is None:
        return 0
    query = delete(PageRow)
    if retention.keep and retention.days is not None:
        query = query.where(PageRow.fetched_at < now - timedelta(days=retention.days))
    with engine.begin() as connection:
        return connection.execute(query).rowcount or 0
