"""One crawl split between processes through Redis (crawler/distributed/), against the machine's Redis.

The scheduler's own tests use a crawler that never starts (no reactor in the test process); the end-to-end
test runs two `scrapy crawl portal` processes at once on the sample portals.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy import Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import db
from crawler.distributed import LISTING_CAP, RedisScheduler, crawl_key, decode_request, encode_request
from crawler.items import Article
from crawler.spiders.portal import PortalSpider
from tests.crawls import PROJECT, PROJECT_SETTINGS, export, run_stats, truth_problems
from tests.services import drop_schema, service_url


def make_scheduler(
    redis_crawl: tuple[str, str], idle: float = 10.0, lease: float = 60.0, wake: Callable[[], None] | None = None
) -> tuple[RedisScheduler, PortalSpider, set[Request]]:
    """A scheduler of the crawl `redis_crawl` (URL, key), the spider whose requests it holds, and the set
    standing for the engine's requests in progress. Its thread is not started: tests call `_sync()`."""
    url, key = redis_crawl
    settings = {**PROJECT_SETTINGS, "FINNEWS_REDIS_URL": url, "FINNEWS_REDIS_KEY": key}
    crawler = get_crawler(PortalSpider, settings_dict={**settings, "FINNEWS_REDIS_IDLE_SECONDS": idle})
    crawler.stats.open_spider()
    spider = PortalSpider.from_crawler(crawler, site="dede", start_url="http://x.cn/")
    in_progress: set[Request] = set()
    scheduler = RedisScheduler(
        redis.Redis.from_url(url),
        key,
        idle,
        lease,
        crawler.stats,
        crawler.request_fingerprinter,
        lambda: in_progress,
        wake=wake,
    )
    return scheduler, spider, in_progress


def take(scheduler: RedisScheduler, in_progress: set[Request]) -> Request | None:
    """What the engine does: the next request, kept in progress until the test discards it."""
    scheduler._sync()
    request = scheduler.next_request()
    if request is not None:
        in_progress.add(request)
    return request


def test_the_shared_scheduler_is_used_only_with_a_redis_url() -> None:
    for url, scheduler in [
        ("", "scrapy.core.scheduler.Scheduler"),
        ("redis://h/0", "crawler.distributed.RedisScheduler"),
    ]:
        settings = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler", "FINNEWS_REDIS_URL": url})
        PortalSpider.update_settings(settings)
        assert settings["SCHEDULER"] == scheduler


def test_requests_travel_as_json_with_their_callbacks_profile_and_article() -> None:
    crawler = get_crawler(PortalSpider, settings_dict=PROJECT_SETTINGS)
    spider = PortalSpider.from_crawler(crawler, site="dede", start_url="http://x.cn/")
    profile = spider.profiles[0]
    published = datetime(2024, 9, 3, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    article = Article(url="http://x.cn/a/1.html", site="dede", title="央行开展逆回购操作", published_at=published)
    sent = [
        spider._listing_request("http://x.cn/news/", profile),
        *spider._article_request("http://x.cn/a/20240903/1.html", profile, "09-03"),
        Request(
            "http://x.cn/plus/count.php?aid=1",
            callback=spider.parse_counter,
            errback=spider.counter_failed,
            cb_kwargs={"article": article},
            meta={"finnews_portal": "dede", "download_maxsize": 16384, "not_json": object()},
            dont_filter=True,
            priority=3,
        ),
    ]
    texts = [encode_request(request, spider) for request in sent]
    assert all(json.loads(text)["url"] for text in texts)  # plain JSON: nothing a reader could run
    received = [decode_request(text, spider) for text in texts]
    assert [(r.url, r.callback, r.errback, r.cb_kwargs, r.priority, r.dont_filter) for r in received] == [
        (r.url, r.callback, r.errback, r.cb_kwargs, r.priority, r.dont_filter) for r in sent
    ]
    assert received[0].cb_kwargs["profile"] is profile  # re-resolved from the spider by its name
    assert received[2].meta == {"finnews_portal": "dede", "download_maxsize": 16384}
    assert received[2].cb_kwargs["article"].published_at == published
    with pytest.raises(ValueError, match="cannot travel"):
        encode_request(Request("http://x.cn/", cb_kwargs={"thing": object()}), spider)


@pytest.mark.services
def test_a_request_seen_by_any_process_is_not_queued_again(redis_crawl: tuple[str, str]) -> None:
    (first, spider, _), (second, other, _) = make_scheduler(redis_crawl), make_scheduler(redis_crawl)
    first.join(spider)
    second.join(other)
    assert first.enqueue_request(Request("http://x.cn/a/1.html"))
    first._sync()
    assert second.enqueue_request(Request("http://x.cn/a/1.html#comments"))  # the same page: Redis knows it
    assert second.enqueue_request(Request("http://x.cn/a/1.html", dont_filter=True))  # a retry goes through
    assert not second.enqueue_request(Request("http://x.cn/a/1.html"))  # seen by this process: not even sent
    second._sync()
    assert second._remote[0] + len(second._inbox) + len(first._inbox) == 2
    assert second.stats.get_value("dupefilter/filtered") == 2


@pytest.mark.services
def test_the_listing_page_cap_holds_for_the_whole_shared_crawl(redis_crawl: tuple[str, str]) -> None:
    """FINNEWS_MAX_LISTING_PAGES=3: three listing pages of a portal for the crawl, whichever process finds
    them; a portal's cap is its own; the spider leaves the counting to the shared scheduler."""
    (first, spider, _), (second, other, _) = make_scheduler(redis_crawl), make_scheduler(redis_crawl)
    for scheduler, owner in ((first, spider), (second, other)):
        scheduler.listing_cap = 3
        scheduler.join(owner)
    [profile] = spider.profiles
    assert all(spider._may_follow_listing(profile) for _ in range(10))  # not counted in the process
    listing = spider._listing_request("http://x.cn/list/1.html", profile)
    assert listing.meta[LISTING_CAP] == "dede"
    first.enqueue_request(listing)
    for n in (2, 3, 4):
        first.enqueue_request(Request(f"http://x.cn/list/{n}.html", meta={LISTING_CAP: "dede"}))
    first._sync()
    for n in (3, 5, 6):  # list/3 was queued by the other process already
        second.enqueue_request(Request(f"http://x.cn/list/{n}.html", meta={LISTING_CAP: "dede"}))
    second.enqueue_request(Request("http://x.cn/list/7.html", meta={LISTING_CAP: "txjr"}))  # another portal's
    second.enqueue_request(Request("http://x.cn/a/8.html"))  # not a listing page: never capped
    second._sync()
    queue = redis.Redis.from_url(redis_crawl[0], decode_responses=True).zrange(f"{redis_crawl[1]}:queue", 0, -1)
    members = [str(m) for m in queue] + [*first._inbox, *second._inbox]  # and those a process took already
    urls = sorted(json.loads(m.split(":", 2)[2])["url"] for m in members)
    assert urls == ["http://x.cn/a/8.html"] + [f"http://x.cn/list/{n}.html" for n in (1, 2, 3, 7)]
    capped = [s.stats.get_value("finnews/listing_limit", 0) for s in (first, second)]
    assert capped == [1, 2] and second.stats.get_value("dupefilter/filtered") == 1


@pytest.mark.services
def test_higher_priority_first_then_first_in_first_out(redis_crawl: tuple[str, str]) -> None:
    scheduler, spider, in_progress = make_scheduler(redis_crawl)
    scheduler.join(spider)
    scheduler.prefetch = 1
    for url, priority in [("http://x.cn/1", 0), ("http://x.cn/2", 0), ("http://x.cn/3", 2), ("http://x.cn/4", -1)]:
        scheduler.enqueue_request(Request(url, priority=priority))
    popped = [take(scheduler, in_progress) for _ in range(4)]
    assert [r.url for r in popped if r] == ["http://x.cn/3", "http://x.cn/1", "http://x.cn/2", "http://x.cn/4"]


@pytest.mark.services
def test_a_lease_is_released_only_when_the_engine_is_done_with_its_request(redis_crawl: tuple[str, str]) -> None:
    server = redis.Redis.from_url(redis_crawl[0])
    scheduler, spider, in_progress = make_scheduler(redis_crawl)
    scheduler.join(spider)
    scheduler.enqueue_request(Request("http://x.cn/news/"))
    listing = take(scheduler, in_progress)
    assert listing is not None
    member = scheduler._leased[listing]
    leases = f"{redis_crawl[1]}:leases"
    scheduler.enqueue_request(Request("http://x.cn/a/1.html"))  # what its callback yielded
    scheduler._sync()
    assert server.zscore(leases, member) is not None  # still in progress: still leased
    in_progress.discard(listing)
    assert scheduler.has_pending_requests()
    scheduler._sync()
    assert server.zscore(leases, member) is None  # done: released, after its child was queued
    assert [m.split(":", 2)[2] for m in scheduler._inbox] == [encode_request(Request("http://x.cn/a/1.html"), spider)]


@pytest.mark.services
def test_the_requests_of_a_process_that_died_go_back_to_the_queue(redis_crawl: tuple[str, str]) -> None:
    (dying, spider, in_progress), (other, spider2, in_progress2) = (
        make_scheduler(redis_crawl, lease=1.0),
        make_scheduler(redis_crawl, lease=1.0),
    )
    dying.join(spider)
    other.join(spider2)
    dying.enqueue_request(Request("http://x.cn/a/1.html"))
    assert take(dying, in_progress) is not None  # ... and the process is killed: no release, no leave
    assert take(other, in_progress2) is None
    assert other.has_pending_requests()  # another process holds a lease: this one waits
    time.sleep(1.2)
    request = take(other, in_progress2)
    assert request is not None and request.url == "http://x.cn/a/1.html"
    assert other.stats.get_value("finnews/redis/requeued") == 1


@pytest.mark.services
def test_a_crawl_state_never_blocks_the_next_crawl(redis_crawl: tuple[str, str]) -> None:
    server = redis.Redis.from_url(redis_crawl[0])
    (first, spider, _), (second, other, _) = make_scheduler(redis_crawl), make_scheduler(redis_crawl)
    assert first.join(spider) == 1 and second.join(other) == 0
    first.enqueue_request(Request("http://x.cn/a/1.html"))
    first._sync()
    assert first.leave() is False  # the other process goes on with the queue and the seen set
    second._sync()
    assert second.leave() is False  # it gives back what it had taken: the crawl is not over
    assert server.zcard(f"{redis_crawl[1]}:queue") == 1

    # Every process gone with work left: the next one resumes it, leases of the dead included.
    resumed, spider, in_progress = make_scheduler(redis_crawl, lease=0.5)
    assert resumed.join(spider) == 2
    request = take(resumed, in_progress)
    assert request is not None and request.url == "http://x.cn/a/1.html"
    time.sleep(0.6)  # ... it is killed too; its presence and its lease run out
    again, spider, in_progress = make_scheduler(redis_crawl)
    assert again.join(spider) == 2
    assert take(again, in_progress) is not None
    in_progress.clear()
    again._release_done()
    again._sync()  # what close() does before leaving
    assert again.leave() is True  # the crawl is over: nothing stays behind
    assert list(server.scan_iter(match=f"{redis_crawl[1]}:*")) == []

    # A finished crawl's leftovers (a seen set) with nobody present: a new crawl, which fetches the page again.
    server.sadd(f"{redis_crawl[1]}:seen", "x")
    fresh, spider, in_progress = make_scheduler(redis_crawl)
    assert fresh.join(spider) == 1 and server.exists(f"{redis_crawl[1]}:seen") == 0


@pytest.mark.services
def test_a_process_waits_for_the_idle_time_on_an_empty_shared_queue(redis_crawl: tuple[str, str]) -> None:
    scheduler, spider, in_progress = make_scheduler(redis_crawl, idle=0.3)
    scheduler.join(spider)
    assert scheduler.has_pending_requests()  # not synced with Redis yet
    scheduler._sync()
    assert scheduler.has_pending_requests()  # empty, but another process may yet push requests
    scheduler.enqueue_request(Request("http://x.cn/a/1.html"))  # ... as one does
    time.sleep(0.4)
    assert scheduler.has_pending_requests() and take(scheduler, in_progress) is not None
    in_progress.clear()
    assert scheduler.has_pending_requests()  # its release is not sent yet
    scheduler._sync()
    assert scheduler.has_pending_requests()  # the idle time counts again from here
    time.sleep(0.4)
    assert not scheduler.has_pending_requests()


@pytest.mark.services
def test_a_process_waiting_on_the_shared_queue_is_woken_until_it_stops(redis_crawl: tuple[str, str]) -> None:
    # Scrapy asks the scheduler again only at its 5 s heartbeat unless woken: a crawl would end seconds late.
    woken = threading.Event()
    scheduler, spider, _ = make_scheduler(redis_crawl, idle=0.5, wake=woken.set)
    scheduler.open(spider)
    try:
        assert scheduler._synced.wait(5)
        assert not woken.wait(0.5)  # not before the engine, idle, asks
        assert scheduler.has_pending_requests()  # empty: it waits for other processes' requests
        assert woken.wait(2)  # the thread's next round wakes the engine to ask again
        time.sleep(0.6)
        assert not scheduler.has_pending_requests()  # the idle time is over
        time.sleep(0.3)
        woken.clear()
        assert not woken.wait(0.6)  # nothing to wait for: no more wake-ups
    finally:
        scheduler.close("finished")


def test_the_default_key_is_the_spider_its_profiles_and_their_start_urls() -> None:
    crawler = get_crawler(PortalSpider, settings_dict=PROJECT_SETTINGS)
    keys = [
        crawl_key(PortalSpider.from_crawler(crawler, site="txjr,dede", start_url=urls))
        for urls in ["http://a.cn/,http://b.cn/", "http://a.cn/,http://b.cn/", "http://b.cn/,http://a.cn/"]
    ]
    assert keys[0].startswith("finnews:portal:dede,txjr:")
    assert keys[0] == keys[1] != keys[2]


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
    """Two processes with the same arguments: every story stored once and right, each page fetched once, by
    either process at least a third of them (the work is shared; how fast is benchmarks/distributed.py's)."""
    if backend == "sqlite":
        db_url = f"sqlite:///{tmp_path}/finnews.db"
    else:
        db_url = service_url(backend)
        drop_schema(db_url)
    db.make_engine(db_url).dispose()  # the schema first: two processes creating it at once collide
    # A polite delay (per process, per portal) keeps the crawl longer than the processes' start-up jitter,
    # and bounds each process's pace alike: the share measures the sharing, not which process is faster.
    crawls = [
        start_crawl(sample_network, db_url, redis_crawl, tmp_path / f"crawl{n}.log", "-s", "DOWNLOAD_DELAY=0.1")
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
    responses = [run["downloader/response_count"] for run in runs]
    assert min(responses) >= sum(responses) / 3, responses  # each fetched at least a third of the pages
    errors = [line for log in logs for line in log.splitlines() if "] ERROR: " in line]
    for run in runs:
        assert run["finish_reason"] == "finished"
        assert "finnews/failed/article" not in run and "log_count/ERROR" not in run, errors
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
