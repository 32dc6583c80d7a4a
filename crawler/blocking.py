"""Downloader middleware: a challenge or rate-limit page (`crawler.extract.blocks`) is seen, not stored.

Such a response never reaches the spider (no article, no listing is read from it) nor the page store: it
is counted (`finnews/blocked`, `finnews/blocked/<class>`), logged, and dropped (`BlockedPage`); its portal's
downloader slot is slowed down: its delay at least `FINNEWS_BLOCKED_DELAY`, doubled at each block, at most
`AUTOTHROTTLE_MAX_DELAY` (AutoThrottle lowers it again as the portal answers well), and the new delay is sent as
the signal `PORTAL_SLOWED`: in a shared crawl (`crawler.distributed`) every process slows down. The crawl's exit
status then says the portal blocked it (`crawler.exitcodes.ExitCode.BLOCKED`).

It sits above the page keeper (580) and the retry middleware (550), below decompression (590) and
redirects (600): it reads the page as served, once, before anything keeps or retries it.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse

from crawler.exitcodes import BLOCKED_STAT as BLOCKED
from crawler.extract.blocks import block, may_be_blocked
from crawler.middlewares import PORTAL

logger = logging.getLogger(__name__)

#: The stat holding the longest delay a blocked portal's slot was given (seconds).
BLOCKED_DELAY = "finnews/blocked/delay_max"
#: The signal sent when a blocked portal's requests were slowed down, with `request` (the one it answered with a
#: block) and `delay` (the seconds now kept between its requests): what
#: `crawler.distributed.SharedPortalDelayMiddleware` shares with a crawl's other processes.
PORTAL_SLOWED = object()


class BlockedPage(IgnoreRequest):
    """A challenge or rate-limit page: counted already, never read."""


class BlockedPageMiddleware:
    """Drops challenge and rate-limit pages and backs their portal off."""

    def __init__(self, crawler: Crawler, min_delay: float, max_delay: float) -> None:
        self.crawler = crawler
        self.min_delay = min_delay
        self.max_delay = max(max_delay, min_delay)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockedPageMiddleware:
        if not crawler.settings.getbool("FINNEWS_DETECT_BLOCKS"):
            raise NotConfigured("FINNEWS_DETECT_BLOCKS is off")
        return cls(
            crawler,
            crawler.settings.getfloat("FINNEWS_BLOCKED_DELAY"),
            crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY"),
        )

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        # Decoded only where a rule may read its text (an article page read in an extraction worker is decoded
        # there, not in the crawl's process).
        text = (
            response.text
            if isinstance(response, TextResponse) and may_be_blocked(response.body, response.encoding)
            else None
        )
        cookies = [value.decode("latin-1") for value in response.headers.getlist("Set-Cookie")]
        kind = block(response.status, cookies, text, len(response.body))
        if kind is None:
            return response
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(BLOCKED)
        stats.inc_value(f"{BLOCKED}/{kind}")
        delay = self._back_off(request)
        stats.max_value(BLOCKED_DELAY, delay)
        self.crawler.signals.send_catch_log(PORTAL_SLOWED, request=request, delay=delay)
        logger.warning(
            "blocked (%s, HTTP %s) by portal %s: %s; its requests now %.1f s apart",
            kind.replace("_", " "), response.status, request.meta.get(PORTAL, "?"), response.url[:200], delay,
        )  # fmt: skip
        raise BlockedPage(f"blocked ({kind}): {response.url[:200]}")

    def _back_off(self, request: Request) -> float:
        """Slow the request's downloader slot down; returns its new delay (seconds)."""
        engine = self.crawler.engine
        key = request.meta.get("download_slot")
        slot = engine.downloader.slots.get(key) if engine is not None and key is not None else None
        if slot is None:
            return self.min_delay
        slot.delay = min(max(slot.delay * 2, self.min_delay), self.max_delay)
        return slot.delay
