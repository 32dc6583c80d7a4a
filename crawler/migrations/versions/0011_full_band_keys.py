"""full_band_keys: the band keys full of holders, which reprint lookups skip

A band key held by MAX_BAND_HOLDERS stored articles (8) is boilerplate: it takes no more holders, and a
lookup that read its holders for every page carrying it (a new story's page at a million stored articles
carries four such keys, two thirds of the holder rows it read) spent most of its time on them for nothing
(`crawler.reprints.index.full_keys`). This table names them, so that each process learns them with one query.

The migration fills it from the stored keys: those held by 8 articles or more (a database filled with the
former cap of 16 holds more holders of some keys; they stay, and are skipped as well). It carries its own
table definition, so that a later change to the models cannot change what it does to an old database.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_MAX_BAND_HOLDERS = 8
_fingerprints = sa.table("fingerprints", sa.column("key", sa.BigInteger))


def upgrade() -> None:
    full = op.create_table("full_band_keys", sa.Column("key", sa.BigInteger(), primary_key=True, autoincrement=False))
    held = _fingerprints.c.key
    op.execute(
        full.insert().from_select(["key"], sa.select(held).group_by(held).having(sa.func.count() >= _MAX_BAND_HOLDERS))
    )


def downgrade() -> None:
    op.drop_table("full_band_keys")
