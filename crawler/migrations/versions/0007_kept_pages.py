"""pages, field_changes: the pages a crawl fetched, and what `finnews reextract` changed

`pages` keeps each article page (and read-count script) as served, compressed, with its response URL,
status, content type, Last-Modified, ETag, the date its listing showed and the fetch time.
`field_changes` records every stored value a re-extraction changed (JSON old and new values, the
finnews version). Both start empty: the pages of earlier crawls were never kept.

The migration carries its own table definitions, so that a later change to the models cannot change
what it does to an old database.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)
_BYTES = (
    sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb").with_variant(postgresql.BYTEA(), "postgresql")
)


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(768), nullable=False, unique=True),
        sa.Column("site", sa.String(100), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("response_url", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(200)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("etag", sa.String(200)),
        sa.Column("listing_date", sa.String(100)),
        sa.Column("fetched_at", _TIME, nullable=False, index=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("compression", sa.String(10), nullable=False),
        sa.Column("content", _BYTES, nullable=False),
    )
    op.create_table(
        "field_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(768), nullable=False, index=True),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("old", sa.Text()),
        sa.Column("new", sa.Text()),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("changed_at", _TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("field_changes")
    op.drop_table("pages")
