"""Queries the CLI shares: selecting, searching and counting articles, listing reprinted stories, a story's
trace.

"A copy" of a story has one definition, the database view `story_copies` (`crawler.models.story_copies`):
its stored article (the first publisher) and each of its reprints. `reprints`, `stats` and `story` count
and list copies through it.

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
from crawler.models import ArticleRow, ArticleVersion, CrawlRun, ReprintRow, ViewSnapshot, story_copies
from crawler.normalize.outlets import canonical_source

EXPORT_FIELDS = (
    "url", "site", "title", "published_at", "source", "author", "editor", "views", "body",
    "images", "category", "crawled_at", "source_canonical", "authors", "date_source", "date_conflict", "reprint_notice",
    "source_raw", "views_lower_bound", "removed_at",
)  # fmt: skip
_ARTICLE_COLUMNS = [ArticleRow.id, *(getattr(ArticleRow, name) for name in EXPORT_FIELDS)]
#: What an article record lists of each of its reprints.
REPRINT_FIELDS = ("url", "site", "published_at", "views", "source", "removed_at")
_REPRINT_COLUMNS = [ReprintRow.article_id, *(getattr(ReprintRow, name) for name in REPRINT_FIELDS)]


def _records(connection: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Article rows (`_ARTICLE_COLUMNS`) as contract records, with their reprints and when they were last
    edited (two queries)."""
    reprints: dict[int, list[dict[str, Any]]] = {row.id: [] for row in rows}
    if reprints:
        query = select(*_REPRINT_COLUMNS).where(ReprintRow.article_id.in_(list(reprints))).order_by(ReprintRow.id)
        for copy in connection.execute(query):
            reprints[copy.article_id].append(dict(zip(REPRINT_FIELDS, copy[1:], strict=True)))
    edited = edited_at(connection, [row.url for row in rows])
    return [
        {**{name: row[i + 1] for i, name in enumerate(EXPORT_FIELDS)}, "edited_at": edited.get(row.url),
         "reprints": reprints[row.id]}
        for row in rows
    ]  # fmt: skip


def edited_at(connection: Connection, urls: Sequence[str]) -> dict[str, datetime]:
    """URL -> when a crawl last found the page's title or body changed, for the pages of `urls` ever edited."""
    if not urls:
        return {}
    query = (
        select(ArticleVersion.url, func.max(ArticleVersion.changed_at))
        .where(ArticleVersion.url.in_(set(urls)))
        .group_by(ArticleVersion.url)
    )
    return {url: changed for url, changed in connection.execute(query)}


@dataclass(frozen=True)
class Filters:
    """What `finnews query` / `export` select: every filter is optional and they combine with AND."""

    site: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    min_views: int | None = None
    crawled_since: datetime | None = None  # last fetched at or after
    changes: tuple[int, int] | None = None  # stored or changed by writes (after, up to] (`crawler.changes`)

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
        if self.crawled_since:
            query = query.where(ArticleRow.crawled_at >= self.crawled_since)
        if self.changes is not None:
            query = query.where(ArticleRow.change_id > self.changes[0], ArticleRow.change_id <= self.changes[1])
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
    engine: Engine,
    filters: Filters = Filters(),
    limit: int | None = None,
    chunk: int = 2000,
    *,
    after_id: int = 0,
    up_to_id: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Stored articles as contract records, in id order (ids after `after_id`, up to `up_to_id`), streamed
    in chunks (constant memory)."""
    last_id, left = after_id, limit
    search = search_clause(engine, filters.search) if filters.search else None
    with engine.connect() as connection:
        while left is None or left > 0:
            size = chunk if left is None else min(chunk, left)
            query = select(*_ARTICLE_COLUMNS).where(ArticleRow.id > last_id).order_by(ArticleRow.id).limit(size)
            if up_to_id is not None:
                query = query.where(ArticleRow.id <= up_to_id)
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


@dataclass(frozen=True)
class StoryFilters:
    """What `finnews reprints` selects: stories of 2+ copies; every filter optional, combined with AND."""

    since: datetime | None = None  # first published at or after
    site: str | None = None  # a copy on this portal
    source: str | None = None  # a copy stating this 来源 (or the same outlet by another name)
    search: str | None = None  # text in the stored article's title or body
    newest_first: bool = False  # else most copies first


def _copies_of(story_ids: Any) -> Select[Any]:
    return select(story_copies).where(story_copies.c.story_id.in_(story_ids))


def _copy(row: Any) -> dict[str, Any]:
    """A `story_copies` row as a dict of plain-str keys (a view's column names are `quoted_name`s)."""
    return {str(name): value for name, value in row._mapping.items()}


def reprinted_stories(
    engine: Engine, filters: StoryFilters = StoryFilters(), limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Stories that ran on more than one page (copies: `story_copies`), most copies or newest first."""
    copies = func.count().label("copies")
    query = select(story_copies.c.story_id, copies).group_by(story_copies.c.story_id).having(func.count() > 1)
    stories = select(ArticleRow.id)
    if filters.since is not None:
        stories = stories.where(ArticleRow.published_at >= filters.since)
    if filters.search:
        stories = stories.where(search_clause(engine, filters.search))
    if filters.since is not None or filters.search:
        query = query.where(story_copies.c.story_id.in_(stories))
    if filters.site is not None:
        query = query.where(story_copies.c.story_id.in_(
            select(story_copies.c.story_id).where(story_copies.c.site == filters.site)
        ))  # fmt: skip
    if filters.source:
        outlet = canonical_source(filters.source)
        stated = or_(story_copies.c.source == filters.source, story_copies.c.source_canonical == outlet)
        query = query.where(story_copies.c.story_id.in_(select(story_copies.c.story_id).where(stated)))
    if filters.newest_first:  # by the first publisher's time, undated last
        published = select(ArticleRow.published_at).where(ArticleRow.id == story_copies.c.story_id)
        newest = published.scalar_subquery()
        query = query.order_by(newest.is_(None), newest.desc(), story_copies.c.story_id.desc())
    else:
        query = query.order_by(copies.desc(), story_copies.c.story_id)
    with engine.connect() as connection:
        ids = [row.story_id for row in connection.execute(query.limit(limit))]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            pages: dict[int, list[dict[str, Any]]] = {story: [] for story in chunk}
            for copy in connection.execute(_copies_of(chunk).order_by(story_copies.c.is_origin.desc())):
                pages[copy.story_id].append(_copy(copy))
            for story in chunk:
                yield _story(pages[story])


def _story(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """A story from its copies (`story_copies` rows, the stored article first)."""
    origin = pages[0]
    times = sorted(page["published_at"] for page in pages if page["published_at"] is not None)
    return {
        "title": origin["title"],
        "url": origin["url"],
        "source": origin["source"],
        "copies": len(pages),
        "sites": sorted({page["site"] for page in pages}),
        "first_published": times[0] if times else None,
        "last_published": times[-1] if times else None,
        "pages": [{name: page[name] for name in ("url", "site", "published_at", "views", "source")} for page in pages],
    }


def story_id(connection: Connection, url: str) -> int | None:
    """The story the page at `url` belongs to: its stored article's id (None: no copy of any story)."""
    found = connection.scalar(select(ArticleRow.id).where(ArticleRow.url == url))
    return found if found is not None else connection.scalar(select(ReprintRow.article_id).where(ReprintRow.url == url))


def trace(engine: Engine, url: str) -> list[dict[str, Any]]:
    """Every copy of the story of the page at `url` (empty: no such page stored), in publication order
    (undated last): portal, URL, time, the 来源 it states, read count and its history, when it was edited
    and taken down, and which copy is the first publisher (the story's stored article)."""
    with engine.connect() as connection:
        story = story_id(connection, url)
        if story is None:
            return []
        copies = [_copy(row) for row in connection.execute(_copies_of([story]))]
        urls = [copy["url"] for copy in copies]
        history: dict[str, list[dict[str, Any]]] = {url: [] for url in urls}
        snapshots = select(ViewSnapshot.url, ViewSnapshot.crawled_at, ViewSnapshot.views).where(
            ViewSnapshot.url.in_(urls)
        )
        for page, seen, views in connection.execute(snapshots.order_by(ViewSnapshot.crawled_at, ViewSnapshot.id)):
            history[page].append({"at": seen, "views": views})
        versions: dict[str, list[dict[str, Any]]] = {url: [] for url in urls}
        former = select(ArticleVersion.url, ArticleVersion.title, ArticleVersion.seen_at, ArticleVersion.changed_at)
        for version in connection.execute(former.where(ArticleVersion.url.in_(urls)).order_by(ArticleVersion.id)):
            versions[version.url].append(
                {"title": version.title, "seen_at": version.seen_at, "changed_at": version.changed_at}
            )
    for copy in copies:
        copy["first_publisher"] = bool(copy.pop("is_origin"))
        copy["views_history"] = history[copy["url"]]
        copy["former_versions"] = versions[copy["url"]]
    copies.sort(key=lambda copy: (copy["published_at"] is None, copy["published_at"] or 0, not copy["first_publisher"]))
    return copies


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
    """What `finnews stats` shows: articles per site / source / day, reprints, views, last crawl runs (with
    the article pages each skipped as stored already and fetched again for a read-count refresh), and each
    portal's line of its last crawl's report (`crawler.reports.latest`)."""
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
            "reprinted_most": [(story["title"], story["copies"]) for story in reprinted_stories(engine, limit=5)],
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
                    "blocked": (run.stats or {}).get("finnews/blocked", 0),  # challenge/rate-limit pages
                    "skipped_known": (run.stats or {}).get("finnews/skipped_known", 0),
                    "refreshed": (run.stats or {}).get("finnews/refreshed", 0),
                    "warnings": len((run.report or {}).get("warnings", [])),
                }
                for run in runs
            ],
        }
