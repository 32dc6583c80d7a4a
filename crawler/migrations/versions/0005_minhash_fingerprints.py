"""fingerprints: MinHash-LSH band keys instead of paragraph keys

Reprint lookups now find candidates by LSH band keys over character shingles, which survive moved
paragraph breaks, and verify them on the bodies. `articles.n_keys` becomes `n_shingles` (the size of
the shingle set) and `articles.figures` lists the numbers a body states: with them a lookup skips,
without reading their bodies, candidates of a very different length or with other figures (templated
reports). Every stored article's fingerprint is recomputed from its body.

The downgrade empties the fingerprint index: the previous version then detects reprints of articles
stored after the downgrade only (the rows themselves are kept).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crawler.reprints.fingerprint import fingerprint
from crawler.reprints.index import index_bands

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 1000
articles = sa.table(
    "articles", sa.column("id", sa.Integer), sa.column("body", sa.Text), sa.column("n_shingles", sa.Integer),
    sa.column("figures", sa.Text),
)  # fmt: skip
fingerprints = sa.table("fingerprints", sa.column("key", sa.BigInteger), sa.column("article_id", sa.Integer))


def upgrade() -> None:
    op.alter_column(
        "articles", "n_keys", new_column_name="n_shingles", existing_type=sa.Integer(), existing_nullable=False
    )
    op.add_column("articles", sa.Column("figures", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    connection.execute(sa.delete(fingerprints))
    last = 0
    while rows := connection.execute(
        sa.select(articles.c.id, articles.c.body).where(articles.c.id > last).order_by(articles.c.id).limit(_BATCH)
    ).all():
        prints = {article_id: fingerprint(body) for article_id, body in rows}
        connection.execute(
            sa.update(articles).where(articles.c.id == sa.bindparam("article_id")),
            [
                {"article_id": i, "n_shingles": body.size, "figures": " ".join(body.figures)}
                for i, body in prints.items()
            ],
        )
        index_bands(connection, {i: body.bands for i, body in prints.items()})
        last = rows[-1].id


def downgrade() -> None:
    op.execute(sa.delete(fingerprints))
    op.drop_column("articles", "figures")  # SQLite 3.35+ drops columns in place
    op.alter_column(
        "articles", "n_shingles", new_column_name="n_keys", existing_type=sa.Integer(), existing_nullable=False
    )
