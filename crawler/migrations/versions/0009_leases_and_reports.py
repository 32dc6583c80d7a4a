"""crawl_leases, crawl_runs.report: one crawl of a portal into a database at a time; a run's report

`crawl_leases` has a row per portal being crawled: the holding crawl's token, host and process id, and
when the lease expires unless its holder renews it (`crawler.leases`). Starts empty.
`crawl_runs.report` (JSON) keeps a crawl's report per portal and its warnings (`crawler.reports`);
NULL for the runs before it.

The migration carries its own table definition, so that a later change to the models cannot change
what it does to an old database.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
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
    op.add_column("crawl_runs", sa.Column("report", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as table:
        table.drop_column("report")
    op.drop_table("crawl_leases")
