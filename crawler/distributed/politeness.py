"""SharedPortalDelayMiddleware: one request to a portal every FINNEWS_REDIS_PORTAL_DELAY seconds, and none while
the portal asked to be left alone (a Retry-After, `crawler.crawldelay.PORTAL_HELD`), for the whole shared crawl:
`crawler.distributed`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy import Request

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler

from crawler.crawldelay import PORTAL_HELD
from crawler.distributed.keys import crawl_key

logger = logging.getLogger(__name__)


_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local delay = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(slot + delay), 'PX', math.ceil((slot - now + delay) * 1000) + 60000)
return tostring(slot - now)
"""

# A hold of the portal until ARGV[1] seconds from now (KEYS[2]), where it ends later than any before; its next free
# moment (KEYS[1]) no sooner than that.
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local held = now + tonumber(ARGV[1])
local expiry = math.ceil(tonumber(ARGV[1]) * 1000) + 60000
for _, key in ipairs(KEYS) do
  if held > tonumber(redis.call('GET', key) or '0') then
    redis.call('SET', key, tostring(held), 'PX', expiry)
  end
end
return 1
"""

# The seconds left of the portal's hold (KEYS[1]): 0 when none.
_HELD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
return tostring(math.max(0, tonumber(redis.call('GET', KEYS[1]) or '0') - now))
"""


class SharedPortalDelayMiddleware:
    """A downloader middleware keeping FINNEWS_REDIS_PORTAL_DELAY seconds between two requests to one portal
    for the whole shared crawl, whatever the number of processes: each request reserves its portal's next
    free moment in Redis (`<crawl key>:next:<portal>`) and waits for it. A Retry-After one process waits out
    (`PORTAL_HELD`) holds the portal until its end (`<crawl key>:held:<portal>`, and its next free moment no
    sooner): a request waiting for its moment then waits for the hold's end too. Scrapy's own DOWNLOAD_DELAY
    and concurrency limits still hold per process on top. Off (NotConfigured) without FINNEWS_REDIS_URL or
    with a delay of 0."""

    def __init__(self, server: Redis, key: str | None, delay: float) -> None:
        self.server = server
        self.key = key or None  # None: `crawl_key` of the spider, at the first request
        self.delay = delay
        self._reserve = server.register_script(_RESERVE)
        self._hold = server.register_script(_HOLD)
        self._held = server.register_script(_HELD)
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
        return middleware

    async def process_request(self, request: Request) -> None:
        import asyncio

        key = self._key()
        portal = self._portal(request)
        wait = float(await asyncio.to_thread(self._reserve, keys=[f"{key}:next:{portal}"], args=[self.delay]))
        while wait > 0:  # then a hold made meanwhile, if any (a moment reserved before it may fall inside it)
            await asyncio.sleep(wait)
            wait = float(await asyncio.to_thread(self._held, keys=[f"{key}:held:{portal}"]))

    def held(self, request: Request, seconds: float) -> None:
        """A portal asked to be left alone for `seconds` (signal `PORTAL_HELD`): no process of the crawl asks it
        for anything before then. Rare (a Retry-After): Redis is asked on the event loop."""
        key, portal = self._key(), self._portal(request)
        self._hold(keys=[f"{key}:next:{portal}", f"{key}:held:{portal}"], args=[seconds])
        logger.info("portal %s held %.1f s for every process of the shared crawl", portal, seconds)

    def _key(self) -> str:
        if self.key is None:
            assert self.crawler is not None and self.crawler.spider is not None
            self.key = crawl_key(self.crawler.spider)
        return self.key

    @staticmethod
    def _portal(request: Request) -> str:
        from urllib.parse import urlsplit

        return str(request.meta.get("finnews_portal") or urlsplit(request.url).netloc)
