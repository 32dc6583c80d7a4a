"""What the exit status of `scrapy crawl portal` means (cron and scrapyd users alert on it).

| status | meaning |
|---|---|
| 0 | the crawl ran (finished, or stopped by Ctrl-C/SIGTERM or a CLOSESPIDER_* limit) and stored what it fetched |
| 1 | the crawl could not start: bad spider arguments, profile, settings, database or Redis (one ERROR line) |
| 2 | bad command-line usage (Scrapy's own: an unknown option) |
| 3 | storage failed: the crawl stopped, the rows not stored are in a recovery file (`finnews db import FILE`) |
| 4 | nothing crawled: no article page was fetched (nor answered 304 Not Modified, nor listed as stored already) and nothing stored (a portal that answers nothing, a wrong URL) |
| 5 | blocked: a portal answered challenge or rate-limit pages (`finnews/blocked`); none was stored, what else was fetched is stored |
| 6 | already running: another crawl into the same database holds one of the portals (`crawler.leases`); nothing was fetched |
| 7 | warnings: the crawl ran, but its report warns of a portal that yielded nothing or of a field whose coverage dropped against the portal's previous runs (template drift: `crawler.reports`) |
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any

from crawler.incremental import SKIP_KNOWN  # the stat of article links stored already


class ExitCode(IntEnum):
    DONE = 0
    CANNOT_START = 1
    USAGE = 2
    STORAGE_FAILED = 3
    NOTHING_CRAWLED = 4
    BLOCKED = 5
    ALREADY_RUNNING = 6
    WARNINGS = 7


#: The finish reason of a crawl stopped because the database refused its rows.
STORAGE_FAILED_REASON = "storage_failed"
#: The stat naming the recovery file of a crawl whose rows the database refused.
RECOVERY_FILE_STAT = "finnews/recovery_file"
#: The stat counting challenge and rate-limit pages (`crawler.blocking`).
BLOCKED_STAT = "finnews/blocked"
#: The stat holding the id of the crawl's run in `crawl_runs`.
RUN_STAT = "finnews/run"
#: The stat counting the warnings of the crawl's report (`crawler.monitoring`).
WARNINGS_STAT = "finnews/warnings"


def exit_code(stats: Mapping[str, Any]) -> ExitCode:
    """The exit status of a crawl that started, from its closing stats.

    >>> exit_code({"finish_reason": "finished", "finnews/pages/article": 3, "finnews/stored": 3}).name
    'DONE'
    >>> exit_code({"finish_reason": "finished", "finnews/pages/article": 3}).name  # all known already
    'DONE'
    >>> exit_code({"finish_reason": "finished", "finnews/not_modified": 3}).name  # unchanged since kept
    'DONE'
    >>> exit_code({"finish_reason": "finished", "finnews/skipped_known": 3}).name  # an incremental crawl: nothing new
    'DONE'
    >>> exit_code({"finish_reason": "finished"}).name
    'NOTHING_CRAWLED'
    >>> exit_code({"finish_reason": "storage_failed", RECOVERY_FILE_STAT: "data/r.jsonl"}).name
    'STORAGE_FAILED'
    >>> exit_code({"finish_reason": "finished", "finnews/stored": 3, BLOCKED_STAT: 2}).name
    'BLOCKED'
    >>> exit_code({"finish_reason": "finished", "finnews/stored": 3, WARNINGS_STAT: 1}).name
    'WARNINGS'
    """
    if stats.get(RECOVERY_FILE_STAT) or stats.get("finish_reason") == STORAGE_FAILED_REASON:
        return ExitCode.STORAGE_FAILED
    if stats.get(BLOCKED_STAT):
        return ExitCode.BLOCKED
    if not any(
        stats.get(name) for name in ("finnews/pages/article", "finnews/stored", "finnews/not_modified", SKIP_KNOWN)
    ):
        return ExitCode.NOTHING_CRAWLED
    if stats.get(WARNINGS_STAT):
        return ExitCode.WARNINGS
    return ExitCode.DONE
