"""End to end: `scrapy crawl` of the local sample portals into SQLite, then `finnews export`.

Every truth story must come out exactly once, with every field equal to the truth, and its other
copies listed as reprints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler import db
from crawler.models import CrawlRun
from tests.crawls import FIELDS, PROJECT, crawl, export, run_stats, truth_problems
from tests.services import database_at, drop_schema, service_url

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def crawled(sample_network: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("crawl")
    db_url = f"sqlite:///{tmp}/finnews.db"
    crawl(sample_network, db_url, "-O", str(tmp / "items.jsonl"))
    feed = [json.loads(line) for line in (tmp / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    return {"db_url": db_url, "records": export(db_url), "feed": feed, "truth": sample_network.truth()}


def test_every_story_is_exported_once_with_every_field_equal_to_the_truth(crawled: dict[str, Any]) -> None:
    problems = truth_problems(crawled["records"], crawled["truth"])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_other_copies_are_listed_as_reprints_of_their_story(crawled: dict[str, Any]) -> None:
    truth = {page["url"]: page for page in crawled["truth"]}
    groups = defaultdict(set)
    for page in crawled["truth"]:
        groups[page["group"]].add(page["url"])
    assert any(len(urls) > 1 for urls in groups.values()), "the sample network has reprints"
    for record in crawled["records"]:
        copies = groups[truth[record["url"]]["group"]] - {record["url"]}
        assert {r["url"] for r in record["reprints"]} == copies, record["url"]
        for reprint in record["reprints"]:
            expected = truth[reprint["url"]]
            assert (reprint["site"], reprint["published_at"], reprint["views"]) == (
                expected["site"], expected["published_at"], expected["views"],
            )  # fmt: skip


def test_scrapy_feed_export_works_alongside_the_database(crawled: dict[str, Any]) -> None:
    """The feed has every story once, as its first copy crawled (the database keeps the story's origin)."""
    group = {page["url"]: page["group"] for page in crawled["truth"]}
    feed_groups = [group[item["url"]] for item in crawled["feed"]]
    assert sorted(feed_groups) == sorted(group[r["url"]] for r in crawled["records"])
    assert len(set(feed_groups)) == len(feed_groups)


def stories(records: list[dict[str, Any]]) -> set[frozenset[str]]:
    """The export as a partition of page URLs into stories (which copy is canonical aside)."""
    return {frozenset([record["url"], *(reprint["url"] for reprint in record["reprints"])]) for record in records}


@pytest.mark.parametrize("order", [("dede", "phpcms", "txjr"), ("txjr", "phpcms", "dede")])
def test_one_portal_per_crawl_in_any_order_gives_the_same_stories(
    crawled: dict[str, Any], sample_network: Any, tmp_path: Path, order: tuple[str, ...]
) -> None:
    """Reprints are found across crawls (the index is the database), whichever portal comes first."""
    db_url = f"sqlite:///{tmp_path}/by-portal.db"
    for portal in order:
        crawl(sample_network, db_url, only=portal)
    records = export(db_url)
    problems = truth_problems(records, crawled["truth"])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert stories(records) == stories(crawled["records"])


def test_crawl_run_is_recorded_with_its_stats(crawled: dict[str, Any]) -> None:
    with Session(db.make_engine(crawled["db_url"], create=False)) as session:
        [run] = session.scalars(select(CrawlRun)).all()
    assert run.finish_reason == "finished" and run.finished_at is not None and run.stats is not None
    stats = run.stats
    assert stats["finnews/stored"] == len(crawled["records"])
    assert stats["finnews/dropped/reprint"] == len(crawled["truth"]) - len(crawled["records"])
    assert "finnews/failed/article" not in stats
    assert "log_count/ERROR" not in stats  # nothing went wrong that the log had to say


@pytest.mark.parametrize(
    "setting",
    [
        pytest.param("FINNEWS_FOLLOW_RELATED=False", id="listings-and-their-pagination-alone"),
        pytest.param("FINNEWS_EXTRACTION_PROCESSES=2", id="article-pages-read-in-worker-processes"),
        pytest.param("FINNEWS_EXTRACTION_PROCESSES=0", id="article-pages-read-in-the-crawls-process"),
    ],
)
def test_every_story_comes_out_once_and_right_with(
    setting: str, crawled: dict[str, Any], sample_network: Any, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    crawl(sample_network, db_url, "-s", setting)
    problems = truth_problems(export(db_url), crawled["truth"])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    [stats] = run_stats(db_url)
    assert stats["finnews/pages/article"] == len(crawled["truth"])
    if setting == "FINNEWS_EXTRACTION_PROCESSES=2":  # the first pages in the crawl's process, while the workers start
        assert 0 < stats["finnews/pages/read_in_worker"] <= len(crawled["truth"])
        assert 0 < stats["finnews/articles/normalized_in_worker"] <= len(crawled["truth"])
        assert 0 < stats["finnews/listings/read_in_worker"] <= stats["finnews/pages/listing"]
    elif setting == "FINNEWS_EXTRACTION_PROCESSES=0":
        in_worker = (
            "finnews/pages/read_in_worker",
            "finnews/articles/normalized_in_worker",
            "finnews/listings/read_in_worker",
        )
        assert not [name for name in in_worker if name in stats]


def test_a_recrawl_stores_nothing_new(crawled: dict[str, Any], sample_network: Any) -> None:
    crawl(sample_network, crawled["db_url"])
    again = export(crawled["db_url"])
    assert [r["url"] for r in again] == [r["url"] for r in crawled["records"]]
    assert [len(r["reprints"]) for r in again] == [len(r["reprints"]) for r in crawled["records"]]


def test_faults_cost_no_article(faulty_network: Any, tmp_path: Path) -> None:
    """5xx, timeouts, resets, truncated pages, wrong charsets, redirect chains, dead links, robots.txt and
    binary links: every truth story still comes out once and right, and the stats say what happened."""
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    crawl(faulty_network, db_url, "-s", "DOWNLOAD_TIMEOUT=2")
    problems = truth_problems(export(db_url), faulty_network.truth())
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    [stats] = run_stats(db_url)
    assert "finnews/failed/article" not in stats
    assert stats["finnews/dead_link"] > 0
    assert stats["finnews/charset_repaired"] > 0
    assert stats["retry/count"] > 0
    assert stats["downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError"] > 0


@pytest.mark.services
@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
def test_crawl_into_a_server_database(sample_network: Any, backend: str) -> None:
    db_url = service_url(backend)
    drop_schema(db_url)
    crawl(sample_network, db_url)
    problems = truth_problems(export(db_url), sample_network.truth())
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    crawl(sample_network, db_url)  # a re-crawl: upserts, nothing new
    assert len(export(db_url)) == len({page["group"] for page in sample_network.truth()})


def test_zero_config_crawl_from_start_urls_only(sample_network: Any, tmp_path: Path) -> None:
    """No profile: generic listing discovery and extraction (issue targets: >= 99% of stories found,
    >= 98% of field values exact; the sample portals are extracted exactly)."""
    db_url = f"sqlite:///{tmp_path}/zero-config.db"
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *sample_network.crawl_arguments(profiles=False),
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=WARNING"],
        cwd=PROJECT, check=True, timeout=300,
    )  # fmt: skip
    records, truth = export(db_url), sample_network.truth()
    assert {r["site"] for r in records} == {urlsplit(url).netloc for url in sample_network.start_urls.values()}
    fields = tuple(name for name in FIELDS if name != "site")  # without a profile, a portal is its host
    problems = truth_problems(records, truth, fields)
    stories = len({page["group"] for page in truth})
    missing = [p for p in problems if "never exported" in p]
    assert len(missing) <= 0.01 * stories, missing
    assert len(problems) - len(missing) <= 0.02 * len(records) * len(fields), problems[:40]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize(
    ("db_url", "says"),
    [
        ("postgresql+psycopg://nobody@127.0.0.1:1/finnews", "Connection refused"),  # nothing listens on port 1
        ("sqlite:///{tmp}/old.db", "finnews db upgrade"),  # a database of an older schema
    ],
)
def test_a_database_that_cannot_be_used_stops_the_crawl_with_one_line(
    sample_network: Any, tmp_path: Path, db_url: str, says: str
) -> None:
    database_at("0004", "sqlite", tmp_path).dispose()
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *sample_network.crawl_arguments(),
         "-s", f"FINNEWS_DB_URL={db_url.format(tmp=tmp_path)}"],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line]
    assert result.returncode == 1
    assert len(errors) == 1 and "cannot store articles in" in errors[0] and says in errors[0], errors
    assert "Traceback" not in result.stderr
