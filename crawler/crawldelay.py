"""Downloader middleware: a portal's robots.txt `Crawl-delay` is a floor under the delay of its requests.

Scrapy obeys robots.txt's Allow and Disallow, not its Crawl-delay; a small portal that writes
`Crawl-delay: 5` asks for five seconds between requests, and finnews gives them. The robots.txt Scrapy's
`RobotsTxtMiddleware` fetches (before any other request to the host) passes through here: its Crawl-delay for
finnews' user agent (protego, the parser Scrapy's uses), at most `FINNEWS_MAX_CRAWL_DELAY`, becomes the least
delay of the host's downloader slot, kept after each response (AutoThrottle lowers a slot's delay towards its
own minimum as the host answers well: this runs after it). Counted in `finnews/crawl_delay` (the longest).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

logger = logging.getLogger(__name__)

#: The stat holding the longest Crawl-delay a portal's robots.txt asked for (seconds, as obeyed).
CRAWL_DELAY = "finnews/crawl_delay"


class CrawlDelayMiddleware:
    """Keeps each host's downloader slot at least its robots.txt's Crawl-delay apart."""

    def __init__(self, crawler: Crawler, user_agent: str, max_delay: float) -> None:
        self.crawler = crawler
        self.user_agent = user_agent
        self.max_delay = max_delay
        self.floors: dict[str, float] = {}  # downloader slot -> its least delay
        crawler.signals.connect(self._keep_floor, signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("robots.txt is not obeyed")
        user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        return cls(crawler, user_agent, crawler.settings.getfloat("FINNEWS_MAX_CRAWL_DELAY"))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status != 200 or urlsplit(request.url).path != "/robots.txt":
            return response
        try:
            delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
        except Exception:  # a robots.txt protego cannot read: Scrapy's middleware says so, this asks nothing
            return response
        key = request.meta.get("download_slot")
        if delay and delay > 0 and key is not None:
            floor = min(float(delay), self.max_delay)
            self.floors[key] = floor
            self._raise(key, floor)
            assert self.crawler.stats is not None
            self.crawler.stats.max_value(CRAWL_DELAY, floor)
            logger.info("robots.txt of %s asks for %s s between requests: %.1f s apart", key, delay, floor)
        return response

    def _keep_floor(self, response: Response, request: Request, spider: Spider) -> None:
        key = request.meta.get("download_slot")
        if key is not None and (floor := self.floors.get(key)) is not None:
            self._raise(key, floor)

    def _raise(self, key: str, floor: float) -> None:
        engine = self.crawler.engine
        slot = engine.downloader.slots.get(key) if engine is not None else None
        if slot is not None:
            slot.randomize_delay = False  # Scrapy's 0.5-1.5x of the delay would go under the floor half the time
            if slot.delay < floor:
                slot.delay = floor
