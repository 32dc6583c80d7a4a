"""The commands over the stored articles: query, export, reprints, stats, db (thin, over `crawler.queries`
and `crawler.db`)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from crawler import changes, db, pagestore, queries, rekey, settings
from crawler.cli.errors import InputError
from crawler.cli.output import replacing, write_csv, write_jsonl, write_table
from crawler.cli.progress import progress_bar
from crawler.models import SHANGHAI
from crawler.recovery import import_recovery
from crawler.reports import COVERED
from crawler.reprints.matching import Matching


def filters_of(args: argparse.Namespace) -> queries.Filters:
    return queries.Filters(
        site=args.site, source=args.source, since=args.since, until=args.until, search=args.search,
        min_views=args.min_views, crawled_since=args.crawled_since,
    )  # fmt: skip


QUERY_COLUMNS = ("published_at", "site", "source", "views", "title")


def cmd_query(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    records = queries.latest_articles(engine, filters_of(args), limit=args.limit)
    if args.format == "jsonl":
        write_jsonl(records, sys.stdout.buffer)
    elif args.format == "csv":
        write_csv(records, ("url", *QUERY_COLUMNS, "edited_at", "removed_at"), sys.stdout)
    else:
        rows = [record | {"state": _state(record)} for record in records]
        write_table(rows, (*QUERY_COLUMNS[:-1], "state", "title"), sys.stdout)
    return 0


def _state(record: dict[str, Any]) -> str:
    """What later crawls found of an article: taken down (删稿), edited (改稿), or nothing."""
    return "removed" if record["removed_at"] else "edited" if record["edited_at"] else ""


def cmd_export(args: argparse.Namespace) -> int:
    """Export; with --new, only what was stored or changed since the last --new export of --name, whose
    cursor moves once the file is written (a failed export is repeated in full next time)."""
    engine = db.make_engine(args.db, create=False)
    filters = filters_of(args)
    if args.new:
        with engine.connect() as connection:
            window = (changes.export_cursor(connection, args.name), changes.latest_change(connection))
        filters = dataclasses.replace(filters, changes=window)
    records = queries.iter_articles(engine, filters, limit=args.limit)
    if args.output in (None, "-"):
        count = write_jsonl(records, sys.stdout.buffer)
    else:
        total = lambda: min(queries.count_articles(engine, filters), args.limit or sys.maxsize)  # noqa: E731
        with progress_bar("articles", total, records) as bar, replacing(Path(args.output)) as out:
            count = write_jsonl(bar, out)
    if args.new:
        sys.stdout.flush()
        with engine.begin() as connection:
            changes.move_export_cursor(connection, args.name, window[1], datetime.now(SHANGHAI))
    print(f"exported {count} articles", file=sys.stderr)
    return 0


REPRINT_COLUMNS = ("copies", "first_published", "last_published", "sites", "title")


def cmd_reprints(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    order = args.order or ("newest" if args.search or args.source else "copies")
    filters = queries.StoryFilters(args.since, args.site, args.source, args.search, newest_first=order == "newest")
    stories = queries.reprinted_stories(engine, filters, limit=args.limit)
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


PORTAL_COLUMNS = ("portal", "run", "pages", "articles", "reprints", "known", "errors", "blocks", *COVERED, "warnings")
RUN_COLUMNS = (
    "id",
    "sites",
    "started_at",
    "finished_at",
    "finish_reason",
    "stored",
    "reprints",
    "skipped_known",
    "refreshed",
    "blocked",
    "warnings",
)


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
        if db.schema_revision(engine) == db.head_revision():  # the stored reprint keys, of this version's fingerprint
            left = rekey.outdated(engine)
            with progress_bar("articles re-keyed", left.count if left else 0) as bar:
                rekey.rekey(engine, on_batch=bar.update)
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
