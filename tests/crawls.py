"""Helpers of the end-to-end tests: run `scrapy crawl` on the sample portals, export what it stored,
read the crawl runs' stats, and compare an export with the network's truth."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler import db
from crawler import settings as project_settings
from crawler.models import CrawlRun
from pipelines.normalize import NormalizePipeline
from sampleportals import PROFILE_DIR, TRUTH_FIELDS, SampleNetwork, loopback_arguments
from tests.console import finnews

PROJECT = Path(__file__).resolve().parent.parent
FIELDS = TRUTH_FIELDS

# The project's Scrapy settings, for crawlers built in the test process (`get_crawler`), with the sample
# portals' profiles (dede, phpcms, txjr).
PROJECT_SETTINGS = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
PROJECT_SETTINGS["FINNEWS_PROFILE_DIRS"] = str(PROFILE_DIR)


def crawl(network: SampleNetwork, db_url: str, *extra: str, only: str | None = None) -> None:
    """Crawl every portal of `network` (or `only` that one) into `db_url`."""
    portals = (
        [
            "-a",
            f"site={only}",
            "-a",
            f"start_url={network.start_urls[only]}",
            "-s",
            f"FINNEWS_PROFILE_DIRS={PROFILE_DIR}",
            *loopback_arguments(),
        ]
        if only
        else None
    )
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *(portals or network.crawl_arguments()),
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=WARNING", *extra],
        cwd=PROJECT, check=True, timeout=300,
    )  # fmt: skip


def crawl_portal(start_url: str, db_url: str, *extra: str) -> dict[str, dict[str, Any]]:
    """Crawl the hand-written portal at `start_url` (no profile, no discovery, the loopback settings) into `db_url`,
    as a user's `scrapy crawl portal -a start_url=...`; the stored articles by URL."""
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={start_url}", *loopback_arguments(),
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "FINNEWS_DISCOVER=False", "-s", "LOG_LEVEL=WARNING", *extra],
        cwd=PROJECT, check=True, timeout=300,
    )  # fmt: skip
    return {record["url"]: record for record in export(db_url)}


def export(db_url: str) -> list[dict[str, Any]]:
    """The records `finnews export` prints for the database `db_url`."""
    return [json.loads(line) for line in finnews("export", "--db", db_url).stdout.splitlines()]


def run_stats(db_url: str) -> list[dict[str, Any]]:
    """The stats of every crawl run recorded in `db_url`, oldest first."""
    with Session(db.make_engine(db_url, create=False)) as session:
        return [run.stats or {} for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]


def mismatches(record: dict[str, Any], expected: dict[str, Any], fields: tuple[str, ...] = FIELDS) -> list[str]:
    return [
        f"{record['url']} {name}: got {record.get(name)!r}, truth {expected[name]!r}"
        for name in fields
        if record.get(name) != expected[name]
    ]


def truth_problems(
    records: list[dict[str, Any]], truth_pages: list[dict[str, Any]], fields: tuple[str, ...] = FIELDS
) -> list[str]:
    """Everything that differs between an export and the truth: stories missing or exported twice,
    pages that are no truth article, and every field not equal to the truth."""
    truth = {page["url"]: page for page in truth_pages}
    groups = defaultdict(set)
    for page in truth_pages:
        groups[page["group"]].add(page["url"])
    exported_groups = defaultdict(list)
    problems = []
    for record in records:
        if record["url"] not in truth:
            problems.append(f"{record['url']}: not a truth article")
            continue
        exported_groups[truth[record["url"]]["group"]].append(record["url"])
        problems += mismatches(record, truth[record["url"]], fields)
    problems += [
        f"group {g}: exported {len(urls)} times {urls}" for g, urls in exported_groups.items() if len(urls) > 1
    ]
    problems += [f"group {g}: never exported ({sorted(groups[g])})" for g in groups.keys() - exported_groups.keys()]
    return problems


def stored(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=30) as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def wait_for_articles(crawl: subprocess.Popen[bytes], path: Path, count: int) -> None:
    """Wait until the running `crawl` has stored `count` articles in the SQLite file `path`."""
    deadline = time.monotonic() + 120
    while stored(path) < count:
        assert crawl.poll() is None, "the crawl ended before it could be interrupted"
        assert time.monotonic() < deadline, "the crawl stores nothing"
        time.sleep(0.05)


def normalized(pipeline: NormalizePipeline, item: Any) -> Any:
    """What `pipeline` makes of `item`, outside a crawl (an article normalised in this process)."""
    return asyncio.run(pipeline.process_item(item))
