"""The portal spider: listing -> pagination -> article -> extract.* -> Article item.

scrapy crawl portal -a site=dede                  # one profile (dede.toml in a profile folder)
scrapy crawl portal -a site=all                   # every profile found (built-in + FINNEWS_PROFILE_DIRS)
scrapy crawl portal -a start_url=http://host/     # a portal without a profile (generic rules)
scrapy crawl portal -a site=dede -a start_url=http://127.0.0.1:9000/   # a profile at another address
scrapy crawl portal -a site=dede,txjr -a start_url=http://h1/,http://h2/   # one start URL per profile
scrapy crawl portal -a start_url=http://www.x.cn/ -a allow=img.x-cdn.cn    # hosts the portal may also use
scrapy crawl portal -a portals=my-portals.txt    # the user's portal list (crawler/profiles/portal_list.py)
scrapy crawl portal -a site=dede -a full=1        # fetch everything again (default: only what changed)
scrapy crawl portal -a site=dede -a since=3d      # only articles listed as published since (or 2024-09-01)

Once a portal has been crawled into the database, a crawl is incremental (`crawler.incremental`): known
article pages are not fetched again unless due for a read-count refresh, and a listing's pagination stops
at a page that holds nothing new.

Beside listings, articles are found in the portal's sitemaps, RSS/Atom feeds and the JSON listings its
profile names (`crawler.spiders.discovery`).

Every request stays on its portal: http(s) on the registrable domain of its start URLs, plus the hosts its
profile's `allow` or `-a allow=` add (`crawler.scope`, enforced for redirects and meta refresh too by
`crawler.middlewares.PortalScopeMiddleware`).

Without a profile, a page whose URL matches no generic article pattern ("/news/show?id=123") is fetched
and classified by its content (`extract.kind.page_kind`): an article, or a listing to follow.

This module is the spider's routing of listings and the requests they lead to, one flow read top to
bottom. Its set-up (arguments, profiles, scopes, the incremental plan) is `portalsetup`; what a page gives
is in mixins of its own (article pages: `articles`, discovery: `discovery`, a listing's series of pages:
`pageseries`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Self

from parsel import Selector
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler import distributed, incremental, profiles
from crawler.extract.kind import ARTICLE, page_kind
from crawler.extract.links import is_document, on_site, site_links
from crawler.extract.listing import ListingReading, read_fetched_listing, read_listing
from crawler.extract.mainlist import main_list
from crawler.extract.page import (
    BAD_BYTES,
    FLATTENED,
    MAX_DEPTH,
    REPAIRED,
    page_selector,
)
from crawler.extract.pagination import next_pages
from crawler.extract.urls import canonical_url
from crawler.middlewares import PORTAL, lost
from crawler.seen import recorded
from crawler.spiders import pageseries
from crawler.spiders.articles import ArticlePages
from crawler.spiders.discovery import Discovery
from crawler.spiders.extraction import ExtractionWorkers
from crawler.spiders.pageseries import ListingPages
from crawler.spiders.portalsetup import PortalSetup
from crawler.workers import WorkerLost

logger = logging.getLogger(__name__)

#: Listing pages in a row (one reached through another's nav bars and widgets) whose main lists show nothing this
#: crawl has not asked for: the last one's links to other listings are not followed. A calendar's 后一天 link leads
#: to empty pages of days to come, each linking the next, without end (6,318 of them in a minute); a portal's
#: own sections show articles of their own within a hop or two of its home page.
DEAD_END = 3


class PortalSpider(
    PortalSetup, ArticlePages, ListingPages, Discovery, ExtractionWorkers
):  # set-up first: `crawler.spiders.parts`
    name = "portal"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.stop_extraction, signals.spider_closed)
        crawler.signals.connect(spider.page_dropped, signals.request_dropped)
        crawler.signals.connect(spider.article_dropped, signals.request_dropped)
        crawler.signals.connect(spider.idle, signals.spider_idle)
        crawler.signals.connect(spider.left_scheduler, signals.request_reached_downloader)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        if self.extraction_processes:
            self.start_extraction()  # their imports while the plan is read and robots.txt fetched
        self.plan = await maybe_deferred_to_future(deferToThread(self._read_plan))
        self.crawler.stats.set_value(incremental.PORTALS_STAT, ",".join(p.name for p in self.profiles))
        self._incomplete(*(p.name for p in self.profiles if self.plan.since))  # a cut-off: no complete crawl
        if self.bad_lines:
            self.crawler.stats.set_value("finnews/portal_list/bad_lines", len(self.bad_lines))
        for profile in self.profiles:
            for url in profile.start_urls:
                yield recorded(
                    Request(
                        url,
                        callback=self.listing_callback,
                        errback=self.listing_failed,
                        cb_kwargs={"profile": profile},
                        meta={PORTAL: profile.name},
                    )
                )
            for request in self.discovery_requests(profile):  # sitemaps, feeds, JSON listings
                yield request

    # --- listings ----------------------------------------------------------------------------------

    def parse_listing(
        self,
        response: Response,
        profile: profiles.Profile,
        page: int = 0,
        series: pageseries.Place | None = None,
        stale: int = 0,
    ) -> Iterator[Request]:
        """A listing page, `page` pages behind its listing's first; of a series of pages (`_queue_pages`), the
        one at its index; `stale`: the listing pages in a row behind it that showed nothing new (`DEAD_END`)."""
        yield from self._next_page(profile, page, series)  # before its articles: they are fetched before it
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("finnews/skipped/non_html")
            return
        reading = read_listing(self._selector(response), response.url, profile, *self._listing_reading)
        yield from self._listing(response.url, reading, profile, page, series, stale)

    async def parse_listing_in_worker(
        self,
        response: Response,
        profile: profiles.Profile,
        page: int = 0,
        series: pageseries.Place | None = None,
        stale: int = 0,
    ) -> AsyncIterator[Request]:
        """`parse_listing` with the page read in a worker process (FINNEWS_EXTRACTION_PROCESSES), as article pages
        are (`ArticlePages.parse_article_in_worker`): in the crawl's process while the workers start."""
        workers = self.start_extraction()
        if not isinstance(response, TextResponse) or not workers.ready:
            for request in self.parse_listing(response, profile, page, series, stale):
                yield request
            return
        for request in self._next_page(profile, page, series):
            yield request
        try:
            reading = await self.read_in_worker(read_fetched_listing, response, profile, *self._listing_reading)
        except WorkerLost as lost_worker:
            self.listing_lost(response.url, profile.name, lost_worker)
            return
        self.crawler.stats.inc_value("finnews/listings/read_in_worker")
        self._count_repairs(reading.repairs, reading.encoding, response.url)
        for request in self._listing(response.url, reading, profile, page, series, stale):
            yield request

    @property
    def listing_callback(self) -> Callable[..., Any]:
        """The method a listing page goes to: read in a worker process where the crawl has them."""
        return self.parse_listing_in_worker if self.extraction_processes else self.parse_listing

    @property
    def _max_pages(self) -> int:
        """How many pages of a listing to follow at most (FINNEWS_MAX_PAGINATION)."""
        return self.settings.getint("FINNEWS_MAX_PAGINATION")

    @property
    def _listing_reading(self) -> tuple[int, bool]:
        """What `listing.read_listing` is asked of every listing: `_max_pages`, and whether to find its feeds."""
        return self._max_pages, self.settings.getbool("FINNEWS_DISCOVER")

    def parse_page(
        self, response: Response, profile: profiles.Profile, listing_date: str | None = None, stale: int = 0
    ) -> Iterator[Any]:
        """A page whose URL its profile does not classify: an article or a listing by its content. Not a
        generator: its frame, which holds the page's tree, ends before its article waits (`_article`)."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("finnews/skipped/non_html")
            return iter(())
        selector = self._selector(response)
        links = site_links(selector, response.url, profile.host)
        main = main_list(links)
        if self.url_shapes[profile.name].matches(canonical_url(response.url)):
            kind = ARTICLE  # the shape of the site's dated listing links: an article, whatever it shows
            self.crawler.stats.inc_value("finnews/classified/by_url_shape")
        else:
            kind = page_kind(selector, main, listing_date)
            logger.debug("%s is %s by its content", response.url, kind)
        self.crawler.stats.inc_value(f"finnews/classified/{kind}")
        if kind == ARTICLE:
            return self._article(response, selector, profile, listing_date)
        reading = read_listing(selector, response.url, profile, *self._listing_reading, links=links, main=main)
        return self._listing(response.url, reading, profile, stale=stale)

    def _listing(
        self,
        listing_url: str,
        reading: ListingReading,
        profile: profiles.Profile,
        page: int = 0,
        series: pageseries.Place | None = None,
        stale: int = 0,
    ) -> Iterator[Request]:
        """Requests for what a listing links to: the articles of its main list (with the date shown beside
        each), its other pages, and the other pages of the site its nav bars and widgets link to (not behind
        `DEAD_END` listings in a row that showed nothing new)."""
        self.crawler.stats.inc_value("finnews/pages/listing")
        if profile.site_name is None and reading.site_name:  # a portal known by its URL only: its name from its
            profile = dataclasses.replace(profile, site_name=reading.site_name)  # home page
            logger.info("%s calls itself %s", profile.name, reading.site_name)
        yield from self.feed_requests(reading.feeds, profile)
        max_pages, dates = self._max_pages, reading.dates
        pages = reading.pages
        paging = set(pages)
        shapes = self.url_shapes[profile.name]
        if profile.classify_by_content:
            shapes.learn(url for url, date in dates.items() if date)
        listed = {url: date for url, date in dates.items() if profile.is_article(url) or profile.classify_by_content}
        stale = 0 if any(url not in self.requested for url in listed) else stale + 1
        if stale == DEAD_END:
            self.crawler.stats.inc_value("finnews/listings/dead_end")
            logger.info("%s listing pages in a row showed nothing new: the links of %s to other listings are not "
                        "followed", DEAD_END, listing_url)  # fmt: skip
        if self.plan.stops_paging(profile.name, listed):  # nothing new on this page: nor behind it
            self.crawler.stats.inc_value("finnews/pagination_stopped")
            pages = []
        elif self.plan.incremental(profile.name):  # new articles here: the next page may hold more
            pages = next_pages(pages, listing_url)
        for url in reading.links:
            if url in self.requested or url in paging or profile.is_denied(url) or is_document(url):
                continue
            if url not in dates and not on_site(url, profile.host):  # another host of the domain: its
                continue  # main-list articles are followed, not its nav bars
            # An article by its URL: the profile's pattern, or the shape of the site's dated listing links
            # (listed or not); with `since`, only the dated ones a list shows.
            shaped = not profile.is_article(url) and shapes.matches(url)
            if (profile.is_article(url) or shaped) and (url in dates or self.plan.since is None):
                if shaped:
                    self.crawler.stats.inc_value("finnews/links/by_url_shape")
                yield from self._article_request(url, profile, dates.get(url))
            elif url in dates and profile.classify_by_content:  # listed, at a URL of no known pattern
                yield from self._article_request(url, profile, dates[url], known=False)
            elif stale < DEAD_END and profile.is_listing(url) and self._may_follow_listing(profile):  # nav bars,
                yield self._listing_request(url, profile, known=not profile.classify_by_content, stale=stale)  # widgets
        if series is not None:  # its series' pages are queued by the series
            pages = [url for url in pages if not pageseries.holds(series[0], url)]
        pages = [url for url in pages if url not in self.requested and not profile.is_denied(url)]
        if pages and page + 1 > max_pages:
            self.crawler.stats.inc_value("finnews/pagination_limit", len(pages))
            self._incomplete(profile.name)
            logger.info("pagination stops at %s pages of %s (FINNEWS_MAX_PAGINATION)", max_pages, listing_url)
            pages = []
        yield from self._queue_pages(pages, profile, page + 1)
        yield from self._waiting_requests()  # when no link of this page was new

    def _listing_request(
        self,
        url: str,
        profile: profiles.Profile,
        known: bool = True,
        page: int = 0,
        series: pageseries.Place | None = None,
        stale: int = 0,
    ) -> Request:
        """A request for a listing page (`page` pages behind its listing's first; at an index of a series of
        pages, `_queue_pages`; behind `stale` listings in a row that showed nothing new), or (not `known`) for a
        page its content will classify."""
        self.requested.add(url)
        arguments: dict[str, Any] = {"profile": profile, "page": page} if known else {"profile": profile}
        if series is not None:
            arguments["series"] = series
        if stale:
            arguments["stale"] = stale
        return recorded(
            Request(
                url,
                callback=self.listing_callback if known else self.parse_page,
                errback=self.listing_failed,
                cb_kwargs=arguments,
                meta={PORTAL: profile.name, distributed.LISTING_CAP: profile.name},
            )
        )

    def _may_follow_listing(self, profile: profiles.Profile) -> bool:
        """Whether one more listing page of `profile` is within FINNEWS_MAX_LISTING_PAGES (in a crawl shared
        through Redis, the shared scheduler counts them for all processes: `distributed.LISTING_CAP`)."""
        limit = self.settings.getint("FINNEWS_MAX_LISTING_PAGES")
        if self.settings.get("FINNEWS_REDIS_URL"):
            return True
        self.listing_pages[profile.name] = self.listing_pages.get(profile.name, 0) + 1
        if limit and self.listing_pages[profile.name] > limit:
            self._incomplete(profile.name)
            return False
        return True

    # --- pages of either kind ------------------------------------------------------------------------

    def _selector(self, response: TextResponse) -> Selector:
        """The page's selector, re-decoded when its declared charset was wrong (stat `finnews/charset_repaired`);
        bad bytes in a page of a right charset are U+FFFD where they are (stat `finnews/bad_bytes`); a page nested
        deeper than libxml2 builds is built flat below `page.MAX_DEPTH` (stat `finnews/flattened`)."""
        selector, repairs, encoding = page_selector(response)
        self._count_repairs(repairs, encoding, response.url)
        return selector

    def _count_repairs(self, repairs: tuple[str, ...], encoding: str, url: str) -> None:
        for repair in repairs:
            if repair == REPAIRED:
                self.crawler.stats.inc_value("finnews/charset_repaired")
                logger.info("charset repaired (%s) on %s", encoding, url)
            elif repair == BAD_BYTES:
                self.crawler.stats.inc_value("finnews/bad_bytes")
                logger.info("bytes that are no %s on %s: read as U+FFFD", encoding, url)
            elif repair == FLATTENED:
                self.crawler.stats.inc_value("finnews/flattened")
                logger.warning("page nested deeper than libxml2 builds: read with its elements below %d side by side: %s",
                               MAX_DEPTH, url)  # fmt: skip

    def listing_failed(self, failure: Failure) -> Iterator[Request]:
        """A listing page lost after Scrapy's retries (a server error, no answer): what it lists is not
        seen, so the crawl is no complete one (the next follows every listing again); so is one Scrapy gave up on
        (`middlewares.lost`: a redirect loop, a compression bomb). A listing off the portal, forbidden by robots.txt
        or gone (4xx) lists nothing.
        Its series goes on (`_next_page`)."""
        arguments = failure.request.cb_kwargs  # type: ignore[attr-defined]
        if "series" in arguments:
            yield from self._next_page(arguments["profile"], arguments["page"], arguments["series"])
        error = failure.value
        skipped = isinstance(error, IgnoreRequest) and not lost(error)  # off the portal, robots.txt, gone (4xx)
        if skipped and not (isinstance(error, HttpError) and error.response.status >= 500):
            return
        self.listing_lost(failure.request.url, failure.request.meta.get(PORTAL), failure.getErrorMessage())  # type: ignore[attr-defined]

    def listing_lost(self, url: str, portal: str | None, why: object) -> None:
        """A listing lost (Scrapy gave up on its page, or the worker process reading it died): counted
        (`finnews/failed/listing`), said, and its portal not crawled completely."""
        self.crawler.stats.inc_value("finnews/failed/listing")
        self._incomplete(portal)
        logger.error("listing lost: %s (%s)", url, why)
