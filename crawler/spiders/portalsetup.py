"""The portal spider's set-up: its arguments (`-a site=`, `start_url=`, `portals=`, `allow=`, `full=`,
`since=`; see `crawler.spiders.portal`), the profiles and scopes they name, the settings it reads once, and
what the database knows of its portals (the incremental plan `start` reads before the first request).

`PortalSetup` is the base of `PortalSpider`: the state it sets here is what the spider's routing and its
mixins (articles, discovery, a listing's series of pages) read.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler import db, distributed, incremental, profiles
from crawler.extract.urls import canonical_url
from crawler.extract.urlshapes import UrlShapes
from crawler.models import SHANGHAI
from crawler.profiles import portal_list
from crawler.runs import this_process
from crawler.scope import Scope
from crawler.seen import SeenUrls
from crawler.spiders.articles import WaitingArticle

logger = logging.getLogger("crawler.spiders.portal")  # one logger for the spider's lines


class PortalSetup(Spider):
    """What a portal crawl is set to fetch, and what it knows before it starts."""

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
        self.scheduled_articles = 0  # of those, requested and not yet downloaded (`articles.left_scheduler`)
        self.extraction_processes = extraction_processes

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        if crawler.settings.getint("FINNEWS_MAX_PAGINATION") < 1:
            raise ValueError("FINNEWS_MAX_PAGINATION must be at least 1 (a 尾页 link may name page 10**12)")
        kwargs["profile_dirs"] = crawler.settings.get("FINNEWS_PROFILE_DIRS")  # the settings, never -a
        kwargs["refresh_after"] = crawler.settings.get("FINNEWS_REFRESH_AFTER")
        kwargs["extraction_processes"] = crawler.settings.getint("FINNEWS_EXTRACTION_PROCESSES")
        return super().from_crawler(crawler, *args, **kwargs)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        distributed.configure(settings)  # FINNEWS_REDIS_URL: one crawl shared by several processes

    def scope(self, portal: str | None) -> Scope:
        """What requests of `portal` may fetch (None: a request of no portal, such as robots.txt's)."""
        return self.scopes.get(portal, self.crawl_scope) if portal else self.crawl_scope

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
