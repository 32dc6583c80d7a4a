"""fingerprints: MinHash-LSH band keys instead of paragraph keys

Reprint lookups now find candidates by LSH band keys over character shingles, which survive moved
paragraph breaks, and verify them on the bodies. `articles.n_keys` becomes `n_shingles` (the size of
the shingle set) and `articles.figures` lists the numbers a body states: with them a lookup skips,
without reading their bodies, candidates of a very different length or with other figures (templated
reports). Every stored article's fingerprint is recomputed from its body.

The migration carries the code it runs: the fingerprint and the band index as they were in this version
(`crawler.reprints` then), so that a later change to the product cannot change what it does to an old
database.

The downgrade empties the fingerprint index: the previous version then detects reprints of articles
stored after the downgrade only (the rows themselves are kept).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 15:20:00
"""

from __future__ import annotations

import re
import unicodedata
from hashlib import blake2b

import numpy as np
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql, sqlite

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


# --- the fingerprint of this version (crawler/reprints/fingerprint.py), frozen ----------------------

_SHINGLE = 4
_MIN_SHINGLES = 40
_BANDS, _ROWS = 16, 4
_MAX_BAND_HOLDERS = 32
_NOISE = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
_DATELINE = re.compile(
    r"^\s*(?:[0-9A-Za-z\u4e00-\u9fff·]{1,14}?\d{1,2}月\d{1,2}日(?:电(?![话视脑力影商池子网信器厂费价量站动气])|讯|消息)"
    r"(?:[(（][^)）]{0,30}[)）])?|本报讯|据[\u4e00-\u9fff]{2,8}报道)[\s,，:：]*"
)


def _hash64(data: bytes) -> int:
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big", signed=True)


_MULTIPLIERS, _OFFSETS = (
    np.array([_hash64(f"{name}{i}".encode()) & (2**64 - 1) | 1 for i in range(_BANDS * _ROWS)], dtype=np.uint64)
    for name in ("a", "b")
)


def _fingerprint(body: str | None) -> tuple[int, tuple[str, ...], tuple[int, ...]]:
    """The shingle count, figures and LSH band keys of a body."""
    text = unicodedata.normalize("NFKC", _DATELINE.sub("", body or "", count=1))
    letters = _NOISE.sub("", text)
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    count = max(0, len(codes) - _SHINGLE + 1)
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(_SHINGLE):
        hashes = hashes * np.uint64(1_000_003) + codes[offset : offset + count]
    hashes ^= hashes >> np.uint64(33)
    hashes *= np.uint64(0xFF51AFD7ED558CCD)
    hashes ^= hashes >> np.uint64(33)
    shingles = np.unique(hashes)
    bands: tuple[int, ...] = ()
    if len(shingles) >= _MIN_SHINGLES:
        minima = ((shingles[None, :] * _MULTIPLIERS[:, None] + _OFFSETS[:, None]) >> np.uint64(32)).min(axis=1)
        rows = minima.astype("<u8").reshape(_BANDS, _ROWS)
        bands = tuple(_hash64(bytes([band]) + rows[band].tobytes()) for band in range(_BANDS))
    return len(shingles), tuple(sorted(_FIGURE.findall(_THOUSANDS.sub("", text)))), bands


def _index_bands(connection: sa.Connection, bands: dict[int, tuple[int, ...]]) -> None:
    """Store the band keys of articles (id -> keys), but those already held by _MAX_BAND_HOLDERS."""
    keys = {key for article_keys in bands.values() for key in article_keys}
    if not keys:
        return
    full = set(
        connection.scalars(
            sa.select(fingerprints.c.key)
            .where(fingerprints.c.key.in_(keys))
            .group_by(fingerprints.c.key)
            .having(sa.func.count() >= _MAX_BAND_HOLDERS)
        )
    )
    rows = [{"key": key, "article_id": i} for i, article_keys in bands.items() for key in set(article_keys) - full]
    if not rows:
        return
    name = connection.dialect.name
    if name in ("mysql", "mariadb"):
        statement: sa.Insert = mysql.insert(fingerprints).prefix_with("IGNORE")
    elif name == "postgresql":
        statement = postgresql.insert(fingerprints).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(fingerprints).on_conflict_do_nothing()
    connection.execute(statement, rows)


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
        prints = {article_id: _fingerprint(body) for article_id, body in rows}
        connection.execute(
            sa.update(articles).where(articles.c.id == sa.bindparam("article_id")),
            [
                {"article_id": i, "n_shingles": size, "figures": " ".join(figures)}
                for i, (size, figures, _) in prints.items()
            ],
        )
        _index_bands(connection, {i: bands for i, (_, _, bands) in prints.items()})
        last = rows[-1].id


def downgrade() -> None:
    op.execute(sa.delete(fingerprints))
    op.drop_column("articles", "figures")  # SQLite 3.35+ drops columns in place
    op.alter_column(
        "articles", "n_shingles", new_column_name="n_keys", existing_type=sa.Integer(), existing_nullable=False
    )
