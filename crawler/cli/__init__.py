"""`finnews`: a thin command line over the library (db.*, queries.*, sampleportals.*)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any, NoReturn

from crawler import db
from crawler.cli import pages
from crawler.cli.datasette import cmd_datasette_metadata
from crawler.cli.demo import cmd_demo, cmd_sample_portals
from crawler.cli.errors import INPUT_ERRORS, error_line, one_line
from crawler.cli.extraction import cmd_extract
from crawler.cli.options import LIMIT_HELP, parse_count, parse_limit, parse_time
from crawler.cli.store_commands import cmd_db, cmd_export, cmd_query, cmd_reprints, cmd_stats
from crawler.cli.story import cmd_story, cmd_watch
from crawler.models import SHANGHAI

# --- parser --------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (`finnews query: error: ...`); `-h` still shows the full usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} -h)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="finnews", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error (default: one line)")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(func=func)
        return command

    def db_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--db", help=f"database URL (default: $FINNEWS_DB_URL or {db.DEFAULT_DB_URL})")

    def limit_option(command: argparse.ArgumentParser, what: str) -> None:
        command.add_argument("--limit", type=parse_limit, metavar="N", help=LIMIT_HELP.format(what=what))

    def filter_options(command: argparse.ArgumentParser) -> None:
        db_option(command)
        command.add_argument("--site", help="only this portal (profile name)")
        command.add_argument("--source", help="only this 来源 outlet (exact)")
        command.add_argument("--since", type=parse_time, help="published at or after (2024-09-03[T11:54])")
        command.add_argument("--until", type=parse_time, help="published before")
        command.add_argument("--crawled-since", type=parse_time, help="last fetched at or after (2024-09-03[T11:54])")
        command.add_argument("--search", help="text in the title or body")
        command.add_argument("--min-views", type=parse_count, help="at least this many views")
        limit_option(command, "articles")

    query = add(
        "query", cmd_query, "The latest stored articles matching filters, newest first (table, JSON lines, CSV)."
    )
    filter_options(query)
    query.add_argument("--format", choices=("table", "jsonl", "csv"), default="table", help="output format")

    export = add("export", cmd_export, "Write the stored articles as JSON lines (the Article contract).")
    filter_options(export)
    export.add_argument("-o", "--output", help="output file; .gz compresses (default: stdout)")
    export.add_argument(
        "--new", action="store_true", help="only the articles stored or changed since the last `--new` export of "
        "--name (a cursor kept in the database, moved once the export is written)",
    )  # fmt: skip
    export.add_argument("--name", default="default", help="the cursor of --new (default: default)")

    reprints = add(
        "reprints", cmd_reprints, "Stories that ran on several pages: copies, portals, first and last publication."
    )
    db_option(reprints)
    reprints.add_argument("--since", type=parse_time, help="first published at or after (2024-09-03[T11:54])")
    reprints.add_argument("--site", help="only stories with a copy on this portal")
    reprints.add_argument("--search", help="only stories with this text in their title or body")
    reprints.add_argument("--source", help="only stories with a copy stating this 来源 (or the same outlet)")
    reprints.add_argument(
        "--order", choices=("copies", "newest"), help="most copies first, or newest first "
        "(default: newest with --search/--source, else copies)",
    )  # fmt: skip
    limit_option(reprints, "stories")
    reprints.add_argument("--format", choices=("table", "jsonl"), default="table", help="output format")

    story = add(
        "story", cmd_story, "Trace a story from one of its pages: every copy with its portal, time, 来源, read "
        "count (and history), edits and take-downs, in publication order; * marks the first publisher.",
    )  # fmt: skip
    db_option(story)
    story.add_argument("url", help="the URL of any copy of the story")
    story.add_argument("--json", action="store_true", help="JSON lines, one per copy (default: a table)")

    metadata = add(
        "datasette-metadata", cmd_datasette_metadata, "Write the Datasette metadata.json of a SQLite database: "
        "_search on articles, sort, labels, facets (datasette serve DB --metadata FILE).",
    )  # fmt: skip
    db_option(metadata)
    metadata.add_argument("-o", "--output", help="output file (default: stdout)")

    watch = add(
        "watch", cmd_watch, "Watch terms: `add TERM`, `remove TERM`, `list`; `alerts` prints (JSON lines) the new "
        "articles matching each term since its last alerts (a crawl does it at its end, see FINNEWS_WATCH_*).",
    )  # fmt: skip
    watch.add_argument("action", choices=("add", "remove", "list", "alerts"), help="what to do")
    watch.add_argument("term", nargs="?", help="the term of add/remove (3+ characters search the index)")
    watch.add_argument("--webhook", help="alerts: also POST each alert as JSON to this URL")
    db_option(watch)

    stats = add(
        "stats", cmd_stats,
        "Articles per site / source / day, reprints, views, each portal's last crawl report, last crawl runs.",
    )  # fmt: skip
    db_option(stats)
    stats.add_argument("--top", type=parse_count, default=20, help="rows per section")
    stats.add_argument("--format", choices=("table", "json"), default="table", help="output format")

    db_command = add(
        "db", cmd_db, "Database: `upgrade [REVISION]` applies the migrations, `current` shows the revision, "
        "`import FILE` loads a crawl's recovery file (the rows the database refused).",
    )  # fmt: skip
    db_command.add_argument("action", choices=("upgrade", "current", "import"), help="what to do")
    db_command.add_argument(
        "target", nargs="?", metavar="REVISION|FILE", help="revision of `upgrade` (default: head); file of `import`"
    )
    db_option(db_command)

    extract = add(
        "extract", cmd_extract, "Print the Article fields of saved HTML pages as JSON (no crawl, no database)."
    )
    extract.add_argument(
        "file", nargs="?", help='an HTML file; without it, JSON lines {"path": ..., "url": ...} on stdin'
    )
    extract.add_argument("--url", help="the page's URL (resolves links, dates in the URL); default: the file's")
    extract.add_argument(
        "--profile", help="extract with this portal profile's overrides (NAME.toml in a folder of FINNEWS_PROFILE_DIRS)"
    )
    extract.add_argument(
        "--now", type=parse_time, default=datetime.now(SHANGHAI), help="reference time of relative dates"
    )

    pages.add_commands(add, db_option, parse_time)

    portals = add("sample-portals", cmd_sample_portals, "Serve the local sample portal network until Ctrl-C.")
    portals.add_argument("--port", type=int, default=8601, help="port of the first portal (portal i on PORT+i)")
    portals.add_argument("--articles", type=int, default=300, help="distinct stories to generate")
    portals.add_argument("--seed", type=int, default=1, help="generator seed")
    portals.add_argument("--faults", action="store_true", help="inject faults (5xx, timeouts, resets, ...)")
    portals.add_argument("--truth", help="write the ground truth (JSON lines) to this file")
    portals.add_argument("--workers", type=int, default=1, help="server processes (1: a thread; up to 3)")
    portals.add_argument(
        "--discovery", action="store_true", help="also serve kuaibao (PORT+3): its articles only in sitemap, feed, JSON"
    )

    demo = add("demo", cmd_demo, "Start the sample portals, crawl them into the database, print a summary.")
    db_option(demo)
    demo.add_argument("--port", type=int, default=8601, help="port of the first sample portal")
    demo.add_argument("--articles", type=int, default=300, help="distinct stories to generate")
    demo.add_argument("--truth", default="data/sample-truth.jsonl", help="where the ground truth is written")
    demo.add_argument("--log-level", default="WARNING", help="Scrapy log level of the crawls")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; an error is one line on stderr and a non-zero status (`--debug`: its traceback)."""
    args = build_parser().parse_args(argv)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # a full device fails here, not at exit
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `finnews export | head`: the reader has what it wanted
        _quiet_stdout()
        return 0
    except Exception as exc:
        if args.debug:
            raise
        status = 2 if isinstance(exc, INPUT_ERRORS) else 1
        print(f"finnews: error: {error_line(exc)}", file=sys.stderr)
        _quiet_stdout()
        return status


def _quiet_stdout() -> None:
    """Point stdout at /dev/null if what is left in it cannot be written (a closed pipe, a full device), so
    that Python's own flush at exit adds no second error."""
    try:
        sys.stdout.flush()
    except OSError:
        with suppress(OSError, ValueError):  # a stream with no file descriptor (tests) keeps its buffer
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
