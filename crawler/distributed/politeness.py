"""SharedPortalDelayMiddleware: one request to a portal every FINNEWS_REDIS_PORTAL_DELAY seconds (longer once it
blocked the crawl: `crawler.blocking.PORTAL_SLOWED`), and none while it asked to be left alone (a Retry-After,
`crawler.crawldelay.PORTAL_HELD`), for the whole shared crawl: `crawler.distributed`."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Self

from scrapy import Request

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler

from crawler.blocking import PORTAL_SLOWED
from crawler.crawldelay import PORTAL_HELD
from crawler.distributed.keys import crawl_key
from crawler.middlewares import PORTAL

logger = logging.getLogger(__name__)

#: How long a blocked portal stays slowed down for a shared crawl after its last block (seconds; ten times the
#: delay where that is longer).
SLOWED_SECONDS = 60


# A request's turn at its portal. KEYS: the portal's next free moment, the end of its hold, its slowed delay (a hash:
# delay, at: when it was last slowed); ARGV: the delay between requests, and when the request reserved its moment
# (0: not yet). A request that reserved its moment since the portal was last slowed only waits out a hold made
# meanwhile; any other reserves one (again, at the slowed pace): the next free moment, no sooner than the hold's
# end, the next one `delay` later (or the slowed delay, where longer). Returns the seconds to wait, and when the
# moment was reserved.
_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local held = tonumber(redis.call('GET', KEYS[2]) or '0')
local reserved = tonumber(ARGV[2])
if reserved > 0 and tonumber(redis.call('HGET', KEYS[3], 'at') or '0') <= reserved then
  return {tostring(math.max(0, held - now)), ARGV[2]}
end
local delay = math.max(tonumber(ARGV[1]), tonumber(redis.call('HGET', KEYS[3], 'delay') or '0'))
local slot = math.max(now, held, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(slot + delay), 'PX', math.ceil((slot - now + delay) * 1000) + 60000)
return {tostring(slot - now), tostring(now)}
"""

# A hold of the portal until ARGV[1] seconds from now (KEYS[1]), where it ends later than any before.
_HOLD = """
local t = redis.call('TIME')
local held = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
if held > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(held), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 60000)
end
return 1
"""

# The portal slowed (KEYS[1]): its delay ARGV[1] seconds where that is longer, the time of it, for ARGV[2] seconds.
_SLOW = """
local t = redis.call('TIME')
if tonumber(ARGV[1]) > tonumber(redis.call('HGET', KEYS[1], 'delay') or '0') then
  redis.call('HSET', KEYS[1], 'delay', ARGV[1])
end
redis.call('HSET', KEYS[1], 'at', tostring(tonumber(t[1]) + tonumber(t[2]) / 1000000))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
"""


class SharedPortalDelayMiddleware:
    """A downloader middleware keeping FINNEWS_REDIS_PORTAL_DELAY seconds between two requests to one portal
    for the whole shared crawl, whatever the number of processes: each request reserves its portal's next
    free moment in Redis (`<crawl key>:next:<portal>`) and waits for it (`_TURN`). A Retry-After one process waits
    out (`PORTAL_HELD`) holds the portal until its end (`<crawl key>:held:<portal>`): no moment is given before, and
    a request waiting for its moment waits for the hold's end too. A block one process met (`PORTAL_SLOWED`) sets
    the portal's delay for every process to the one that process backed off to (`<crawl key>:slowed:<portal>`, for
    SLOWED_SECONDS after the last block), and the requests waiting for a moment reserved before take one again.
    Scrapy's own DOWNLOAD_DELAY and concurrency limits still hold per process on top. Off (NotConfigured) without
    FINNEWS_REDIS_URL or with a delay of 0."""

    def __init__(self, server: Redis, key: str | None, delay: float) -> None:
        self.server = server
        self.key = key or None  # None: `crawl_key` of the spider, at the first request
        self.delay = delay
        self._turn = server.register_script(_TURN)
        self._hold = server.register_script(_HOLD)
        self._slow = server.register_script(_SLOW)
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
        crawler.signals.connect(middleware.held, PORTAL_HELD)
        crawler.signals.connect(middleware.slowed, PORTAL_SLOWED)
        return middleware

    async def process_request(self, request: Request) -> None:
        import asyncio

        key, portal = self._key(), self._portal(request)
        keys = [f"{key}:next:{portal}", f"{key}:held:{portal}", f"{key}:slowed:{portal}"]
        wait, reserved = await asyncio.to_thread(self._turn, keys=keys, args=[self.delay, 0])
        while float(wait) > 0:  # then a hold or a slowdown since, if any
            await asyncio.sleep(float(wait))
            wait, reserved = await asyncio.to_thread(self._turn, keys=keys, args=[self.delay, reserved])

    def held(self, request: Request, seconds: float) -> None:
        """A portal asked to be left alone for `seconds` (signal `PORTAL_HELD`): no process of the crawl asks it
        for anything before then. Rare (a Retry-After): Redis is asked on the event loop."""
        key, portal = self._key(), self._portal(request)
        self._hold(keys=[f"{key}:held:{portal}"], args=[seconds])
        logger.info("portal %s held %.1f s for every process of the shared crawl", portal, seconds)

    def slowed(self, request: Request, delay: float) -> None:
        """A blocked portal's requests were slowed to `delay` seconds apart (signal `PORTAL_SLOWED`): so are every
        process's, for SLOWED_SECONDS after the last block (as AutoThrottle lowers a slot's delay again as the
        portal answers well). Rare: Redis is asked on the event loop."""
        key, portal = self._key(), self._portal(request)
        self._slow(keys=[f"{key}:slowed:{portal}"], args=[delay, max(SLOWED_SECONDS, math.ceil(10 * delay))])
        logger.info("portal %s: %.1f s between requests for every process of the shared crawl", portal, delay)

    def _key(self) -> str:
        if self.key is None:
            assert self.crawler is not None and self.crawler.spider is not None
            self.key = crawl_key(self.crawler.spider)
        return self.key

    @staticmethod
    def _portal(request: Request) -> str:
        from urllib.parse import urlsplit

        return str(request.meta.get(PORTAL) or urlsplit(request.url).netloc)
