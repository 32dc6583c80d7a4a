"""Queries the CLI shares: selecting, searching and counting articles, listing reprinted stories.

(Reprint lookups live in `crawler.reprints.index`.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    String,
    column,
    false,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy import text as text_clause
from sqlalchemy.orm import Session

from crawler import reports
from crawler.models import ArticleRow, CrawlRun, ReprintRow
from crawler.normalize.outlets import canonical_source

EXPORT_FIELDS = (
    "url", "site", "title", "published_at", "source", "author", "editor", "views", "body",
    "images", "category", "crawled_at", "source_canonical", "authors", "date_source", "date_conflict", "reprint_notice",
    "source_raw", "views_lower_bound",
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

    def apply(self, query: Select[Any], search: ColumnElement[bool] | None = None) -> Select[Any]:
        """`query` narrowed by the filters; `search` is `search_clause(engine, self.search)`."""
        if self.site:
            query = query.where(ArticleRow.site == self.site)
        if self.source:  # as the page said it, or the same outlet by another name (中证网 = 中国证券报·中证网)
            outlet = canonical_source(self.source)
            query = query.where(or_(ArticleRow.source == self.source, ArticleRow.source_canonical == outlet))
        if self.since:
            query = query.where(ArticleRow.published_at >= self.since)
        if self.until:
            query = query.where(ArticleRow.published_at < self.until)
        if self.min_views is not None:
            query = query.where(ArticleRow.views >= self.min_views)
        if search is not None:
            query = query.where(search)
        return query


def search_index(engine: Engine) -> str:
    """How this database searches text: `fts5` (SQLite trigram table; `fts5+vocab` with its vocabulary,
    for 1-2 character terms), `trgm` (PostgreSQL pg_trgm indexes) or `scan` (LIKE over every row)."""
    tables = inspect(engine).get_table_names()
    if engine.dialect.name == "sqlite" and "articles_fts" in tables:
        return "fts5+vocab" if "articles_fts_vocab" in tables else "fts5"
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            if connection.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
                return "trgm"
    return "scan"


#: A 1-2 character term in more articles than this is searched by a scan newest first, which stops
#: at the first screenful of matches; a rarer one through the trigram index.
SHORT_TERM_INDEX_LIMIT = 5000


def search_clause(engine: Engine, text: str) -> ColumnElement[bool]:
    """Title or body contains `text` (a substring, CJK included), as fast as this database allows.

    SQLite: 3+ characters match the FTS5 trigram index as a phrase; 1-2 characters match any indexed
    trigram starting with them (every value ends with two newlines in the index, so every
    occurrence starts one), unless the term is so common that a newest-first scan finds a
    screenful at once. PostgreSQL: ILIKE, which the pg_trgm GIN indexes serve. Else LIKE.
    """
    index = search_index(engine)
    if index.startswith("fts5") and len(text) >= 3:
        return _fts_match('"' + text.replace('"', '""') + '"')
    if index == "fts5+vocab":
        vocabulary = text_clause(
            "SELECT term, doc FROM articles_fts_vocab WHERE term >= :low AND term < :high"
        ).bindparams(low=text.lower(), high=text.lower() + "\U0010ffff")
        with engine.connect() as connection:
            terms = connection.execute(vocabulary).all()
        if not terms:
            return false()
        if sum(doc for _, doc in terms) <= SHORT_TERM_INDEX_LIMIT:
            return _fts_match(" OR ".join('"' + term.replace('"', '""') + '"' for term, _ in terms))
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if index == "trgm":
        return or_(ArticleRow.title.ilike(pattern, escape="\\"), ArticleRow.body.ilike(pattern, escape="\\"))
    return or_(ArticleRow.title.like(pattern, escape="\\"), ArticleRow.body.like(pattern, escape="\\"))


def _fts_match(expression: str) -> ColumnElement[bool]:
    matching = text_clause("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :expression")
    return ArticleRow.id.in_(matching.bindparams(expression=expression).columns(column("rowid", Integer)))


def iter_articles(
    engine: Engine, filters: Filters = Filters(), limit: int | None = None, chunk: int = 2000
) -> Iterator[dict[str, Any]]:
    """Stored articles as contract records, in id order, streamed in chunks (constant memory)."""
    last_id, left = 0, limit
    search = search_clause(engine, filters.search) if filters.search else None
    with engine.connect() as connection:
        while left is None or left > 0:
            size = chunk if left is None else min(chunk, left)
            query = select(*_ARTICLE_COLUMNS).where(ArticleRow.id > last_id).order_by(ArticleRow.id).limit(size)
            rows = connection.execute(filters.apply(query, search)).all()
            if not rows:
                return
            yield from _records(connection, rows)
            last_id = rows[-1].id
            left = None if left is None else left - len(rows)


def count_articles(engine: Engine, filters: Filters = Filters()) -> int:
    """How many stored articles match `filters`."""
    search = search_clause(engine, filters.search) if filters.search else None
    query = filters.apply(select(func.count(ArticleRow.id)), search)
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
    query = filters.apply(select(*_ARTICLE_COLUMNS), search_clause(engine, filters.search) if filters.search else None)
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
    """What `finnews stats` shows: articles per site / source / day, reprints, views, last crawl runs, and
    each portal's line of its last crawl's report (`crawler.reports.latest`)."""
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
            "portals": reports.latest(engine),
            "runs": [
                {
                    "id": run.id,
                    "sites": run.sites,
                    "started_at": run.started_at,
                    "finished_at": run.finished_at,
                    "finish_reason": run.finish_reason,
                    "stored": (run.stats or {}).get("finnews/stored", 0),
                    "reprints": (run.stats or {}).get("finnews/dropped/reprint", 0),
                    "warnings": len((run.report or {}).get("warnings", [])),
                }
                for run in runs
            ],
        }
