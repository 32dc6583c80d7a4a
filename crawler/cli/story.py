"""`finnews story` (a story's trace from one of its pages) and `finnews watch` (terms alerted on)."""

from __future__ import annotations

import argparse
import sys

from crawler import db, queries, watch
from crawler.cli.errors import InputError
from crawler.cli.output import write_jsonl, write_table

TRACE_COLUMNS = ("first", "published_at", "site", "source", "views", "read_counts", "edited_at", "removed_at", "url")


def cmd_story(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    copies = queries.trace(engine, args.url)
    if not copies:
        raise InputError(f"no stored page at {args.url} (give the URL of an article or of one of its reprints)")
    if args.json:
        write_jsonl(copies, sys.stdout.buffer)
        return 0
    origin = next(copy for copy in copies if copy["first_publisher"])
    print(f"{origin['title']}  ({len(copies)} copies; * first publisher)")
    rows = [
        copy | {
            "first": "*" if copy["first_publisher"] else "",
            "read_counts": " ".join(str(seen["views"]) for seen in copy["views_history"]),
        }
        for copy in copies
    ]  # fmt: skip
    write_table(rows, TRACE_COLUMNS, sys.stdout, whole=("url",))
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.db, create=False)
    if args.action in ("add", "remove"):
        if not args.term or not args.term.strip():
            raise InputError(f"give the term: finnews watch {args.action} TERM")
        done = (watch.add if args.action == "add" else watch.remove)(engine, args.term.strip())
        state = {"add": ("watching", "watched already"), "remove": ("removed", "not watched")}[args.action]
        print(f"{state[0] if done else state[1]}: {args.term.strip()}", file=sys.stderr)
    elif args.action == "list":
        write_table(watch.terms(engine), ("term", "created_at", "after_article"), sys.stdout)
    else:
        found = watch.alerts(engine)
        write_jsonl(found, sys.stdout.buffer)
        if args.webhook:
            watch.deliver(found, None, args.webhook)
    return 0
