"""The commands over the stored articles: query, export, reprints, stats, db (thin, over `crawler.queries`
and `crawler.db`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from crawler import db, pagestore, queries, settings
from crawler.cli.errors import InputError
from crawler.cli.output import replacing, write_csv, write_jsonl, write_table
from crawler.cli.progress import progress_bar
from crawler.recovery import import_recovery
from crawler.reports import COVERED
from crawler.reprints.matching import Matching


def filters_of(args: argparse.Namespace) -> queries.Filters:
    return queries.Filters(
        site=args.site, source=args.source, since=args.since, until=args.until, search=args.search,
        min_views=args.min_views,
    )  # fmt: skip


QUERY_COLUMNS = ("published_at", "site", "source", "views", "title")


def cmd_query(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    records = queries.latest_articles(engine, filters_of(args), limit=args.limit)
    if args.format == "jsonl":
        write_jsonl(records, sys.stdout.buffer)
    elif args.format == "csv":
        write_csv(records, ("url", *QUERY_COLUMNS), sys.stdout)
    else:
        write_table(records, QUERY_COLUMNS, sys.stdout)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    filters = filters_of(args)
    records = queries.iter_articles(engine, filters, limit=args.limit)
    if args.output in (None, "-"):
        count = write_jsonl(records, sys.stdout.buffer)
    else:
        total = lambda: min(queries.count_articles(engine, filters), args.limit or sys.maxsize)  # noqa: E731
        with progress_bar("articles", total, records) as bar, replacing(Path(args.output)) as out:
            count = write_jsonl(bar, out)
    print(f"exported {count} articles", file=sys.stderr)
    return 0


REPRINT_COLUMNS = ("copies", "first_published", "last_published", "sites", "title")


def cmd_reprints(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    stories = queries.reprinted_stories(engine, since=args.since, site=args.site, limit=args.limit)
    if args.format == "jsonl":
        write_jsonl(stories, sys.stdout.buffer)
    else:
        rows = [dict(story, sites=",".join(story["sites"])) for story in stories]
        write_table(rows, REPRINT_COLUMNS, sys.stdout)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    stats = queries.statistics(engine, top=args.top) | {"kept_pages": pagestore.space_used(engine)}
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(stats, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
        return 0
    print(f"articles: {stats['articles']}  reprints: {stats['reprints']}  views: {stats['views_total']}")
    kept = stats["kept_pages"]
    print(f"kept pages: {kept['pages']}  {kept['bytes_stored']:,} bytes stored ({kept['bytes_served']:,} as served)")
    sections = (
        ("articles per site", list(stats["per_site"].items()), ("site", "articles")),
        ("articles per source", stats["per_source"], ("source", "articles")),
        ("articles per day (latest)", stats["per_day"], ("day", "articles")),
        ("most reprinted", stats["reprinted_most"], ("title", "copies")),
    )
    for title, rows, columns in sections:
        print(f"\n{title}")
        write_table([dict(zip(columns, row, strict=True)) for row in rows], columns, sys.stdout)
    print("\nportals, as their last crawl found them (coverage: share of the articles read with the field)")
    write_table([portal_line(line) for line in stats["portals"]], PORTAL_COLUMNS, sys.stdout)
    for line in stats["portals"]:
        for warning in line["warnings"]:
            print(f"warning (run {line['run']}): {warning}")
    print("\nlast crawl runs")
    runs = [dict(run, sites=shortened(run["sites"])) for run in stats["runs"]]
    write_table(runs, RUN_COLUMNS, sys.stdout)
    return 0


PORTAL_COLUMNS = ("portal", "run", "pages", "articles", "reprints", "errors", "blocks", *COVERED, "warnings")
RUN_COLUMNS = ("id", "sites", "started_at", "finished_at", "finish_reason", "stored", "reprints", "warnings")


def portal_line(line: dict[str, Any]) -> dict[str, Any]:
    """A portal's report line for the table: coverage in per cent, the number of warnings."""
    shares = {name: "-" if line[name] is None else f"{line[name]:.0%}" for name in COVERED}
    return line | shares | {"warnings": len(line["warnings"])}


def shortened(sites: str | None, most: int = 3) -> str | None:
    """A run's portals, the first `most` of them named.

    >>> shortened("a,b,c,d,e"), shortened("a,b")
    ('a,b,c +2', 'a,b')
    """
    if sites is None:
        return None
    names = sites.split(",")
    return ",".join(names[:most]) + (f" +{len(names) - most}" if len(names) > most else "")


def cmd_db(args: argparse.Namespace) -> int:
    if args.action == "import":
        return db_import(args)
    revision = args.target or "head"
    create = args.action == "upgrade" and revision == "head"  # a new database: created, at head
    engine = db.make_engine(args.db, create=create, check=False)
    if args.action == "upgrade":
        with progress_bar("migrations", lambda: db.pending_migrations(engine, revision)) as bar:
            db.upgrade(engine, revision, on_step=lambda step: bar.update())
    print(f"schema revision: {db.schema_revision(engine)} (this finnews: {db.head_revision()})")
    return 0


def db_import(args: argparse.Namespace) -> int:
    """Load a crawl's recovery file into the database (idempotent: a second import changes nothing)."""
    if not args.target:
        raise InputError("give the recovery file: finnews db import FILE")
    if not Path(args.target).is_file():
        raise InputError(f"no recovery file at {args.target}")
    engine = db.make_engine(args.db)
    count = import_recovery(
        engine, args.target, Matching(settings.FINNEWS_REPRINT_THRESHOLD), settings.FINNEWS_DB_BATCH_SIZE
    )
    print(f"imported {count} rows from {args.target} into {engine.url.render_as_string()}", file=sys.stderr)
    return 0
