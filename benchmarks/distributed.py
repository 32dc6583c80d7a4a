"""Work sharing: one crawl of the sample portals by 1 worker, then by 2 workers sharing it through Redis.

    .venv/bin/python benchmarks/distributed.py [--articles 1000] [--rounds 2] [--redis redis://127.0.0.1:6379/0]

Each configuration crawls the same network (fast loopback settings, every portal) into a fresh SQLite
database through the real `scrapy crawl` with FINNEWS_REDIS_URL set, under a Redis key of its own; the
rounds alternate so neither always runs on a warmer machine. Printed per configuration: the wall time of
the whole crawl (from the first start to the last exit, start-up and FINNEWS_REDIS_IDLE_SECONDS=1 of
idle wait included), the pages each worker fetched and its share, the stories stored, and the ratio of
the 2-worker time to the 1-worker time (at most 1.0: the pair is not slower). On 2 shared cores a speed-up
is not the point: the share is.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler import db
from crawler.models import CrawlRun
from crawler.queries import count_articles
from sampleportals import SampleNetwork

PROJECT = Path(__file__).resolve().parent.parent


def crawl(network: SampleNetwork, workers: int, redis_url: str, folder: Path) -> tuple[float, list[int], int]:
    """The seconds a crawl by `workers` processes took, the responses each received, the stories stored."""
    key = f"finnews-bench:{uuid.uuid4().hex}"
    db_url = f"sqlite:///{folder}/{workers}-{key.rsplit(':', 1)[1]}.db"
    db.make_engine(db_url).dispose()  # the schema first: processes creating it at once would collide
    started = time.perf_counter()
    command = [
        sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
        "-s", f"FINNEWS_DB_URL={db_url}", "-s", f"FINNEWS_REDIS_URL={redis_url}", "-s", f"FINNEWS_REDIS_KEY={key}",
        "-s", "FINNEWS_REDIS_IDLE_SECONDS=1", "-s", "LOG_LEVEL=ERROR", "-s", "STATS_DUMP=False",
    ]  # fmt: skip
    processes = [subprocess.Popen(command, cwd=PROJECT) for _ in range(workers)]
    if any(process.wait() for process in processes):
        raise SystemExit("a worker failed")
    seconds = time.perf_counter() - started
    engine = db.make_engine(db_url, create=False)
    with Session(engine) as session:
        runs = [run.stats or {} for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    stored = count_articles(engine)
    leftover = list(redis.Redis.from_url(redis_url).scan_iter(match=f"{key}:*"))
    if leftover:
        raise SystemExit(f"the crawl left Redis keys behind: {leftover[:3]}")
    return seconds, [int(run.get("downloader/response_count", 0)) for run in runs], stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="sample portal stories (default 1000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each configuration (best one shown)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="the Redis the workers share")
    args = parser.parse_args()
    network = SampleNetwork(articles=args.articles, seed=1, faults=False, port=0).start()
    best: dict[int, tuple[float, list[int], int]] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(args.rounds):
                for workers in (1, 2):
                    result = crawl(network, workers, args.redis, Path(folder))
                    if workers not in best or result[0] < best[workers][0]:
                        best[workers] = result
    finally:
        network.stop()
    for workers, (seconds, responses, stored) in best.items():
        shares = ", ".join(f"{n} ({n / sum(responses):.0%})" for n in responses)
        print(f"{workers} worker(s): {seconds:.1f} s, {stored} stories stored, pages fetched per worker: {shares}")
    print(f"2 workers / 1 worker time: {best[2][0] / best[1][0]:.2f}")


if __name__ == "__main__":
    main()
