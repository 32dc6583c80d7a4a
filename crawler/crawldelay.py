"""Downloader middlewares: the waits a portal asks for are kept. Its robots.txt `Crawl-delay` is a floor under
the delay of its requests (`CrawlDelayMiddleware`); a `Retry-After` on a 429 or 503 answer holds its requests until
then, and the request is asked again (`RetryAfterMiddleware`).

Scrapy obeys robots.txt's Allow and Disallow, not its Crawl-delay; a small portal that writes
`Crawl-delay: 5` asks for five seconds between requests, and finnews gives them. The robots.txt Scrapy's
`RobotsTxtMiddleware` fetches (before any other request to the host) passes through here: its Crawl-delay for
finnews' user agent (protego, the parser Scrapy's uses), at most `FINNEWS_MAX_CRAWL_DELAY`, becomes the least
delay of the host's downloader slot, kept after each response (AutoThrottle lowers a slot's delay towards its
own minimum as the host answers well: this runs after it). Counted in `finnews/crawl_delay` (the longest).

Scrapy retries a 429 or 503 at once, whatever its Retry-After says (scrapy/scrapy#3849). Here a Retry-After of at
most `FINNEWS_MAX_CRAWL_DELAY` seconds (a number, or an HTTP date) is waited out: the portal's downloader slot
sends nothing before then (as it waits out its delay: the delay itself, which AutoThrottle and the block back-off
tune, is left alone), and the request goes again, within `RETRY_TIMES`. A longer wait is not made: the
answer goes on as without a Retry-After (a 429 is a rate limit, `crawler.blocking`; a 503 is retried). Counted in
`finnews/retry_after` (answers waited out) and `finnews/retry_after/max` (the longest wait, seconds). Each wait is
also sent as the signal `PORTAL_HELD`: in a shared crawl (`crawler.distributed`), the other processes hold the
portal as long.
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import call_later

logger = logging.getLogger(__name__)

#: The stat holding the longest Crawl-delay a portal's robots.txt asked for (seconds, as obeyed).
CRAWL_DELAY = "finnews/crawl_delay"
#: The stat counting the answers whose Retry-After was waited out; its `/max`: the longest wait (seconds).
RETRY_AFTER = "finnews/retry_after"
#: The answers that may carry a Retry-After worth waiting for: Too Many Requests, Service Unavailable.
RETRY_AFTER_STATUSES = frozenset({429, 503})
#: The signal sent when a portal asked to be left alone (a Retry-After waited out), with `request` (the request it
#: answered) and `seconds`: what `crawler.distributed.SharedPortalDelayMiddleware` shares with a crawl's other processes.
PORTAL_HELD = object()


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
            slot.jitter = 0.0  # Scrapy's 0.5-1.5x of the delay would go under the floor half the time
            if slot.delay < floor:
                slot.delay = floor


class RetryAfterMiddleware:
    """Waits out the Retry-After of a 429 or 503 answer (at most `max_wait` seconds) and asks again."""

    def __init__(self, crawler: Crawler, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self.holds: dict[str, float] = {}  # downloader slot -> until when (monotonic) it was last held
        # The slot is held as the answer arrives: the downloader sends the slot's next request before the answer
        # reaches any middleware.
        crawler.signals.connect(self._arrived, signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        if not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("retries are off")
        return cls(crawler, crawler.settings.getfloat("FINNEWS_MAX_CRAWL_DELAY"))

    def _asked(self, request: Request, response: Response) -> float | None:
        """The seconds a 429 or 503 answer's Retry-After asks for (None: no such answer, or one not to retry)."""
        if response.status not in RETRY_AFTER_STATUSES or request.meta.get("dont_retry"):
            return None
        return retry_after(response.headers.get(b"Retry-After"), time.time())

    def _wait(self, request: Request, response: Response) -> float | None:
        """The seconds `response` asks to be left alone, if it is an answer whose Retry-After is waited out."""
        asked = self._asked(request, response)
        return asked if asked is not None and asked <= self.max_wait else None

    def _arrived(self, response: Response, request: Request, spider: Spider) -> None:
        if (wait := self._wait(request, response)) is None:
            return
        self._hold(request.meta.get("download_slot"), wait)
        self.crawler.signals.send_catch_log(PORTAL_HELD, request=request, seconds=wait)
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(RETRY_AFTER)
        stats.max_value(f"{RETRY_AFTER}/max", wait)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        wait = self._asked(request, response)
        if wait is None:
            return response
        if wait > self.max_wait:
            logger.warning(
                "HTTP %s from %s asks to come back in %.0f s, longer than FINNEWS_MAX_CRAWL_DELAY (%.0f s): not waited",
                response.status, request.meta.get("download_slot"), wait, self.max_wait,
            )  # fmt: skip
            return response
        assert self.crawler.spider is not None
        again = get_retry_request(request, spider=self.crawler.spider, reason=f"retry_after_{response.status}")
        if again is None:  # asked RETRY_TIMES times already: the answer goes on as it is
            return response
        logger.info("HTTP %s from %s: Retry-After %.1f s waited out, then %s asked again",
                    response.status, request.meta.get("download_slot"), wait, request.url[:200])  # fmt: skip
        return again

    def _hold(self, key: str | None, wait: float) -> None:
        """The slot `key` sends nothing for `wait` seconds: its queue is looked at again then, as Scrapy's
        downloader does for a slot's delay (`Slot.latercall`, which stops the slot's queue while it is pending;
        a later hold replaces an earlier one, never the other way)."""
        engine = self.crawler.engine
        if engine is None or key is None or (slot := engine.downloader.slots.get(key)) is None:
            return
        until = time.monotonic() + wait
        if slot.latercall is not None:
            if self.holds.get(key, 0.0) >= until:
                return
            slot.latercall.cancel()
        self.holds[key] = until
        slot.latercall = call_later(wait, engine.downloader._latercall, slot)


def retry_after(value: bytes | None, now: float) -> float | None:
    """The seconds a Retry-After header's `value` asks for (delay-seconds, or an HTTP date, then counted from
    `now`, a Unix time; never less than 0), or None if it says neither.

    >>> retry_after(b"120", 0), retry_after(b"Thu, 01 Jan 1970 00:01:30 GMT", 60), retry_after(b"soon", 0)
    (120.0, 30.0, None)
    """
    text = value.decode("latin-1").strip() if value else ""
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110: an HTTP date is in GMT
        return None
    return max(0.0, when.timestamp() - now)
