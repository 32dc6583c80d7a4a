"""The benchmarks' bulk-built databases hold what a crawl's writer stores (the lookup benchmark reads them)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from benchmarks import storage
from crawler import rekey
from crawler.batchwrite import write_batch
from crawler.db import make_engine
from crawler.reprints import index
from crawler.reprints.fingerprint import fingerprint


def test_bulk_fill_stores_what_the_writer_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "MAX_BAND_HOLDERS", 3)  # generated stories share some keys: the cap bites
    monkeypatch.setattr(storage, "MAX_BAND_HOLDERS", 3)
    monkeypatch.setattr(storage, "_KEYS_AT_ONCE", 1000)  # the band keys go to SQLite in several slices
    storage.bulk_fill(f"sqlite:///{tmp_path / 'bulk.db'}", 300, batch=100, processes=1)
    engine = make_engine(f"sqlite:///{tmp_path / 'writer.db'}")
    generated = list(storage.rows(300, seed=0))
    for start in range(0, 300, 100):  # as a writer with batches of 100 commits them
        with engine.begin() as connection:
            write_batch(connection, generated[start : start + 100], [])
    engine.dispose()

    orders = {
        "articles": "1, 2",
        "fingerprints": "1, 2",
        "full_band_keys": "1",
        "view_snapshots": "1, 2",
        "sites": "1, 2",
    }

    def content(name: str) -> dict[str, list[tuple[object, ...]]]:
        with sqlite3.connect(tmp_path / name) as db:
            return {
                table: db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
                for table, order in orders.items()
            }

    bulk, written = content("bulk.db"), content("writer.db")
    assert len(bulk["articles"]) == 300
    every_key = sum(len(set(fingerprint(row["body"]).bands)) for row in generated)
    assert len(bulk["fingerprints"]) < every_key  # keys held by 3 articles took no more
    assert bulk["full_band_keys"]  # and are full
    assert rekey.outdated(make_engine(f"sqlite:///{tmp_path / 'bulk.db'}")) is None  # keys of this version
    assert bulk == written
