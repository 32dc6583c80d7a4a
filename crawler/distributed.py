"""One crawl split between processes: a Scrapy scheduler whose request queue and seen set live in Redis.

With FINNEWS_REDIS_URL set, `scrapy crawl portal ...` processes started with the same arguments (on one
machine or several) are one crawl: every request goes through one shared queue and one shared set of
request fingerprints, so each page is fetched by one process only, and the process that pops a request
runs its callback. Without FINNEWS_REDIS_URL nothing here is used and Scrapy's own scheduler runs.

Redis keys, under the crawl's key (FINNEWS_REDIS_KEY, default `finnews:portal:<profile names>`):

    <key>:requests   sorted set: pickled requests, by priority, first in first out within one
    <key>:seen       set: fingerprints of the requests scheduled so far (Scrapy's REQUEST_FINGERPRINTER)
    <key>:sequence   counter giving the queue its order
    <key>:workers    sorted set: the processes of the crawl, each with the time its presence expires

The first process of a crawl (none other present) clears what an earlier crawl under the key left; the
last one out removes the keys. A process stops once the shared queue has been empty for
FINNEWS_REDIS_IDLE_SECONDS (checked when it has nothing of its own to do, at least every 5 s: Scrapy's
engine heartbeat), so a process waiting for another's next listing stays.

Requests are pickled (their `cb_kwargs` carry `Profile` and `Article` dataclasses): the Redis server must
be one that only the crawl's own processes can write to.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any, Self, cast

from scrapy.core.scheduler import BaseScheduler
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.request import request_from_dict

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from scrapy.utils.request import RequestFingerprinterProtocol
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

#: How long a process counts as present without renewing its presence, and how often it renews it.
PRESENCE_SECONDS = 60.0
RENEW_SECONDS = 15.0

# KEYS: requests, seen, sequence. ARGV: fingerprint ("" for a dont_filter request), priority, request.
# Seen-check and push in one atomic step; the member is "<sequence>:<pickle>", unique, first in first out
# within one priority (score = -priority * 2**32 + sequence: a higher priority pops first).
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
local n = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], -tonumber(ARGV[2]) * 4294967296 + n, n .. ':' .. ARGV[3])
return 1
"""
# KEYS: workers, requests, seen, sequence. ARGV: worker id, presence seconds. Returns 1 for a new crawl.
_JOIN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local first = redis.call('ZCARD', KEYS[1]) == 0
if first then redis.call('DEL', KEYS[2], KEYS[3], KEYS[4]) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if first then return 1 end
return 0
"""
# KEYS: workers. ARGV: worker id, presence seconds.
_RENEW = """
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) + tonumber(ARGV[2]), ARGV[1])
"""
# KEYS: workers, requests, seen, sequence. ARGV: worker id. Returns 1 when it removed the crawl's keys.
_LEAVE = """
local t = redis.call('TIME')
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(t[1]))
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
"""


def configure(settings: BaseSettings) -> None:
    """Put the shared scheduler in `settings` when FINNEWS_REDIS_URL is set (a spider's `update_settings`).

    >>> from scrapy.settings import Settings
    >>> settings = Settings({"FINNEWS_REDIS_URL": ""})
    >>> configure(settings); settings["SCHEDULER"]
    'scrapy.core.scheduler.Scheduler'
    >>> settings.set("FINNEWS_REDIS_URL", "redis://127.0.0.1:6379/0"); configure(settings); settings["SCHEDULER"]
    'crawler.distributed.RedisScheduler'
    """
    if settings.get("FINNEWS_REDIS_URL"):
        settings.set("SCHEDULER", f"{__name__}.RedisScheduler", priority="spider")


def crawl_key(spider: Spider) -> str:
    """The default key of a crawl: the spider's name and its profiles' names, which processes started
    with the same arguments share (`finnews:portal:dede,txjr`)."""
    names = sorted(profile.name for profile in getattr(spider, "profiles", ()))
    return ":".join(["finnews", spider.name, ",".join(names)])


class RedisScheduler(BaseScheduler):
    """Scrapy's scheduler interface over a request queue and a seen set shared in Redis (module doc)."""

    def __init__(
        self,
        server: Redis,
        key: str | None,
        idle_seconds: float,
        stats: StatsCollector,
        fingerprinter: RequestFingerprinterProtocol,
    ) -> None:
        self.server = server
        self.key = key or None  # None: `crawl_key` of the spider, at open
        self.idle_seconds = idle_seconds
        self.stats = stats
        self.fingerprinter = fingerprinter
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.spider: Spider | None = None
        self._idle_since: float | None = None
        self._stopping = False
        self._push = server.register_script(_PUSH)
        self._join = server.register_script(_JOIN)
        self._renew = server.register_script(_RENEW)
        self._leave = server.register_script(_LEAVE)
        self._renewal: AsyncioLoopingCall | LoopingCall | None = None

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
        return cls(
            server,
            settings.get("FINNEWS_REDIS_KEY"),
            settings.getfloat("FINNEWS_REDIS_IDLE_SECONDS"),
            crawler.stats,
            crawler.request_fingerprinter,
        )

    # --- the keys ----------------------------------------------------------------------------------

    def _keys(self, *names: str) -> list[str]:
        assert self.key is not None
        return [f"{self.key}:{name}" for name in names]

    @property
    def _crawl_keys(self) -> list[str]:
        return self._keys("workers", "requests", "seen", "sequence")

    # --- lifecycle ---------------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.join(spider)
        self._renewal = create_looping_call(self._renew_presence)
        self._renewal.start(RENEW_SECONDS, now=False)

    def close(self, reason: str) -> None:
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()
        self.leave()

    def join(self, spider: Spider) -> bool:
        """Count this process in the crawl of `spider`; True if it is a new crawl (no other process present),
        which starts from an empty queue and seen set."""
        self.spider = spider
        self.key = self.key or crawl_key(spider)
        new = bool(self._join(keys=self._crawl_keys, args=[self.worker, PRESENCE_SECONDS]))
        others = self.server.zcard(self._keys("workers")[0]) - 1
        logger.info(
            "sharing the crawl through Redis at %s, key %s: %s",
            _address(self.server),
            self.key,
            "a new crawl" if new else f"joined {others} other process(es), {len(self)} requests queued",
        )
        return new

    def leave(self) -> bool:
        """Take this process out of the crawl; True if it was the last, and removed the crawl's keys."""
        last = bool(self._leave(keys=self._crawl_keys, args=[self.worker]))
        if last:
            logger.info("last process of the crawl: removed its Redis keys %s:*", self.key)
        return last

    def _renew_presence(self) -> None:
        try:
            self._renew(keys=self._keys("workers"), args=[self.worker, PRESENCE_SECONDS])
        except Exception as exc:  # the next renewal may succeed; the crawl itself goes on
            logger.warning("could not renew this process's presence in Redis: %s", exc)

    # --- requests ----------------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        """Push `request` unless its fingerprint is in the shared seen set (a `dont_filter` one always)."""
        fingerprint = "" if request.dont_filter else self.fingerprinter.fingerprint(request).hex()
        data = pickle.dumps(request.to_dict(spider=self.spider), protocol=pickle.HIGHEST_PROTOCOL)
        keys = self._keys("requests", "seen", "sequence")
        pushed = bool(self._push(keys=keys, args=[fingerprint, request.priority, data]))
        self.stats.inc_value("scheduler/enqueued/redis" if pushed else "dupefilter/filtered")
        return pushed

    def next_request(self) -> Request | None:
        popped = cast("list[tuple[bytes, float]]", self.server.zpopmin(self._keys("requests")[0]))
        if not popped:
            return None
        self._idle_since, self._stopping = None, False
        self.stats.inc_value("scheduler/dequeued/redis")
        return decode_request(popped[0][0], self.spider)

    def has_pending_requests(self) -> bool:
        """True while the shared queue holds requests, and for FINNEWS_REDIS_IDLE_SECONDS after it was
        first found empty (the engine asks only when this process has nothing in progress)."""
        if len(self):
            self._idle_since = None
            return True
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
            logger.debug("shared queue empty: waiting up to %s s for other processes' requests", self.idle_seconds)
        if now - self._idle_since < self.idle_seconds:
            return True
        if not self._stopping:
            self._stopping = True
            logger.info("shared queue empty for %.1f s: this process stops", now - self._idle_since)
        return False

    def __len__(self) -> int:
        return int(self.server.zcard(self._keys("requests")[0]))


def decode_request(member: bytes, spider: Spider | None) -> Request:
    """The request of a queue member `b"<sequence>:<pickle of Request.to_dict()>"`."""
    data: dict[str, Any] = pickle.loads(member.partition(b":")[2])
    return request_from_dict(data, spider=spider)


def _address(server: Redis) -> str:
    """`host:port/db` of a client, without its password."""
    options = server.connection_pool.connection_kwargs
    return f"{options.get('host', options.get('path'))}:{options.get('port', '')}/{options.get('db', 0)}"
