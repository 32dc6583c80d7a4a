"""crawl_leases: one crawl of a portal into a database at a time

A row per portal being crawled: the holding crawl's token, host and process id, and when the lease
expires unless its holder renews it (`crawler.leases`). Starts empty.

The migration carries its own table definition, so that a later change to the models cannot change
what it does to an old database.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "crawl_leases",
        sa.Column("portal", sa.String(100), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("acquired_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("crawl_leases")
