"""`finnews`: a thin command line over the library (db.*, queries.*, sampleportals.*)."""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import secrets
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, NoReturn, cast
from urllib.parse import urlsplit

import orjson
from alembic.util import CommandError
from parsel import Selector
from sqlalchemy.exc import ArgumentError, DatabaseError
from tqdm import tqdm

from crawler import db, pagecommands, pagestore, profiles, queries, settings
from crawler.extract.article import extract_article
from crawler.extract.charset import decode_html
from crawler.extract.kind import LISTING, page_kind
from crawler.extract.links import own_url, site_links
from crawler.extract.mainlist import main_list
from crawler.models import SHANGHAI
from crawler.normalize.article import normalize_article
from crawler.recovery import RecoveryFileError, import_recovery
from crawler.reprints.matching import Matching


class InputError(Exception):
    """A value given on the command line that cannot be used: reported as one line, exit status 2."""


#: The errors that mean a bad input (a database URL or file that is no database, a missing file, a folder
#: where a file belongs, a migration revision, a profile name), not a bug: exit status 2. Any other error
#: (a full disk, a bug) is exit status 1. Both are reported in one line; `finnews --debug` shows the traceback.
INPUT_ERRORS = (
    InputError, FileNotFoundError, IsADirectoryError, NotADirectoryError, ArgumentError, DatabaseError,
    CommandError, db.SchemaError, db.LockTimeout, profiles.ProfileError, RecoveryFileError,
)  # fmt: skip
#: The largest count an option takes (--limit, --min-views, --top): SQL's BIGINT, what every database binds.
MAX_COUNT = 2**63 - 1


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """Write records as JSON lines (`jsonl_line`); returns how many.

    orjson: ~10x the speed of the json module here, which is what lets an export stream 20,000+ rows/s.
    """
    count = 0
    for record in records:
        out.write(jsonl_line(record))
        count += 1
    return count


#: Characters valid in JSON but taken for line ends by some readers (JavaScript before ES2019, Python's
#: str.splitlines): escaped in JSON lines, as their UTF-8 bytes (which cannot occur inside another character).
LINE_BREAKS_IN_JSON = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"), (b"\xc2\x85", b"\\u0085"))


def jsonl_line(record: Any) -> bytes:
    """One JSON line: UTF-8 as is (no \\u escapes but those of U+2028, U+2029, U+0085), ISO 8601 times.

    >>> print(jsonl_line({"title": "上\\u2028下\\x85"}).decode(), end="")
    {"title":"上\\u2028下\\u0085"}
    """
    line = orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    if _holds_line_breaks(record):  # looked for in the text first: ~1 us a record, the bytes' scan ~8 us
        for raw, escaped in LINE_BREAKS_IN_JSON:
            line = line.replace(raw, escaped)
    return line


def _holds_line_breaks(value: Any) -> bool:
    """Whether U+2028, U+2029 or U+0085 is in `value`'s text (its strings, keys, items, values)."""
    if isinstance(value, str):
        return "\u2028" in value or "\u2029" in value or "\x85" in value
    if isinstance(value, dict):
        return any(map(_holds_line_breaks, value)) or any(map(_holds_line_breaks, value.values()))
    if isinstance(value, list | tuple):
        return any(map(_holds_line_breaks, value))
    return False


def write_csv(records: Iterable[dict[str, Any]], columns: Sequence[str], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([_cell(record.get(name)) for name in columns])
        count += 1
    return count


def write_table(records: Iterable[dict[str, Any]], columns: Sequence[str], out: IO[str]) -> int:
    """A plain-text table, padded by display width (a CJK character is two columns)."""
    rows = [[_cell(record.get(name)) for name in columns] for record in records]
    widths = [min(40, max([_width(name)] + [_width(row[i]) for row in rows])) for i, name in enumerate(columns)]
    for row in [list(columns), ["-" * w for w in widths], *rows]:
        out.write("  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")
    return len(rows)


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    while _width(text) > width:
        text = text[:-2] + "…"
    return text + " " * (width - _width(text))


def parse_time(text: str) -> datetime:
    """A --since/--until value: `2024-09-03` or `2024-09-03T11:54[:03][+08:00]`, Beijing time if naive."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use 2024-09-03 or 2024-09-03T11:54)") from None
    value = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    try:  # stored times are compared in Beijing time and in UTC: both must exist
        value.astimezone(SHANGHAI), value.astimezone(UTC)
    except OverflowError:
        raise argparse.ArgumentTypeError(f"date out of range: {text!r}") from None
    return value


def parse_count(text: str) -> int:
    """A --limit/--min-views/--top value: a whole number from 0 to MAX_COUNT (`--limit 0`: no rows).

    >>> parse_count("20")
    20
    >>> parse_count("-1")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: not a count from 0 to 9223372036854775807: '-1'
    """
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"not a count from 0 to {MAX_COUNT}: {text!r}")
    return value


def filters_of(args: argparse.Namespace) -> queries.Filters:
    return queries.Filters(
        site=args.site, source=args.source, since=args.since, until=args.until, search=args.search,
        min_views=args.min_views,
    )  # fmt: skip


# --- commands ------------------------------------------------------------------------------------

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
        if sys.stderr.isatty():  # a progress bar, where someone watches
            total = queries.count_articles(engine, filters)
            total = total if args.limit is None else min(total, args.limit)
            records = tqdm(records, total=total, unit=" articles", file=sys.stderr)
        with replacing(Path(args.output)) as out:
            count = write_jsonl(records, out)
    print(f"exported {count} articles", file=sys.stderr)
    return 0


@contextmanager
def replacing(path: Path) -> Iterator[IO[bytes]]:
    """A binary file (gzip-compressed for `.gz`) that replaces `path` only once it is complete: it is
    written as a temporary file in the same folder and renamed over `path` at the end, so an export
    interrupted (Ctrl-C, a full disk, a crash) leaves the previous `path` as it was. A `path` that is
    there but no regular file (/dev/stdout, a FIFO, a device) is written to directly: nothing to replace."""
    if path.exists() and not path.is_file():
        with path.open("wb") as raw, _compressed(raw, path) as out:
            yield out
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        with temporary.open("xb") as raw, _compressed(raw, path) as out:  # "x": never another's file
            yield out
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _compressed(raw: IO[bytes], path: Path) -> IO[bytes]:
    """`raw`, gzip-compressed if `path` ends in .gz (closing the result leaves `raw` open)."""
    return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="wb")) if path.suffix == ".gz" else raw


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
    print("\nlast crawl runs")
    write_table(
        stats["runs"], ("id", "sites", "started_at", "finished_at", "finish_reason", "stored", "reprints"), sys.stdout
    )
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    if args.action == "import":
        return db_import(args)
    revision = args.target or "head"
    create = args.action == "upgrade" and revision == "head"  # a new database: created, at head
    engine = db.make_engine(args.db, create=create, check=False)
    if args.action == "upgrade":
        db.upgrade(engine, revision)
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


EXTRACT_FIELDS = (
    "url", "title", "published_at", "source", "source_canonical", "author", "authors", "editor", "views",
    "body", "images", "category", "date_source", "reprint_notice",
)  # fmt: skip


def extract_record(html: bytes, url: str, now: datetime, profile: profiles.Profile | None = None) -> dict[str, Any]:
    """The Article fields of one saved page, extracted and normalised exactly as a crawl would, with what
    the page is from the page alone (`page_kind`), a listing's main-list links in page order
    (`article_links`) and the seconds from its bytes to its fields (`elapsed_s`).

    A page saved without its URL (`url` not http(s)) takes it from the page (`links.own_url`).
    `counter_url` names the CMS script that writes the read count (not fetched here: `views` stays
    null for such pages); `encoding` is the charset the page was decoded with.
    """
    started = time.perf_counter()
    text, encoding, _ = decode_html(html)
    sel = Selector(text=text, type="html")
    if not url.startswith(("http://", "https://")):
        url = own_url(sel) or url
    main = main_list(site_links(sel, url))
    kind = page_kind(sel, main)
    raw = extract_article(sel, url, profile.fields if profile else None)
    site = profile.name if profile else urlsplit(url).netloc
    article = raw.to_article(url, site, profile.site_name if profile else None, now)
    normalize_article(article, now, page_names=() if profile else raw.site_names)
    elapsed = time.perf_counter() - started
    return {
        "page_kind": kind,
        **{name: getattr(article, name) for name in EXTRACT_FIELDS},
        "counter_url": raw.counter_url,
        "encoding": encoding,
        "article_links": list(main.dates) if kind == LISTING else [],
        "elapsed_s": round(elapsed, 6),
    }


def cmd_extract(args: argparse.Namespace) -> int:
    profile = profiles.load(args.profile, settings.FINNEWS_PROFILE_DIRS) if args.profile else None
    if args.file:
        url = args.url or Path(args.file).resolve().as_uri()
        sys.stdout.buffer.write(orjson.dumps(extract_record(Path(args.file).read_bytes(), url, args.now, profile),
                                             option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))  # fmt: skip
        return 0
    for line in sys.stdin:  # batch: {"path": ..., "url": ... or null} per line, one object out per line
        if not line.strip():
            continue
        path = None
        try:
            task = orjson.loads(line)
            path = task["path"]
            record = extract_record(
                Path(path).read_bytes(), task.get("url") or Path(path).resolve().as_uri(), args.now, profile
            )
        except Exception as exc:
            record = {"path": path, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.buffer.write(jsonl_line(record))
        sys.stdout.flush()
    return 0


def cmd_sample_portals(args: argparse.Namespace) -> int:
    from sampleportals import serve_forever  # the sample portals are no part of the product: only the CLI uses them

    if args.workers < 1:
        raise InputError("workers must be at least 1")
    serve_forever(
        port=args.port, articles=args.articles, seed=args.seed, faults=args.faults, truth_path=args.truth,
        workers=args.workers,
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
    print(f"crawled {pages} sample article pages in {elapsed:.1f} s into {engine.url.render_as_string()}")
    print(f"  ground truth of the sample portals: {truth}")
    print(f"  articles stored: {summary['articles']}  reprints recorded: {summary['reprints']}")
    for site, count in summary["per_site"].items():
        print(f"  {site:<10} {count:>6} articles")
    print("export them: finnews export -o data/articles.jsonl")


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

    def filter_options(command: argparse.ArgumentParser, limit: int | None) -> None:
        db_option(command)
        command.add_argument("--site", help="only this portal (profile name)")
        command.add_argument("--source", help="only this 来源 outlet (exact)")
        command.add_argument("--since", type=parse_time, help="published at or after (2024-09-03[T11:54])")
        command.add_argument("--until", type=parse_time, help="published before")
        command.add_argument("--search", help="text in the title or body")
        command.add_argument("--min-views", type=parse_count, help="at least this many views")
        command.add_argument(
            "--limit", type=parse_count, default=limit, help=f"at most N articles, 0: none (default: {limit or 'all'})"
        )

    query = add(
        "query", cmd_query, "The latest stored articles matching filters, newest first (table, JSON lines, CSV)."
    )
    filter_options(query, limit=20)
    query.add_argument("--format", choices=("table", "jsonl", "csv"), default="table", help="output format")

    export = add("export", cmd_export, "Write the stored articles as JSON lines (the Article contract).")
    filter_options(export, limit=None)
    export.add_argument("-o", "--output", help="output file; .gz compresses (default: stdout)")

    reprints = add(
        "reprints", cmd_reprints, "Stories that ran on several pages: copies, portals, first and last publication."
    )
    db_option(reprints)
    reprints.add_argument("--since", type=parse_time, help="first published at or after (2024-09-03[T11:54])")
    reprints.add_argument("--site", help="only stories with a copy on this portal")
    reprints.add_argument("--limit", type=parse_count, help="at most N stories, 0: none (default: all)")
    reprints.add_argument("--format", choices=("table", "jsonl"), default="table", help="output format")

    stats = add("stats", cmd_stats, "Articles per site / source / day, reprints, views, last crawl runs.")
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

    pagecommands.add_commands(add, db_option, parse_time)

    portals = add("sample-portals", cmd_sample_portals, "Serve the local sample portal network until Ctrl-C.")
    portals.add_argument("--port", type=int, default=8601, help="port of the first portal (portal i on PORT+i)")
    portals.add_argument("--articles", type=int, default=300, help="distinct stories to generate")
    portals.add_argument("--seed", type=int, default=1, help="generator seed")
    portals.add_argument("--faults", action="store_true", help="inject faults (5xx, timeouts, resets, ...)")
    portals.add_argument("--truth", help="write the ground truth (JSON lines) to this file")
    portals.add_argument("--workers", type=int, default=1, help="server processes (1: a thread; up to 3)")

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


def error_line(exc: BaseException) -> str:
    """What went wrong, in one line: the message of a bad input; the kind and message of anything else.

    >>> error_line(InputError("workers must be at least 1"))
    'workers must be at least 1'
    >>> error_line(OSError(28, "No space left on device"))
    'OSError: [Errno 28] No space left on device'
    >>> error_line(ValueError("first\\nsecond"))
    'ValueError: first'
    """
    lines = str(exc).strip().splitlines() or [""]
    line = one_line(lines[0])
    return line if isinstance(exc, INPUT_ERRORS) else f"{type(exc).__name__}: {line}".rstrip(": ")


def one_line(text: str) -> str:
    """`text` with every character that is not printable (a line break, a control) escaped.

    >>> one_line("unrecognized arguments: \\x85 央行\\u2028")
    'unrecognized arguments: \\\\x85 央行\\\\u2028'
    """
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null if what is left in it cannot be written (a closed pipe, a full device), so
    that Python's own flush at exit adds no second error."""
    try:
        sys.stdout.flush()
    except OSError:
        with suppress(OSError, ValueError):  # a stream with no file descriptor (tests) keeps its buffer
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
