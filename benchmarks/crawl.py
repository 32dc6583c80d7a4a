"""What the item pipelines cost a crawl: the same network crawled with all of them, without the dedupe stage
(its reprint lookups on the event loop; the writer's commit-time check still runs), and with none.

    .venv/bin/python benchmarks/crawl.py [--articles 2000] [--rounds 2]

Each configuration crawls a fresh SQLite database through the real `scrapy crawl` (profiles, every
portal of one sample network on 127.0.0.1), alternating rounds so none always runs on a warmer
machine; the best round of each is reported as article pages per second of wall time (Scrapy's
start-up included) and as a ratio to the crawl without pipelines.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.settings import ITEM_PIPELINES
from sampleportals import SampleNetwork

PROJECT = Path(__file__).resolve().parent.parent
CONFIGURATIONS = {
    "all pipelines": ITEM_PIPELINES,
    "without dedupe": {name: order for name, order in ITEM_PIPELINES.items() if "dedupe" not in name},
    "no pipelines": {},
}


def crawl(network: SampleNetwork, db_url: str, pipelines: dict[str, int]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=ERROR", "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}"],
        cwd=PROJECT, check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    best: dict[str, float] = {}
    with SampleNetwork(articles=args.articles, seed=1, port=0) as network:
        pages = len(network.truth())
        for _ in range(args.rounds):
            for name, pipelines in CONFIGURATIONS.items():
                with tempfile.TemporaryDirectory() as tmp:
                    seconds = crawl(network, f"sqlite:///{tmp}/finnews.db", pipelines)
                best[name] = min(best.get(name, seconds), seconds)
    print(f"{args.articles} stories, {pages} article pages; best of {args.rounds} rounds")
    print(f"{'configuration':<18}{'seconds':>9}{'pages/s':>9}{'ratio':>7}")
    for name, seconds in best.items():
        print(f"{name:<18}{seconds:>9.1f}{pages / seconds:>9.0f}{best['no pipelines'] / seconds:>7.2f}")


if __name__ == "__main__":
    main()
