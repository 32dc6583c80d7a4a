"""One crawl split between processes: a Scrapy scheduler whose request queue, leases and seen set live in Redis.

With FINNEWS_REDIS_URL set, `scrapy crawl portal ...` processes started with the same arguments (on one
machine or several) are one crawl: every request goes through one shared queue and one shared set of
request fingerprints, so each page is fetched by one process only, and the process that takes a request
runs its callback. Without FINNEWS_REDIS_URL nothing here is used and Scrapy's own scheduler runs.
Why this and not scrapy-redis: docs/distributed.md.

Redis keys, under the crawl's key (FINNEWS_REDIS_KEY, default `finnews:portal:<profiles>:<start URLs' hash>`):

    <key>:queue      sorted set: requests as JSON (`encode_request`), by priority, first in first out
    <key>:leases     sorted set: requests taken by a process, scored by the time their lease runs out
    <key>:seen       set: fingerprints of the requests scheduled so far (Scrapy's REQUEST_FINGERPRINTER)
    <key>:sequence   counter giving the queue its order
    <key>:workers    sorted set: the processes of the crawl, each with the time its presence expires

**Nothing taken is lost.** Taking a request moves it from the queue to the leases; the process renews the
leases it holds every FINNEWS_REDIS_LEASE_SECONDS / 4 and releases one only once Scrapy is done with it: its
callback ran, the requests it yielded are in the queue and its items went through the pipelines (stored).
A lease that runs out (its process died, or hangs) goes back to the queue, so a killed process's pages are
fetched by another. A process stops once the queue has been empty, *and no process held a lease*, for
FINNEWS_REDIS_IDLE_SECONDS: another process's page may yet yield requests.

**A crawl's state never blocks the next.** A process's presence expires FINNEWS_REDIS_LEASE_SECONDS after
its last renewal. The first process of a crawl (none other present) finds either nothing left to do (the
keys of a finished crawl, or none) and starts afresh, or an interrupted crawl (requests queued or leased by
processes that are gone) and resumes it: it fetches only what was not done. The last process out of a
finished crawl removes the keys.

Requests are JSON data (url, callback and errback names, priority, JSON-plain meta and `cb_kwargs`; a
`Profile` by name, an `Article` by its fields), never pickles: whoever can write to the Redis can make the
crawl fetch pages of the portals in scope, not run code. Redis is called from a thread of the scheduler's
own, never on the event loop: the engine takes requests from a local buffer of leased ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request
from scrapy.core.scheduler import BaseScheduler

from crawler.items import Article
from crawler.profiles import Profile

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector
    from scrapy.utils.request import RequestFingerprinterProtocol

logger = logging.getLogger(__name__)

#: How often the scheduler's thread talks to Redis when it has nothing to send.
POLL_SECONDS = 0.2

# A member of <key>:queue and <key>:leases is "<priority>:<sequence>:<request JSON>": unique, and its
# queue score (-priority * 2**32 + sequence: a higher priority first, first in first out within one)
# can be computed back from it when a lease returns to the queue.
_LUA_SCORE = """
local function score(m)
  local p, n = string.match(m, '^(-?%d+):(%d+):')
  return -tonumber(p) * 4294967296 + tonumber(n)
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""
# KEYS: queue, seen, sequence. ARGV: (fingerprint or "" for dont_filter, priority, request JSON)...
# Returns 1/0 per request: queued, or seen before.
_PUSH = (
    _LUA_SCORE
    + """
local pushed = {}
for i = 1, #ARGV, 3 do
  if ARGV[i] ~= '' and redis.call('SADD', KEYS[2], ARGV[i]) == 0 then
    pushed[#pushed + 1] = 0
  else
    local m = ARGV[i + 1] .. ':' .. redis.call('INCR', KEYS[3]) .. ':' .. ARGV[i + 2]
    redis.call('ZADD', KEYS[1], score(m), m)
    pushed[#pushed + 1] = 1
  end
end
return pushed
"""
)
# KEYS: queue, leases. ARGV: how many to take, lease seconds. Leases that ran out go back to the queue first.
# Returns {requeued, queued, leased, taken member...} (queued and leased: what is left after taking).
_TAKE = (
    _LUA_SCORE
    + """
local t = now()
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', t)
for _, m in ipairs(expired) do
  redis.call('ZREM', KEYS[2], m)
  redis.call('ZADD', KEYS[1], score(m), m)
end
local result = {#expired, 0, 0}
local n = tonumber(ARGV[1])
if n > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], n)
  for i = 1, #popped, 2 do
    redis.call('ZADD', KEYS[2], t + tonumber(ARGV[2]), popped[i])
    result[#result + 1] = popped[i]
  end
end
result[2] = redis.call('ZCARD', KEYS[1])
result[3] = redis.call('ZCARD', KEYS[2])
return result
"""
)
# KEYS: workers, leases. ARGV: worker id, seconds, held member... Renews the presence and the leases still held.
_RENEW = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], until_, ARGV[1])
for i = 3, #ARGV do redis.call('ZADD', KEYS[2], 'XX', until_, ARGV[i]) end
"""
# KEYS: workers, queue, seen, sequence, leases. ARGV: worker id, seconds.
# Returns 0: joined processes present; 1: a new crawl; 2: resumed an interrupted crawl (its leases requeued).
_JOIN = (
    _LUA_SCORE
    + """
local t = now()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
local state = 0
if redis.call('ZCARD', KEYS[1]) == 0 then
  if redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[5]) == 0 then
    redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
    state = 1
  else
    for _, m in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do redis.call('ZADD', KEYS[2], score(m), m) end
    redis.call('DEL', KEYS[5])
    state = 2
  end
end
redis.call('ZADD', KEYS[1], t + tonumber(ARGV[2]), ARGV[1])
return state
"""
)
# KEYS: workers, queue, seen, sequence, leases. ARGV: worker id, member to give back... Returns 1 when the
# crawl is over (no process present, nothing queued or leased) and its keys were removed.
_LEAVE = (
    _LUA_SCORE
    + """
for i = 2, #ARGV do
  if redis.call('ZREM', KEYS[5], ARGV[i]) == 1 then redis.call('ZADD', KEYS[2], score(ARGV[i]), ARGV[i]) end
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now())
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('ZCARD', KEYS[2]) > 0 or redis.call('ZCARD', KEYS[5]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return 1
"""
)


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
    """The default key of a crawl: the spider's name, its profiles' names and a hash of their start URLs,
    which processes started with the same arguments share (`finnews:portal:dede,txjr:3f2a9c01b7de`): two
    crawls of the same profiles from different start URLs are different crawls."""
    profiles: list[Profile] = sorted(getattr(spider, "profiles", ()), key=lambda p: p.name)
    urls = "\n".join(f"{p.name} {url}" for p in profiles for url in sorted(p.start_urls))
    digest = hashlib.sha256(urls.encode("utf-8")).hexdigest()[:12]
    return ":".join(["finnews", spider.name, ",".join(p.name for p in profiles), digest])


# --- requests as data ----------------------------------------------------------------------------------


def encode_request(request: Request, spider: Spider) -> str:
    """`request` as JSON: what `decode_request` needs to make it again. Meta values that are not plain JSON
    are left out (Scrapy's own are plain); a `cb_kwargs` value must be plain JSON, a `Profile` or an
    `Article`, else ValueError (a request that another process could not run must not be queued)."""
    meta = {key: value for key, value in request.meta.items() if _is_plain(value)}
    data = {
        "url": request.url,
        "method": request.method,
        "callback": _method_name(request.callback, spider),
        "errback": _method_name(request.errback, spider),
        "priority": request.priority,
        "dont_filter": request.dont_filter,
        "flags": list(request.flags),
        "meta": meta,
        "cb_kwargs": {name: _encode_value(value) for name, value in request.cb_kwargs.items()},
    }
    if request.body:
        data["body"] = request.body.decode("latin-1")
    if request.headers:
        data["headers"] = {
            key.decode("latin-1"): [v.decode("latin-1") for v in values] for key, values in request.headers.items()
        }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode_request(text: str | bytes, spider: Spider) -> Request:
    """The request `encode_request` wrote, its callbacks the spider's methods of those names."""
    data = json.loads(text)
    callback = getattr(spider, data["callback"]) if data.get("callback") else None
    errback = getattr(spider, data["errback"]) if data.get("errback") else None
    return Request(
        data["url"],
        method=data.get("method", "GET"),
        callback=callback,
        errback=errback,
        priority=data.get("priority", 0),
        dont_filter=data.get("dont_filter", False),
        flags=data.get("flags"),
        meta=data.get("meta"),
        body=data.get("body", "").encode("latin-1"),
        headers=data.get("headers"),
        cb_kwargs={name: _decode_value(value, spider) for name, value in data.get("cb_kwargs", {}).items()},
    )


def _method_name(function: Any, spider: Spider) -> str | None:
    if function is None:
        return None
    name = getattr(function, "__name__", "")
    if getattr(spider, name, None) != function:
        raise ValueError(f"a request's callback must be a method of the spider, not {function!r}")
    return str(name)


def _is_plain(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _encode_value(value: Any) -> Any:
    if isinstance(value, Profile):
        return {"$profile": value.name}
    if isinstance(value, Article):
        fields = dataclasses.asdict(value)
        return {"$article": {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}}
    if not _is_plain(value):
        raise ValueError(f"a cb_kwargs value that cannot travel through Redis: {value!r}")
    return value


def _decode_value(value: Any, spider: Spider) -> Any:
    if isinstance(value, dict) and "$profile" in value:
        return next(p for p in getattr(spider, "profiles", ()) if p.name == value["$profile"])
    if isinstance(value, dict) and "$article" in value:
        fields = value["$article"]
        for field in dataclasses.fields(Article):
            if "datetime" in str(field.type) and fields.get(field.name):
                fields[field.name] = datetime.fromisoformat(fields[field.name])
        return Article(**fields)
    return value


# --- the scheduler -------------------------------------------------------------------------------------


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
        self._thread: threading.Thread | None = None
        self._idle_since: float | None = None
        self._stopping = False
        self._push = server.register_script(_PUSH)
        self._take = server.register_script(_TAKE)
        self._join = server.register_script(_JOIN)
        self._renew = server.register_script(_RENEW)
        self._leave = server.register_script(_LEAVE)

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
            slot = getattr(crawler.engine, "_slot", None)  # Scrapy keeps no public list of it
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
        )

    # --- the keys ----------------------------------------------------------------------------------

    def _keys(self, *names: str) -> list[str]:
        assert self.key is not None
        return [f"{self.key}:{name}" for name in names]

    @property
    def _crawl_keys(self) -> list[str]:
        return self._keys("workers", "queue", "seen", "sequence", "leases")

    # --- lifecycle ---------------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.join(spider)
        self._thread = threading.Thread(target=self._run, name="finnews-redis", daemon=True)
        self._thread.start()

    def close(self, reason: str) -> None:
        if reason == "finished":
            self._release_done()  # the engine is done with every request it had
        self._stop.set()
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
            politeness = list(self.server.scan_iter(match=f"{self.key}:next:*"))  # SharedPortalDelayMiddleware's
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
            self._stop.wait(POLL_SECONDS)

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

    def _send_pushes(self, pushes: list[tuple[str, int, str]]) -> None:
        if not pushes:
            return
        args = [value for push in pushes for value in push]
        results = self._push(keys=self._keys("queue", "seen", "sequence"), args=args)
        queued = sum(int(r) for r in results)
        self.stats.inc_value("scheduler/enqueued/redis", queued)
        if len(pushes) - queued:
            self.stats.inc_value("dupefilter/filtered", len(pushes) - queued)

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

    def enqueue_request(self, request: Request) -> bool:
        """Queue `request` unless this process or (in the thread) another saw its fingerprint (a
        `dont_filter` one always)."""
        fingerprint = b"" if request.dont_filter else self.fingerprinter.fingerprint(request)
        if fingerprint and fingerprint in self._seen:
            self.stats.inc_value("dupefilter/filtered")
            return False
        self._seen.add(fingerprint)
        assert self.spider is not None
        self._outbox.put(("push", (fingerprint.hex(), int(request.priority), encode_request(request, self.spider))))
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
        self._idle_since, self._stopping = None, False
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """True while requests wait here or in Redis, or another process holds a lease (its page may yield
        more), and for FINNEWS_REDIS_IDLE_SECONDS after none did (the engine asks only when this process has
        nothing in progress)."""
        self._release_done()
        if not self._synced.is_set() or len(self) or not self._outbox.empty() or self._remote[1]:
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


# --- politeness across processes ------------------------------------------------------------------------

# KEYS: the portal's next-allowed-time key. ARGV: delay seconds. Reserves the portal's next free moment
# (now, or the next allowed time) and moves the next allowed time one delay on; returns the seconds to wait.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local delay = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(slot + delay), 'PX', math.ceil((slot - now + delay) * 1000) + 60000)
return tostring(slot - now)
"""


class SharedPortalDelayMiddleware:
    """A downloader middleware keeping FINNEWS_REDIS_PORTAL_DELAY seconds between two requests to one portal
    for the whole shared crawl, whatever the number of processes: each request reserves its portal's next
    free moment in Redis (`<crawl key>:next:<portal>`) and waits for it. Scrapy's own DOWNLOAD_DELAY and
    concurrency limits still hold per process on top. Off (NotConfigured) without FINNEWS_REDIS_URL or
    with a delay of 0."""

    def __init__(self, server: Redis, key: str | None, delay: float) -> None:
        self.server = server
        self.key = key or None  # None: `crawl_key` of the spider, at the first request
        self.delay = delay
        self._reserve = server.register_script(_RESERVE)
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        delay = settings.get("FINNEWS_REDIS_PORTAL_DELAY")
        delay = settings.getfloat("DOWNLOAD_DELAY") if delay in (None, "") else float(delay)
        if not settings.get("FINNEWS_REDIS_URL") or delay <= 0:
            raise NotConfigured
        import redis

        server = redis.Redis.from_url(settings.get("FINNEWS_REDIS_URL"), socket_timeout=30, socket_connect_timeout=10)
        middleware = cls(server, settings.get("FINNEWS_REDIS_KEY"), delay)
        middleware.crawler = crawler
        return middleware

    async def process_request(self, request: Request) -> None:
        import asyncio
        from urllib.parse import urlsplit

        if self.key is None:
            assert self.crawler is not None and self.crawler.spider is not None
            self.key = crawl_key(self.crawler.spider)
        portal = request.meta.get("finnews_portal") or urlsplit(request.url).netloc
        wait = float(await asyncio.to_thread(self._reserve, keys=[f"{self.key}:next:{portal}"], args=[self.delay]))
        if wait > 0:
            await asyncio.sleep(wait)
