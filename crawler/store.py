"""Engine and session helpers, the batched article writer, and the queries the CLI and pipelines share."""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    String,
    case,
    column,
    create_engine,
    event,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy import text as text_clause
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from crawler.models import (
    SHANGHAI,
    ArticleRow,
    Base,
    CrawlRun,
    FingerprintRow,
    ReprintRow,
    Site,
    ViewSnapshot,
)

logger = logging.getLogger(__name__)

DEFAULT_DB_URL = "sqlite:///data/finnews.db"


def database_url(url: str | None = None) -> str:
    """The URL to use: an explicit one, else `FINNEWS_DB_URL`, else the SQLite default."""
    return url or os.environ.get("FINNEWS_DB_URL") or DEFAULT_DB_URL


class SchemaError(RuntimeError):
    """The database's schema is not the one this version of finnews uses."""


def make_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for `url`; with `create`, a new database gets the schema (through the migrations).

    SQLite gets WAL, a busy timeout and foreign keys, and its directory is created if missing.
    An existing database whose schema is behind raises `SchemaError` (run `finnews db upgrade`).
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
    if create:
        revision = schema_revision(engine)
        if revision is None:
            upgrade(engine)
        elif revision != head_revision():
            raise SchemaError(
                f"the database schema is at revision {revision}, not {head_revision()}: run `finnews db upgrade`"
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
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


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
    """A copy to be recorded under the canonical article stored at `canonical_url`."""

    canonical_url: str
    url: str
    site: str
    published_at: datetime | None
    views: int | None
    similarity: float
    crawled_at: datetime


class ArticleWriter:
    """Writes articles and reprints from one background thread, in batches (group commit).

    `submit()` queues a row and returns a future that resolves once its transaction has committed:
    the writer takes everything queued since its last commit (up to `batch_size`) into one
    transaction, so batches grow with the load and a lone item waits for one commit only.
    Writes are FIFO: a reprint submitted after its canonical article is written after it.
    """

    def __init__(self, engine: Engine, batch_size: int = 500) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self._queue: queue.Queue[tuple[Any, Future[None]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="finnews-writer", daemon=True)
        self._thread.start()

    def submit(self, row: dict[str, Any] | ReprintRecord) -> Future[None]:
        future: Future[None] = Future()
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
            while entry is not None:
                batch.append(entry)
                if len(batch) >= self.batch_size:
                    break
                try:
                    entry = self._queue.get_nowait()
                except queue.Empty:
                    break
            stopping = entry is None
            if batch:
                self._write(batch)

    def _write(self, batch: list[tuple[Any, Future[None]]]) -> None:
        articles = [row for row, _ in batch if not isinstance(row, ReprintRecord)]
        reprints = [row for row, _ in batch if isinstance(row, ReprintRecord)]
        try:
            with self.engine.begin() as connection:
                write_batch(connection, articles, reprints)
        except Exception as exc:
            logger.exception("writing a batch of %d rows failed", len(batch))
            for _, future in batch:
                future.set_exception(exc)
            return
        for _, future in batch:
            future.set_result(None)


_ARTICLE_UPDATES = (
    "site", "title", "published_at", "date_source", "source", "source_raw", "author", "editor", "views",
    "views_lower_bound", "body", "images", "category", "body_hash", "n_keys",
)  # fmt: skip
_REPRINT_UPDATES = ("article_id", "site", "published_at", "views", "similarity", "crawled_at")


def write_batch(connection: Connection, articles: list[dict[str, Any]], reprints: list[ReprintRecord]) -> None:
    """Write a batch in one transaction: sites, articles (upserted by URL), their paragraph keys,
    reprints (upserted by URL, after the articles they belong to) and view snapshots.

    A re-crawled article is updated in place; `updated_at` moves only when a value changed.
    """
    if articles:
        sites = {row["site"]: row.get("site_name") for row in articles}
        now = articles[0]["crawled_at"]
        _insert_ignore(
            connection, Site, [{"name": n, "site_name": s, "first_crawled_at": now} for n, s in sites.items()]
        )
        rows = [
            {name: value for name, value in row.items() if name not in ("keys", "site_name")}
            | {"updated_at": row["crawled_at"]}
            for row in articles
        ]
        _upsert_articles(connection, rows)
        ids = _ids_by_url(connection, [row["url"] for row in articles])
        keys = [{"key": key, "article_id": ids[row["url"]]} for row in articles for key in row["keys"]]
        _insert_ignore(connection, FingerprintRow, keys)
    if reprints:
        ids = _ids_by_url(connection, [record.canonical_url for record in reprints])
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
    snapshots = [
        {"url": page["url"], "crawled_at": page["crawled_at"], "views": page["views"]}
        for page in [*articles, *(vars(record) for record in reprints)]
        if page["views"] is not None
    ]
    if snapshots:
        connection.execute(insert(ViewSnapshot), snapshots)


def _ids_by_url(connection: Connection, urls: list[str]) -> dict[str, int]:
    query = select(ArticleRow.url, ArticleRow.id).where(ArticleRow.url.in_(set(urls)))
    return {url: id_ for url, id_ in connection.execute(query)}


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


# --- reading -------------------------------------------------------------------------------------


@dataclass
class Match:
    """A stored (or pending) article that a body matches."""

    url: str
    similarity: float


def find_canonical(
    connection: Connection, url: str, body_hash: int, keys: list[int], min_shared: int, threshold: float
) -> Match | None:
    """The stored story a page at `url` with this body is a copy of; None if it is new or is itself
    the stored copy (a re-crawl).

    In order: the page itself stored (None), the page recorded as a reprint before, a stored body
    equal to this one, then the stored article sharing the most paragraph keys, if its containment
    (shared keys over the smaller key set) reaches `threshold` with at least `min_shared` keys, so a
    copy missing its last paragraph or carrying an extra editor line still matches its original.
    """
    known = union_all(
        select(literal(0).label("kind"), ArticleRow.url).where(ArticleRow.url == url),
        select(literal(1), ArticleRow.url)
        .join(ReprintRow, ReprintRow.article_id == ArticleRow.id)
        .where(ReprintRow.url == url),
        select(literal(2), ArticleRow.url).where(ArticleRow.body_hash == body_hash),
    )
    found = {kind: stored_url for kind, stored_url in connection.execute(known)}
    if 0 in found:
        return None
    if (stored_url := found.get(1, found.get(2))) is not None:
        return Match(stored_url, 1.0)
    if len(keys) < min_shared:
        return None
    shared = func.count(FingerprintRow.key).label("shared")
    candidates = (
        select(ArticleRow.url, ArticleRow.n_keys, shared)
        .join(FingerprintRow, FingerprintRow.article_id == ArticleRow.id)
        .where(FingerprintRow.key.in_(keys))
        .group_by(ArticleRow.id, ArticleRow.url, ArticleRow.n_keys)
        .having(shared >= min_shared)
        .order_by(shared.desc())
        .limit(5)
    )
    best: Match | None = None
    for stored_url, n_keys, count in connection.execute(candidates):
        similarity = count / min(len(keys), n_keys)
        if similarity >= threshold and (best is None or similarity > best.similarity):
            best = Match(stored_url, similarity)
    return best


EXPORT_FIELDS = (
    "url", "site", "title", "published_at", "source", "author", "editor", "views", "body",
    "images", "category", "crawled_at", "date_source", "source_raw", "views_lower_bound",
)  # fmt: skip
_ARTICLE_COLUMNS = [ArticleRow.id, *(getattr(ArticleRow, name) for name in EXPORT_FIELDS)]
_REPRINT_COLUMNS = [ReprintRow.article_id, ReprintRow.url, ReprintRow.site, ReprintRow.published_at, ReprintRow.views]


def _records(connection: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Article rows (`_ARTICLE_COLUMNS`) as contract records, with their reprints (one query)."""
    reprints: dict[int, list[dict[str, Any]]] = {row.id: [] for row in rows}
    if reprints:
        query = select(*_REPRINT_COLUMNS).where(ReprintRow.article_id.in_(list(reprints))).order_by(ReprintRow.id)
        for copy in connection.execute(query):
            reprints[copy.article_id].append(
                {"url": copy.url, "site": copy.site, "published_at": copy.published_at, "views": copy.views}
            )
    return [
        {**{name: row[i + 1] for i, name in enumerate(EXPORT_FIELDS)}, "reprints": reprints[row.id]} for row in rows
    ]


@dataclass(frozen=True)
class Filters:
    """What `finnews query` / `export` select: every filter is optional and they combine with AND."""

    site: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    min_views: int | None = None

    def apply(self, query: Select[Any], index: str = "scan") -> Select[Any]:
        """`query` narrowed by the filters; `index` is the database's search index (`search_index`)."""
        if self.site:
            query = query.where(ArticleRow.site == self.site)
        if self.source:
            query = query.where(ArticleRow.source == self.source)
        if self.since:
            query = query.where(ArticleRow.published_at >= self.since)
        if self.until:
            query = query.where(ArticleRow.published_at < self.until)
        if self.min_views is not None:
            query = query.where(ArticleRow.views >= self.min_views)
        if self.search:
            query = query.where(search_condition(self.search, index))
        return query


def search_index(engine: Engine) -> str:
    """How this database searches text: `fts5` (SQLite trigram table), `trgm` (PostgreSQL pg_trgm
    indexes) or `scan` (LIKE over every row)."""
    tables = inspect(engine).get_table_names()
    if engine.dialect.name == "sqlite" and "articles_fts" in tables:
        return "fts5"
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            if connection.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
                return "trgm"
    return "scan"


def search_condition(text: str, index: str) -> ColumnElement[bool]:
    """Title or body contains `text` (a substring, CJK included).

    FTS5's trigram index answers 3+ characters; 1-2 characters (and `scan`) fall back to LIKE. On
    PostgreSQL, ILIKE is what the pg_trgm GIN indexes serve.
    """
    if index == "fts5" and len(text) >= 3:
        phrase = '"' + text.replace('"', '""') + '"'
        matching = text_clause("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :phrase")
        return ArticleRow.id.in_(matching.bindparams(phrase=phrase).columns(column("rowid", Integer)))
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if index == "trgm":
        return or_(ArticleRow.title.ilike(pattern, escape="\\"), ArticleRow.body.ilike(pattern, escape="\\"))
    return or_(ArticleRow.title.like(pattern, escape="\\"), ArticleRow.body.like(pattern, escape="\\"))


def iter_articles(
    engine: Engine, filters: Filters = Filters(), limit: int | None = None, chunk: int = 2000
) -> Iterator[dict[str, Any]]:
    """Stored articles as contract records, in id order, streamed in chunks (constant memory)."""
    last_id, left = 0, limit
    index = search_index(engine) if filters.search else "scan"
    with engine.connect() as connection:
        while left is None or left > 0:
            size = chunk if left is None else min(chunk, left)
            query = select(*_ARTICLE_COLUMNS).where(ArticleRow.id > last_id).order_by(ArticleRow.id).limit(size)
            rows = connection.execute(filters.apply(query, index)).all()
            if not rows:
                return
            yield from _records(connection, rows)
            last_id = rows[-1].id
            left = None if left is None else left - len(rows)


def count_articles(engine: Engine, filters: Filters = Filters()) -> int:
    """How many stored articles match `filters`."""
    query = filters.apply(select(func.count(ArticleRow.id)), search_index(engine) if filters.search else "scan")
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()


def latest_articles(engine: Engine, filters: Filters = Filters(), limit: int = 20) -> list[dict[str, Any]]:
    """The `limit` most recently published articles matching `filters`, newest first (undated last).

    Ordered by the indexed `published_at` alone, so the database can walk its index newest first and
    stop after `limit` matches (NULLS LAST is spelled out only where it is not the DESC default).
    """
    newest = ArticleRow.published_at.desc()
    order: list[ColumnElement[Any]] = [
        newest.nulls_last() if engine.dialect.name == "postgresql" else newest,
        ArticleRow.id.desc(),
    ]
    query = filters.apply(select(*_ARTICLE_COLUMNS), search_index(engine) if filters.search else "scan")
    with engine.connect() as connection:
        return _records(connection, connection.execute(query.order_by(*order).limit(limit)).all())


def reprinted_stories(
    engine: Engine, since: datetime | None = None, site: str | None = None, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Stories that ran on more than one page: the stored article and where else it ran, most copies first.

    `since` keeps stories whose first publication is at or after it; `site` those with a copy (the
    stored one or a reprint) on that portal.
    """
    copies = func.count(ReprintRow.id).label("copies")
    query = (
        select(ArticleRow.id, copies)
        .join(ReprintRow, ReprintRow.article_id == ArticleRow.id)
        .group_by(ArticleRow.id)
        .order_by(copies.desc(), ArticleRow.id)
    )
    if since is not None:
        query = query.where(ArticleRow.published_at >= since)
    if site is not None:
        on_site = select(ReprintRow.article_id).where(ReprintRow.site == site)
        query = query.where(or_(ArticleRow.site == site, ArticleRow.id.in_(on_site)))
    with engine.connect() as connection:
        ids = [row.id for row in connection.execute(query.limit(limit))]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = connection.execute(select(*_ARTICLE_COLUMNS).where(ArticleRow.id.in_(chunk))).all()
            by_id = {
                record_id: record
                for record_id, record in zip((r.id for r in rows), _records(connection, rows), strict=True)
            }
            for article_id in chunk:
                yield _story(by_id[article_id])


def _story(record: dict[str, Any]) -> dict[str, Any]:
    pages = [{"url": record["url"], "site": record["site"], "published_at": record["published_at"],
              "views": record["views"]}, *record["reprints"]]  # fmt: skip
    times = sorted(page["published_at"] for page in pages if page["published_at"] is not None)
    return {
        "title": record["title"],
        "url": record["url"],
        "source": record["source"],
        "copies": len(pages),
        "sites": sorted({page["site"] for page in pages}),
        "first_published": times[0] if times else None,
        "last_published": times[-1] if times else None,
        "pages": pages,
    }


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


def summary(engine: Engine) -> dict[str, Any]:
    """Counts for a crawl summary: articles, reprints, articles per site."""
    with Session(engine) as session:
        per_site = dict(
            session.execute(
                select(ArticleRow.site, func.count()).group_by(ArticleRow.site).order_by(ArticleRow.site)
            ).all()
        )
        reprints = session.scalar(select(func.count()).select_from(ReprintRow)) or 0
    return {"articles": sum(per_site.values()), "reprints": reprints, "per_site": per_site}


def statistics(engine: Engine, top: int = 20) -> dict[str, Any]:
    """What `finnews stats` shows: articles per site / source / day, reprints, views, last crawl runs."""
    day = func.substr(func.cast(ArticleRow.published_at, String), 1, 10)
    with Session(engine) as session:

        def counts(column: Any, order_by_count: bool = True) -> list[tuple[Any, int]]:
            count = func.count(ArticleRow.id)
            order = count.desc() if order_by_count else column.desc()
            query = select(column, count).group_by(column).order_by(order).limit(top)
            return [tuple(row) for row in session.execute(query)]

        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(5)).all()
        return {
            **summary(engine),
            "views_total": session.scalar(select(func.coalesce(func.sum(ArticleRow.views), 0))),
            "per_source": counts(ArticleRow.source),
            "per_day": counts(day, order_by_count=False),
            "reprinted_most": [
                tuple(row)
                for row in session.execute(
                    select(ArticleRow.title, func.count(ReprintRow.id).label("copies"))
                    .join(ReprintRow)
                    .group_by(ArticleRow.id, ArticleRow.title)
                    .order_by(func.count(ReprintRow.id).desc())
                    .limit(5)
                )
            ],
            "runs": [
                {
                    "id": run.id,
                    "sites": run.sites,
                    "started_at": run.started_at,
                    "finished_at": run.finished_at,
                    "finish_reason": run.finish_reason,
                    "stored": (run.stats or {}).get("finnews/stored", 0),
                    "reprints": (run.stats or {}).get("finnews/dropped/reprint", 0),
                }
                for run in runs
            ],
        }
