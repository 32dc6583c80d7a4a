"""full-text search for 1-2 character terms on SQLite

The FTS5 trigram index cannot answer a term shorter than a trigram by itself. Each indexed value now
ends with two newlines (through the view `articles_fts_source`), so every occurrence of a 1-2
character term starts at least one trigram, and an `fts5vocab` table lists the trigrams by prefix:
`--search 储能` looks up the trigrams starting with 储能 and matches any of them. Rebuilds the index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 14:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TRIGGERS = ("articles_fts_insert", "articles_fts_delete", "articles_fts_update")


def _index(title: str, body: str, end: str) -> str:
    return f"{title}{end}, {body}{end}"


def _fts(content: str, end: str) -> list[str]:
    """The FTS5 table over `content`, its triggers (indexing each value followed by `end`), and a rebuild."""
    new, old = _index("new.title", "new.body", end), _index("old.title", "old.body", end)
    return [
        f"CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='{content}', content_rowid='id', "
        "tokenize='trigram')",
        f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
        f"INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
        f"INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN "
        f"INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, {new}); END",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    ]


def _drop() -> list[str]:
    return [*(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS), "DROP TABLE articles_fts"]


SENTINEL = " || char(10, 10)"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sa.inspect(bind).has_table("articles_fts"):
        for statement in [
            *_drop(),
            f"CREATE VIEW articles_fts_source AS SELECT id, title{SENTINEL} AS title, body{SENTINEL} AS body "
            "FROM articles",
            *_fts("articles_fts_source", SENTINEL),
            "CREATE VIRTUAL TABLE articles_fts_vocab USING fts5vocab(articles_fts, 'row')",
        ]:
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sa.inspect(bind).has_table("articles_fts_vocab"):
        for statement in [
            "DROP TABLE articles_fts_vocab",
            *_drop(),
            "DROP VIEW articles_fts_source",
            *_fts("articles", ""),
        ]:
            op.execute(statement)
