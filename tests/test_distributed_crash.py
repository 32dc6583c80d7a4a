"""A shared crawl survives `kill -9` of its processes (crawler/distributed/ leases), for real: `scrapy
crawl portal` processes on the sample portals, the machine's Redis and PostgreSQL.

Each process is killed once the database holds a random number of articles: a random moment of the crawl.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import func, select

from crawler import db
from crawler.models import ArticleRow
from tests.crawls import PROJECT, export, run_stats, truth_problems
from tests.services import drop_schema, service_url

pytestmark = [pytest.mark.services, pytest.mark.e2e]

LEASE = "3"  # seconds: a killed process's pages go back to the queue this long after it died


def worker(network: Any, db_url: str, redis_crawl: tuple[str, str], log: Path, *extra: str) -> subprocess.Popen[bytes]:
    """One `scrapy crawl portal` process of the shared crawl (`extra` arguments), its log to `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
             "-s", f"FINNEWS_DB_URL={db_url}", "-s", f"FINNEWS_REDIS_URL={redis_crawl[0]}",
             "-s", f"FINNEWS_REDIS_KEY={redis_crawl[1]}", "-s", "FINNEWS_REDIS_IDLE_SECONDS=1",
             "-s", f"FINNEWS_REDIS_LEASE_SECONDS={LEASE}", "-s", "DOWNLOAD_DELAY=0.05", "-s", "LOG_LEVEL=INFO", *extra],
            cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


def stored(db_url: str) -> int:
    engine = db.make_engine(db_url, create=False)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(ArticleRow)).scalar_one())
    except Exception:  # the schema is not there yet
        return 0
    finally:
        engine.dispose()


def kill_when_stored(process: subprocess.Popen[bytes], db_url: str, count: int) -> None:
    """`kill -9` the process once the database holds `count` articles."""
    deadline = time.monotonic() + 180
    while stored(db_url) < count:
        assert process.poll() is None, "the crawl ended before it could be killed"
        assert time.monotonic() < deadline, "the crawl stores nothing"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def finished(process: subprocess.Popen[bytes], log: Path) -> str:
    code = process.wait(timeout=300)
    text = log.read_text(encoding="utf-8")
    assert code == 0, text[-3000:]
    return text


@pytest.fixture
def postgres() -> str:
    url = service_url("postgresql")
    drop_schema(url)
    db.make_engine(url).dispose()  # the schema first: processes creating it at once would wait on its lock
    return url


def test_a_worker_killed_at_any_moment_loses_nothing_and_blocks_no_later_run(
    sample_network: Any, redis_crawl: tuple[str, str], postgres: str, tmp_path: Path
) -> None:
    truth = sample_network.truth()
    server = redis.Redis.from_url(redis_crawl[0])
    killed, survivor = (worker(sample_network, postgres, redis_crawl, tmp_path / f"w{n}.log") for n in (1, 2))
    kill_when_stored(killed, postgres, random.randint(5, 100))
    log = finished(survivor, tmp_path / "w2.log")
    problems = truth_problems(export(postgres), truth)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert "the crawl is over: removed its Redis keys" in log
    assert list(server.scan_iter(match=f"{redis_crawl[1]}:*")) == []

    # The same command again, as a schedule would run it: a new crawl, not blocked by the last one's state.
    again = worker(sample_network, postgres, redis_crawl, tmp_path / "again.log", "-a", "full=1")
    log = finished(again, tmp_path / "again.log")
    assert "a new crawl" in log
    stats = run_stats(postgres)[-1]  # every article page asked again: read, or unchanged since it was kept (304)
    assert stats.get("finnews/pages/article", 0) + stats.get("finnews/not_modified", 0) == len(truth)
    assert not truth_problems(export(postgres), truth)  # every story still stored once


def test_a_crawl_whose_workers_all_died_is_resumed_and_fetches_only_what_was_missing(
    sample_network: Any, redis_crawl: tuple[str, str], postgres: str, tmp_path: Path
) -> None:
    truth = sample_network.truth()
    first, second = (worker(sample_network, postgres, redis_crawl, tmp_path / f"w{n}.log") for n in (1, 2))
    count = random.randint(20, 100)
    kill_when_stored(first, postgres, count)
    kill_when_stored(second, postgres, count + 10)
    before = stored(postgres)

    resumed = worker(sample_network, postgres, redis_crawl, tmp_path / "resumed.log")
    log = finished(resumed, tmp_path / "resumed.log")
    assert "a new crawl" not in log  # resumed (or joined the dead, whose presence had not run out yet)
    problems = truth_problems(export(postgres), truth)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    fetched = run_stats(postgres)[-1].get("finnews/pages/article", 0)
    # What was missing: the pages not stored before, plus at most the pages the killed processes had in
    # progress (fetched, not yet stored); with CONCURRENT_REQUESTS=16 and 8 leased ahead, 24 each.
    assert 0 < fetched <= len(truth) - before + 2 * 24, (fetched, len(truth), before)
