"""Issue 18's discovery and block targets, measured through the real `scrapy crawl`:

- kuaibao, the sample portal whose HTML listings are empty (article pages' links not followed): the share of
  its articles found and stored through its sitemap, RSS feed and JSON listing, and the requests it took;
- the challenge portal: guard pages stored (target 0), counted (target: each), and the exit status (5).

    .venv/bin/python benchmarks/discovery.py [--articles 300]
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

from crawler import db, queries
from crawler.models import CrawlRun
from sampleportals import DISCOVERY_PROFILE_DIR, SampleNetwork, loopback_arguments
from sampleportals.hostile import CHALLENGES, ChallengePortal

PROJECT = Path(__file__).resolve().parent.parent


def crawl(db_url: str, *arguments: str) -> int:
    """Run `scrapy crawl portal` into `db_url`; its exit status."""
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", *arguments, *loopback_arguments(),
               "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=ERROR"]  # fmt: skip
    return subprocess.run(command, cwd=PROJECT).returncode


def run_stats(db_url: str) -> dict[str, Any]:
    with Session(db.make_engine(db_url, create=False)) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        return (run.stats or {}) if run else {}


def stored_urls(db_url: str) -> set[str]:
    return {record["url"] for record in queries.iter_articles(db.make_engine(db_url, create=False))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300, help="stories of the sample network")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with SampleNetwork(articles=args.articles, seed=1, discovery=True) as network:
            db_url = f"sqlite:///{tmp}/kuaibao.db"
            status = crawl(db_url, "-a", "site=kuaibao", "-a", f"start_url={network.start_urls['kuaibao']}",
                           "-s", f"FINNEWS_PROFILE_DIRS={DISCOVERY_PROFILE_DIR}", "-s", "FINNEWS_FOLLOW_RELATED=False")  # fmt: skip
            truth = {page["url"] for page in network.truth() if page["site"] == "kuaibao"}
        stats, found = run_stats(db_url), stored_urls(db_url) & truth
        ways = ", ".join(f"{way} {stats.get(f'finnews/discovered/{way}', 0)}" for way in ("sitemap", "feed", "json"))
        print(
            f"kuaibao (listings empty): {len(found)}/{len(truth)} articles stored ({len(found) / len(truth):.0%}), "
            f"exit {status}, {stats.get('downloader/request_count')} requests; URLs named: {ways}; "
            f"off the portal, dropped: {stats.get('finnews/offsite', 0)}"
        )
        portal = ChallengePortal().start()
        try:
            db_url = f"sqlite:///{tmp}/challenge.db"
            status = crawl(db_url, "-a", f"start_url={portal.url}")
        finally:
            portal.stop()
        stats, urls = run_stats(db_url), stored_urls(db_url)
        guarded = {portal.url.rstrip("/") + path for path in CHALLENGES}
        print(
            f"challenge portal: {len(urls & guarded)} of {len(CHALLENGES)} guard pages stored, "
            f"{stats.get('finnews/blocked', 0)} counted as blocked, exit {status}; "
            f"{len(urls)}/{len(portal.good)} good articles stored; portal delay raised to "
            f"{stats.get('finnews/blocked/delay_max')} s (FINNEWS_BLOCKED_DELAY on loopback: 0.05)"
        )


if __name__ == "__main__":
    main()
