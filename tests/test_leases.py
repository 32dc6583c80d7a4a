"""One crawl of a portal into a database at a time (`crawler.leases`): the leases on each database, and
real crawls: a second crawl of the same portals is refused (exit status 6, one line naming the first),
and after kill -9 of the first, the next crawl takes its portals over and stores every story once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from crawler import db
from crawler.exitcodes import ExitCode
from crawler.leases import Leases, PortalsBusy, holders
from crawler.models import SHANGHAI, ArticleRow, CrawlLease, CrawlRun
from tests.crawls import PROJECT, export, run_stats, truth_problems
from tests.services import database_at, drop_schema, service_url

T0 = datetime(2026, 12, 4, 22, 0, tzinfo=SHANGHAI)


def leases(engine: Engine, *portals: str, at: datetime = T0, alive: bool = True) -> Leases:
    return Leases(engine, portals, 120, clock=lambda: at, alive=lambda pid: alive)


def test_a_portal_is_leased_to_one_crawl_at_a_time(engine: Engine) -> None:
    first = leases(engine, "dede", "txjr")
    first.acquire()
    with pytest.raises(PortalsBusy, match=r"running on txjr \(pid \d+ on .*, started 2026-12-04 22:00:00\+0800\)"):
        leases(engine, "phpcms", "txjr").acquire()  # one portal in common: refused whole
    assert [h.portal for h in holders(engine)] == ["dede", "txjr"]  # phpcms not taken either
    first.release()
    leases(engine, "phpcms", "txjr").acquire()
    assert [h.portal for h in holders(engine)] == ["phpcms", "txjr"]


def test_a_lease_of_a_dead_process_or_expired_is_taken_over(engine: Engine) -> None:
    leases(engine, "dede").acquire()  # this process, "alive"
    with pytest.raises(PortalsBusy):
        leases(engine, "dede", at=T0 + timedelta(seconds=119)).acquire()  # standing: 1 s left
    later = leases(engine, "dede", at=T0 + timedelta(seconds=120))  # expired
    later.acquire()
    with Session(engine) as session, session.begin():  # as if taken by another process of this host
        session.execute(update(CrawlLease).values(pid=CrawlLease.pid + 1))
    with pytest.raises(PortalsBusy):
        leases(engine, "dede", at=T0 + timedelta(seconds=121)).acquire()  # its process lives
    leases(engine, "dede", at=T0 + timedelta(seconds=121), alive=False).acquire()  # its process is gone
    with Session(engine) as session, session.begin():  # as if taken on another host, whose processes we cannot see
        session.execute(update(CrawlLease).values(host="elsewhere", pid=CrawlLease.pid + 1))
    with pytest.raises(PortalsBusy, match="on elsewhere"):
        leases(engine, "dede", at=T0 + timedelta(seconds=122), alive=False).acquire()


def test_renewal_pushes_the_expiry_and_a_lost_lease_shows(engine: Engine) -> None:
    now = [T0]
    mine = Leases(engine, ["dede", "txjr"], 120, clock=lambda: now[0])
    mine.acquire()
    now[0] = T0 + timedelta(seconds=100)
    assert mine.renew() == 2
    assert {h.expires_at for h in holders(engine)} == {T0 + timedelta(seconds=220)}
    leases(engine, "txjr", at=T0 + timedelta(seconds=221)).acquire()  # it expired: another crawl took it
    assert mine.renew() == 1
    mine.release()
    assert [h.portal for h in holders(engine)] == ["txjr"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_migration_0009_adds_the_lease_table_and_the_run_report(backend: str, tmp_path: Path) -> None:
    old = database_at("0008", backend, tmp_path)
    with old.begin() as connection:  # a run of an older finnews
        connection.execute(
            text("INSERT INTO crawl_runs (spider, started_at, stats) VALUES ('portal', :t, '{}')"), {"t": T0}
        )
    db.upgrade(old, "0009")
    assert db.schema_revision(old) == "0009"
    with Session(old) as session:
        assert [run.report for run in session.scalars(select(CrawlRun))] == [None]
    leases(old, "dede").acquire()
    assert [h.portal for h in holders(old)] == ["dede"]
    url = old.url.render_as_string(hide_password=False)
    old.dispose()
    if backend != "sqlite":
        drop_schema(url)


def stored(db_url: str) -> int:
    try:
        engine = db.make_engine(db_url, create=False, check=False)
    except FileNotFoundError:  # not created yet
        return 0
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(ArticleRow)) or 0
    except Exception:  # no schema yet
        return 0
    finally:
        engine.dispose()


@pytest.mark.e2e
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def test_an_overlapping_crawl_is_refused_and_a_killed_one_leaves_no_lock(
    make_sample_network: Any, backend: str, tmp_path: Path
) -> None:
    network = make_sample_network(articles=60)
    if backend == "sqlite":
        db_url = f"sqlite:///{tmp_path}/finnews.db"
    else:
        db_url = service_url(backend)
        drop_schema(db_url)
    crawl = [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
             "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=WARNING"]  # fmt: skip
    slow = ["-s", "DOWNLOAD_DELAY=0.2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    first = subprocess.Popen([*crawl, *slow], cwd=PROJECT)
    try:
        deadline = time.monotonic() + 120
        while stored(db_url) < 3:
            assert first.poll() is None and time.monotonic() < deadline, "the first crawl stored nothing"
            time.sleep(0.1)
        second = subprocess.run(crawl, cwd=PROJECT, capture_output=True, text=True, timeout=120)
        assert second.returncode == ExitCode.ALREADY_RUNNING, second.stderr[-2000:]
        [line] = [line for line in second.stderr.splitlines() if "ERROR" in line]
        assert f"another crawl into this database is running on dede, phpcms, txjr (pid {first.pid} on " in line
        assert first.poll() is None  # the refused crawl stopped nothing
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    third = subprocess.run(crawl, cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert third.returncode == ExitCode.DONE, third.stderr[-2000:]
    assert "taking over the lease of dede" in third.stderr
    problems = truth_problems(export(db_url), network.truth())
    assert not problems, problems[:20]
    assert [stats.get("finnews/stored", 0) > 0 for stats in run_stats(db_url)] == [False, True]  # killed: not closed
    engine = db.make_engine(db_url, create=False)
    assert holders(engine) == []  # the finished crawl gave its leases up
    engine.dispose()
    if backend != "sqlite":
        drop_schema(db_url)
