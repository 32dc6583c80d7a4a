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

Near 400 lines: the spider's set-up (arguments, profiles, scopes, the incremental plan) and its routing of
listings and the requests they lead to, one flow read top to bottom. What a page gives is already in mixins
of its own (article pages and the requests for them: `articles`, discovery: `discovery`, a listing's series
of pages: `pageseries`); the next to move out is the set-up (`__init__`, `from_crawler`, `start`'s reading
of the database) into a module of its own.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any, Self
from urllib.parse import urlsplit

from parsel import Selector
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler import db, distributed, incremental, profiles
from crawler.extract.category import site_name
from crawler.extract.kind import ARTICLE, page_kind
from crawler.extract.links import Link, is_document, on_site, site_links
from crawler.extract.mainlist import MainList, main_list
from crawler.extract.page import (
    BAD_BYTES,
    REPAIRED,
    page_selector,
)
from crawler.extract.pagination import next_pages, pagination
from crawler.extract.urls import canonical_url
from crawler.extract.urlshapes import UrlShapes
from crawler.middlewares import PORTAL
from crawler.models import SHANGHAI
from crawler.profiles import portal_list
from crawler.runs import this_process
from crawler.scope import Scope
from crawler.seen import SeenUrls, recorded
from crawler.spiders import pageseries
from crawler.spiders.articles import ArticlePages, WaitingArticle
from crawler.spiders.discovery import Discovery
from crawler.spiders.pageseries import ListingPages

logger = logging.getLogger(__name__)


class PortalSpider(ArticlePages, ListingPages, Discovery, Spider):
    name = "portal"

    def __init__(
        self,
        site: str | None = None,
        start_url: str | None = None,
        allow: str | None = None,
        full: str | None = None,
        since: str | None = None,
        portals: str | None = None,
        profile_dirs: profiles.ProfileDirs = None,
        refresh_after: str | None = None,
        extraction_processes: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not site and not start_url and not portals:
            raise ValueError("give -a site=NAME (or all) and/or -a start_url=URL[,URL...], or -a portals=FILE")
        self.profiles = _profiles(site, start_url, profile_dirs) if site or start_url else []
        self.bad_lines: list[portal_list.BadLine] = []
        if portals:
            listed, self.bad_lines = portal_list.read(portals, profile_dirs, taken={p.name for p in self.profiles})
            self.profiles += listed
        self.site = site or (",".join(p.name for p in self.profiles) if portals else None)
        allowed = [host.strip() for host in (allow or "").split(",")]
        self.scopes = {p.name: Scope.of([*p.start_urls, *p.allow, *allowed]) for p in self.profiles}
        self.crawl_scope = Scope(frozenset(), frozenset())
        for scope in self.scopes.values():
            self.crawl_scope |= scope
        self.listing_pages: dict[str, int] = {}
        # URLs already requested (or skipped), shared with the dupefilter: `crawler.seen`.
        self.requested = SeenUrls([canonical_url(url) for profile in self.profiles for url in profile.start_urls])
        self.full = (full or "").strip().lower() not in ("", "0", "false", "no")
        cutoff = incremental.parse_since(since, datetime.now(SHANGHAI)) if since else None
        self.plan = incremental.CrawlPlan({}, cutoff)  # until `start` has read what the database knows
        self.schedule = incremental.RefreshSchedule.parse(refresh_after)
        self.incomplete: set[str] = set()  # portals this run does not crawl completely (crawler.incremental)
        # Per portal: the article-URL shapes its listings' dated links show (`extract.urlshapes`).
        self.url_shapes: dict[str, UrlShapes] = {profile.name: UrlShapes() for profile in self.profiles}
        # Links of article pages (相关推荐, 上一篇/下一篇, nav bars) already weighed on another article page of
        # their portal: most of a page's links were, and reading a page's site links costs ~0.7 ms.
        self.related_seen: set[int] = set()
        self.waiting: list[WaitingArticle] = []  # article pages to fetch, not yet requested (`articles`)
        self.scheduled_articles = 0
        self.extraction_processes = extraction_processes
        self._extraction: ProcessPoolExecutor | None = None  # started with the first article page

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        if crawler.settings.getint("FINNEWS_MAX_PAGINATION") < 1:
            raise ValueError("FINNEWS_MAX_PAGINATION must be at least 1 (a 尾页 link may name page 10**12)")
        kwargs["profile_dirs"] = crawler.settings.get("FINNEWS_PROFILE_DIRS")  # the settings, never -a
        kwargs["refresh_after"] = crawler.settings.get("FINNEWS_REFRESH_AFTER")
        kwargs["extraction_processes"] = crawler.settings.getint("FINNEWS_EXTRACTION_PROCESSES")
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.stop_extraction, signals.spider_closed)
        crawler.signals.connect(spider.page_dropped, signals.request_dropped)
        crawler.signals.connect(spider.idle, signals.spider_idle)
        crawler.signals.connect(spider.left_scheduler, signals.request_reached_downloader)
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        distributed.configure(settings)  # FINNEWS_REDIS_URL: one crawl shared by several processes

    def scope(self, portal: str | None) -> Scope:
        """What requests of `portal` may fetch (None: a request of no portal, such as robots.txt's)."""
        return self.scopes.get(portal, self.crawl_scope) if portal else self.crawl_scope

    async def start(self) -> AsyncIterator[Any]:
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
                        callback=self.parse_listing,
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
        series: tuple[pageseries.Series, int] | None = None,
    ) -> Iterator[Request]:
        """A listing page, `page` pages behind its listing's first; of a series of pages (`_queue_pages`), the
        one at its index."""
        yield from self._next_page(profile, page, series)  # before its articles: they are fetched before it
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("finnews/skipped/non_html")
            return
        selector = self._selector(response)
        links = site_links(selector, response.url, profile.host)
        yield from self._listing(response, selector, profile, links, main_list(links), page, series)

    def parse_page(
        self, response: Response, profile: profiles.Profile, listing_date: str | None = None
    ) -> Iterator[Any]:
        """A page whose URL its profile does not classify: an article or a listing by its content."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("finnews/skipped/non_html")
            return
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
            yield from self._article(response, selector, profile, listing_date)
        else:
            yield from self._listing(response, selector, profile, links, main)

    def _listing(
        self,
        response: TextResponse,
        selector: Selector,
        profile: profiles.Profile,
        links: list[Link],
        main: MainList,
        page: int = 0,
        series: tuple[pageseries.Series, int] | None = None,
    ) -> Iterator[Request]:
        """Requests for what a listing links to: the articles of its main list (with the date shown beside
        each), its other pages, and the other pages of the site its nav bars and widgets link to."""
        self.crawler.stats.inc_value("finnews/pages/listing")
        if profile.site_name is None:  # a portal known by its URL only: its name from its home page
            name = site_name(selector.xpath("//title/text()").get())
            if name:
                profile = dataclasses.replace(profile, site_name=name)
                logger.info("%s calls itself %s", profile.name, name)
        yield from self.feeds_on_page(selector, response.url, profile)
        max_pages = self.settings.getint("FINNEWS_MAX_PAGINATION")
        pages = pagination(links, response.url, max_pages)
        paging = set(pages)
        shapes = self.url_shapes[profile.name]
        if profile.classify_by_content:
            shapes.learn(url for url, date in main.dates.items() if date)
        listed = {
            url: date for url, date in main.dates.items() if profile.is_article(url) or profile.classify_by_content
        }
        if self.plan.stops_paging(profile.name, listed):  # nothing new on this page: nor behind it
            self.crawler.stats.inc_value("finnews/pagination_stopped")
            pages = []
        elif self.plan.incremental(profile.name):  # new articles here: the next page may hold more
            pages = next_pages(pages, response.url)
        for url, _ in links:
            if url in self.requested or url in paging or profile.is_denied(url) or is_document(url):
                continue
            if url not in main.dates and not on_site(url, profile.host):  # another host of the domain: its
                continue  # main-list articles are followed, not its nav bars
            # An article by its URL: the profile's pattern, or the shape of the site's dated listing links
            # (listed or not); with `since`, only the dated ones a list shows.
            shaped = not profile.is_article(url) and shapes.matches(url)
            if (profile.is_article(url) or shaped) and (url in main.dates or self.plan.since is None):
                if shaped:
                    self.crawler.stats.inc_value("finnews/links/by_url_shape")
                yield from self._article_request(url, profile, main.dates.get(url))
            elif url in main.dates and profile.classify_by_content:  # listed, at a URL of no known pattern
                yield from self._article_request(url, profile, main.dates[url], known=False)
            elif profile.is_listing(url) and self._may_follow_listing(profile):  # nav bars, widgets, footers
                yield self._listing_request(url, profile, known=not profile.classify_by_content)
        if series is not None:  # its series' pages are queued by the series
            pages = [url for url in pages if not pageseries.holds(series[0], url)]
        pages = [url for url in pages if url not in self.requested and not profile.is_denied(url)]
        if pages and page + 1 > max_pages:
            self.crawler.stats.inc_value("finnews/pagination_limit", len(pages))
            self._incomplete(profile.name)
            logger.info("pagination stops at %s pages of %s (FINNEWS_MAX_PAGINATION)", max_pages, response.url)
            pages = []
        yield from self._queue_pages(pages, profile, page + 1)
        yield from self._waiting_requests()  # when no link of this page was new

    def _listing_request(
        self,
        url: str,
        profile: profiles.Profile,
        known: bool = True,
        page: int = 0,
        series: tuple[pageseries.Series, int] | None = None,
    ) -> Request:
        """A request for a listing page (`page` pages behind its listing's first; at an index of a series of
        pages, `_queue_pages`), or (not `known`) for a page its content will classify."""
        self.requested.add(url)
        arguments: dict[str, Any] = {"profile": profile, "page": page} if known else {"profile": profile}
        if series is not None:
            arguments["series"] = series
        return recorded(
            Request(
                url,
                callback=self.parse_listing if known else self.parse_page,
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
        bad bytes in a page of a right charset are U+FFFD where they are (stat `finnews/bad_bytes`)."""
        selector, repair, encoding = page_selector(response)
        self._count_repair(repair, encoding, response.url)
        return selector

    def _count_repair(self, repair: str | None, encoding: str, url: str) -> None:
        if repair == REPAIRED:
            self.crawler.stats.inc_value("finnews/charset_repaired")
            logger.info("charset repaired (%s) on %s", encoding, url)
        elif repair == BAD_BYTES:
            self.crawler.stats.inc_value("finnews/bad_bytes")
            logger.info("bytes that are no %s on %s: read as U+FFFD", encoding, url)

    def listing_failed(self, failure: Failure) -> Iterator[Request]:
        """A listing page lost after Scrapy's retries (a server error, no answer): what it lists is not
        seen, so the crawl is no complete one (the next follows every listing again). A listing off the
        portal, forbidden by robots.txt or gone (4xx) lists nothing. Its series goes on (`_next_page`)."""
        arguments = failure.request.cb_kwargs  # type: ignore[attr-defined]
        if "series" in arguments:
            yield from self._next_page(arguments["profile"], arguments["page"], arguments["series"])
        error = failure.value
        if isinstance(error, IgnoreRequest) and not (isinstance(error, HttpError) and error.response.status >= 500):
            return
        self.crawler.stats.inc_value("finnews/failed/listing")
        self._incomplete(failure.request.meta.get(PORTAL))  # type: ignore[attr-defined]
        logger.error("listing lost: %s (%s)", failure.request.url, failure.getErrorMessage())  # type: ignore[attr-defined]

    # --- incremental crawls (crawler.incremental) ----------------------------------------------------

    def _read_plan(self) -> incremental.CrawlPlan:
        """What the database knows of the crawl's portals (run in a thread, before the first request): a
        database that cannot say makes the crawl a full one."""
        names = [profile.name for profile in self.profiles]
        now = datetime.now(SHANGHAI)
        known: dict[str, incremental.KnownPages] = {}
        if not self.full:
            try:
                engine = db.make_engine(self.settings.get("FINNEWS_DB_URL"), create=False)
                try:
                    known = incremental.load_known(engine, names, self.schedule, now, this_process())
                finally:
                    engine.dispose()
            except Exception as exc:
                logger.warning("a full crawl: the database cannot say what is stored (%s)", str(exc).splitlines()[0])
        plan = incremental.CrawlPlan(known, self.plan.since, self.full, now)
        for name in names:
            pages = known.get(name, incremental.KnownPages())
            logger.info(
                "%s: %s crawl (%d pages known, %d due for a refresh)",
                name,
                plan.mode(name),
                len(pages.urls),
                len(pages.due),
            )
        return plan

    def _incomplete(self, *portals: str | None) -> None:
        """`portals` are not crawled completely by this run (a page lost, a limit reached, a cut-off): the
        run's stats name the others (`finnews/complete`)."""
        self.incomplete.update(portal for portal in portals if portal)
        complete = [profile.name for profile in self.profiles if profile.name not in self.incomplete]
        self.crawler.stats.set_value(incremental.COMPLETE_STAT, ",".join(complete))


def _profiles(site: str | None, start_url: str | None, dirs: profiles.ProfileDirs) -> list[profiles.Profile]:
    start_urls = [url.strip() for url in (start_url or "").split(",") if url.strip()]
    for url in start_urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise ValueError(f"-a start_url: {url!r} is not an http(s) URL")
    if site is None:
        return [profiles.generic(urlsplit(url).netloc, [url]) for url in start_urls]
    names = profiles.available(dirs) if site == "all" else site.split(",")
    if not names:
        raise profiles.ProfileError("-a site=all: no profile found (set FINNEWS_PROFILE_DIRS to your profile folders)")
    loaded = [profiles.load(name, dirs) for name in names]
    if start_urls:
        if len(loaded) == 1:
            return [profiles.replace_start_urls(loaded[0], start_urls)]
        if len(loaded) != len(start_urls):
            raise ValueError("-a start_url with several profiles needs one URL per profile, in order")
        return [profiles.replace_start_urls(p, [url]) for p, url in zip(loaded, start_urls, strict=True)]
    return loaded
