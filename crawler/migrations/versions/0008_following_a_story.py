"""following a story: each copy's 来源, edits and take-downs, change numbers, export cursors, watches, story_copies

- `reprints` gains what each copy states and is: `source`, `source_canonical`, `title`, `body_hash` (to see
  an edit of a copy) and `removed_at` (the page answered 404/410 or a "not found" page).
- `articles` gains `removed_at` and `change_id`: the number of the write that last stored or changed the
  row (its values, its reprints, its removal), growing with every write; `finnews export --new` follows it.
- `article_versions`: a page's former version (title, body hash, when it was last seen so) each time a
  re-crawl finds it changed.
- `export_cursors`: how far each named `finnews export --new` has read (a change number); `watches`: the
  `finnews watch` terms and the last article id each has alerted on.
- The view `story_copies`: one row per copy of a story (the stored article, is_origin 1, and each
  reprint), with its story id, so SQL and Datasette users get a trace without joining by hand.

Existing rows: reprints have no 来源/title/hash until re-crawled; `change_id` 0.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)

STORY_COPIES = """
CREATE VIEW story_copies AS
SELECT a.id AS story_id, a.url AS url, a.site AS site, a.title AS title, a.published_at AS published_at,
       a.source AS source, a.source_canonical AS source_canonical, a.views AS views,
       a.crawled_at AS crawled_at, a.removed_at AS removed_at,
       (SELECT MAX(v.changed_at) FROM article_versions v WHERE v.url = a.url) AS edited_at,
       1 AS is_origin, 1.0 AS similarity
FROM articles a
UNION ALL
SELECT r.article_id, r.url, r.site, COALESCE(r.title, a.title), r.published_at,
       r.source, r.source_canonical, r.views,
       r.crawled_at, r.removed_at,
       (SELECT MAX(v.changed_at) FROM article_versions v WHERE v.url = r.url),
       0, r.similarity
FROM reprints r JOIN articles a ON a.id = r.article_id
"""


def upgrade() -> None:
    # plain ADD COLUMNs: on SQLite a batch copy of `articles` would drop the full-text triggers
    op.add_column("reprints", sa.Column("source", sa.String(200)))
    op.add_column("reprints", sa.Column("source_canonical", sa.String(200)))
    op.add_column("reprints", sa.Column("title", sa.Text()))
    op.add_column("reprints", sa.Column("body_hash", sa.BigInteger()))
    op.add_column("reprints", sa.Column("removed_at", _TIME))
    op.add_column("articles", sa.Column("removed_at", _TIME))
    op.add_column("articles", sa.Column("change_id", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_articles_change_id", "articles", ["change_id"])
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(768), nullable=False, index=True),
        sa.Column("title", sa.Text()),
        sa.Column("body_hash", sa.BigInteger()),
        sa.Column("seen_at", _TIME, nullable=False),
        sa.Column("changed_at", _TIME, nullable=False),
    )
    op.create_table(
        "export_cursors",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("exported_at", _TIME, nullable=False),
    )
    op.create_table(
        "watches",
        sa.Column("term", sa.String(100), primary_key=True),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.execute(STORY_COPIES)


def downgrade() -> None:
    op.execute("DROP VIEW story_copies")
    op.drop_table("watches")
    op.drop_table("export_cursors")
    op.drop_table("article_versions")
    op.drop_index("ix_articles_change_id", "articles")
    for table, column in [
        ("articles", "change_id"), ("articles", "removed_at"), ("reprints", "removed_at"), ("reprints", "body_hash"),
        ("reprints", "title"), ("reprints", "source_canonical"), ("reprints", "source"),
    ]:  # fmt: skip
        op.drop_column(table, column)
