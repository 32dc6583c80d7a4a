"""The store against real databases: SQLite always, the machine's PostgreSQL and MariaDB when present."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from crawler import queries, store
from crawler.models import SHANGHAI, ArticleRow, Base, FingerprintRow
from pipelines.fingerprint import Matching, fingerprint
from tests.services import service_url

NOW = datetime(2026, 11, 29, 20, 0, tzinfo=SHANGHAI)
STORY = "\n".join([
    "央行9月3日开展了1000亿元7天期逆回购操作,中标利率维持1.70%不变。",
    "市场人士表示,近期资金面总体平稳,跨月因素影响有限,流动性合理充裕。",
    "分析师认为,四季度货币政策仍有适度宽松空间,降准降息均有可能落地。",
    "此外,多家银行下调了存款利率,以缓解净息差持续收窄带来的经营压力。",
])  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def engine(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    url = f"sqlite:///{tmp_path}/sub/finnews.db" if request.param == "sqlite" else service_url(request.param)
    if request.param != "sqlite":
        drop_schema(url)
    engine = store.make_engine(url)
    yield engine
    engine.dispose()


def drop_schema(url: str) -> None:
    """Empty a server database of the finnews schema (tables and the migration stamp)."""
    engine = store.make_engine(url, create=False, check=False)
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()


def row(url: str = "http://p1/a/1.html", **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        url=url, site="dede", site_name="财经快讯网", title="央行开展逆回购", date_source="page",
        published_at=datetime(2024, 9, 3, 11, 54, tzinfo=SHANGHAI), source="千龙网", source_raw="来源:千龙网",
        author="张三", editor=None, views=11003, views_lower_bound=False, body=STORY,
        images=["http://p1/1.jpg"], category="财经", crawled_at=NOW,
    )  # fmt: skip
    values.update(changes)
    body = fingerprint(values["body"])
    return {"body_hash": body.body_hash, "n_shingles": body.size, "figures": " ".join(body.figures)} | values


def test_sqlite_file_directory_is_created(tmp_path: Any) -> None:
    engine = store.make_engine(f"sqlite:///{tmp_path}/new/dir/x.db")
    assert (tmp_path / "new/dir/x.db").exists()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_missing_sqlite_database_is_an_error(tmp_path: Any) -> None:
    with pytest.raises(FileNotFoundError, match="no database"):
        store.make_engine(f"sqlite:///{tmp_path}/absent.db", create=False)


def test_article_round_trip_with_reprint(engine: Any) -> None:
    writer = store.ArticleWriter(engine)
    writer.submit(row()).result()
    later = NOW + timedelta(hours=1)
    writer.submit(store.ReprintRecord("http://p1/a/1.html", "http://p2/b/7.html", "txjr", later, 42, 0.8, later))
    writer.close()
    [record] = queries.iter_articles(engine)
    assert record["title"] == "央行开展逆回购"
    assert record["published_at"] == datetime(2024, 9, 3, 11, 54, tzinfo=SHANGHAI)
    assert record["published_at"].isoformat() == "2024-09-03T11:54:00+08:00"
    assert record["images"] == ["http://p1/1.jpg"]
    assert record["reprints"] == [{"url": "http://p2/b/7.html", "site": "txjr", "published_at": later, "views": 42}]


def test_recrawl_updates_in_place_and_snapshots_views(engine: Any) -> None:
    day = timedelta(days=1)
    writer = store.ArticleWriter(engine)
    writer.submit(row()).result()
    writer.submit(row(crawled_at=NOW + day)).result()  # nothing changed
    with Session(engine) as session:
        assert session.scalar(store.select(ArticleRow.updated_at)) == NOW
    writer.submit(row(views=12000, crawled_at=NOW + 2 * day)).result()
    writer.close()
    [record] = queries.iter_articles(engine)
    assert record["views"] == 12000 and record["crawled_at"] == NOW + 2 * day
    with Session(engine) as session:
        assert session.scalar(store.select(ArticleRow.updated_at)) == NOW + 2 * day
        snapshots = session.execute(store.select(store.ViewSnapshot.views).order_by(store.ViewSnapshot.id))
        assert [v for (v,) in snapshots] == [11003, 11003, 12000]
    assert queries.summary(engine) == {"articles": 1, "reprints": 0, "per_site": {"dede": 1}}


def test_find_copies_of_one_page(engine: Any) -> None:
    writer = store.ArticleWriter(engine)
    writer.submit(row(body=STORY)).result()
    later = NOW + timedelta(hours=1)
    writer.submit(store.ReprintRecord("http://p1/a/1.html", "http://p2/b/7.html", "txjr", later, 42, 0.8, later))
    writer.close()

    def canonical(url: str = "http://p3/new.html", body: str = "") -> Any:
        with engine.connect() as connection:
            return queries.find_copies(connection, [queries.Page(url, fingerprint(body))], Matching()).get(url)

    paragraphs = STORY.split("\n")
    assert canonical("http://p1/a/1.html", STORY) is None  # the stored page itself: a re-crawl
    assert canonical("http://p2/b/7.html") == queries.Match("http://p1/a/1.html", 1.0)  # a known reprint
    assert canonical(body=STORY.replace("。", ".")) == queries.Match("http://p1/a/1.html", 1.0)  # the same body
    assert canonical(body="".join(paragraphs[:-1])) == queries.Match("http://p1/a/1.html", 1.0)  # contained
    assert canonical(body=STORY + "\n另据了解,多家券商研究所近期密集发布四季度策略报告。").similarity == 1.0
    assert 0.6 < canonical(body=STORY.replace("适度宽松", "一定宽松")).similarity < 1  # edited
    assert canonical(body=STORY.replace("1.70%", "1.80%")) is None  # other figures: another article
    assert canonical(body=paragraphs[0]) is None  # a quarter of the story: too short a part to be a copy
    assert canonical(body="央行开展逆回购") is None  # too short to compare, and no equal body


def test_band_keys_shared_by_many_articles_stop_growing(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Templated reports share most bands: past MAX_BAND_HOLDERS a key takes no more holders, so a lookup
    reads a bounded number of rows however many reports are stored; each report keeps its own bands."""
    monkeypatch.setattr(store, "MAX_BAND_HOLDERS", 4)
    writer = store.ArticleWriter(engine, batch_size=1)
    reports = [STORY.replace("1000亿元", f"{1000 + day}亿元").replace("1.70%", f"1.{day:02d}%") for day in range(10)]
    for day, body in enumerate(reports):
        writer.submit(row(f"http://p1/a/{day}.html", body=body)).result()
    writer.close()
    with engine.connect() as connection:
        holders = connection.execute(select(func.count()).select_from(FingerprintRow).group_by(FingerprintRow.key))
        assert max(count for (count,) in holders) <= 4
        for day in (0, 9):  # an early report and the last one: an edited copy of each finds it, and no sibling
            copy = queries.Page("http://p2/copy.html", fingerprint(reports[day].replace("适度宽松", "一定宽松")))
            assert queries.find_copies(connection, [copy], Matching())[copy.url] == queries.Match(
                f"http://p1/a/{day}.html", pytest.approx(0.95, abs=0.05)
            )


def test_a_failed_batch_fails_its_futures_and_the_writer_goes_on(engine: Any) -> None:
    writer = store.ArticleWriter(engine)
    bad = writer.submit(row(title=None))  # NOT NULL violation
    with pytest.raises(Exception, match=r"(?i)null"):
        bad.result()
    writer.submit(row(url="http://p1/a/2.html")).result()
    writer.close()
    assert [r["url"] for r in queries.iter_articles(engine)] == ["http://p1/a/2.html"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("逆回购", ["http://p1/a/1.html"]),  # 3+ characters: the index (FTS5 trigram / pg_trgm)
        ("央行开展", ["http://p1/a/1.html"]),
        ("储能", ["http://p1/a/2.html"]),  # 2 characters: trigrams starting with them (SQLite)
        ("储", ["http://p1/a/2.html"]),
        ("逆回", ["http://p1/a/1.html"]),
        ("购", ["http://p1/a/1.html"]),  # the last character of a title
        ("回购", ["http://p1/a/1.html"]),  # the last two characters of a title
        ("鲲龙", []),
        ("50%", ["http://p1/a/2.html"]),  # LIKE wildcards are literal
        ('"引号"', ["http://p1/a/2.html"]),  # FTS5 query syntax is literal
        ("不存在的词", []),
    ],
)
def test_search_finds_chinese_substrings(engine: Any, text: str, expected: list[str]) -> None:
    writer = store.ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html", title="央行开展逆回购", body="第一段。", body_hash=1))
    writer.submit(row("http://p1/a/2.html", title="电池", body='新型储能装机增长50%,"引号"。', body_hash=2))
    writer.close()
    assert queries.search_index(engine) == {"sqlite": "fts5+vocab", "postgresql": "trgm"}.get(
        engine.dialect.name, "scan"
    )
    found = [r["url"] for r in queries.iter_articles(engine, queries.Filters(search=text))]
    assert found == expected


def test_a_database_of_the_previous_version_is_refused_then_upgraded(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    (tmp_path / "old.db").touch()
    old = store.make_engine(url, create=False, check=False)
    store.upgrade(old, "0001")  # what the first release created, with an article it stored
    with old.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sites (name, site_name, first_crawled_at) VALUES ('dede', NULL, '2024-09-03 12:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO articles (url, site, title, views_lower_bound, body, images, crawled_at, updated_at,"
            " body_hash, n_keys) VALUES ('http://p1/a/1.html', 'dede', '央行开展逆回购', 0, '第一段。', '[]',"
            " '2024-09-03 12:00:00', '2024-09-03 12:00:00', 1, 0)"
        )
    with pytest.raises(store.SchemaError, match="finnews db upgrade"):
        store.make_engine(url)
    store.upgrade(old)
    assert store.schema_revision(old) == store.head_revision()
    [record] = queries.iter_articles(old, queries.Filters(search="逆回购"))  # indexed by 0002
    assert (record["title"], record["authors"], record["date_conflict"]) == ("央行开展逆回购", [], False)  # 0003
    writer = store.ArticleWriter(old)  # and the current version writes into it
    writer.submit(row("http://p1/a/2.html", title="新型储能装机", authors=["张三"], source_canonical="新华社")).result()
    writer.close()
    [new] = queries.iter_articles(old, queries.Filters(search="储能装机"))
    assert (new["authors"], new["source_canonical"]) == (["张三"], "新华社")


def test_concurrent_writers_store_each_story_once(engine: Any) -> None:
    """Two crawl processes (two engines, two writers) storing copies of the same stories at once."""
    url = engine.url.render_as_string(hide_password=False)
    engines = [store.make_engine(url), store.make_engine(url)]
    writers = [store.ArticleWriter(e, batch_size=10, matching=Matching()) for e in engines]
    stories = range(40)
    futures = {
        (story, copy): writers[copy].submit(
            row(
                f"http://p{copy}/a/{story}.html",
                site=f"site{copy}",
                body=f"{STORY}\n第{story}篇。" + "又一段。" * (story % 3 * copy),  # near-duplicates
            )
        )
        for story in stories
        for copy in (0, 1)
    }
    for writer in writers:
        writer.close()
    results = {key: future.result() for key, future in futures.items()}
    for story in stories:  # exactly one copy was stored, the other became its reprint
        outcomes = [results[story, 0], results[story, 1]]
        assert outcomes.count(None) == 1, (story, outcomes)
    records = list(queries.iter_articles(engine))
    assert len(records) == len(stories)
    assert all(len(record["reprints"]) == 1 for record in records)
    for e in engines:
        e.dispose()


@pytest.mark.parametrize(
    ("copy", "promoted"),
    [
        ({"published_at": datetime(2024, 9, 3, 9, 0, tzinfo=SHANGHAI)}, True),  # published earlier
        ({"site_name": "千龙网", "source": None}, True),  # the outlet the stored article names, with no 来源
        ({"published_at": datetime(2024, 9, 3, 12, 0, tzinfo=SHANGHAI)}, False),  # later, another outlet
        ({"site_name": "千龙网", "source": "新华社"}, False),  # the outlet's portal, but itself a reprint
    ],
)
def test_a_copy_that_is_the_origin_becomes_the_stored_article(
    engine: Any, copy: dict[str, Any], promoted: bool
) -> None:
    writer = store.ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html", source_canonical="千龙网")).result()  # published 11:54, 来源 千龙网
    later = NOW + timedelta(hours=1)
    writer.submit(store.ReprintRecord("http://p1/a/1.html", "http://p3/c.html", "site3", later, 5, 0.9, later)).result()
    origin = row("http://p2/b.html", **{"site": "site2", "site_name": "其它网", **copy})
    record = store.ReprintRecord(
        "http://p1/a/1.html", origin["url"], "site2", origin["published_at"], 7, 0.8, NOW, article=origin
    )
    writer.submit(record).result()
    writer.close()
    [stored] = queries.iter_articles(engine)
    copies = sorted(r["url"] for r in stored["reprints"])
    if promoted:
        assert stored["url"] == "http://p2/b.html" and copies == ["http://p1/a/1.html", "http://p3/c.html"]
    else:
        assert stored["url"] == "http://p1/a/1.html" and copies == ["http://p2/b.html", "http://p3/c.html"]
    with engine.connect() as connection:  # the band keys belong to the stored article only
        owners = connection.execute(select(FingerprintRow.article_id).distinct()).scalars().all()
        assert owners == [connection.scalar(select(ArticleRow.id))]


def test_a_reprint_of_a_demoted_article_joins_the_story(engine: Any) -> None:
    """A copy matched against an article that an origin has since replaced still lands in its story."""
    writer = store.ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html")).result()
    earlier = datetime(2024, 9, 3, 9, 0, tzinfo=SHANGHAI)
    origin = row("http://p2/b.html", site="site2", published_at=earlier)
    writer.submit(
        store.ReprintRecord("http://p1/a/1.html", origin["url"], "site2", earlier, 7, 0.8, NOW, article=origin)
    )
    late = store.ReprintRecord(
        "http://p1/a/1.html", "http://p3/c.html", "site3", None, None, 0.9, NOW
    )  # decided before
    writer.submit(late).result()
    writer.close()
    [stored] = queries.iter_articles(engine)
    assert stored["url"] == "http://p2/b.html"
    assert sorted(r["url"] for r in stored["reprints"]) == ["http://p1/a/1.html", "http://p3/c.html"]


def test_a_common_short_term_is_searched_by_a_scan_with_the_same_result(engine: Any, monkeypatch: Any) -> None:
    writer = store.ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html", title="新型储能", body="第一段。", body_hash=1))
    writer.submit(row("http://p1/a/2.html", title="光伏", body="储能电站", body_hash=2))
    writer.close()
    indexed = [r["url"] for r in queries.iter_articles(engine, queries.Filters(search="储能"))]
    monkeypatch.setattr(queries, "SHORT_TERM_INDEX_LIMIT", 0)  # every term counts as common
    scanned = [r["url"] for r in queries.iter_articles(engine, queries.Filters(search="储能"))]
    assert indexed == scanned == ["http://p1/a/1.html", "http://p1/a/2.html"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_migration_0005_indexes_the_stored_articles_by_their_bands(backend: str, tmp_path: Any) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/old.db"
        (tmp_path / "old.db").touch()
    else:
        url = service_url(backend)
        drop_schema(url)
    old = store.make_engine(url, create=False, check=False)
    store.upgrade(old, "0004")  # paragraph keys: an article stored by the previous version
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
    store.upgrade(old)
    body = fingerprint(STORY)
    with old.connect() as connection:
        assert connection.execute(select(ArticleRow.n_shingles, ArticleRow.figures)).one() == (
            body.size, " ".join(body.figures),
        )  # fmt: skip
        assert sorted(connection.scalars(select(FingerprintRow.key))) == sorted(set(body.bands))
        copy = queries.Page("http://p2/b.html", fingerprint(STORY.replace("适度宽松", "一定宽松")))
        assert queries.find_copies(connection, [copy], Matching())[copy.url].url == "http://p1/a/1.html"
    old.dispose()
    if backend != "sqlite":
        drop_schema(url)


def _open(url: str) -> None:
    store.make_engine(url).dispose()


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
    assert store.schema_revision(store.make_engine(url, create=False)) == store.head_revision()
