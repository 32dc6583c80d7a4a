"""Incremental crawls (crawler/incremental.py): the refresh schedule, `-a since`, what a crawl plan decides,
what the database says is known; and real crawls of the sample portals, before and after they publish news."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from crawler.batchwrite import ReprintRecord, write_batch
from crawler.incremental import (
    COMPLETE_STAT,
    FETCH,
    PORTALS_STAT,
    REFRESH,
    SKIP_KNOWN,
    SKIP_OLD,
    CrawlPlan,
    KnownPages,
    RefreshSchedule,
    load_known,
    parse_since,
)
from crawler.models import SHANGHAI, CrawlRun, PageRow
from crawler.normalize.dates import is_relative
from crawler.runs import HOST, PID
from tests.console import finnews
from tests.crawls import crawl, export, run_stats, truth_problems
from tests.rows import row

PUBLISHED = datetime(2024, 9, 3, 8, 0, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)


# --- the rule ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fetched_after", "now_after", "due"),
    [
        (0.5, 2, True),  # 1 h came after the first fetch
        (0.5, 0.9, False),  # not yet
        (2, 5, False),  # 1 h read already, 6 h not yet
        (2, 7, True),  # 6 h came
        (30, 71, False),  # 24 h read, 3 d not yet
        (30, 73, True),
        (73, 10_000, False),  # after the last: never again
    ],
)
def test_a_page_is_due_once_per_delay_of_the_schedule(fetched_after: float, now_after: float, due: bool) -> None:
    schedule = RefreshSchedule.parse("1h,6h,24h,3d")
    assert schedule.due(PUBLISHED, PUBLISHED + fetched_after * HOUR, PUBLISHED + now_after * HOUR) is due


def test_a_page_without_a_date_is_never_due_and_off_means_no_refresh() -> None:
    assert not RefreshSchedule.parse("1h").due(None, PUBLISHED, PUBLISHED + 100 * HOUR)
    assert not RefreshSchedule.parse("off").due(PUBLISHED, PUBLISHED, PUBLISHED + 100 * HOUR)
    assert RefreshSchedule.parse(["3d", "1h"]).after == (HOUR, 72 * HOUR)


@pytest.mark.parametrize("text", ["", "3", "1h,soon", "-1h"])
def test_a_schedule_that_is_no_list_of_durations_is_refused(text: str) -> None:
    if not text:
        assert RefreshSchedule.parse(text).after == ()
        return
    with pytest.raises(ValueError, match="duration"):
        RefreshSchedule.parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", datetime(2024, 9, 2, 8, 0, tzinfo=SHANGHAI)),
        ("12h", datetime(2024, 9, 4, 20, 0, tzinfo=SHANGHAI)),
        ("2024-09-01", datetime(2024, 9, 1, 0, 0, tzinfo=SHANGHAI)),
        ("2024-09-01 08:30", datetime(2024, 9, 1, 8, 30, tzinfo=SHANGHAI)),
    ],
)
def test_since_is_a_date_or_a_duration_back_from_now(text: str, expected: datetime) -> None:
    assert parse_since(text, datetime(2024, 9, 5, 8, 0, tzinfo=SHANGHAI)) == expected


@pytest.mark.parametrize("text", ["yesterday", "3", "2024-13-45"])
def test_since_that_is_neither_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="since"):
        parse_since(text, datetime(2024, 9, 5, 8, 0, tzinfo=SHANGHAI))


def plan(complete: bool = True, **options: Any) -> CrawlPlan:
    known = KnownPages({"http://p/a/1.html", "http://p/a/2.html"}, {"http://p/a/2.html"}, complete)
    return CrawlPlan({"p": known}, now=datetime(2024, 9, 5, 8, 0, tzinfo=SHANGHAI), **options)


def test_the_plan_fetches_new_pages_refreshes_due_ones_and_skips_the_rest() -> None:
    decide = plan().decide
    assert decide("p", "http://p/a/3.html") == FETCH
    assert decide("p", "http://p/a/2.html") == REFRESH
    assert decide("p", "http://p/a/1.html") == SKIP_KNOWN
    assert (decide("p", "https://p/a/1.html"), decide("p", "https://p/a/2.html")) == (SKIP_KNOWN, REFRESH)  # https too
    assert decide("other", "http://p/a/1.html") == FETCH  # known of another portal only
    assert plan(full=True).decide("p", "http://p/a/1.html") == FETCH
    since = datetime(2024, 9, 3, tzinfo=SHANGHAI)
    assert plan(since=since).decide("p", "http://p/a/3.html", "2024-09-02") == SKIP_OLD
    assert plan(since=since).decide("p", "http://p/a/3.html", "2024-09-03 10:00") == FETCH
    assert plan(since=since).decide("p", "http://p/a/3.html", "no date here") == FETCH  # unsure: fetched


def test_pagination_stops_at_a_page_of_known_articles_only_after_a_complete_crawl() -> None:
    known_only = {"http://p/a/1.html": None}
    assert plan().stops_paging("p", known_only)
    assert not plan().stops_paging("p", {"http://p/a/1.html": None, "http://p/a/3.html": None})  # one new
    assert not plan().stops_paging("p", {"http://p/a/2.html": None})  # one due for a refresh
    assert not plan().stops_paging("p", {})  # lists no article: no sign of the listing's end
    assert not plan(complete=False).stops_paging("p", known_only)  # catch-up after an interrupted crawl
    assert not plan(full=True).stops_paging("p", known_only)
    since = plan(since=datetime(2024, 9, 3, tzinfo=SHANGHAI), full=True)
    assert since.stops_paging("p", {"http://p/a/7.html": "2024-09-01", "http://p/a/8.html": "09-02"})
    assert not since.stops_paging("p", {"http://p/a/7.html": "2024-09-01", "http://p/a/8.html": None})
    assert [plan().mode("p"), plan(complete=False).mode("p"), plan().mode("new")] == ["incremental", "catch-up", "full"]


# --- what the database knows -------------------------------------------------------------------------

OWNER = {HOST: "here", PID: 42}


def test_known_pages_are_stored_articles_reprints_and_urls_that_redirected_to_them(engine: Any) -> None:
    now = PUBLISHED + 2 * HOUR
    with engine.begin() as connection:
        write_batch(
            connection,
            [
                row("http://p/a/1.html", published_at=PUBLISHED, crawled_at=PUBLISHED + HOUR / 2),  # due: 1 h
                row("http://p/a/2.html", published_at=PUBLISHED, crawled_at=PUBLISHED + HOUR / 2, views=None),
                row("http://p/a/3.html", published_at=PUBLISHED, crawled_at=PUBLISHED + 1.5 * HOUR, body="另一个故事"),
                row("http://q/a/9.html", site="txjr", published_at=PUBLISHED, body="第三个故事的正文内容"),
            ],
            [],
        )
        copy = ReprintRecord("http://p/a/1.html", "http://p/b/7.html", "dede", PUBLISHED, 12, 0.9, now)
        write_batch(connection, [], [copy])
        page = dict(site="dede", kind="article", status=200, content_type=None, last_modified=None, etag=None,
                    listing_date=None, fetched_at=now, size=1, compression="zstd", content=b"x")  # fmt: skip
        connection.execute(insert(PageRow), [
            page | {"url": "http://p/old?id=3", "response_url": "http://p/a/3.html"},  # a redirect to a stored page
            page | {"url": "http://p/old?id=4", "response_url": "http://p/a/4.html"},  # to a page never stored
        ])  # fmt: skip
    known = load_known(engine, ["dede", "phpcms"], RefreshSchedule.parse("1h,6h"), now, OWNER)
    assert known["dede"].urls == {
        "http://p/a/1.html", "http://p/a/2.html", "http://p/a/3.html", "http://p/b/7.html", "http://p/old?id=3",
    }  # fmt: skip
    assert known["dede"].due == {"http://p/a/1.html"}  # 2.html shows no read count, 3.html was read after 1 h
    assert known["phpcms"] == KnownPages()


def runs(engine: Any, *records: tuple[str | None, dict[str, Any]]) -> None:
    with engine.begin() as connection:
        for reason, stats in records:
            connection.execute(
                insert(CrawlRun).values(spider="portal", started_at=PUBLISHED, finish_reason=reason, stats=stats)
            )


def complete(engine: Any) -> dict[str, bool]:
    known = load_known(engine, ["dede", "txjr"], RefreshSchedule.parse("off"), PUBLISHED, OWNER)
    return {portal: pages.complete for portal, pages in known.items()}


def finished(portals: str, complete: str) -> tuple[str, dict[str, Any]]:
    return "finished", {PORTALS_STAT: portals, COMPLETE_STAT: complete}


def test_a_portal_is_complete_when_the_last_run_that_crawled_it_was(engine: Any) -> None:
    assert complete(engine) == {"dede": False, "txjr": False}  # never crawled
    runs(engine, finished("dede,txjr", "dede,txjr"))
    assert complete(engine) == {"dede": True, "txjr": True}
    runs(engine, finished("txjr", ""))  # txjr cut short (a limit, since, a lost page)
    assert complete(engine) == {"dede": True, "txjr": False}
    runs(engine, (None, OWNER))  # the running crawl's own run does not count
    assert complete(engine) == {"dede": True, "txjr": False}
    runs(engine, finished("txjr", "txjr"), ("interrupted", {HOST: "here", PID: 7}))  # a killed run: any portal
    assert complete(engine) == {"dede": False, "txjr": False}
    runs(engine, finished("dede", "dede"), (None, {HOST: "there", PID: 42}))  # another host's run, still open
    assert complete(engine) == {"dede": False, "txjr": False}


# --- real crawls of the sample portals ----------------------------------------------------------------


def requests(stats: dict[str, Any]) -> int:
    return int(stats["downloader/request_count"])


def stored_pages(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {url for (url,) in db.execute("SELECT url FROM articles UNION SELECT url FROM reprints")}


@pytest.mark.e2e
def test_a_second_crawl_fetches_only_what_changed_and_new_stories_all_join_the_database(
    make_sample_network: Any, tmp_path: Path
) -> None:
    network = make_sample_network(articles=300, unpublished=20)  # the network of issue #18 (~750 requests)
    path = tmp_path / "finnews.db"
    db_url = f"sqlite:///{path}"
    before = {page["url"] for page in network.truth()}
    crawl(network, db_url)
    crawl(network, db_url)
    first, second = run_stats(db_url)
    assert requests(second) <= 0.05 * requests(first), (requests(first), requests(second))
    assert second["finnews/skipped_known"] > 0 and second["finnews/pagination_stopped"] > 0
    assert "finnews/pages/article" not in second  # not one article page fetched again

    assert network.publish(20) == 20
    new_pages = {page["url"] for page in network.truth()} - before
    crawl(network, db_url)
    third = run_stats(db_url)[-1]
    assert new_pages and new_pages <= stored_pages(path)  # every new page, as its story's article or a reprint
    assert requests(third) - requests(second) <= 2 * len(new_pages), (requests(third), requests(second), len(new_pages))
    assert third["finnews/pages/article"] == len(new_pages)  # no old one fetched again
    problems = truth_problems(export(db_url), network.truth())  # each story once, its copies joined to it
    assert not problems, "\n".join(problems[:20])

    crawl(network, db_url, "-a", "full=1")
    full = run_stats(db_url)[-1]
    assert full["finnews/pages/article"] + full.get("finnews/not_modified", 0) == len(network.truth())
    assert "finnews/skipped_known" not in full

    runs = json.loads(finnews("stats", "--db", db_url, "--format", "json").stdout)["runs"]  # newest first
    assert [run["skipped_known"] for run in runs[:4]] == [
        0,
        third["finnews/skipped_known"],
        second["finnews/skipped_known"],
        0,
    ]
    table = finnews("stats", "--db", db_url).stdout.split("last crawl runs")[1]
    assert "skipped_known" in table and "refreshed" in table


@pytest.mark.e2e
def test_pages_due_for_a_refresh_are_fetched_again_and_add_a_view_snapshot(sample_network: Any, tmp_path: Path) -> None:
    path = tmp_path / "finnews.db"
    db_url = f"sqlite:///{path}"
    crawl(sample_network, db_url)
    with sqlite3.connect(path) as db:  # read 30 minutes after publication: the 1 h refresh is due
        due = [url for (url,) in db.execute(
            "SELECT url FROM articles WHERE views IS NOT NULL ORDER BY published_at DESC LIMIT 6"
        )]  # fmt: skip
        db.executemany(
            "UPDATE articles SET crawled_at = datetime(published_at, '+30 minutes') WHERE url = ?", [(u,) for u in due]
        )
    crawl(sample_network, db_url)
    second = run_stats(db_url)[-1]
    assert second["finnews/refreshed"] == len(due) == second["finnews/pages/article"]
    with sqlite3.connect(path) as db:
        snapshots = dict(db.execute("SELECT url, count(*) FROM view_snapshots GROUP BY url").fetchall())
    assert {url: snapshots[url] for url in due} == dict.fromkeys(due, 2)
    assert set(snapshots.values()) == {1, 2}  # the others were not fetched again

    crawl(sample_network, db_url)  # read again just now: not due before the next delay
    assert "finnews/refreshed" not in run_stats(db_url)[-1]


@pytest.mark.e2e
def test_since_crawls_the_articles_listed_since_then_and_no_older(sample_network: Any, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    since = "2024-09-02"
    crawl(sample_network, db_url, "-a", f"since={since}")
    [stats] = run_stats(db_url)
    records = export(db_url)
    pages = {r["url"] for r in records} | {copy["url"] for r in records for copy in r["reprints"]}
    recent = {page["url"] for page in sample_network.truth() if page["published_at"] >= since}
    assert stats["finnews/skipped_old"] > 0
    assert recent <= pages  # none missed
    # Older ones only where the listing wrote a relative date: the sample portals' clock is 2024-09-03, the
    # crawl's is today, so "前天 02:31" reads as two days before today.
    with sqlite3.connect(tmp_path / "finnews.db") as db:
        older = db.execute(
            "SELECT a.url, p.listing_date FROM articles a LEFT JOIN pages p ON p.url = a.url WHERE a.published_at < ?",
            (since,),
        ).fetchall()
    assert all(listed and is_relative(listed) for _, listed in older), older
    assert stats[COMPLETE_STAT] == ""  # a crawl cut short: the next follows every listing
