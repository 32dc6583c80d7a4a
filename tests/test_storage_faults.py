"""No silent loss: real storage faults during real crawls (a held SQLite lock, a read-only database, a
write error raised by the database itself, a full database, MySQL's lock timeout) stop the crawl with
exit status 3, and the rows not stored are in a recovery file that `finnews db import` loads back.

Nothing of finnews is mocked: the faults are made with SQLite and MariaDB themselves.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

from crawler import db
from crawler.batchwrite import ReprintRecord
from crawler.changes import Removal
from crawler.cli import main
from crawler.cli.output import replacing
from crawler.exitcodes import ExitCode
from crawler.recovery import RecoveryFile, import_recovery, read_recovery
from crawler.reprints.matching import Matching
from crawler.runs import HOST, INTERRUPTED, PID, close_interrupted_runs, start_run
from crawler.writer import ArticleWriter, StorageFailed
from sampleportals import SampleNetwork
from tests.crawls import PROJECT, export, truth_problems, wait_for_articles
from tests.rows import STORY, row
from tests.services import drop_schema, service_url

# --- a crawl, its log and its recovery file ---------------------------------------------------------


def start_crawl(network: SampleNetwork, db_url: str, tmp_path: Path, *extra: str) -> subprocess.Popen[bytes]:
    """A slowed-down crawl (two requests at a time) logging at INFO to tmp_path/crawl.log, its recovery
    files in tmp_path/recovery."""
    with (tmp_path / "crawl.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
             "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=INFO", "-s", "CONCURRENT_REQUESTS=2",
             "-s", f"FINNEWS_RECOVERY_DIR={tmp_path / 'recovery'}", *extra],
            cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip


def closing_stat(log: str, name: str) -> int:
    """A stat of the crawl's closing dump ("Dumping Scrapy stats"), 0 if absent."""
    found = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(found.group(1)) if found else 0


def pages(path: Path) -> set[str]:
    """Every page stored: as its story's article or as a reprint."""
    with sqlite3.connect(path, timeout=30) as connection:
        return {url for (url,) in connection.execute("SELECT url FROM articles UNION SELECT url FROM reprints")}


def counts(path: Path) -> tuple[int, ...]:
    with sqlite3.connect(path, timeout=30) as connection:
        tables = ("articles", "reprints", "fingerprints", "view_snapshots", "sites")
        return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables)


def row_url(record: dict[str, Any] | ReprintRecord | Removal) -> str:
    return str(record["url"]) if isinstance(record, dict) else record.url


@contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """Another connection holding the database's write lock (BEGIN IMMEDIATE) until the block ends."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def assert_stopped_with_a_recovery_file(crawl: subprocess.Popen[bytes], tmp_path: Path) -> Path:
    """Exit status 3, one ERROR line naming the recovery file and the command that loads it, no traceback,
    and as many rows in the file as items the crawl dropped for it."""
    assert crawl.wait(timeout=240) == ExitCode.STORAGE_FAILED
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    [recovery] = (tmp_path / "recovery").glob("recovery-*.jsonl")
    naming = [line for line in log.splitlines() if " ERROR: " in line and str(recovery) in line]
    assert len(naming) == 1 and f"finnews db import {recovery}" in naming[0], naming
    assert "Traceback" not in log
    assert "Closing spider (storage_failed)" in log
    rows = list(read_recovery(recovery))
    assert rows and len(rows) == closing_stat(log, "finnews/dropped/storage_failed")
    return recovery


def assert_import_loses_nothing(network: SampleNetwork, path: Path, recovery: Path, tmp_path: Path) -> None:
    """The recovery file holds what is missing; importing it (twice: the second changes nothing) stores
    each of its pages once; a second crawl then completes the database to the truth."""
    db_url = f"sqlite:///{path}"
    before = pages(path)
    recovered = {row_url(record) for record in read_recovery(recovery)}
    assert not recovered & before  # nothing in the file was stored
    assert main(["db", "import", str(recovery), "--db", db_url]) == 0
    assert pages(path) == before | recovered
    imported = counts(path)
    assert main(["db", "import", str(recovery), "--db", db_url]) == 0
    assert counts(path) == imported
    problems = [p for p in truth_problems(export(db_url), network.truth()) if "never exported" not in p]
    assert not problems, problems[:20]  # what is stored is stored once, every field equal to the truth
    rerun = start_crawl(network, db_url, tmp_path, "-s", "CONCURRENT_REQUESTS=16")
    assert rerun.wait(timeout=240) == ExitCode.DONE
    problems = truth_problems(export(db_url), network.truth())
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


# --- faults during a crawl ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_lock_held_past_the_retry_window_stops_the_crawl_and_loses_nothing(
    make_sample_network: Callable[..., SampleNetwork], tmp_path: Path
) -> None:
    network = make_sample_network()
    path = tmp_path / "finnews.db"
    crawl = start_crawl(network, f"sqlite:///{path}", tmp_path, "-s", "FINNEWS_DB_RETRY_SECONDS=3")
    wait_for_articles(crawl, path, 20)
    with held_lock(path):  # until the crawl has given up and ended
        recovery = assert_stopped_with_a_recovery_file(crawl, tmp_path)
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert "database is locked" in log and "try 1 again" in log  # retried before giving up
    assert_import_loses_nothing(network, path, recovery, tmp_path)


@pytest.mark.e2e
def test_a_lock_held_within_the_retry_window_costs_nothing(
    make_sample_network: Callable[..., SampleNetwork], tmp_path: Path
) -> None:
    network = make_sample_network()
    path = tmp_path / "finnews.db"
    crawl = start_crawl(network, f"sqlite:///{path}", tmp_path, "-s", "FINNEWS_DB_RETRY_SECONDS=20")
    wait_for_articles(crawl, path, 20)
    with held_lock(path):
        time.sleep(8)  # longer than one attempt's busy timeout (5 s): the batch is tried again
    assert crawl.wait(timeout=240) == ExitCode.DONE
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert "database is locked" in log and "try 1 again" in log
    assert not (tmp_path / "recovery").exists()
    problems = truth_problems(export(f"sqlite:///{path}"), network.truth())
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.mark.e2e
def test_a_new_database_locked_at_the_crawls_start_is_waited_for(
    make_sample_network: Callable[..., SampleNetwork], tmp_path: Path
) -> None:
    """The processes of a shared crawl create its database at once: one that finds the file locked longer than its
    busy timeout tries again (as the writer does), within FINNEWS_DB_RETRY_SECONDS, and crawls."""
    network = make_sample_network()
    path = tmp_path / "finnews.db"
    path.touch()  # a new database, no schema yet: its journal mode is set by the first connection
    with held_lock(path):
        crawl = start_crawl(network, f"sqlite:///{path}", tmp_path, "-s", "FINNEWS_DB_RETRY_SECONDS=20")
        time.sleep(8)  # longer than one attempt's busy timeout (5 s)
    assert crawl.wait(timeout=240) == ExitCode.DONE
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert "opening the database failed" in log and "database is locked" in log and "try 1 again" in log
    problems = truth_problems(export(f"sqlite:///{path}"), network.truth())
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.mark.e2e
def test_a_write_error_raised_by_the_database_stops_the_crawl_and_loses_nothing(
    make_sample_network: Callable[..., SampleNetwork], tmp_path: Path
) -> None:
    """A trigger makes SQLite refuse every article after the 30th (a permanent error: not retried)."""
    network = make_sample_network()
    path = tmp_path / "finnews.db"
    db.make_engine(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN (SELECT count(*) FROM articles) >= 30 "
            "BEGIN SELECT RAISE(ABORT, 'injected write failure'); END"
        )
    # batches of at most 10 rows: the first ones are stored whatever the writer's linger gathers
    crawl = start_crawl(network, f"sqlite:///{path}", tmp_path, "-s", "FINNEWS_DB_BATCH_SIZE=10")
    recovery = assert_stopped_with_a_recovery_file(crawl, tmp_path)
    assert "injected write failure" in (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert pages(path)  # what the database took before it refused
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER refuse")
    assert_import_loses_nothing(network, path, recovery, tmp_path)


@pytest.mark.e2e
def test_a_read_only_database_stops_the_crawl_with_every_item_in_the_recovery_file(
    make_sample_network: Callable[..., SampleNetwork], tmp_path: Path
) -> None:
    network = make_sample_network(articles=20)
    path = tmp_path / "finnews.db"
    db.make_engine(f"sqlite:///{path}").dispose()
    crawl = start_crawl(network, f"sqlite:///file:{path}?mode=ro&uri=true", tmp_path)
    recovery = assert_stopped_with_a_recovery_file(crawl, tmp_path)
    assert "attempt to write a readonly database" in (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert pages(path) == set()
    assert_import_loses_nothing(network, path, recovery, tmp_path)


# --- faults at the writer ----------------------------------------------------------------------------


def full_after(url: str, pages: int) -> Engine:
    """An engine on `url` whose connections may grow the file by `pages` pages only: SQLite's own
    "database or disk is full" after that (PRAGMA max_page_count)."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        limit = connection.exec_driver_sql("PRAGMA page_count").scalar_one() + pages
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {limit}")

    return engine


def test_a_full_database_sends_the_batch_and_every_later_row_to_the_recovery_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/full.db"
    engine = full_after(url, 40)
    recovery = RecoveryFile(tmp_path / "recovery.jsonl")
    writer = ArticleWriter(engine, batch_size=5, retry_seconds=5, fallback=recovery)
    rows = [row(f"http://p1/a/{n}.html", body=f"第{n}篇。" + "新型储能装机增长。" * 300) for n in range(200)]
    futures = [writer.submit(values) for values in rows]
    writer.close()
    recovery.close()
    failed = [n for n, future in enumerate(futures) if future.exception() is not None]
    assert failed and failed == list(range(failed[0], 200))  # the first refused batch and everything after
    assert all(isinstance(futures[n].exception(), StorageFailed) for n in failed)
    assert "database or disk is full" in str(futures[failed[0]].exception())
    assert [row_url(record) for record in read_recovery(recovery.path)] == [rows[n]["url"] for n in failed]
    roomy = db.make_engine(url)
    assert import_recovery(roomy, recovery.path, None) == len(failed)
    assert len(pages(tmp_path / "full.db")) == 200


def test_a_recovery_file_keeps_reprints_and_text_json_cannot_encode(tmp_path: Path) -> None:
    """Reprint records come back as reprints of their story; a lone surrogate (which orjson refuses)
    survives the round trip."""
    path = tmp_path / "recovery.jsonl"
    recovery = RecoveryFile(path)
    article = row("http://p1/a/1.html", title="央行\ud800开展逆回购")
    copy = ReprintRecord("http://p1/a/1.html", "http://p2/b/7.html", "txjr", None, 42, 0.8, article["crawled_at"])
    recovery.append([article, copy])
    recovery.close()
    assert list(read_recovery(path)) == [article, copy]


def test_a_transient_failure_is_retried_and_a_permanent_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "finnews.db"
    engine = db.make_engine(f"sqlite:///{path}", busy_seconds=0.2)
    writer = ArticleWriter(engine, retry_seconds=30, fallback=RecoveryFile(tmp_path / "r.jsonl"))
    with held_lock(path):
        pending = writer.submit(row())
        time.sleep(1.5)
        assert not pending.done()  # waiting for the lock, not failed
    assert pending.result(timeout=30) is None
    assert writer.submit(row("http://p1/a/2.html", title=None)).exception(timeout=30) is not None  # NOT NULL
    writer.close()
    assert (tmp_path / "r.jsonl").read_text(encoding="utf-8").count("\n") == 1


# --- MariaDB's named locks -----------------------------------------------------------------------------


@pytest.mark.services
def test_a_mysql_lock_that_is_not_granted_raises_instead_of_writing_unlocked(tmp_path: Path) -> None:
    url = service_url("mysql")
    drop_schema(url)
    engine = db.make_engine(url)
    holder = create_engine(url, poolclass=NullPool).connect()  # closing it ends its session and its locks
    try:
        hold = "SELECT GET_LOCK(%s, 0)"
        assert holder.exec_driver_sql(hold, (db.mysql_lock_name(holder, "writers"),)).scalar() == 1
        recovery = RecoveryFile(tmp_path / "recovery.jsonl")
        writer = ArticleWriter(engine, matching=Matching(), retry_seconds=2, fallback=recovery)
        failure = writer.submit(row(body=STORY)).exception(timeout=60)
        writer.close()
        assert isinstance(failure, StorageFailed) and "LockTimeout" in failure.cause
        assert holder.exec_driver_sql(hold, (db.mysql_lock_name(holder, "schema"),)).scalar() == 1
        with pytest.raises(db.LockTimeout, match="finnews-schema:finnews_test_"):
            db.upgrade(engine, lock_seconds=1)
    finally:
        holder.close()
    assert import_recovery(engine, recovery.path, Matching()) == 1
    assert import_recovery(engine, recovery.path, Matching()) == 1
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM articles").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM view_snapshots").scalar() == 1
        name = db.mysql_lock_name(connection, "writers")
        assert connection.exec_driver_sql("SELECT IS_USED_LOCK(%s)", (name,)).scalar() is None
    engine.dispose()


# --- killed crawls and interrupted exports -----------------------------------------------------------


@pytest.mark.e2e
def test_a_crawl_killed_outright_is_closed_as_interrupted_by_the_next(
    sample_network: SampleNetwork, tmp_path: Path
) -> None:
    path = tmp_path / "finnews.db"
    db_url = f"sqlite:///{path}"
    crawl = start_crawl(sample_network, db_url, tmp_path)
    wait_for_articles(crawl, path, 10)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait()
    assert run_rows(path) == [("portal", None)]
    rerun = start_crawl(sample_network, db_url, tmp_path, "-s", "CONCURRENT_REQUESTS=16")
    assert rerun.wait(timeout=240) == ExitCode.DONE
    assert run_rows(path) == [("portal", INTERRUPTED), ("portal", "finished")]


def run_rows(path: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(path, timeout=30) as connection:
        return connection.execute("SELECT spider, finish_reason FROM crawl_runs ORDER BY id").fetchall()


def test_only_runs_whose_process_is_gone_are_closed(tmp_path: Path) -> None:
    """Crawls side by side never close each other's runs: a live process's run, and a run of another
    host, stay open; a run whose process ended, and one that names no process (an older finnews), close."""
    engine = db.make_engine(f"sqlite:///{tmp_path}/runs.db")
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    start_run(engine, "portal", "dede")  # this process, alive
    dead = start_run(engine, "portal", "dede")
    elsewhere = start_run(engine, "portal", "dede")
    old = start_run(engine, "portal", "dede")
    with engine.begin() as connection:
        set_stats = "UPDATE crawl_runs SET stats = ? WHERE id = ?"
        connection.exec_driver_sql(set_stats, (json.dumps({HOST: socket.gethostname(), PID: int(ended.stdout)}), dead))
        connection.exec_driver_sql(set_stats, (json.dumps({HOST: "another-host", PID: 1}), elsewhere))
        connection.exec_driver_sql("UPDATE crawl_runs SET stats = NULL WHERE id = ?", (old,))
    assert close_interrupted_runs(engine) == [dead, old]
    assert close_interrupted_runs(engine) == []
    assert run_rows(tmp_path / "runs.db") == [
        ("portal", None),
        ("portal", INTERRUPTED),
        ("portal", None),
        ("portal", INTERRUPTED),
    ]


def test_an_interrupted_export_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "articles.jsonl.gz"
    target.write_bytes(b"the previous export")
    with pytest.raises(KeyboardInterrupt), replacing(target) as out:
        out.write(b'{"url": "http://p1/a/1.html"}\n')
        raise KeyboardInterrupt  # Ctrl-C half-way
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.jsonl.gz"]  # no temporary file left


def test_an_export_killed_half_way_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    writer = ArticleWriter(db.make_engine(db_url), batch_size=500)
    for n in range(3000):
        writer.submit(row(f"http://p1/a/{n}.html", body=f"第{n}篇。" + STORY * 20))
    writer.close()
    target = tmp_path / "out" / "articles.jsonl"
    assert main(["export", "--db", db_url, "-o", str(target)]) == 0
    complete = target.read_bytes()
    assert complete.count(b"\n") == 3000
    exporting = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "export", "--db", db_url, "-o", str(target)], cwd=PROJECT
    )
    deadline = time.monotonic() + 60
    while not any(p.suffix == ".part" and p.stat().st_size > 0 for p in target.parent.iterdir()):
        assert exporting.poll() is None and time.monotonic() < deadline, "the export ended before it could be killed"
        time.sleep(0.005)
    exporting.send_signal(signal.SIGKILL)
    exporting.wait()
    assert target.read_bytes() == complete
    assert main(["export", "--db", db_url, "-o", str(target)]) == 0  # the next export replaces it whole
    assert target.read_bytes().count(b"\n") == 3000
