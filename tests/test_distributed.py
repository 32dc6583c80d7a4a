"""One crawl split between processes through Redis (crawler/distributed.py), against the machine's Redis.

The scheduler's own tests use a crawler that never starts (no reactor in the test process); the end-to-end
test runs two `scrapy crawl portal` processes at once on the sample portals.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy import Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import db
from crawler.distributed import RedisScheduler, crawl_key
from crawler.items import Article
from crawler.spiders.portal import PortalSpider
from tests.crawls import PROJECT, PROJECT_SETTINGS, export, run_stats, truth_problems
from tests.services import drop_schema, service_url


def make_scheduler(redis_crawl: tuple[str, str], idle: float = 10.0) -> tuple[RedisScheduler, PortalSpider]:
    """A scheduler of the crawl `redis_crawl` (URL, key) and the spider whose requests it holds."""
    url, key = redis_crawl
    settings = {**PROJECT_SETTINGS, "FINNEWS_REDIS_URL": url, "FINNEWS_REDIS_KEY": key}
    crawler = get_crawler(PortalSpider, settings_dict={**settings, "FINNEWS_REDIS_IDLE_SECONDS": idle})
    crawler.stats.open_spider()
    spider = PortalSpider.from_crawler(crawler, site="dede", start_url="http://x.cn/")
    return RedisScheduler.from_crawler(crawler), spider


def test_the_shared_scheduler_is_used_only_with_a_redis_url() -> None:
    for url, scheduler in [
        ("", "scrapy.core.scheduler.Scheduler"),
        ("redis://h/0", "crawler.distributed.RedisScheduler"),
    ]:
        settings = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler", "FINNEWS_REDIS_URL": url})
        PortalSpider.update_settings(settings)
        assert settings["SCHEDULER"] == scheduler


@pytest.mark.services
def test_requests_come_back_with_their_callbacks_and_dataclass_arguments(redis_crawl: tuple[str, str]) -> None:
    scheduler, spider = make_scheduler(redis_crawl)
    scheduler.join(spider)
    profile = spider.profiles[0]
    article = Article(url="http://x.cn/a/20240903/1.html", site="dede", title="央行开展逆回购操作", body="正文")
    sent = [
        spider._listing_request("http://x.cn/news/", profile),
        spider._article_request("http://x.cn/a/20240903/1.html", profile, "09-03"),
        Request(
            "http://x.cn/plus/count.php?aid=1",
            callback=spider.parse_counter,
            errback=spider.counter_failed,
            cb_kwargs={"article": article},
            dont_filter=True,
        ),
    ]
    assert all(scheduler.enqueue_request(request) for request in sent)
    received = [scheduler.next_request() for _ in sent]
    assert scheduler.next_request() is None
    assert [(r.url, r.callback, r.errback, r.cb_kwargs) for r in received if r] == [
        (r.url, r.callback, r.errback, r.cb_kwargs) for r in sent
    ]
    assert received[2] and received[2].cb_kwargs["article"] is not article  # a copy, equal field by field


@pytest.mark.services
def test_a_request_seen_by_any_process_is_not_queued_again(redis_crawl: tuple[str, str]) -> None:
    (first, spider), (second, other) = make_scheduler(redis_crawl), make_scheduler(redis_crawl)
    first.join(spider)
    second.join(other)
    assert first.enqueue_request(Request("http://x.cn/a/1.html"))
    assert not second.enqueue_request(Request("http://x.cn/a/1.html#comments"))  # the same page
    assert second.enqueue_request(Request("http://x.cn/a/1.html", dont_filter=True))  # a retry goes through
    assert len(first) == len(second) == 2
    assert second.stats.get_value("dupefilter/filtered") == 1


@pytest.mark.services
def test_higher_priority_first_then_first_in_first_out(redis_crawl: tuple[str, str]) -> None:
    scheduler, spider = make_scheduler(redis_crawl)
    scheduler.join(spider)
    for url, priority in [("http://x.cn/1", 0), ("http://x.cn/2", 0), ("http://x.cn/3", 2), ("http://x.cn/4", -1)]:
        scheduler.enqueue_request(Request(url, priority=priority))
    popped = [scheduler.next_request() for _ in range(4)]
    assert [r.url for r in popped if r] == ["http://x.cn/3", "http://x.cn/1", "http://x.cn/2", "http://x.cn/4"]


@pytest.mark.services
def test_the_last_process_out_removes_the_keys_and_a_new_crawl_starts_afresh(redis_crawl: tuple[str, str]) -> None:
    server = redis.Redis.from_url(redis_crawl[0])
    (first, spider), (second, other) = make_scheduler(redis_crawl), make_scheduler(redis_crawl)
    assert first.join(spider) is True and second.join(other) is False
    first.enqueue_request(Request("http://x.cn/a/1.html"))
    assert first.leave() is False  # the other process goes on with the queue and the seen set
    assert len(second) == 1 and server.exists(f"{redis_crawl[1]}:seen")
    assert second.leave() is True
    assert list(server.scan_iter(match=f"{redis_crawl[1]}:*")) == []

    # A process that died left its keys and its presence; once that expires, the next process starts afresh.
    crashed, spider = make_scheduler(redis_crawl)
    crashed.join(spider)
    crashed.enqueue_request(Request("http://x.cn/a/1.html"))
    server.zadd(f"{redis_crawl[1]}:workers", {crashed.worker: time.time() - 1})
    fresh, spider = make_scheduler(redis_crawl)
    assert fresh.join(spider) is True
    assert len(fresh) == 0 and fresh.enqueue_request(Request("http://x.cn/a/1.html"))


@pytest.mark.services
def test_a_process_waits_for_the_idle_time_on_an_empty_shared_queue(redis_crawl: tuple[str, str]) -> None:
    scheduler, spider = make_scheduler(redis_crawl, idle=0.3)
    scheduler.join(spider)
    assert scheduler.has_pending_requests()  # empty, but another process may yet push requests
    scheduler.enqueue_request(Request("http://x.cn/a/1.html"))  # ... as one does
    time.sleep(0.4)
    assert scheduler.has_pending_requests() and scheduler.next_request() is not None
    assert scheduler.has_pending_requests()  # the idle time counts again from here
    time.sleep(0.4)
    assert not scheduler.has_pending_requests()


def test_the_default_key_is_the_spider_and_its_profiles() -> None:
    crawler = get_crawler(PortalSpider, settings_dict=PROJECT_SETTINGS)
    spider = PortalSpider.from_crawler(crawler, site="txjr,dede", start_url="http://a.cn/,http://b.cn/")
    assert crawl_key(spider) == "finnews:portal:dede,txjr"


def start_crawl(
    network: Any, db_url: str, redis_crawl: tuple[str, str], log: Path, *extra: str
) -> subprocess.Popen[bytes]:
    """`scrapy crawl portal` of every portal of `network` in the crawl `redis_crawl`, its log to `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
             "-s", f"FINNEWS_DB_URL={db_url}", "-s", f"FINNEWS_REDIS_URL={redis_crawl[0]}",
             "-s", f"FINNEWS_REDIS_KEY={redis_crawl[1]}", "-s", "FINNEWS_REDIS_IDLE_SECONDS=1", "-s", "LOG_LEVEL=INFO",
             *extra],
            cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


@pytest.mark.services
@pytest.mark.e2e
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_share_one_crawl_and_fetch_each_page_once(
    sample_network: Any, redis_crawl: tuple[str, str], tmp_path: Path, backend: str
) -> None:
    """Two processes with the same arguments: every story stored once and right, each page fetched once."""
    if backend == "sqlite":
        db_url = f"sqlite:///{tmp_path}/finnews.db"
    else:
        db_url = service_url(backend)
        drop_schema(db_url)
    db.make_engine(db_url).dispose()  # the schema first: two processes creating it at once collide
    # A polite delay (per process, per portal) keeps the crawl longer than the processes' start-up jitter.
    crawls = [
        start_crawl(sample_network, db_url, redis_crawl, tmp_path / f"crawl{n}.log", "-s", "DOWNLOAD_DELAY=0.05")
        for n in (1, 2)
    ]
    codes = [crawl.wait(timeout=300) for crawl in crawls]
    logs = [(tmp_path / f"crawl{n}.log").read_text(encoding="utf-8") for n in (1, 2)]
    assert codes == [0, 0], "\n".join(log[-3000:] for log in logs)

    truth = sample_network.truth()
    problems = truth_problems(export(db_url), truth)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    runs = run_stats(db_url)
    pages = [run.get("finnews/pages/article", 0) for run in runs]
    shares = [line for log in logs for line in log.splitlines() if "[crawler.distributed]" in line]
    assert len(runs) == 2 and all(pages), (pages, shares)  # both processes fetched article pages ...
    assert sum(pages) == len(truth)  # ... and no page was fetched by both
    for run in runs:
        assert run["finish_reason"] == "finished"
        assert "finnews/failed/article" not in run and "log_count/ERROR" not in run
    server = redis.Redis.from_url(redis_crawl[0])
    assert list(server.scan_iter(match=f"{redis_crawl[1]}:*")) == []  # the last process out removed the keys


@pytest.mark.e2e
def test_a_redis_that_cannot_be_used_stops_the_crawl_with_one_line(sample_network: Any, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *sample_network.crawl_arguments(),
         "-s", f"FINNEWS_DB_URL=sqlite:///{tmp_path}/finnews.db", "-s", "FINNEWS_REDIS_URL=redis://127.0.0.1:1/0"],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line]
    assert result.returncode == 1
    assert len(errors) == 1 and "cannot share the crawl through Redis at 127.0.0.1:1/0" in errors[0], errors
    assert "Traceback" not in result.stderr
