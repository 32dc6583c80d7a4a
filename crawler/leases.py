"""One crawl of a portal into a database at a time: leases in the `crawl_leases` table.

A crawl takes a lease on each of its portals before it fetches anything (all of them, or none: a crawl
that finds one of its portals taken stops, `PortalsBusy`), renews them from a thread while it runs
(`Leases.keep`), and deletes them when it ends. A lease stands until it expires (`seconds` after its
last renewal) or, on the host that took it, until its process is gone: a crawl killed outright (kill -9,
the OOM killer, a power cut) leaves its rows behind, and the next crawl takes them over at once on the
same host, or once they expire from another host.

Why rows in the database rather than an advisory lock of the server (pg_advisory_lock, MySQL's GET_LOCK)
plus a file lock for SQLite: one implementation for the three databases; the lock is where the data is
(two hosts crawling into one PostgreSQL see each other, which a file lock cannot); a holder's host, process
and start are there for `finnews stats` and the refusal message to show; and it survives a dropped
connection, which silently frees a session lock while the crawl goes on. The price is the expiry: a crawl
killed on another host holds its portals until its lease runs out.

Taking leases is serialised by the database's writers' lock (`crawler.db.lock_writers`), so two crawls
starting together never both see a portal free.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from crawler import db
from crawler.models import SHANGHAI, CrawlLease
from crawler.runs import process_alive


@dataclass(frozen=True)
class Holder:
    """Who holds a portal's lease."""

    portal: str
    host: str
    pid: int
    acquired_at: datetime
    expires_at: datetime

    @property
    def crawl(self) -> str:
        """The holding crawl: its process, host and start."""
        return f"pid {self.pid} on {self.host}, started {self.acquired_at:%Y-%m-%d %H:%M:%S%z}"

    def __str__(self) -> str:
        return f"{self.portal} ({self.crawl}, lease until {self.expires_at:%H:%M:%S} unless renewed)"


class PortalsBusy(RuntimeError):
    """Another crawl holds some of the portals: this one must not start."""

    def __init__(self, holders: list[Holder]) -> None:
        self.holders = holders
        crawls: dict[str, list[str]] = {}
        for holder in holders:
            crawls.setdefault(holder.crawl, []).append(holder.portal)
        shown = "; ".join(f"{_names(portals)} ({crawl})" for crawl, portals in crawls.items())
        super().__init__(f"another crawl into this database is running on {shown}")


def _names(portals: list[str], most: int = 5) -> str:
    """
    >>> _names(["a", "b"]), _names(list("abcdefg"))
    ('a, b', 'a, b, c, d, e and 2 more')
    """
    return ", ".join(portals[:most]) + (f" and {len(portals) - most} more" if len(portals) > most else "")


logger = logging.getLogger(__name__)


class Leases:
    """The leases of one crawl on its `portals` in the database of `engine`."""

    def __init__(
        self,
        engine: Engine,
        portals: Collection[str],
        seconds: float,
        *,
        alive: Callable[[int], bool] = process_alive,
        clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI),
    ) -> None:
        self.engine = engine
        self.portals = sorted(set(portals))
        self.seconds = seconds
        self.alive = alive
        self.clock = clock
        self.owner = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> None:
        """Take every portal's lease, over expired ones and those of dead processes of this host; raises
        `PortalsBusy` (taking none) if another crawl holds any."""
        now = self.clock()
        with Session(self.engine) as session, session.begin():
            db.lock_writers(session.connection(), self.seconds)
            try:
                rows = session.scalars(select(CrawlLease).where(CrawlLease.portal.in_(self.portals))).all()
                busy = [_holder(row) for row in rows if not self._stale(row, now)]
                if busy:
                    raise PortalsBusy(busy)
                for row in rows:
                    logger.warning("taking over the lease of %s from a crawl that is gone", _holder(row))
                    session.delete(row)
                session.flush()
                session.add_all(
                    CrawlLease(
                        portal=portal, owner=self.owner, host=self.host, pid=self.pid, acquired_at=now,
                        expires_at=now + timedelta(seconds=self.seconds),
                    )
                    for portal in self.portals
                )  # fmt: skip
                session.flush()
            finally:
                db.unlock_writers(session.connection())

    def _stale(self, row: CrawlLease, now: datetime) -> bool:
        """Whether a lease no longer stands: expired, or taken on this host by a process now gone."""
        return row.expires_at <= now or (row.host == self.host and row.pid != self.pid and not self.alive(row.pid))

    def renew(self) -> int:
        """Push this crawl's leases `seconds` ahead; returns how many it still holds."""
        with Session(self.engine) as session, session.begin():
            result = session.execute(
                update(CrawlLease)
                .where(CrawlLease.owner == self.owner)
                .values(expires_at=self.clock() + timedelta(seconds=self.seconds))
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    def release(self) -> None:
        """Give the leases up (idempotent)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        with Session(self.engine) as session, session.begin():
            session.execute(delete(CrawlLease).where(CrawlLease.owner == self.owner))

    def keep(self) -> None:
        """Renew the leases every quarter of `seconds` from a thread, until `release`."""
        self._thread = threading.Thread(target=self._renewing, name="finnews-leases", daemon=True)
        self._thread.start()

    def _renewing(self) -> None:
        while not self._stop.wait(self.seconds / 4):
            try:
                held = self.renew()
            except Exception as exc:  # the database away for a while: the next renewal may work
                logger.warning("could not renew the crawl's leases: %s", str(exc).splitlines()[0])
                continue
            if held < len(self.portals):
                logger.error(
                    "the crawl lost %d of its %d leases (renewed too late: another crawl may have taken them)",
                    len(self.portals) - held, len(self.portals),
                )  # fmt: skip


def _holder(row: CrawlLease) -> Holder:
    return Holder(row.portal, row.host, row.pid, row.acquired_at, row.expires_at)


def holders(engine: Engine) -> list[Holder]:
    """Every lease standing in the database (what `finnews stats` shows as running)."""
    with Session(engine) as session:
        return [_holder(row) for row in session.scalars(select(CrawlLease).order_by(CrawlLease.portal))]
