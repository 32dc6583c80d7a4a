"""articles.reprint_notice: the page declares itself a reprint

A 声明 / 转载 / 转自 notice on the page (`声明:以上内容为本网站转自其它媒体`, `本文转载自...`). Existing rows
get false: a re-crawl fills it in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:  # a plain ADD COLUMN: on SQLite a batch copy would drop the full-text triggers
    op.add_column("articles", sa.Column("reprint_notice", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("articles", "reprint_notice")  # SQLite 3.35+ drops columns in place
