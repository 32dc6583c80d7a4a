"""How the portal spider finds articles beside HTML listings: sitemaps, RSS/Atom feeds, JSON listing endpoints.

`Discovery` is a mixin of `PortalSpider` (its callbacks are spider methods, so a shared crawl's requests
name them): `discovery_requests(profile)` starts it for a portal, `feed_requests` follows the feeds a
listing page links to (`<link rel="alternate" type="application/rss+xml">`).

- Sitemaps: those robots.txt names on its `Sitemap:` lines and the profile's `sitemaps`, else `/sitemap.xml`;
  a sitemap index is followed to its sitemaps (at most `SITEMAP_DEPTH` deep).
- Feeds: the profile's `feeds` and those listing pages link to.
- JSON listings: the profile's `json_listings`, page after page until a page names nothing new (or its `pages`).

With `FINNEWS_DISCOVER` off, only what the profile names is read. Every URL found goes the way a listing's
link goes: an article (or, for a portal without URL patterns, a page its content classifies), with the
date the sitemap/feed/endpoint gives as its `listing_date`; a URL off the portal is dropped and counted by
`PortalScopeMiddleware` like any other. Reading is `crawler.extract.discovery`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import profiles
from crawler.blocking import BlockedPage
from crawler.extract.discovery import Listed, feed_entries, json_entries, robots_sitemaps, sitemaps
from crawler.extract.links import is_document
from crawler.extract.urls import absolute_url, canonical_url
from crawler.middlewares import PORTAL, OffPortalRequest
from crawler.seen import recorded
from crawler.spiders.parts import Mixin

logger = logging.getLogger(__name__)

#: How deep sitemap indexes are followed (an index of indexes of sitemaps is 2).
SITEMAP_DEPTH = 3
#: Stat prefix of the URLs each way found (`finnews/discovered/sitemap`, `.../feed`, `.../json`).
DISCOVERED = "finnews/discovered"


class Discovery(Mixin):
    """Sitemaps, feeds and JSON listings of a portal (a mixin of `PortalSpider`; what it uses of the spider:
    `crawler.spiders.parts`)."""

    def discovery_requests(self, profile: profiles.Profile) -> Iterator[Request]:
        """The first requests of a portal's discovery: robots.txt (for its sitemaps), the profile's
        sitemaps, feeds and first page of each JSON listing."""
        base = profile.start_urls[0]
        if self.crawler.settings.getbool("FINNEWS_DISCOVER"):
            origins = dict.fromkeys(f"{p.scheme}://{p.netloc}" for p in map(urlsplit, profile.start_urls))
            for origin in origins:
                robots = f"{origin}/robots.txt"
                yield self._discovery_request(robots, self.parse_robots, profile, handle_all=True)
        for url in profile.sitemaps:
            yield from self._discovery_requests([absolute_url(base, url)], self.parse_sitemap, profile)
        yield from self._discovery_requests(
            (absolute_url(base, url) for url in profile.feeds), self.parse_feed, profile
        )
        for number, listing in enumerate(profile.json_listings):
            first = absolute_url(base, listing.page_url(listing.first_page))
            yield from self._discovery_requests(
                [first], self.parse_json_listing, profile, listing=number, page=listing.first_page
            )

    def feed_requests(self, urls: list[str], profile: profiles.Profile) -> Iterator[Request]:
        """Requests for the RSS/Atom feeds a listing page links to (once each; found where FINNEWS_DISCOVER asks,
        `listing.read_listing`)."""
        yield from self._discovery_requests(urls, self.parse_feed, profile)

    # --- callbacks ---------------------------------------------------------------------------------

    def parse_robots(self, response: Response, profile: profiles.Profile) -> Iterator[Request]:
        """robots.txt: the sitemaps it names; `/sitemap.xml` when neither it nor the profile names one."""
        named = robots_sitemaps(response.body, response.url) if response.status == 200 else []
        if not named and not profile.sitemaps:
            named = [absolute_url(response.url, "/sitemap.xml") or ""]
        yield from self._discovery_requests(named, self.parse_sitemap, profile)

    def parse_sitemap(self, response: Response, profile: profiles.Profile, depth: int = 0) -> Iterator[Request]:
        """A sitemap: its pages, or (an index) its sitemaps."""
        document = sitemaps(response.body, response.url, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        if not document.pages and not document.sitemaps:
            self.crawler.stats.inc_value("finnews/discovery/empty")
            logger.info("no sitemap entries in %s", response.url)
        if document.sitemaps and depth + 1 > SITEMAP_DEPTH:
            logger.info("sitemap index %s is %s deep: its sitemaps are not followed", response.url, depth + 1)
        elif document.sitemaps:
            urls = [entry.url for entry in document.sitemaps]
            yield from self._discovery_requests(urls, self.parse_sitemap, profile, depth=depth + 1)
        yield from self._found(document.pages, profile, "sitemap")

    def parse_feed(self, response: Response, profile: profiles.Profile) -> Iterator[Request]:
        """An RSS or Atom feed: its items' links."""
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        entries = feed_entries(response.body, response.url, content_type)
        if not entries:
            self.crawler.stats.inc_value("finnews/discovery/empty")
            logger.info("no feed entries in %s", response.url)
        yield from self._found(entries, profile, "feed")

    def parse_json_listing(
        self, response: Response, profile: profiles.Profile, listing: int, page: int
    ) -> Iterator[Request]:
        """One page of a JSON listing: its entries, and the next page while this one named something new."""
        spec = profile.json_listings[listing]
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        entries = json_entries(text, response.url, spec.items, spec.link, spec.title, spec.date)
        new = [entry for entry in entries if _canonical(entry.url, profile) not in self.requested]
        yield from self._found(entries, profile, "json")
        if not new:
            logger.info("JSON listing %s names nothing new: its pages stop here", response.url)
        elif page + 1 >= spec.first_page + spec.pages:
            self.crawler.stats.inc_value("finnews/pagination_limit")
            logger.info("JSON listing stops at its %s pages (the profile's pages): %s", spec.pages, response.url)
        else:
            url = absolute_url(response.url, spec.page_url(page + 1))
            yield from self._discovery_requests([url], self.parse_json_listing, profile, listing=listing, page=page + 1)

    def discovery_failed(self, failure: Failure) -> None:
        """A sitemap, feed or JSON listing that is missing (404/410: an INFO line) or could not be read (a WARNING):
        counted, the crawl goes on."""
        error = failure.value
        if isinstance(error, OffPortalRequest | BlockedPage):  # counted already
            return
        url = failure.request.url  # type: ignore[attr-defined]
        if isinstance(error, HttpError) and error.response.status in (404, 410):  # /sitemap.xml is often missing
            self.crawler.stats.inc_value("finnews/discovery/missing")
            logger.info("discovery: no %s (HTTP %s)", url, error.response.status)
            return
        self.crawler.stats.inc_value("finnews/discovery/failed")
        logger.warning("discovery: %s not read (%s)", url, failure.getErrorMessage())

    # --- helpers -----------------------------------------------------------------------------------

    def _found(self, entries: Iterable[Listed], profile: profiles.Profile, way: str) -> Iterator[Request]:
        """Requests for the pages a sitemap, feed or JSON listing names, as a listing's links are followed."""
        for entry in entries:
            self.crawler.stats.inc_value(f"{DISCOVERED}/{way}")
            url = _canonical(entry.url, profile)
            if url in self.requested or profile.is_denied(url) or is_document(url):
                continue
            if profile.is_article(url):
                yield from self._article_request(url, profile, entry.date)
            elif profile.classify_by_content:
                yield from self._article_request(url, profile, entry.date, known=False)
            elif profile.is_listing(url) and self._may_follow_listing(profile):
                yield self._listing_request(url, profile)

    def _discovery_requests(
        self, urls: Iterable[str | None], callback: Any, profile: profiles.Profile, **kwargs: Any
    ) -> Iterator[Request]:
        for url in urls:
            if url and url not in self.requested:
                yield self._discovery_request(url, callback, profile, **kwargs)

    def _discovery_request(
        self, url: str, callback: Any, profile: profiles.Profile, handle_all: bool = False, **kwargs: Any
    ) -> Request:
        self.requested.add(url)
        meta: dict[str, Any] = {PORTAL: profile.name}
        if handle_all:  # robots.txt: a 404 means "no sitemaps named", not a failure
            meta["handle_httpstatus_all"] = True
        return recorded(
            Request(
                url,
                callback=callback,
                errback=self.discovery_failed,
                cb_kwargs={"profile": profile, **kwargs},
                meta=meta,
            )
        )


def _canonical(url: str, profile: profiles.Profile) -> str:
    try:
        return canonical_url(url, profile.host)
    except ValueError:  # a host IDNA cannot encode
        return url
