"""Crawl runs (`crawl_runs`): a row per `scrapy crawl`, opened at its start and closed with its stats.

A crawl killed outright (SIGKILL, a power cut) never closes its row. The next crawl on the same host
closes such rows as `interrupted`, but only those whose process is gone: each row records the host
and process id that opened it, so crawls running side by side (two cron jobs, the processes of a
distributed crawl) never close each other's rows. A row opened on another host is left alone (its
process cannot be seen from here); it is closed by the next crawl on its own host.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawler.models import SHANGHAI, CrawlRun

logger = logging.getLogger(__name__)

#: The finish reason of a run whose process ended without closing it.
INTERRUPTED = "interrupted"
#: The stats keys that name a running crawl's process.
HOST, PID = "finnews/host", "finnews/pid"


def this_process() -> dict[str, Any]:
    """The stats that name this process as a run's owner (host and process id)."""
    return {HOST: socket.gethostname(), PID: os.getpid()}


def start_run(engine: Engine, spider: str, sites: str | None) -> int:
    """Record the start of a crawl by this process; returns the run's id."""
    with Session(engine) as session, session.begin():
        run = CrawlRun(spider=spider, sites=sites, started_at=datetime.now(SHANGHAI), stats=this_process())
        session.add(run)
        session.flush()
        return run.id


def finish_run(engine: Engine, run_id: int, reason: str | None, stats: dict[str, Any]) -> None:
    """Record the end of a crawl with its closing stats."""
    with Session(engine) as session, session.begin():
        run = session.get_one(CrawlRun, run_id)
        run.finished_at = datetime.now(SHANGHAI)
        run.finish_reason = reason
        run.stats = {key: value if isinstance(value, int | float | str) else str(value) for key, value in stats.items()}


def process_alive(pid: int) -> bool:
    """Whether a process `pid` exists on this host (one of another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def close_interrupted_runs(
    engine: Engine, host: str | None = None, alive: Callable[[int], bool] = process_alive
) -> list[int]:
    """Close as `interrupted` the open runs whose process is gone: those opened on `host` (this one by
    default) by a process not `alive`, and those that name no process (opened by an older finnews).
    Their `finished_at` stays NULL (when the process died is not known). Returns their ids."""
    host = host or socket.gethostname()
    with Session(engine) as session, session.begin():
        closed = []
        for run in session.scalars(select(CrawlRun).where(CrawlRun.finish_reason.is_(None))):
            owner = run.stats or {}
            if HOST in owner and (owner[HOST] != host or alive(int(owner[PID]))):
                continue
            run.finish_reason = INTERRUPTED  # finished_at stays NULL: when it died is not known
            closed.append(run.id)
    if closed:
        logger.warning("closed crawl runs %s as %s: their processes ended without closing them", closed, INTERRUPTED)
    return closed
