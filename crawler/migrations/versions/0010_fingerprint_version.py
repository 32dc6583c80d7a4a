"""fingerprint_version: the fingerprint version of the stored articles' reprint keys

Band keys, body hashes, sizes and figures are computed from a body by `crawler.reprints.fingerprint`, and
stored; when that computation changes, the stored values no longer match what new copies give, and an
upgraded database misses reprints of its old articles. `fingerprint_version` says which version the stored
values are of. This migration marks them version 1 (migration 0005's: whole-body keys, the dateline cut
before width folding; articles stored since by a newer finnews are recomputed too, which changes nothing
of theirs).

The recomputation itself is no part of the migration: it reads and rewrites every article, so it runs after
it, in batches of its own transactions, resumable (`crawler.rekey`: `finnews db upgrade` runs it, and so
does a crawl that finds it undone).

The migration carries its own table definition, so that a later change to the models cannot change
what it does to an old database. The downgrade drops the table (the keys stay as they are: finnews
versions before this one read any).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "fingerprint_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("resume_after", sa.Integer()),
    )
    op.bulk_insert(table, [{"id": 1, "version": 1, "resume_after": None}])


def downgrade() -> None:
    op.drop_table("fingerprint_version")
