"""Work sharing: one crawl of the sample portals by 1 process without Redis, then by 1 worker and by 2 workers
sharing it through Redis.

    .venv/bin/python benchmarks/distributed.py [--articles 1000] [--rounds 2] [--servers 3] [--redis URL]
        [--database-server postgresql+psycopg://postgres@127.0.0.1:5432/test]

Each configuration crawls the same network (fast loopback settings, every portal) into a fresh SQLite
database (or a fresh database on `--database-server`, the one database all workers share) through the real `scrapy crawl` with FINNEWS_REDIS_URL set, under a Redis key of its own; the
rounds alternate so neither always runs on a warmer machine. Printed per configuration: the wall time of
the whole crawl (from the first start to the last exit, start-up and FINNEWS_REDIS_IDLE_SECONDS=1 of
idle wait included), the pages each worker fetched and its share, the stories stored, and the ratio of
the 1-worker time to the plain crawl's (what Redis costs: close to 1.0) and of the 2-worker time to the
1-worker time (at most 1.0: the pair is not slower). On 2 shared cores a speed-up is not the point: the
share is.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from crawler import db
from crawler.models import CrawlRun
from crawler.queries import count_articles
from sampleportals import SampleNetwork

PROJECT = Path(__file__).resolve().parent.parent


def crawl(
    network: SampleNetwork, workers: int, redis_url: str, folder: Path, server: str | None
) -> tuple[float, float, list[int], int]:
    """The seconds a crawl by `workers` processes took (wall, and CPU of the workers together), the responses
    each received, the stories stored (into SQLite in `folder`, or a database of its own on `server`).
    0 workers: one process crawling on its own, without Redis."""
    key = f"finnews-bench:{uuid.uuid4().hex}"
    db_url = f"sqlite:///{folder}/{workers}-{key.rsplit(':', 1)[1]}.db"
    if server:
        db_url = database(server, f"finnews_bench_{key.rsplit(':', 1)[1][:12]}")
    db.make_engine(db_url).dispose()  # the schema first: processes creating it at once would collide
    started, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [
        sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
        "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=ERROR", "-s", "STATS_DUMP=False",
    ]  # fmt: skip
    if workers:
        command += ["-s", f"FINNEWS_REDIS_URL={redis_url}", "-s", f"FINNEWS_REDIS_KEY={key}"]
        command += ["-s", "FINNEWS_REDIS_IDLE_SECONDS=1"]
    processes = [subprocess.Popen(command, cwd=PROJECT) for _ in range(max(1, workers))]
    if any(process.wait() for process in processes):
        raise SystemExit("a worker failed")
    seconds, used = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = used.ru_utime + used.ru_stime - children.ru_utime - children.ru_stime
    engine = db.make_engine(db_url, create=False)
    with Session(engine) as session:
        runs = [run.stats or {} for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    stored = count_articles(engine)
    leftover = list(redis.Redis.from_url(redis_url).scan_iter(match=f"{key}:*"))
    if leftover:
        raise SystemExit(f"the crawl left Redis keys behind: {leftover[:3]}")
    engine.dispose()
    if server:
        database(server, db_url.rsplit("/", 1)[1], drop=True)
    return seconds, cpu, [int(run.get("downloader/response_count", 0)) for run in runs], stored


def database(server: str, name: str, drop: bool = False) -> str:
    """Create (or drop) database `name` on the server of URL `server`; its URL."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        if not drop:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return f"{server.rsplit('/', 1)[0]}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="sample portal stories (default 1000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each configuration (best one shown)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="the Redis the workers share")
    parser.add_argument(
        "--database-server", help="store into a fresh database on this server (postgresql+psycopg://...), not SQLite"
    )
    parser.add_argument(
        "--servers", type=int, default=3, help="processes serving the 3 portals (default 3: one thread of this "
        "process serving them all would be what two workers wait on)",
    )  # fmt: skip
    args = parser.parse_args()
    network = SampleNetwork(articles=args.articles, seed=1, faults=False, port=0, workers=args.servers).start()
    best: dict[int, tuple[float, float, list[int], int]] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(args.rounds):
                for workers in (0, 1, 2):
                    result = crawl(network, workers, args.redis, Path(folder), args.database_server)
                    if workers not in best or result[0] < best[workers][0]:
                        best[workers] = result
    finally:
        network.stop()
    for workers, (seconds, cpu, responses, stored) in best.items():
        shares = ", ".join(f"{n} ({n / sum(responses):.0%})" for n in responses)
        name = f"{workers} worker(s)" if workers else "no Redis"
        print(
            f"{name}: {seconds:.1f} s ({cpu:.1f} CPU s in the workers), {stored} stories stored, "
            f"pages fetched per worker: {shares}"
        )
    print(f"1 worker / no Redis time: {best[1][0] / best[0][0]:.2f}")
    print(f"2 workers / 1 worker time: {best[2][0] / best[1][0]:.2f}")


if __name__ == "__main__":
    main()
