"""`finnews reextract` and `finnews page`: the commands over kept pages (thin, over `crawler.reextract` and
`crawler.pagestore`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler import db, settings
from crawler.cli.progress import progress_bar
from crawler.pagestore import load_page
from crawler.reextract import Summary, count_pages, reextract

Add = Callable[[str, Any, str], argparse.ArgumentParser]


def add_commands(add: Add, db_option: Callable[[argparse.ArgumentParser], None], parse_time: Any) -> None:
    """The page commands, on the `finnews` parser (`add(name, func, help)` makes a subcommand)."""
    command = add(
        "reextract", cmd_reextract, "Extract and normalise the kept pages again (no network); store what changed, "
        "recorded in field_changes; group changed bodies' reprints again.",
    )  # fmt: skip
    db_option(command)
    command.add_argument("--site", help="only these portals (profile names, comma-separated)")
    command.add_argument("--since", type=parse_time, help="only pages fetched at or after (2024-09-03[T11:54])")
    command.add_argument("--dry-run", action="store_true", help="change nothing: print what would change, per field")
    page = add("page", cmd_page, "Print the kept page of a URL as it was served (the evidence behind an article).")
    db_option(page)
    page.add_argument("url", help="the page's URL (as requested, or as the article's URL)")
    page.add_argument("-o", "--output", help="write the page to this file (default: stdout)")
    page.add_argument("--headers", action="store_true", help="print what was kept about the fetch, not the page")


def cmd_reextract(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    with progress_bar("pages", lambda: count_pages(engine, site=args.site, since=args.since)) as bar:
        summary = reextract(
            engine, settings.FINNEWS_PROFILE_DIRS, site=args.site, since=args.since, dry_run=args.dry_run,
            progress=bar.update,
        )  # fmt: skip
    print(describe(summary, args.dry_run))
    return 0


def describe(summary: Summary, dry_run: bool) -> str:
    """The summary as lines: pages read and changed, then values changed per field."""
    verb = "would change" if dry_run else "changed"
    lines = [f"{summary.pages} kept pages read, {summary.changed_pages} {verb}"]
    if summary.regrouped:
        lines.append(f"{summary.regrouped} articles now reprints of another story")
    if summary.split:
        lines.append(f"{summary.split} reprints no longer copies of their story, grouped again")
    lines += [f"  {name}: {count}" for name, count in summary.fields.most_common()]
    lines += [f"  skipped ({why}): {count}" for why, count in sorted(summary.skipped.items())]
    return "\n".join(lines)


def cmd_page(args: argparse.Namespace) -> int:
    page = load_page(db.make_engine(args.db, create=False), args.url)
    if page is None:
        print(f"finnews: error: no page kept for {args.url}", file=sys.stderr)
        return 1
    if args.headers:
        for name in ("url", "response_url", "status", "content_type", "last_modified", "etag", "fetched_at", "site"):
            print(f"{name}: {getattr(page, name)}")
        return 0
    if args.output:
        Path(args.output).write_bytes(page.content)
    else:
        sys.stdout.buffer.write(page.content)
        sys.stdout.buffer.flush()
    return 0
