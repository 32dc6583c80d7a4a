"""Downloader middleware: every request stays on its portal (`crawler.scope`).

It runs first among the downloader middlewares, so it sees each request before robots.txt is asked
for it, and again for every redirect and meta refresh (Scrapy schedules those as new requests with the
same meta). A request off its portal's hosts, or not http(s), is dropped with an INFO line and a stat.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: Request meta key naming the portal (profile) a request belongs to.
PORTAL = "finnews_portal"


class OffPortalRequest(IgnoreRequest):
    """A request this crawl may not make (off the portal, or not http/https); already counted."""


class PortalScopeMiddleware:
    """Drops requests outside the scope of their portal (`request.meta[PORTAL]`; a request without
    one, such as robots.txt's, is held to the scope of every portal of the crawl)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        scope_of = getattr(self.crawler.spider, "scope", None)
        if scope_of is None:  # another spider: not ours to judge
            return
        reason = scope_of(request.meta.get(PORTAL)).refusal(request.url)
        if reason is None:
            return
        refused(self.crawler.stats, reason, request.url, request.meta.get("redirect_urls"))
        raise OffPortalRequest(f"{reason}: {request.url[:200]}")


def refused(stats: StatsCollector | None, reason: str, url: str, redirected_from: list[str] | None = None) -> None:
    """Count and log a URL the crawl will not fetch (`reason`: `crawler.scope.OFFSITE` or `BAD_SCHEME`)."""
    if stats is not None:
        stats.inc_value(f"finnews/{reason}")
    came = f" (redirected from {redirected_from[0][:200]})" if redirected_from else ""
    logger.info("not fetched (%s): %s%s", reason.replace("_", " "), url[:200], came)
