"""One batch of rows written in one transaction (`write_batch`), and the rows it takes: article rows
(`article_row`), reprint records (`ReprintRecord`) and removals (`crawler.changes.Removal`).

Each batch is checked for reprints of stored stories inside its transaction (`crawler.reprints`). The
crawl's writer thread (`crawler.writer.ArticleWriter`) runs it, and so do `reextract` and
`finnews db import` (`crawler.recovery`), each with its own connection."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, case, delete, insert, or_, select, update

from crawler.changes import Removal, keep_versions, mark_removed, next_change_id, touch
from crawler.db import insert_ignore, lock_writers, upsert
from crawler.items import Article
from crawler.models import ArticleRow, FingerprintRow, ReprintRow, Site, ViewSnapshot
from crawler.reprints.fingerprint import Fingerprint, fingerprint
from crawler.reprints.index import Page, find_copies, index_bands
from crawler.reprints.matching import Matching, is_origin

logger = logging.getLogger(__name__)


#: The Article fields an article row stores (`article_row`).
ROW_FIELDS = (
    "url", "site", "site_name", "title", "published_at", "date_source", "date_conflict", "reprint_notice", "source", "source_raw",
    "source_canonical", "author", "authors", "editor", "views", "views_lower_bound", "body", "images", "category",
    "crawled_at",
)  # fmt: skip


def article_row(article: Article) -> dict[str, Any]:
    """The values `write_batch` writes for a normalised article."""
    row = {name: getattr(article, name) for name in ROW_FIELDS}
    return row | fingerprint_columns(fingerprint(article.body))


def fingerprint_columns(body: Fingerprint) -> dict[str, Any]:
    """What an article row stores of its body's fingerprint (its band keys are rows of their own)."""
    return {"body_hash": body.body_hash, "n_shingles": body.size, "figures": " ".join(body.figures)}


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
    source: str | None = None  # the 来源 the copy states
    source_canonical: str | None = None
    title: str | None = None
    body_hash: int | None = None


def reprint_of(canonical_url: str, row: dict[str, Any], similarity: float) -> ReprintRecord:
    """The reprint record of a copy whose article row (`article_row`) matched the story at `canonical_url`."""
    return ReprintRecord(
        canonical_url, row["url"], row["site"], row["published_at"], row["views"], round(similarity, 3),
        row["crawled_at"], article=row, source=row.get("source"), source_canonical=row.get("source_canonical"),
        title=row.get("title"), body_hash=row.get("body_hash"),
    )  # fmt: skip


_ARTICLE_UPDATES = (
    "site", "title", "published_at", "date_source", "date_conflict", "reprint_notice", "source", "source_raw", "source_canonical",
    "author", "authors", "editor", "views", "views_lower_bound", "body", "images", "category", "body_hash", "n_shingles", "figures",
    "removed_at",
)  # fmt: skip
_REPRINT_UPDATES = (
    "article_id", "site", "published_at", "views", "similarity", "crawled_at", "source", "source_canonical", "title",
    "body_hash", "removed_at",
)  # fmt: skip


def write_batch(
    connection: Connection,
    articles: list[dict[str, Any]],
    reprints: list[ReprintRecord],
    matching: Matching | None = None,
    *,
    removals: Sequence[Removal] = (),
    lock_seconds: float = 120.0,
    skip_stored_snapshots: bool = False,
) -> dict[str, str]:
    """Write a batch in one transaction: sites, articles (upserted by URL), their fingerprints,
    reprints (upserted by URL, after the articles they belong to), view snapshots and removals.

    A re-crawled article is updated in place; `updated_at` and `change_id` move only when a value
    changed; a page whose title or body changed keeps its former version (`crawler.changes`). With
    `matching`, the batch first takes the writers' lock (waiting up to `lock_seconds` for another
    writer) and new articles that copy a stored story are written as its reprints: returns their
    URL -> the canonical URL. A reprint record of a page stored as its story's article is skipped.
    `skip_stored_snapshots` (a batch written before, as a recovery file loaded twice): view snapshots
    already stored (same page, views and time) are not written again.
    """
    copies: dict[str, str] = {}
    if matching is not None:
        lock_writers(connection, lock_seconds)  # also makes the change numbers follow commit order
    change_id = next_change_id(connection)
    keep_versions(connection, [*articles, *(record.article for record in reprints if record.article is not None)])
    if articles and matching is not None:
        found = find_copies(connection, [Page(row["url"], fingerprint(row["body"])) for row in articles], matching)
        copies = {url: match.url for url, match in found.items()}
        reprints = [
            *(reprint_of(found[row["url"]].url, row, found[row["url"]].similarity) for row in articles
              if row["url"] in found),
            *reprints,
        ]  # fmt: skip
        articles = [row for row in articles if row["url"] not in found]
    if articles:
        _write_articles(connection, articles, change_id)
    if reprints:
        _write_reprints(connection, reprints, change_id)
    snapshots = [
        {"url": page["url"], "crawled_at": page["crawled_at"], "views": page["views"]}
        for page in [*articles, *(vars(record) for record in reprints)]
        if page["views"] is not None
    ]
    if snapshots and skip_stored_snapshots:
        snapshots = _new_snapshots(connection, snapshots)
    if snapshots:
        connection.execute(insert(ViewSnapshot), snapshots)
    if removals:
        mark_removed(connection, list(removals), change_id)
    return copies


def _write_reprints(connection: Connection, reprints: list[ReprintRecord], change_id: int) -> None:
    """Reprints upserted by URL (each under its story's stored article), then copies that are their story's
    origin promoted; the stories whose copies are new or changed get `change_id`."""
    ids = _story_ids(connection, [record.canonical_url for record in reprints])
    own = _ids_by_url(connection, [record.url for record in reprints])
    rows: list[dict[str, Any]] = []
    for record in reprints:
        if record.canonical_url not in ids:
            logger.error("reprint %s: canonical article %s is not stored", record.url, record.canonical_url)
            continue
        if own.get(record.url) == ids[record.canonical_url]:  # the page is its story's article already
            continue
        rows.append({
            "url": record.url, "article_id": ids[record.canonical_url], "site": record.site,
            "published_at": record.published_at, "views": record.views, "similarity": record.similarity,
            "crawled_at": record.crawled_at, "source": record.source, "source_canonical": record.source_canonical,
            "title": record.title, "body_hash": record.body_hash, "removed_at": None,
        })  # fmt: skip
    compared = [name for name in _REPRINT_UPDATES if name not in ("similarity", "crawled_at")]
    stored = {
        row.url: tuple(row)[1:]
        for row in connection.execute(
            select(ReprintRow.url, *(getattr(ReprintRow, name) for name in compared)).where(
                ReprintRow.url.in_({row["url"] for row in rows})
            )
        )
    }
    changed = {
        int(row["article_id"]) for row in rows if stored.get(row["url"]) != tuple(row[name] for name in compared)
    }
    upsert(connection, ReprintRow, rows, _REPRINT_UPDATES)
    touch(connection, changed, change_id)
    _promote_origins(connection, [record for record in reprints if record.article is not None], change_id)


def _new_snapshots(connection: Connection, snapshots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The snapshots not stored yet: none of their page with the same views within a second of their time
    (MySQL keeps whole seconds)."""
    query = select(ViewSnapshot.url, ViewSnapshot.views, ViewSnapshot.crawled_at).where(
        ViewSnapshot.url.in_({snapshot["url"] for snapshot in snapshots})
    )
    stored = connection.execute(query).all()
    return [
        snapshot
        for snapshot in snapshots
        if not any(
            (url, views) == (snapshot["url"], snapshot["views"])
            and abs(crawled_at - snapshot["crawled_at"]) < timedelta(seconds=1)
            for url, views, crawled_at in stored
        )
    ]


def _write_articles(connection: Connection, articles: list[dict[str, Any]], change_id: int) -> None:
    """Sites, articles (upserted by URL: a page fetched again is not removed) and their band keys (replaced:
    a re-crawled body may have changed)."""
    sites = {row["site"]: row.get("site_name") for row in articles}
    now = articles[0]["crawled_at"]
    insert_ignore(connection, Site, [{"name": n, "site_name": s, "first_crawled_at": now} for n, s in sites.items()])
    rows = [
        {name: value for name, value in row.items() if name != "site_name"}
        | {"updated_at": row["crawled_at"], "removed_at": None, "change_id": change_id}
        for row in articles
    ]
    _upsert_articles(connection, rows)
    ids = _ids_by_url(connection, [row["url"] for row in articles])
    connection.execute(delete(FingerprintRow).where(FingerprintRow.article_id.in_(ids.values())))
    index_bands(connection, {ids[row["url"]]: fingerprint(row["body"]).bands for row in articles})


def _promote_origins(connection: Connection, copies: list[ReprintRecord], change_id: int) -> None:
    """Make each copy that is its story's origin the canonical article: it is stored as the article,
    the story's reprints move to it, and the former canonical article becomes one of them.

    The copies of stories that have one copy in the batch are promoted together (a dozen statements for
    the batch, not for each copy); where several copies of a story are in the batch, one after the other,
    each weighed against the canonical article the one before it left."""
    canonical = _canonical_articles(connection, [record.url for record in copies])
    stories = Counter(canonical[record.url].id for record in copies if record.url in canonical)
    alone = [record for record in copies if record.url in canonical and stories[canonical[record.url].id] == 1]
    origins = [(record, canonical[record.url]) for record in alone if is_origin(_row(record), canonical[record.url])]
    _promote(connection, origins, change_id)
    shared = [record for record in copies if record.url in canonical and stories[canonical[record.url].id] > 1]
    for record in shared:
        current = canonical.get(record.url)
        if current is None or not is_origin(_row(record), current):
            continue
        _promote(connection, [(record, current)], change_id)
        canonical = _canonical_articles(connection, [record.url for record in shared])  # the story's copies moved


def _promote(connection: Connection, promotions: list[tuple[ReprintRecord, Any]], change_id: int) -> None:
    """Store each copy as its story's article in place of the stored article beside it (a `_canonical_articles`
    row, of another story for each copy), which becomes its reprint, with the story's other reprints."""
    if not promotions:
        return
    urls = [record.url for record, _ in promotions]
    connection.execute(delete(ReprintRow).where(ReprintRow.url.in_(urls)))
    _write_articles(connection, [_row(record) for record, _ in promotions], change_id)
    origins = _ids_by_url(connection, urls)
    connection.execute(
        update(ReprintRow).where(ReprintRow.article_id == bindparam("former")).values(article_id=bindparam("origin")),
        [{"former": current.id, "origin": origins[record.url]} for record, current in promotions],
    )
    connection.execute(insert(ReprintRow), [{
        "url": current.url, "article_id": origins[record.url], "site": current.site,
        "published_at": current.published_at, "views": current.views, "similarity": record.similarity,
        "crawled_at": current.crawled_at, "source": current.source, "source_canonical": current.source_canonical,
        "title": current.title, "body_hash": current.body_hash, "removed_at": current.removed_at,
    } for record, current in promotions])  # fmt: skip
    formers = [current.id for _, current in promotions]
    connection.execute(delete(FingerprintRow).where(FingerprintRow.article_id.in_(formers)))
    connection.execute(delete(ArticleRow).where(ArticleRow.id.in_(formers)))
    for record, current in promotions:
        logger.info("%s is the origin of %s: now the stored article, the other its reprint", record.url, current.url)


def _row(record: ReprintRecord) -> dict[str, Any]:
    """The article row of a copy that has one (those `_promote_origins` weighs)."""
    assert record.article is not None
    return record.article


def _canonical_articles(connection: Connection, urls: list[str]) -> dict[str, Any]:
    """Reprint URL -> the stored article it is a reprint of (what becomes of it as a reprint row, if the copy
    turns out to be the origin), for those of `urls` recorded as reprints: one query for a whole batch."""
    query = (
        select(ReprintRow.url.label("reprint_url"), ArticleRow.id, ArticleRow.url, ArticleRow.site,
               ArticleRow.published_at, ArticleRow.views, ArticleRow.crawled_at, ArticleRow.source,
               ArticleRow.source_canonical, ArticleRow.title, ArticleRow.body_hash, ArticleRow.removed_at)
        .join(ReprintRow, ReprintRow.article_id == ArticleRow.id)
        .where(ReprintRow.url.in_(set(urls)))
    )  # fmt: skip
    return {row.reprint_url: row for row in connection.execute(query)} if urls else {}


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
    upsert(connection, ArticleRow, rows, (*_ARTICLE_UPDATES, "crawled_at"), first=_updated_at)


def _updated_at(new: Any) -> list[tuple[str, Any]]:
    """`updated_at` (and the batch's `change_id`) move to the new ones only when a value changed."""
    table = ArticleRow.__table__
    changed = or_(*(table.c[name].is_distinct_from(new[name]) for name in _ARTICLE_UPDATES))
    return [
        ("updated_at", case((changed, new["crawled_at"]), else_=table.c.updated_at)),
        ("change_id", case((changed, new["change_id"]), else_=table.c.change_id)),
    ]
