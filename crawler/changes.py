"""What changed between crawls, kept by the writer inside its transaction: edited pages (改稿) keep their
former version, pages found gone (删稿) get `removed_at`, and every write has a change number.

Change numbers: each batch the writer commits takes `max(articles.change_id) + 1` (under the writers'
lock, so the numbers follow commit order) and gives it to every article it stores new or changed: its
values, its reprints, its removal. `finnews export --new` and `finnews watch` read what lies past their
cursor (`crawler.queries.changed_since`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from crawler.models import ArticleRow, ArticleVersion, ExportCursor, ReprintRow


@dataclass
class Removal:
    """A page found gone: a refetch answered 404/410 or a "not found" page at `seen_at`."""

    url: str
    seen_at: datetime


def next_change_id(connection: Connection) -> int:
    """The change number of the batch being written: one above every stored one."""
    return int(connection.scalar(select(func.coalesce(func.max(ArticleRow.change_id), 0))) or 0) + 1


def keep_versions(connection: Connection, pages: Iterable[dict[str, Any]]) -> int:
    """Before pages (article rows: url, title, body_hash, crawled_at) overwrite their stored copy: keep the
    stored title and body hash of each one whose title or body a later fetch finds changed. A page is
    stored as an article or as a reprint (whose hash is known since migration 0008). Returns how many."""
    fetched = {page["url"]: page for page in pages}
    if not fetched:
        return 0
    stored = [
        *connection.execute(
            select(ArticleRow.url, ArticleRow.title, ArticleRow.body_hash, ArticleRow.crawled_at).where(
                ArticleRow.url.in_(fetched)
            )
        ),
        *connection.execute(
            select(ReprintRow.url, ReprintRow.title, ReprintRow.body_hash, ReprintRow.crawled_at).where(
                ReprintRow.url.in_(fetched), ReprintRow.body_hash.is_not(None)
            )
        ),
    ]
    versions = [
        {"url": url, "title": title, "body_hash": body_hash, "seen_at": seen_at, "changed_at": new["crawled_at"]}
        for url, title, body_hash, seen_at in stored
        if (new := fetched[url])["crawled_at"] > seen_at  # a later fetch (`reextract` re-reads the same one)
        and (new["title"], new["body_hash"]) != (title, body_hash)
    ]
    if versions:
        connection.execute(insert(ArticleVersion), versions)
    return len(versions)


def mark_removed(connection: Connection, removals: list[Removal], change_id: int) -> set[int]:
    """Set `removed_at` on the stored pages (articles or reprints) found gone, where not set already;
    returns the ids of the stories that changed."""
    changed: set[int] = set()
    for removal in removals:
        gone = ArticleRow.removed_at.is_(None) & (ArticleRow.url == removal.url)
        changed.update(connection.scalars(select(ArticleRow.id).where(gone)))
        connection.execute(update(ArticleRow).where(gone).values(removed_at=removal.seen_at))
        gone = ReprintRow.removed_at.is_(None) & (ReprintRow.url == removal.url)
        changed.update(connection.scalars(select(ReprintRow.article_id).where(gone)))
        connection.execute(update(ReprintRow).where(gone).values(removed_at=removal.seen_at))
    touch(connection, changed, change_id)
    return changed


def touch(connection: Connection, story_ids: Iterable[int], change_id: int) -> None:
    """Give stories `change_id`: something of theirs changed (a reprint, a removal)."""
    ids = set(story_ids)
    if ids:
        connection.execute(update(ArticleRow).where(ArticleRow.id.in_(ids)).values(change_id=change_id))


def latest_change(connection: Connection) -> int:
    """The change number of the last write (0: nothing stored)."""
    return next_change_id(connection) - 1


def export_cursor(connection: Connection, name: str) -> int:
    """Up to which change number the `--new` exports of `name` have read (0: never ran)."""
    return connection.scalar(select(ExportCursor.change_id).where(ExportCursor.name == name)) or 0


def move_export_cursor(connection: Connection, name: str, change_id: int, now: datetime) -> None:
    """Record that the `--new` exports of `name` have read up to `change_id`."""
    values = {"change_id": change_id, "exported_at": now}
    if connection.execute(update(ExportCursor).where(ExportCursor.name == name).values(values)).rowcount == 0:
        connection.execute(insert(ExportCursor).values(name=name, **values))
