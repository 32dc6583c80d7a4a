"""SharedPortalDelayMiddleware: one request to a portal every FINNEWS_REDIS_PORTAL_DELAY seconds, for the
whole shared crawl: `crawler.distributed`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy import Request

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler

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
