"""The batched article writer: one background thread writes articles and reprints in group commits,
checking each batch for reprints of stored stories inside its transaction (`crawler.reprints`)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from crawler.db import WRITER_LOCK, insert_ignore, upsert
from crawler.models import SHANGHAI, ArticleRow, CrawlRun, FingerprintRow, ReprintRow, Site, ViewSnapshot
from crawler.reprints.fingerprint import fingerprint
from crawler.reprints.index import Match, Page, find_copies, index_bands
from crawler.reprints.matching import Matching, is_origin

logger = logging.getLogger(__name__)


@dataclass
class ReprintRecord:
    """A copy to be recorded under the canonical article stored at `canonical_url`.

    `article` is the copy's own article row (as for `write_batch`): with it, a copy that turns out
    to be the story's origin takes the canonical article's place (see `_promote_origins`).
    """

    canonical_url: str
    url: str
    site: str
    published_at: datetime | None
    views: int | None
    similarity: float
    crawled_at: datetime
    article: dict[str, Any] | None = None


class ArticleWriter:
    """Writes articles and reprints from one background thread, in batches (group commit).

    `submit()` queues a row and returns a future that resolves once its transaction has committed:
    the writer takes everything queued since its last commit, and what arrives within `linger`
    seconds of the first row, up to `batch_size`, into one transaction: a crawl's items, which come
    a few at a time, share commits (and reprint checks) instead of paying one each.
    Writes are FIFO: a reprint submitted after its canonical article is written after it.

    With `matching`, writers serialise on a database lock and check every new article against
    what is stored (by this crawl or any other), inside their transaction: a copy of a stored story
    is recorded as its reprint instead, and its future resolves to the canonical URL (else None).
    """

    def __init__(
        self, engine: Engine, batch_size: int = 500, matching: Matching | None = None, linger: float = 0.0
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.matching = matching
        self.linger = linger
        self._queue: queue.Queue[tuple[Any, Future[str | None]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="finnews-writer", daemon=True)
        self._thread.start()

    def submit(self, row: dict[str, Any] | ReprintRecord) -> Future[str | None]:
        future: Future[str | None] = Future()
        self._queue.put((row, future))
        return future

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            entry = self._queue.get()
            batch = []
            deadline = time.monotonic() + self.linger
            while entry is not None:
                batch.append(entry)
                if len(batch) >= self.batch_size:
                    break
                try:
                    entry = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
            stopping = entry is None
            if batch:
                self._write(batch)

    def _write(self, batch: list[tuple[Any, Future[str | None]]]) -> None:
        articles = [row for row, _ in batch if not isinstance(row, ReprintRecord)]
        reprints = [row for row, _ in batch if isinstance(row, ReprintRecord)]
        try:
            with self.engine.connect() as connection:
                try:
                    with connection.begin():
                        copies = write_batch(connection, articles, reprints, self.matching)
                finally:
                    _unlock_writers(connection)
        except Exception as exc:
            logger.exception("writing a batch of %d rows failed", len(batch))
            for _, future in batch:
                future.set_exception(exc)
            return
        for row, future in batch:
            future.set_result(None if isinstance(row, ReprintRecord) else copies.get(row["url"]))


_ARTICLE_UPDATES = (
    "site", "title", "published_at", "date_source", "date_conflict", "reprint_notice", "source", "source_raw", "source_canonical",
    "author", "authors", "editor", "views", "views_lower_bound", "body", "images", "category", "body_hash", "n_shingles", "figures",
)  # fmt: skip
_REPRINT_UPDATES = ("article_id", "site", "published_at", "views", "similarity", "crawled_at")


def write_batch(
    connection: Connection,
    articles: list[dict[str, Any]],
    reprints: list[ReprintRecord],
    matching: Matching | None = None,
) -> dict[str, str]:
    """Write a batch in one transaction: sites, articles (upserted by URL), their fingerprints,
    reprints (upserted by URL, after the articles they belong to) and view snapshots.

    A re-crawled article is updated in place; `updated_at` moves only when a value changed. With
    `matching`, the batch first takes the writers' lock and new articles that copy a stored story
    are written as its reprints: returns their URL -> the canonical URL.
    """
    copies: dict[str, str] = {}
    if articles and matching is not None:
        _lock_writers(connection)
        found = find_copies(connection, [Page(row["url"], fingerprint(row["body"])) for row in articles], matching)
        copies = {url: match.url for url, match in found.items()}
        reprints = [*(_as_reprint(row, found[row["url"]]) for row in articles if row["url"] in found), *reprints]
        articles = [row for row in articles if row["url"] not in found]
    if articles:
        _write_articles(connection, articles)
    if reprints:
        ids = _story_ids(connection, [record.canonical_url for record in reprints])
        rows = []
        for record in reprints:
            if record.canonical_url not in ids:
                logger.error("reprint %s: canonical article %s is not stored", record.url, record.canonical_url)
                continue
            rows.append({
                "url": record.url, "article_id": ids[record.canonical_url], "site": record.site,
                "published_at": record.published_at, "views": record.views, "similarity": record.similarity,
                "crawled_at": record.crawled_at,
            })  # fmt: skip
        upsert(connection, ReprintRow, rows, _REPRINT_UPDATES)
        _promote_origins(connection, [record for record in reprints if record.article is not None])
    snapshots = [
        {"url": page["url"], "crawled_at": page["crawled_at"], "views": page["views"]}
        for page in [*articles, *(vars(record) for record in reprints)]
        if page["views"] is not None
    ]
    if snapshots:
        connection.execute(insert(ViewSnapshot), snapshots)
    return copies


def _write_articles(connection: Connection, articles: list[dict[str, Any]]) -> None:
    """Sites, articles (upserted by URL) and their band keys (replaced: a re-crawled body may have changed)."""
    sites = {row["site"]: row.get("site_name") for row in articles}
    now = articles[0]["crawled_at"]
    insert_ignore(connection, Site, [{"name": n, "site_name": s, "first_crawled_at": now} for n, s in sites.items()])
    rows = [
        {name: value for name, value in row.items() if name != "site_name"} | {"updated_at": row["crawled_at"]}
        for row in articles
    ]
    _upsert_articles(connection, rows)
    ids = _ids_by_url(connection, [row["url"] for row in articles])
    connection.execute(delete(FingerprintRow).where(FingerprintRow.article_id.in_(ids.values())))
    index_bands(connection, {ids[row["url"]]: fingerprint(row["body"]).bands for row in articles})


def _promote_origins(connection: Connection, copies: list[ReprintRecord]) -> None:
    """Make each copy that is its story's origin the canonical article: it is stored as the article,
    the story's reprints move to it, and the former canonical article becomes one of them."""
    for record in copies:
        assert record.article is not None
        current = connection.execute(
            select(ArticleRow.id, ArticleRow.url, ArticleRow.site, ArticleRow.published_at, ArticleRow.views,
                   ArticleRow.crawled_at, ArticleRow.source_canonical)
            .join(ReprintRow, ReprintRow.article_id == ArticleRow.id)
            .where(ReprintRow.url == record.url)
        ).first()  # fmt: skip
        if current is None or not is_origin(record.article, current):
            continue
        connection.execute(delete(ReprintRow).where(ReprintRow.url == record.url))
        _write_articles(connection, [record.article])
        origin_id = _ids_by_url(connection, [record.url])[record.url]
        connection.execute(update(ReprintRow).where(ReprintRow.article_id == current.id).values(article_id=origin_id))
        connection.execute(insert(ReprintRow).values(
            url=current.url, article_id=origin_id, site=current.site, published_at=current.published_at,
            views=current.views, similarity=record.similarity, crawled_at=current.crawled_at,
        ))  # fmt: skip
        connection.execute(delete(FingerprintRow).where(FingerprintRow.article_id == current.id))
        connection.execute(delete(ArticleRow).where(ArticleRow.id == current.id))
        logger.info("%s is the origin of %s: now the stored article, the other its reprint", record.url, current.url)


def _as_reprint(row: dict[str, Any], match: Match) -> ReprintRecord:
    return ReprintRecord(
        match.url, row["url"], row["site"], row["published_at"], row["views"], round(match.similarity, 3),
        row["crawled_at"], article=row,
    )  # fmt: skip


def _lock_writers(connection: Connection) -> None:
    """Take the lock that serialises finnews writers (of any process) until the transaction ends."""
    name = connection.dialect.name
    if name == "sqlite":
        connection.exec_driver_sql("UPDATE sites SET name = name WHERE 0")  # takes SQLite's write lock now
    elif name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
    elif name in ("mysql", "mariadb"):
        connection.exec_driver_sql(f"SELECT GET_LOCK('finnews-{WRITER_LOCK}', 120)")


def _unlock_writers(connection: Connection) -> None:
    """MySQL's named locks outlive transactions: release it (a no-op where it is not held)."""
    if connection.dialect.name in ("mysql", "mariadb"):
        connection.exec_driver_sql(f"SELECT RELEASE_LOCK('finnews-{WRITER_LOCK}')")


def _ids_by_url(connection: Connection, urls: list[str]) -> dict[str, int]:
    query = select(ArticleRow.url, ArticleRow.id).where(ArticleRow.url.in_(set(urls)))
    return {url: id_ for url, id_ in connection.execute(query)}


def _story_ids(connection: Connection, urls: list[str]) -> dict[str, int]:
    """The stored article of each URL's story: the article at that URL, or, where the page has
    since become a reprint (its story's origin took its place), the article it is a reprint of."""
    ids = _ids_by_url(connection, urls)
    if missing := set(urls) - ids.keys():
        query = select(ReprintRow.url, ReprintRow.article_id).where(ReprintRow.url.in_(missing))
        ids.update({url: article_id for url, article_id in connection.execute(query)})
    return ids


def _upsert_articles(connection: Connection, rows: list[dict[str, Any]]) -> None:
    table = ArticleRow.__table__

    def updated_at(new: Any) -> list[tuple[str, Any]]:
        changed = or_(*(table.c[name].is_distinct_from(new[name]) for name in _ARTICLE_UPDATES))
        return [("updated_at", case((changed, new["crawled_at"]), else_=table.c.updated_at))]

    upsert(connection, ArticleRow, rows, (*_ARTICLE_UPDATES, "crawled_at"), first=updated_at)


def start_run(engine: Engine, spider: str, sites: str | None) -> int:
    """Record the start of a crawl; returns the run's id."""
    with Session(engine) as session, session.begin():
        run = CrawlRun(spider=spider, sites=sites, started_at=datetime.now(SHANGHAI))
        session.add(run)
        session.flush()
        return run.id


def finish_run(engine: Engine, run_id: int, reason: str | None, stats: dict[str, Any]) -> None:
    """Record the end of a crawl with its closing stats."""
    with Session(engine) as session, session.begin():
        run = session.get_one(CrawlRun, run_id)
        run.finished_at = datetime.now(SHANGHAI)
        run.finish_reason = reason
        run.stats = {key: value if isinstance(value, int | float | str) else str(value) for key, value in stats.items()}
