"""Crawl accuracy on the sample portals: with the sample portals' profiles, and with start URLs only (zero config).

    .venv/bin/python benchmarks/extraction.py [--articles 120]

Each mode crawls a fresh network into its own SQLite database through the real `scrapy crawl`, then
scores `finnews export` against the truth: stories found, and field values equal to the truth.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from crawler import db, queries
from sampleportals import TRUTH_FIELDS, SampleNetwork

FIELDS = tuple(name for name in TRUTH_FIELDS if name != "site")
PROJECT = Path(__file__).resolve().parent.parent


def crawl(network: SampleNetwork, db_url: str, profiles: bool) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(profiles),
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=ERROR"],
        cwd=PROJECT, check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def score(records: list[dict[str, Any]], truth: list[dict[str, Any]]) -> tuple[float, float, Counter[str]]:
    pages = {page["url"]: page for page in truth}
    found = {pages[r["url"]]["group"] for r in records if r["url"] in pages}
    wrong: Counter[str] = Counter()
    for record in records:
        expected = pages.get(record["url"])
        for name in FIELDS:
            if expected is None or record[name] != expected[name]:
                wrong[name] += 1
    values = len(records) * len(FIELDS)
    return len(found) / len({p["group"] for p in truth}), 1 - sum(wrong.values()) / max(1, values), wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=120)
    args = parser.parse_args()
    print(f"{'mode':<22}{'stories found':>14}{'fields exact':>14}{'seconds':>9}  fields wrong")
    for mode, profiles in (("profiles", True), ("start URL only", False)):
        with tempfile.TemporaryDirectory() as tmp, SampleNetwork(articles=args.articles, seed=1, port=0) as network:
            db_url = f"sqlite:///{tmp}/finnews.db"
            seconds = crawl(network, db_url, profiles)
            records = [
                {**r, "published_at": r["published_at"] and r["published_at"].isoformat()}
                for r in queries.iter_articles(db.make_engine(db_url, create=False))
            ]
            found, exact, wrong = score(records, network.truth())
        print(f"{mode:<22}{found:>14.1%}{exact:>14.2%}{seconds:>9.1f}  {dict(wrong) or '-'}")


if __name__ == "__main__":
    main()
