"""RedisScheduler: the shared queue, leases and seen set of one crawl in Redis: `crawler.distributed`."""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request
from scrapy.core.scheduler import BaseScheduler

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from scrapy.utils.request import RequestFingerprinterProtocol

from crawler.distributed.keys import LISTING_CAP, crawl_key
from crawler.distributed.lua import JOIN, LEAVE, PUSH, RENEW, TAKE
from crawler.distributed.wire import decode_request, encode_request

logger = logging.getLogger(__name__)


#: How often the scheduler's thread talks to Redis when it has nothing to send.
POLL_SECONDS = 0.2
#: How long the thread gathers what the engine sends once nudged (requests to push, a buffer running low).
GATHER_SECONDS = 0.01


class RedisScheduler(BaseScheduler):
    """Scrapy's scheduler interface over the crawl's queue, leases and seen set in Redis (module doc).

    The engine's calls never wait on Redis: requests to push and leases to release go to a thread in order
    (a request's children are pushed before its lease is released), and `next_request` takes from a buffer
    of requests that thread has leased already.
    """

    def __init__(
        self,
        server: Redis,
        key: str | None,
        idle_seconds: float,
        lease_seconds: float,
        stats: StatsCollector,
        fingerprinter: RequestFingerprinterProtocol,
        in_progress: Callable[[], Collection[Request] | None],
        prefetch: int = 8,
        wake: Callable[[], None] | None = None,
        listing_cap: int = 0,
    ) -> None:
        self.server = server
        self.key = key or None  # None: `crawl_key` of the spider, at open
        self.idle_seconds = idle_seconds
        self.lease_seconds = lease_seconds
        self.stats = stats
        self.fingerprinter = fingerprinter
        self.in_progress = in_progress  # the requests the engine has not finished with (None: unknown)
        self.prefetch = prefetch
        self.wake = wake  # asks the engine to take requests again (called from the thread)
        self.listing_cap = listing_cap  # FINNEWS_MAX_LISTING_PAGES, counted here for the whole crawl
        self._capped = False
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.spider: Spider | None = None
        self._seen: set[bytes] = set()  # this process's fingerprints: most repeats stop here, without Redis
        self._outbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()  # ("push", ...) / ("ack", member)
        self._inbox: deque[str] = deque()  # leased members not yet given to the engine
        self._leased: dict[Request, str] = {}  # requests given to the engine, with their member
        self._lock = threading.Lock()  # _inbox and _leased, shared with the thread
        self._remote = (0, 0)  # queued and leased in Redis, as the thread last saw them
        self._synced = threading.Event()  # the thread has talked to Redis at least once since `open`
        self._stop = threading.Event()
        self._nudge = threading.Event()  # the engine has something to send, or its buffer runs low
        self._waiting = threading.Event()  # the engine is idle, waiting on Redis (see has_pending_requests)
        self._thread: threading.Thread | None = None
        self._idle_since: float | None = None
        self._stopping = False
        self._push = server.register_script(PUSH)
        self._take = server.register_script(TAKE)
        self._join = server.register_script(JOIN)
        self._renew = server.register_script(RENEW)
        self._leave = server.register_script(LEAVE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        url = settings.get("FINNEWS_REDIS_URL")
        try:
            import redis
        except ImportError:
            logger.error("FINNEWS_REDIS_URL is set but redis-py is not installed: pip install -e '.[redis]'")
            raise SystemExit(1) from None
        server = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)
        try:  # before the crawl starts: a Redis that cannot be used stops it with one line, no traceback
            server.ping()
        except redis.RedisError as exc:
            logger.error("cannot share the crawl through Redis at %s: %s", _address(server), exc)
            raise SystemExit(1) from None
        assert crawler.stats is not None

        def in_progress() -> Collection[Request] | None:
            # Scrapy has no public accessor nor signal for "the engine is done with a request" (its callback
            # ran, its items went through the pipelines); its own engine status report reads this too.
            slot = getattr(crawler.engine, "_slot", None)
            return getattr(slot, "inprogress", None)

        def wake() -> None:
            from twisted.internet import reactor

            slot = getattr(crawler.engine, "_slot", None)
            if slot is not None:
                reactor.callFromThread(slot.nextcall.schedule)

        return cls(
            server,
            settings.get("FINNEWS_REDIS_KEY"),
            settings.getfloat("FINNEWS_REDIS_IDLE_SECONDS"),
            settings.getfloat("FINNEWS_REDIS_LEASE_SECONDS"),
            crawler.stats,
            crawler.request_fingerprinter,
            in_progress,
            prefetch=max(1, settings.getint("CONCURRENT_REQUESTS") // 2),
            wake=wake,
            listing_cap=settings.getint("FINNEWS_MAX_LISTING_PAGES"),
        )

    # --- the keys ----------------------------------------------------------------------------------

    def _keys(self, *names: str) -> list[str]:
        assert self.key is not None
        return [f"{self.key}:{name}" for name in names]

    @property
    def _crawl_keys(self) -> list[str]:
        return self._keys("workers", "queue", "seen", "sequence", "leases", "listings")

    # --- lifecycle ---------------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        if self.in_progress() is None:  # the engine opens its slot before the scheduler: a Scrapy that changed it
            logger.error(
                "this Scrapy's engine has no _slot.inprogress: leases are released only when the crawl ends, and "
                "a killed process's finished pages are fetched again (docs/distributed.md, Limits)"
            )
        self.join(spider)
        self._thread = threading.Thread(target=self._run, name="finnews-redis", daemon=True)
        self._thread.start()

    def close(self, reason: str) -> None:
        if reason == "finished":
            self._release_done()  # the engine is done with every request it had
        self._stop.set()
        self._nudge.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        self._sync()  # what the thread left unsent
        self.leave()

    def join(self, spider: Spider) -> int:
        """Count this process in the crawl of `spider`: 0 (joined other processes), 1 (a new crawl: no other
        process present, nothing left to do), 2 (resumed a crawl whose processes are all gone)."""
        self.spider = spider
        self.key = self.key or crawl_key(spider)
        state = int(self._join(keys=self._crawl_keys, args=[self.worker, self.lease_seconds]))
        queued = int(self.server.zcard(self._keys("queue")[0]))
        others = int(self.server.zcard(self._keys("workers")[0])) - 1
        said = {0: f"joined {others} other process(es)", 1: "a new crawl", 2: "resumed an interrupted crawl"}
        logger.info(
            "sharing the crawl through Redis at %s, key %s: %s, %d requests queued",
            _address(self.server),
            self.key,
            said[state],
            queued,
        )
        return state

    def leave(self) -> bool:
        """Take this process out of the crawl, giving back the requests it still holds; True if the crawl is
        over (no process left, nothing queued or leased) and its keys were removed."""
        with self._lock:
            held = [*self._inbox, *self._leased.values()]
            self._inbox.clear()
            self._leased.clear()
        last = bool(self._leave(keys=self._crawl_keys, args=[self.worker, *held]))
        if held:
            logger.info("gave %d unfinished request(s) back to the shared queue", len(held))
        if last:
            politeness = [  # SharedPortalDelayMiddleware's
                key
                for pattern in ("next", "held", "slowed")
                for key in self.server.scan_iter(match=f"{self.key}:{pattern}:*")
            ]
            if politeness:
                self.server.delete(*politeness)
            logger.info("the crawl is over: removed its Redis keys %s:*", self.key)
        return last

    # --- the thread: everything that talks to Redis during the crawl ---------------------------------

    def _run(self) -> None:
        renewed = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - renewed > self.lease_seconds / 4:
                    self._renew_leases()
                    renewed = time.monotonic()
                self._sync()
            except Exception as exc:  # Redis away for a moment: the next round tries again
                logger.warning("could not reach Redis: %s", exc)
                self._stop.wait(1.0)
            if self._waiting.is_set() and self.wake is not None:
                self.wake()  # else the engine asks again only at its next heartbeat, seconds later
            if self._nudge.wait(POLL_SECONDS):
                self._stop.wait(GATHER_SECONDS)
                self._nudge.clear()

    def _sync(self) -> None:
        """Send what the engine queued (pushes, then releases: in the order they came), take requests for
        the buffer, and note what Redis holds."""
        pushes: list[Any] = []
        acks: list[str] = []
        while True:
            try:
                kind, value = self._outbox.get_nowait()
            except queue.Empty:
                break
            if kind == "ack" and pushes:
                self._send_pushes(pushes)
                pushes = []
            (pushes if kind == "push" else acks).append(value)
            if kind == "ack" and len(acks) > 100:
                self._send_acks(acks)
                acks = []
        self._send_pushes(pushes)
        self._send_acks(acks)
        with self._lock:
            wanted = max(0, self.prefetch - len(self._inbox)) if not self._stop.is_set() else 0
        requeued, queued, leased, *taken = self._take(
            keys=self._keys("queue", "leases"), args=[wanted, self.lease_seconds]
        )
        if requeued:
            self.stats.inc_value("finnews/redis/requeued", int(requeued))
            logger.warning("%d request(s) whose lease ran out (their process died?) went back to the queue", requeued)
        with self._lock:
            self._inbox.extend(member.decode("utf-8") for member in taken)
        self._remote = (int(queued), int(leased))
        self._synced.set()
        if taken and self.wake is not None:
            self.wake()

    def _send_pushes(self, pushes: list[tuple[str, int, str, str]]) -> None:
        if not pushes:
            return
        args = [self.listing_cap, *(value for push in pushes for value in push)]
        results = [int(r) for r in self._push(keys=self._keys("queue", "seen", "sequence", "listings"), args=args)]
        for outcome, stat in (
            (1, "scheduler/enqueued/redis"),
            (0, "dupefilter/filtered"),
            (2, "finnews/listing_limit"),
        ):
            if results.count(outcome):
                self.stats.inc_value(stat, results.count(outcome))
        if 2 in results and not self._capped:
            self._capped = True
            logger.info(
                "listing pages stop at FINNEWS_MAX_LISTING_PAGES=%d per portal, for the whole crawl", self.listing_cap
            )

    def _send_acks(self, members: list[str]) -> None:
        if members:
            self.server.zrem(self._keys("leases")[0], *members)

    def _renew_leases(self) -> None:
        with self._lock:
            held = [*self._inbox, *self._leased.values()]
        self._renew(keys=self._keys("workers", "leases"), args=[self.worker, self.lease_seconds, *held])

    # --- the engine's side ---------------------------------------------------------------------------

    def _release_done(self) -> None:
        """Release the leases of the requests the engine has finished with (callback run, items through
        the pipelines): after the pushes of the requests they yielded, which are in the outbox already."""
        in_progress = self.in_progress()
        if in_progress is None:
            return
        with self._lock:
            done = [request for request in self._leased if request not in in_progress]
            for request in done:
                self._outbox.put(("ack", self._leased.pop(request)))
        if done:
            self._nudge.set()

    def enqueue_request(self, request: Request) -> bool:
        """Queue `request` unless this process or (in the thread) another saw its fingerprint (a
        `dont_filter` one always)."""
        fingerprint = b"" if request.dont_filter else self.fingerprinter.fingerprint(request)
        if fingerprint and fingerprint in self._seen:
            self.stats.inc_value("dupefilter/filtered")
            return False
        self._seen.add(fingerprint)
        assert self.spider is not None
        portal = request.meta.get(LISTING_CAP) or ""
        self._outbox.put(
            ("push", (fingerprint.hex(), int(request.priority), encode_request(request, self.spider), portal))
        )
        self._nudge.set()
        return True

    def next_request(self) -> Request | None:
        self._release_done()
        with self._lock:
            if not self._inbox:
                return None
            member = self._inbox.popleft()
            assert self.spider is not None
            request = decode_request(member.split(":", 2)[2], self.spider)
            self._leased[request] = member
            if len(self._inbox) < self.prefetch // 2:
                self._nudge.set()
        self._idle_since, self._stopping = None, False
        self._waiting.clear()
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """True while requests wait here or in Redis, or another process holds a lease (its page may yield
        more), and for FINNEWS_REDIS_IDLE_SECONDS after none did (the engine asks only when this process has
        nothing in progress). While it says True with nothing to give, the thread wakes the engine at each
        round: Scrapy would ask again only at its heartbeat (every 5 s), so a crawl would end seconds late
        and a process would sit idle while requests wait in Redis."""
        self._release_done()
        self._waiting.set()  # cleared when it says False, or when it has a request to give
        if not self._synced.is_set() or len(self) or not self._outbox.empty() or self._remote[1]:
            self._idle_since = None
            return True
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
            logger.debug("shared queue empty: waiting up to %s s for other processes' requests", self.idle_seconds)
        if now - self._idle_since < self.idle_seconds:
            return True
        self._waiting.clear()
        if not self._stopping:
            self._stopping = True
            logger.info(
                "shared queue empty and no page in progress for %.1f s: this process stops", now - self._idle_since
            )
        return False

    def __len__(self) -> int:
        """Requests waiting: in this process's buffer and in the shared queue (as last seen)."""
        with self._lock:
            return len(self._inbox) + self._remote[0]


def _address(server: Redis) -> str:
    """`host:port/db` of a client, without its password."""
    options = server.connection_pool.connection_kwargs
    return f"{options.get('host', options.get('path'))}:{options.get('port', '')}/{options.get('db', 0)}"
