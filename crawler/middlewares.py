"""Downloader middlewares of a portal's requests.

`PortalScopeMiddleware`: every request stays on its portal (`crawler.scope`). It runs first among the
downloader middlewares, so it sees each request before robots.txt is asked for it, and again for every
redirect and meta refresh (Scrapy schedules those as new requests with the same meta). A request off its
portal's hosts, or not http(s), is dropped with an INFO line and a stat.

`PortalRequestMiddleware`: the headers, cookies and proxy a portal's profile sets go with each of its
requests, robots.txt's included (a request of no portal takes those of the portal whose scope holds it).

`RobotsTxtOnceMiddleware`: the spider's own request of a portal's robots.txt (discovery reads its `Sitemap:`
lines) is answered with the robots.txt Scrapy's `RobotsTxtMiddleware` fetched to obey it: fetched once.

`OfflineCookiesMiddleware`: Scrapy's cookie handling, with the public-suffix check of a cookie's domain made
on the list bundled with tldextract (`crawler.scope`): Scrapy's own asks publicsuffix.org for the list the
first time a portal sets a cookie, a request to a host that is no portal.

`QuickMetaRefreshMiddleware`: Scrapy's meta refresh, asked only of a page whose head's bytes say "refresh".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from http.cookiejar import Cookie
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.http.cookies import CookieJar
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached

from crawler.profiles import Profile
from crawler.scope import registrable_domain

logger = logging.getLogger(__name__)

#: Request meta key naming the portal (profile) a request belongs to.
PORTAL = "finnews_portal"


class OffPortalRequest(IgnoreRequest):
    """A request this crawl may not make (off the portal, or not http/https); already counted."""


#: The IgnoreRequests by which Scrapy declines a page on purpose (its robots.txt and offsite middlewares), by
#: the start of their message.
_DECLINED = ("Forbidden by robots.txt", "Filtered offsite request")


def lost(error: BaseException | None) -> bool:
    """Whether one of Scrapy's own IgnoreRequests lost a page: too many redirects (a loop), a body that unpacks
    past DOWNLOAD_MAXSIZE (a compression bomb), a page not in the HTTP cache; not robots.txt's or the offsite
    middleware's, which decline a page on purpose. finnews' own refusals (off the portal, blocked, unchanged) and
    HTTP errors are subclasses of IgnoreRequest, which their callers tell apart.

    >>> lost(IgnoreRequest("max redirections reached")), lost(IgnoreRequest("Forbidden by robots.txt"))
    (True, False)
    """
    return type(error) is IgnoreRequest and not str(error).startswith(_DECLINED)


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


class PortalRequestMiddleware:
    """Sets the headers, cookies and proxy (`meta["proxy"]`, for Scrapy's HttpProxyMiddleware) of the request's
    portal profile."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalRequestMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        profile = self._profile(request)
        if profile is None:
            return
        for name, value in profile.headers.items():  # the profile's win over those Scrapy sets (Referer, User-Agent)
            request.headers[name] = value
        if isinstance(request.cookies, dict):  # (a list of cookie dicts is a request's own choice: left alone)
            for name, value in profile.cookies.items():
                request.cookies.setdefault(name, value)
        if profile.proxy:
            request.meta.setdefault("proxy", profile.proxy)

    def _profile(self, request: Request) -> Profile | None:
        """The profile of the request's portal (by name, else the first whose scope holds its URL)."""
        spider = self.crawler.spider
        profiles = getattr(spider, "profiles", None)
        if not profiles:
            return None
        name = request.meta.get(PORTAL)
        if name is None:
            scopes = getattr(spider, "scopes", {})
            name = next(
                (p.name for p in profiles if p.name in scopes and scopes[p.name].refusal(request.url) is None), None
            )
        return next((p for p in profiles if p.name == name), None)


class RobotsTxtOnceMiddleware:
    """Answers a spider's request of a robots.txt with the one Scrapy's `RobotsTxtMiddleware` (just above this
    one) fetched for the same URL, instead of fetching it again; flagged `robots.txt fetched once` in the log.

    Scrapy's middleware fetches an origin's robots.txt before the first request to it goes on, this one
    included, so by the time the spider's request gets here the answer has passed by (`process_response`
    sees Scrapy's own download, after retries, redirects and decompression). Each answer is kept until it
    is asked for, one per host of the crawl; one that failed is not kept, and the spider's request is fetched.
    Off without robots.txt obeyed or without discovery (no request of the spider asks for robots.txt).
    """

    def __init__(self) -> None:
        self.fetched: dict[str, Response] = {}  # robots.txt URL (before redirects) -> Scrapy's answer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsTxtOnceMiddleware:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY") or not crawler.settings.getbool("FINNEWS_DISCOVER"):
            raise NotConfigured
        return cls()

    def process_request(self, request: Request, spider: Spider | None = None) -> Response | None:
        if request.meta.get("dont_obey_robotstxt"):  # Scrapy's own (or one that does not ask): fetched
            return None
        answer = self.fetched.pop(request.url, None)
        if answer is None:
            return None
        return answer.replace(request=request, flags=[*answer.flags, "robots.txt fetched once"])

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        asked = request.meta.get("redirect_urls", [request.url])[0]
        if request.meta.get("dont_obey_robotstxt") and urlsplit(asked).path == "/robots.txt":
            self.fetched[asked] = response
        return response


class OfflineCookiesMiddleware(CookiesMiddleware):
    """Scrapy's CookiesMiddleware, its public-suffix check offline (a cookie set for a public suffix such as
    "com.cn" is kept only for the host that set it, as Scrapy does)."""

    def _process_cookies(self, cookies: Iterable[Cookie], *, jar: CookieJar, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").lower()
        for cookie in cookies:
            domain = cookie.domain.removeprefix(".")
            if host and domain and registrable_domain(domain) is None:  # a public suffix, an address
                if domain != host:
                    continue
                cookie.domain = host
            if host:
                jar.set_cookie_if_ok(cookie, request)


#: Scrapy reads a meta refresh in a page's first 4,096 characters: as many bytes as this at most.
META_REFRESH_BYTES = 4 * 4096


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, for the pages whose first META_REFRESH_BYTES say "refresh" (any case) or hold
    a NUL byte (UTF-16, where the word is not spelled in single bytes): Scrapy decodes every HTML page's whole text
    and scans its head's tags (0.45 s of a 2,000-story crawl's 20 s on the event loop), where a page's own bytes
    rule most pages out. What it does with the others is unchanged (`PortalScopeMiddleware` sees where a refresh
    leads)."""

    # No `spider` argument: Scrapy passes it (with a deprecation warning) only to a method that names it.
    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if isinstance(response, HtmlResponse):
            head = response.body[:META_REFRESH_BYTES]
            if b"refresh" not in head.lower() and b"\x00" not in head:
                return response
        return super().process_response(request, response)


def refused(stats: StatsCollector | None, reason: str, url: str, redirected_from: list[str] | None = None) -> None:
    """Count and log a URL the crawl will not fetch (`reason`: `crawler.scope.OFFSITE`, `BAD_SCHEME` or `TRAP`)."""
    if stats is not None:
        stats.inc_value(f"finnews/{reason}")
    came = f" (redirected from {redirected_from[0][:200]})" if redirected_from else ""
    logger.info("not fetched (%s): %s%s", reason.replace("_", " "), url[:200], came)
