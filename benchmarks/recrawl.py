"""Incremental crawls: what a crawl fetches again once a network is in the database (README's figures).

    .venv/bin/python benchmarks/recrawl.py [--articles 300] [--new 20]

One sample network on 127.0.0.1 (`--new` stories held back), one SQLite database, four real `scrapy crawl`s
in a row: the first crawl; a second of the unchanged network; a third after the network published the
held-back stories (`SampleNetwork.publish`); and one with `-a full=1`. Prints each crawl's requests
(Scrapy's `downloader/request_count`, robots.txt included), the second crawl's share of the first, and
the third's extra requests per new article page, with whether every new page was stored.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler import db
from crawler.models import ArticleRow, CrawlRun, ReprintRow
from sampleportals import SampleNetwork

PROJECT = Path(__file__).resolve().parent.parent


def crawl(network: SampleNetwork, db_url: str, *extra: str) -> dict[str, Any]:
    """Crawl every portal of `network` into `db_url`; the run's closing stats."""
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=ERROR", *extra],
        cwd=PROJECT, check=True,
    )  # fmt: skip
    with Session(db.make_engine(db_url, create=False)) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()
        return run.stats or {}


def stored_pages(db_url: str) -> set[str]:
    """Every page stored: as its story's article or as a reprint."""
    with Session(db.make_engine(db_url, create=False)) as session:
        return set(session.scalars(select(ArticleRow.url))) | set(session.scalars(select(ReprintRow.url)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300, help="stories on the network at the first crawl")
    parser.add_argument("--new", type=int, default=20, help="stories it publishes before the third crawl")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SampleNetwork(articles=args.articles, unpublished=args.new) as network:
        db_url = f"sqlite:///{tmp}/finnews.db"
        before = {page["url"] for page in network.truth()}
        first = crawl(network, db_url)
        second = crawl(network, db_url)
        network.publish(args.new)
        new_pages = {page["url"] for page in network.truth()} - before
        third = crawl(network, db_url)
        missing = new_pages - stored_pages(db_url)
        full = crawl(network, db_url, "-a", "full=1")

    def requests(stats: dict[str, Any]) -> int:
        return int(stats.get("downloader/request_count", 0))

    extra = requests(third) - requests(second)
    print(
        f"{args.articles} stories ({len(before)} article pages); then {args.new} new stories ({len(new_pages)} pages)"
    )
    print(f"{'crawl':<34}{'requests':>9}{'skipped known':>15}{'refreshed':>11}")
    for name, stats in (("first", first), ("second, unchanged", second), ("third, new stories", third),
                        ("fourth, -a full=1", full)):  # fmt: skip
        print(
            f"{name:<34}{requests(stats):>9}{stats.get('finnews/skipped_known', 0):>15}"
            f"{stats.get('finnews/refreshed', 0):>11}"
        )
    print(f"second / first: {requests(second) / requests(first):.3f} (target <= 0.05)")
    print(
        f"third - second: {extra} requests for {len(new_pages)} new pages = {extra / max(1, len(new_pages)):.2f} "
        f"per new page (target <= 2); new pages not stored: {len(missing)}"
    )


if __name__ == "__main__":
    main()
