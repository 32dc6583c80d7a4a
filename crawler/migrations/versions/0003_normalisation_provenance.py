"""articles: source_canonical, authors, date_conflict

The outlet behind the 来源 (an alias table maps 中证网 to 中国证券报·中证网), the author field as a list of
names, and a flag for a page date more than a day away from the date in the URL. Existing rows get
null / empty / false: a re-crawl fills them in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Plain ALTER TABLE ADD COLUMN (no batch copy of the table): on SQLite a copy would drop the
# triggers that keep the full-text index in sync.


def upgrade() -> None:
    op.add_column("articles", sa.Column("source_canonical", sa.String(length=200), nullable=True))
    op.add_column("articles", sa.Column("authors", JSON, nullable=False, server_default="[]"))
    op.add_column("articles", sa.Column("date_conflict", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_articles_source_canonical", "articles", ["source_canonical"])


def downgrade() -> None:
    op.drop_index("ix_articles_source_canonical", table_name="articles")
    for name in ("date_conflict", "authors", "source_canonical"):
        op.drop_column("articles", name)  # SQLite 3.35+ drops columns in place
