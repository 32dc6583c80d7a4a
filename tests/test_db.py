"""Engines and the schema against real databases: SQLite always, the machine's PostgreSQL and MariaDB
when present."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest
from sqlalchemy import func, select, text

from crawler import db, queries
from crawler.models import ArticleRow, FingerprintRow, FullBandKey
from crawler.reprints import index
from crawler.reprints.fingerprint import BANDS, fingerprint
from crawler.reprints.index import Page, find_copies
from crawler.reprints.matching import Matching
from crawler.writer import ArticleWriter
from tests.rows import STORY, row
from tests.services import database_at, drop_schema, service_url


def test_sqlite_file_directory_is_created(tmp_path: Any) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path}/new/dir/x.db")
    assert (tmp_path / "new/dir/x.db").exists()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_missing_sqlite_database_is_an_error(tmp_path: Any) -> None:
    with pytest.raises(FileNotFoundError, match="no database"):
        db.make_engine(f"sqlite:///{tmp_path}/absent.db", create=False)


def test_a_database_of_the_previous_version_is_refused_then_upgraded(tmp_path: Any) -> None:
    old = database_at("0001", "sqlite", tmp_path)  # what the first release created, with an article it stored
    url = old.url.render_as_string(hide_password=False)
    with old.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sites (name, site_name, first_crawled_at) VALUES ('dede', NULL, '2024-09-03 12:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO articles (url, site, title, views_lower_bound, body, images, crawled_at, updated_at,"
            " body_hash, n_keys) VALUES ('http://p1/a/1.html', 'dede', '央行开展逆回购', 0, '第一段。', '[]',"
            " '2024-09-03 12:00:00', '2024-09-03 12:00:00', 1, 0)"
        )
    with pytest.raises(db.SchemaError, match="finnews db upgrade"):
        db.make_engine(url)
    db.upgrade(old)
    assert db.schema_revision(old) == db.head_revision()
    [record] = queries.iter_articles(old, queries.Filters(search="逆回购"))  # indexed by 0002
    assert (record["title"], record["authors"], record["date_conflict"]) == ("央行开展逆回购", [], False)  # 0003
    writer = ArticleWriter(old)  # and the current version writes into it
    writer.submit(row("http://p1/a/2.html", title="新型储能装机", authors=["张三"], source_canonical="新华社")).result()
    writer.close()
    [new] = queries.iter_articles(old, queries.Filters(search="储能装机"))
    assert (new["authors"], new["source_canonical"]) == (["张三"], "新华社")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_migration_0005_indexes_the_stored_articles_by_their_bands(backend: str, tmp_path: Any) -> None:
    old = database_at("0004", backend, tmp_path)  # paragraph keys: an article stored by the previous version
    with old.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sites (name, site_name, first_crawled_at) VALUES ('dede', NULL, '2024-09-03 12:00:00')"
        )
        connection.execute(
            text(
                "INSERT INTO articles (url, site, title, views_lower_bound, body, images, crawled_at, updated_at,"
                " body_hash, n_keys) VALUES ('http://p1/a/1.html', 'dede', '央行开展逆回购', FALSE, :body, '[]',"
                " '2024-09-03 12:00:00', '2024-09-03 12:00:00', 1, 4)"
            ),
            {"body": STORY},
        )
    db.upgrade(old)
    body = fingerprint(STORY)
    with old.connect() as connection:
        assert connection.execute(select(ArticleRow.n_shingles, ArticleRow.figures)).one() == (
            body.size, " ".join(body.figures),
        )  # fmt: skip
        # the whole-body keys of 0005 (its articles have no head keys)
        assert sorted(connection.scalars(select(FingerprintRow.key))) == sorted(set(body.bands[:BANDS]))
        copy = Page("http://p2/b.html", fingerprint(STORY.replace("适度宽松", "一定宽松")))
        assert find_copies(connection, [copy], Matching())[copy.url].url == "http://p1/a/1.html"
    url = old.url.render_as_string(hide_password=False)
    old.dispose()
    if backend != "sqlite":
        drop_schema(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_migration_0011_names_the_keys_full_of_holders(
    backend: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = database_at("head", backend, tmp_path)
    monkeypatch.setattr(index, "MAX_BAND_HOLDERS", 16)  # as finnews capped them before
    writer = ArticleWriter(old, batch_size=1)
    for day in range(10):  # templated reports: their common wording's keys held by all ten
        writer.submit(row(f"http://p1/a/{day}.html", body=STORY.replace("1000亿元", f"{1000 + day}亿元"))).result()
    writer.close()
    with old.begin() as connection:  # the database as finnews left it before migration 0011
        connection.exec_driver_sql("DROP TABLE full_band_keys")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0010'")
    db.upgrade(old)
    with old.connect() as connection:
        holders = dict(connection.execute(select(FingerprintRow.key, func.count()).group_by(FingerprintRow.key)).all())
        full = set(connection.scalars(select(FullBandKey.key)))
    assert full and full == {key for key, count in holders.items() if count >= 8}
    assert min(holders.values()) < 8  # each report's own keys: not full
    url = old.url.render_as_string(hide_password=False)
    old.dispose()
    if backend != "sqlite":
        drop_schema(url)


def _open(url: str) -> None:
    db.make_engine(url).dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_processes_starting_at_once_on_a_new_database_create_it_once(backend: str, tmp_path: Any) -> None:
    """Crawls of a distributed run start together: one creates the schema, the others wait for it."""
    url = f"sqlite:///{tmp_path}/new.db" if backend == "sqlite" else service_url(backend)
    if backend != "sqlite":
        drop_schema(url)
    processes = [multiprocessing.get_context("fork").Process(target=_open, args=(url,)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    assert db.schema_revision(db.make_engine(url, create=False)) == db.head_revision()
