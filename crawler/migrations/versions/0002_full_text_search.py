"""full-text search over title and body

SQLite: an FTS5 table with the trigram tokenizer (CJK substrings of 3+ characters), kept in sync by
triggers, filled from the articles already stored. PostgreSQL: pg_trgm GIN indexes, which serve
LIKE/ILIKE '%...%' (skipped with a warning where the extension cannot be created). Other databases
search with a plain LIKE scan.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 13:05:00
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

logger = logging.getLogger(__name__)

SQLITE_UP = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, body, content='articles', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TABLE IF EXISTS articles_fts",
]
POSTGRESQL_INDEXES = {
    "ix_articles_title_trgm": "CREATE INDEX ix_articles_title_trgm ON articles USING gin (title gin_trgm_ops)",
    "ix_articles_body_trgm": "CREATE INDEX ix_articles_body_trgm ON articles USING gin (body gin_trgm_ops)",
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if not _sqlite_has_trigram(bind):
            logger.warning("this SQLite has no FTS5 trigram tokenizer: --search scans the articles")
            return
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():
                op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa.exc.DBAPIError as exc:
            logger.warning("cannot create pg_trgm (%s): --search scans the articles", str(exc).splitlines()[0])
            return
        for statement in POSTGRESQL_INDEXES.values():
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        for name in POSTGRESQL_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")


def _sqlite_has_trigram(bind: sa.Connection) -> bool:
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.finnews_probe USING fts5(x, tokenize='trigram')")
            bind.exec_driver_sql("DROP TABLE temp.finnews_probe")
    except sa.exc.DBAPIError:
        return False
    return True
