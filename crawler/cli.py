"""`finnews`: a thin command line over the library (store.*, sampleportals.*)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.exc import ArgumentError, OperationalError

from crawler import store

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write records as JSON lines (UTF-8 as is, no \\u escapes); returns how many."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
        count += 1
    return count


# --- commands ------------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    engine = store.make_engine(args.db, create=False)
    if args.output in (None, "-"):
        count = write_jsonl(store.iter_articles(engine), sys.stdout)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as out:
            count = write_jsonl(store.iter_articles(engine), out)
    print(f"exported {count} articles", file=sys.stderr)
    return 0


def cmd_sample_portals(args: argparse.Namespace) -> int:
    from crawler.sampleportals import serve_forever

    serve_forever(port=args.port, articles=args.articles, seed=args.seed, faults=args.faults, truth_path=args.truth)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the sample portals, crawl them all into the database, print a summary."""
    from crawler.sampleportals import SampleNetwork

    network = SampleNetwork(articles=args.articles, seed=1, port=args.port)
    network.start()
    truth = Path(args.db_dir) / "sample-truth.jsonl"
    network.write_truth(truth)
    env = dict(os.environ, FINNEWS_DB_URL=store.database_url(args.db))
    started = time.monotonic()
    try:
        for name, url in network.start_urls.items():
            print(f"crawling {name} at {url}", file=sys.stderr)
            subprocess.run(
                [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={name}", "-a", f"start_url={url}",
                 "-s", f"LOG_LEVEL={args.log_level}"],
                cwd=PROJECT_DIR, env=env, check=True,
            )  # fmt: skip
    finally:
        network.stop()
    elapsed = time.monotonic() - started
    print_summary(store.make_engine(args.db, create=False), elapsed, len(network.truth()))
    return 0


def print_summary(engine: Any, elapsed: float, pages: int) -> None:
    summary = store.summary(engine)
    print(f"crawled {pages} sample article pages in {elapsed:.1f} s into {engine.url.render_as_string()}")
    print(f"  articles stored: {summary['articles']}  reprints recorded: {summary['reprints']}")
    for site, count in summary["per_site"].items():
        print(f"  {site:<10} {count:>6} articles")
    print("export them: finnews export -o data/articles.jsonl")


# --- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="finnews", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(func=func)
        return command

    def db_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--db", help=f"database URL (default: $FINNEWS_DB_URL or {store.DEFAULT_DB_URL})")

    export = add("export", cmd_export, "Write the stored articles as JSON lines (the Article contract).")
    db_option(export)
    export.add_argument("-o", "--output", help="output file (default: stdout)")

    portals = add("sample-portals", cmd_sample_portals, "Serve the local sample portal network until Ctrl-C.")
    portals.add_argument("--port", type=int, default=8601, help="port of the first portal (portal i on PORT+i)")
    portals.add_argument("--articles", type=int, default=300, help="distinct stories to generate")
    portals.add_argument("--seed", type=int, default=1, help="generator seed")
    portals.add_argument("--faults", action="store_true", help="inject faults (5xx, timeouts, resets, ...)")
    portals.add_argument("--truth", help="write the ground truth (JSON lines) to this file")

    demo = add("demo", cmd_demo, "Start the sample portals, crawl them into the database, print a summary.")
    db_option(demo)
    demo.add_argument("--port", type=int, default=8601, help="port of the first sample portal")
    demo.add_argument("--articles", type=int, default=300, help="distinct stories to generate")
    demo.add_argument("--db-dir", default="data", help="where the truth file is written")
    demo.add_argument("--log-level", default="WARNING", help="Scrapy log level of the crawls")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (FileNotFoundError, ArgumentError, OperationalError, ValueError) as exc:
        print(f"finnews: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
