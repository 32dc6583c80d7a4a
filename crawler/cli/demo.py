"""`finnews sample-portals` and `finnews demo`: the local sample portal network, served or crawled. The sample
portals are no part of the product: only these commands import them, inside the commands."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from crawler import db, queries, settings
from crawler.cli.errors import InputError


def cmd_sample_portals(args: argparse.Namespace) -> int:
    from sampleportals import serve_forever  # the sample portals are no part of the product: only the CLI uses them

    if args.workers < 1:
        raise InputError("workers must be at least 1")
    serve_forever(
        port=args.port, articles=args.articles, seed=args.seed, faults=args.faults, truth_path=args.truth,
        workers=args.workers, discovery=args.discovery,
    )  # fmt: skip
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the sample portals, crawl them all into the database (one `scrapy crawl`), print a summary.

    The crawl is `python -m scrapy crawl portal` with this finnews's settings (SCRAPY_SETTINGS_MODULE), in
    the current folder: it needs no checkout, and a relative SQLite path lands in the current folder.
    """
    from sampleportals import SampleNetwork  # the sample portals are no part of the product: only the CLI uses them

    db.upgrade(db.make_engine(args.db, check=False))  # the demo's database follows this version's schema
    network = SampleNetwork(articles=args.articles, seed=1, port=args.port).start()
    truth = Path(args.truth)
    truth.parent.mkdir(parents=True, exist_ok=True)
    pages = network.write_truth(truth)
    command = [
        sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
        "-s", f"FINNEWS_DB_URL={db.database_url(args.db)}", "-s", f"LOG_LEVEL={args.log_level}",
    ]  # fmt: skip
    print(f"sample portals: {', '.join(f'{n} {u}' for n, u in network.start_urls.items())}", file=sys.stderr)
    started = time.monotonic()
    try:
        subprocess.run(command, env={**os.environ, "SCRAPY_SETTINGS_MODULE": settings.__name__}, check=True)
    finally:
        network.stop()
    print_summary(db.make_engine(args.db, create=False), time.monotonic() - started, pages, truth)
    return 0


def print_summary(engine: Any, elapsed: float, pages: int, truth: Path) -> None:
    summary = queries.summary(engine)
    run = queries.statistics(engine)["runs"][0]  # this crawl's
    print(f"crawled the sample portals ({pages} article pages) in {elapsed:.1f} s into {engine.url.render_as_string()}")
    print(
        f"  this crawl: {run['stored']} articles stored, {run['reprints']} reprints found, "
        f"{run['skipped_known']} article pages not fetched as stored already (crawl again: it is incremental)"
    )
    print(f"  ground truth of the sample portals: {truth}")
    print(f"  articles stored: {summary['articles']}  reprints recorded: {summary['reprints']}")
    for site, count in summary["per_site"].items():
        print(f"  {site:<10} {count:>6} articles")
    print("export them: finnews export -o data/articles.jsonl")
