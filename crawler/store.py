"""Engine and schema helpers, and the batched article writer (reads live in `crawler.queries`)."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from crawler.models import SHANGHAI, ArticleRow, Base, CrawlRun, FingerprintRow, ReprintRow, Site, ViewSnapshot
from crawler.normalize.outlets import canonical_source
from crawler.queries import Match, Page, find_copies
from pipelines.fingerprint import Matching, fingerprint

logger = logging.getLogger(__name__)

DEFAULT_DB_URL = "sqlite:///data/finnews.db"


def database_url(url: str | None = None) -> str:
    """The URL to use: an explicit one, else `FINNEWS_DB_URL`, else the SQLite default."""
    return url or os.environ.get("FINNEWS_DB_URL") or DEFAULT_DB_URL


class SchemaError(RuntimeError):
    """The database's schema is not the one this version of finnews uses."""


def make_engine(url: str | None = None, *, create: bool = True, check: bool = True) -> Engine:
    """An engine for `url`.

    `create`: a new database gets the schema (through the migrations), a SQLite file its directory;
    without it, a missing SQLite file raises FileNotFoundError. `check`: an existing database whose
    schema is not this version's raises `SchemaError` (run `finnews db upgrade`). SQLite connections
    get WAL, a busy timeout and foreign keys.
    """
    sa_url = make_url(database_url(url))
    if sa_url.get_backend_name() == "sqlite":
        path = sa_url.database
        if path and path != ":memory:":
            if create:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            elif not Path(path).exists():
                raise FileNotFoundError(f"no database at {path}")
        engine = create_engine(sa_url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif sa_url.get_backend_name() == "postgresql":
        # Server-side date arithmetic (articles per day) in Beijing time, like the stored values.
        engine = create_engine(sa_url, pool_pre_ping=True, connect_args={"options": "-c timezone=Asia/Shanghai"})
    else:
        engine = create_engine(sa_url, pool_pre_ping=True)
    if create or check:
        revision = schema_revision(engine)
        if revision is None and create:
            upgrade(engine)
        elif check and revision != head_revision():
            found = f"at revision {revision}" if revision else "not a finnews database (no schema revision)"
            raise SchemaError(
                f"the database is {found}, this finnews needs {head_revision()}: run `finnews db upgrade`"
            )
    return engine


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "crawler:migrations")
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for a database without the finnews schema."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the schema migrations up to `revision` (the first one creates the schema)."""
    from alembic import command

    config = _alembic_config()
    with engine.begin() as connection:
        _lock_schema(connection)  # crawls starting at once on a new database: one creates it, the others wait
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, revision)
        finally:
            if connection.dialect.name in ("mysql", "mariadb"):
                connection.exec_driver_sql("SELECT RELEASE_LOCK('finnews-schema')")


def _lock_schema(connection: Connection) -> None:
    """Serialise schema migrations of one database across processes, until the transaction ends."""
    name = connection.dialect.name
    if name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, and the DDL inside this transaction
    elif name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITER_LOCK + 1})")
    elif name in ("mysql", "mariadb"):
        connection.exec_driver_sql("SELECT GET_LOCK('finnews-schema', 300)")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# --- writing -------------------------------------------------------------------------------------


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
        _upsert(connection, ReprintRow, rows, _REPRINT_UPDATES)
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
    _insert_ignore(connection, Site, [{"name": n, "site_name": s, "first_crawled_at": now} for n, s in sites.items()])
    rows = [
        {name: value for name, value in row.items() if name != "site_name"} | {"updated_at": row["crawled_at"]}
        for row in articles
    ]
    _upsert_articles(connection, rows)
    ids = _ids_by_url(connection, [row["url"] for row in articles])
    connection.execute(delete(FingerprintRow).where(FingerprintRow.article_id.in_(ids.values())))
    index_bands(connection, {ids[row["url"]]: fingerprint(row["body"]).bands for row in articles})


#: Band keys held by this many articles already are not given to more: a key that many articles share
#: (the boilerplate of a templated report) tells nothing, and capping it keeps every lookup's cost flat
#: however large the index grows. A copy is still found through the bands its own text gives it.
MAX_BAND_HOLDERS = 32


def index_bands(connection: Connection, bands: dict[int, tuple[int, ...]]) -> None:
    """Store the LSH band keys of articles (id -> keys), but those already held by MAX_BAND_HOLDERS."""
    keys = {key for article_keys in bands.values() for key in article_keys}
    if not keys:
        return
    full = set(
        connection.scalars(
            select(FingerprintRow.key)
            .where(FingerprintRow.key.in_(keys))
            .group_by(FingerprintRow.key)
            .having(func.count() >= MAX_BAND_HOLDERS)
        )
    )
    rows = [{"key": key, "article_id": i} for i, article_keys in bands.items() for key in set(article_keys) - full]
    _insert_ignore(connection, FingerprintRow, rows)


def is_origin(copy: dict[str, Any], canonical: Any) -> bool:
    """Whether a copy is clearly the story's origin rather than the stored canonical article: it was
    published earlier, or its portal is the outlet the canonical article names as its 来源 while the
    copy names none (it is the portal's own story)."""
    if copy["published_at"] and canonical.published_at and copy["published_at"] < canonical.published_at:
        return True
    outlet = canonical_source(copy.get("site_name"))
    return copy["source"] is None and outlet is not None and outlet == canonical.source_canonical


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


# An arbitrary constant naming finnews's writer lock on PostgreSQL (pg_advisory_xact_lock) and MySQL.
_WRITER_LOCK = 0x66696E6E  # "finn"


def _lock_writers(connection: Connection) -> None:
    """Take the lock that serialises finnews writers (of any process) until the transaction ends."""
    name = connection.dialect.name
    if name == "sqlite":
        connection.exec_driver_sql("UPDATE sites SET name = name WHERE 0")  # takes SQLite's write lock now
    elif name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITER_LOCK})")
    elif name in ("mysql", "mariadb"):
        connection.exec_driver_sql(f"SELECT GET_LOCK('finnews-{_WRITER_LOCK}', 120)")


def _unlock_writers(connection: Connection) -> None:
    """MySQL's named locks outlive transactions: release it (a no-op where it is not held)."""
    if connection.dialect.name in ("mysql", "mariadb"):
        connection.exec_driver_sql(f"SELECT RELEASE_LOCK('finnews-{_WRITER_LOCK}')")


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


def _dialect_insert(connection: Connection, model: type[Base]) -> Any:
    table = model.__table__  # the dialects' insert() accept any table; mypy knows it only as a FromClause
    name = connection.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)  # type: ignore[arg-type]
    if name == "postgresql":
        return postgresql.insert(table)  # type: ignore[arg-type]
    if name in ("mysql", "mariadb"):
        return mysql.insert(table)  # type: ignore[arg-type]
    raise NotImplementedError(f"finnews does not support {name} databases (SQLite, PostgreSQL, MySQL/MariaDB)")


def _insert_ignore(connection: Connection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    statement = _dialect_insert(connection, model)
    if connection.dialect.name in ("mysql", "mariadb"):
        statement = statement.prefix_with("IGNORE")
    else:
        statement = statement.on_conflict_do_nothing()
    connection.execute(statement, rows)


def _upsert(
    connection: Connection,
    model: type[Base],
    rows: list[dict[str, Any]],
    updates: Sequence[str],
    first: Callable[[Any], list[tuple[str, Any]]] = lambda new: [],
) -> None:
    """INSERT ... ON CONFLICT (url) DO UPDATE / ON DUPLICATE KEY UPDATE, executemany.

    `first(new)` gives extra (column, expression) assignments made before `updates`, where `new`
    holds the proposed row's values (MySQL evaluates assignments in order, each seeing the ones before).
    """
    if not rows:
        return
    statement = _dialect_insert(connection, model)
    if connection.dialect.name in ("mysql", "mariadb"):
        new = statement.inserted
        statement = statement.on_duplicate_key_update([*first(new), *((name, new[name]) for name in updates)])
    else:
        new = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=["url"], set_=dict([*first(new), *((name, new[name]) for name in updates)])
        )
    connection.execute(statement, rows)


def _upsert_articles(connection: Connection, rows: list[dict[str, Any]]) -> None:
    table = ArticleRow.__table__

    def updated_at(new: Any) -> list[tuple[str, Any]]:
        changed = or_(*(table.c[name].is_distinct_from(new[name]) for name in _ARTICLE_UPDATES))
        return [("updated_at", case((changed, new["crawled_at"]), else_=table.c.updated_at))]

    _upsert(connection, ArticleRow, rows, (*_ARTICLE_UPDATES, "crawled_at"), first=updated_at)


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
