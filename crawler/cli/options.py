"""The values `finnews` options take: times (--since, --until, --now), counts (--min-views, --top) and limits."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from crawler.models import SHANGHAI

#: The largest count an option takes (--limit, --min-views, --top): SQL's BIGINT, what every database binds.
MAX_COUNT = 2**63 - 1


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
    """A --min-views/--top value: a whole number from 0 to MAX_COUNT.

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


#: What --limit says in every command's help: one meaning everywhere.
LIMIT_HELP = "at most N {what}; 0 or absent: no limit (a negative N is an error)"


def parse_limit(text: str) -> int | None:
    """A --limit value: a count (`parse_count`), where 0 means no limit (None).

    >>> parse_limit("20"), parse_limit("0")
    (20, None)
    """
    return parse_count(text) or None
