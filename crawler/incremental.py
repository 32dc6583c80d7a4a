"""Incremental crawls: which pages a crawl need not fetch again, when a stored page is due for a read-count
refresh, and when a listing's pagination may stop.

Once a portal has been crawled into the database, a crawl fetches only what changed:

- **Known pages are not fetched again** (stat `finnews/skipped_known`): the pages stored as articles or
  reprints, and the URLs that redirected to them (`pages`, `crawler.pagestore`). Except when one is **due
  for a read-count refresh**: at each delay of `FINNEWS_REFRESH_AFTER` after its publication (1 h, 6 h,
  24 h and 3 d by default) that passed since it was last fetched, the page is fetched again (stat
  `finnews/refreshed`), which stores a new view snapshot. Only pages with a read count are refreshed;
  after the last delay, never.
- **A listing's pagination stops** at a page whose main list holds only known articles not due for a
  refresh (or only articles older than `since`; stat `finnews/pagination_stopped`). A listing page that
  still holds a new (or due) article is followed on, one page at a time, so a new article is never missed.
- Only after a **complete** crawl of the portal (it ended `finished`, no page limit or `since` cut it short,
  no listing or article page was lost): after an interrupted crawl the next follows every listing to its
  end again (a catch-up, still without fetching known pages), since the articles behind where the last
  crawl stopped were never stored. Each run records the portals it crawled (`finnews/portals`) and those it
  crawled completely (`finnews/complete`) in its stats (`crawl_runs`).
- `-a since=2024-09-01` (or `3d`, `12h`) skips articles whose listing date is older (stat
  `finnews/skipped_old`) on any crawl; `-a full=1` fetches everything again.

What the database knows is read once per crawl, before the first request, from a thread (`load_known`);
the spider's questions (`CrawlPlan.decide`, `CrawlPlan.stops_paging`) are set lookups, never a query.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from crawler.extract.urls import scheme_twin
from crawler.models import SHANGHAI, ArticleRow, CrawlRun, PageRow, ReprintRow
from crawler.normalize.dates import parse_published_at
from crawler.runs import HOST, PID

logger = logging.getLogger(__name__)

#: What `CrawlPlan.decide` says of an article link: fetch it (new), fetch it again (a read-count refresh),
#: or skip it (stored already, or older than `since`). The skips are also their stats' names.
FETCH, REFRESH, SKIP_KNOWN, SKIP_OLD = "fetch", "refresh", "finnews/skipped_known", "finnews/skipped_old"
#: Run stats: the portals a run crawled, and those it crawled completely (comma-separated names).
PORTALS_STAT, COMPLETE_STAT = "finnews/portals", "finnews/complete"
#: The finish reason of a run that ended normally.
FINISHED = "finished"
#: How many of the latest runs are read to find each portal's last crawl.
RUNS_READ = 500

_DURATION = re.compile(r"\s*(\d+)\s*(m|min|h|d|w)\s*", re.IGNORECASE)
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> timedelta:
    """`30m`, `6h`, `3d`, `2w` as a timedelta; ValueError for anything else.

    >>> parse_duration("6h"), parse_duration(" 3d ")
    (datetime.timedelta(seconds=21600), datetime.timedelta(days=3))
    >>> parse_duration("3")
    Traceback (most recent call last):
    ValueError: '3' is no duration such as 30m, 6h, 3d, 2w
    """
    found = _DURATION.fullmatch(text)
    if found is None:
        raise ValueError(f"{text!r} is no duration such as 30m, 6h, 3d, 2w")
    return timedelta(seconds=int(found.group(1)) * _UNITS[found.group(2).lower()])


def parse_since(text: str, now: datetime) -> datetime:
    """The cut-off `-a since=` names: a date or time (`2024-09-01`, `2024-09-01 08:00`, Beijing time) or a
    duration back from `now` (`3d`, `12h`); ValueError for anything else.

    >>> now = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
    >>> parse_since("3d", now).isoformat(), parse_since("2024-09-01", now).isoformat()
    ('2024-09-02T12:00:00+08:00', '2024-09-01T00:00:00+08:00')
    """
    if _DURATION.fullmatch(text):
        return now - parse_duration(text)
    moment = parse_published_at(text, now=now)
    if moment is None:
        raise ValueError(f"-a since: {text!r} is neither a date (2024-09-01) nor a duration back from now (3d)")
    return moment


@dataclass(frozen=True)
class RefreshSchedule:
    """When a stored page's read count is read again: each of `after` past its publication, once."""

    after: tuple[timedelta, ...]

    @classmethod
    def parse(cls, text: str | Iterable[str] | None) -> RefreshSchedule:
        """`1h,6h,24h,3d` (a setting's text or list); empty or `off`: no refreshes.

        >>> RefreshSchedule.parse("6h, 1h").after
        (datetime.timedelta(seconds=3600), datetime.timedelta(seconds=21600))
        >>> RefreshSchedule.parse("off").after
        ()
        """
        parts = text.split(",") if isinstance(text, str) else list(text or [])
        parts = [part.strip() for part in parts if part.strip()]
        if parts in (["off"], ["0"]):
            return cls(())
        return cls(tuple(sorted(parse_duration(part) for part in parts)))

    def due(self, published: datetime | None, last_fetched: datetime, now: datetime) -> bool:
        """Whether a page published at `published` and last fetched at `last_fetched` is due at `now`: a
        refresh time has come since it was last fetched.

        >>> schedule, published = RefreshSchedule.parse("1h,6h"), datetime(2024, 9, 3, 8, 0, tzinfo=SHANGHAI)
        >>> hour = timedelta(hours=1)
        >>> schedule.due(published, published + hour / 2, published + 2 * hour)  # 1 h came after the fetch
        True
        >>> schedule.due(published, published + 2 * hour, published + 3 * hour)  # next: 6 h, not yet
        False
        >>> schedule.due(published, published + 7 * hour, published + 900 * hour)  # after the last: never
        False
        """
        if published is None:
            return False
        return any(last_fetched < published + delay <= now for delay in self.after)


@dataclass
class KnownPages:
    """What the database knows of one portal when a crawl starts."""

    urls: set[str] = field(default_factory=set)  # stored pages, and URLs that redirected to them
    due: set[str] = field(default_factory=set)  # those due for a read-count refresh
    complete: bool = False  # the portal's last crawl was complete: pagination may stop at known pages

    def spelling(self, url: str) -> str | None:
        """The known URL that is `url`: itself, or its `urls.scheme_twin` (a site's links mix http and https);
        None if neither is known."""
        if url in self.urls:
            return url
        twin = scheme_twin(url)
        return twin if twin is not None and twin in self.urls else None


class CrawlPlan:
    """The incremental rule of one crawl, over what the database knew when it started (`load_known`)."""

    def __init__(
        self,
        known: Mapping[str, KnownPages],
        since: datetime | None = None,
        full: bool = False,
        now: datetime | None = None,
    ) -> None:
        self.known = {} if full else dict(known)
        self.since = since
        self.now = now or datetime.now(SHANGHAI)

    def mode(self, portal: str) -> str:
        """`full` (nothing known), `catch-up` (pages known, the last crawl incomplete) or `incremental`."""
        known = self.known.get(portal)
        if known is None or not known.urls:
            return "full"
        return "incremental" if known.complete else "catch-up"

    def incremental(self, portal: str) -> bool:
        """Whether listings of `portal` stop at pages holding nothing new."""
        return self.mode(portal) == "incremental"

    def decide(self, portal: str, url: str, listing_date: str | None = None) -> str:
        """FETCH, REFRESH, SKIP_KNOWN or SKIP_OLD for the article link `url` (with the date its listing shows)."""
        known = self.known.get(portal)
        if known is not None and (stored := known.spelling(url)) is not None:
            return REFRESH if stored in known.due else SKIP_KNOWN
        if self.older_than_since(url, listing_date):
            return SKIP_OLD
        return FETCH

    def older_than_since(self, url: str, listing_date: str | None) -> bool:
        """Whether the listing date shown beside `url` is before `since` (no date, or none readable: no)."""
        if self.since is None or not listing_date:
            return False
        moment = parse_published_at(listing_date, now=self.now, url=url)
        return moment is not None and moment < self.since

    def stops_paging(self, portal: str, listed: Mapping[str, str | None]) -> bool:
        """Whether a listing page whose main list is `listed` (article URL -> date shown) ends its listing:
        it lists articles, and every one is known and not due for a refresh (an incremental crawl), or older
        than `since`."""
        if not listed:
            return False
        known = self.known.get(portal) if self.incremental(portal) else None
        return all(
            (known is not None and (stored := known.spelling(url)) is not None and stored not in known.due)
            or self.older_than_since(url, date)
            for url, date in listed.items()
        )


def load_known(
    engine: Engine, portals: Iterable[str], schedule: RefreshSchedule, now: datetime, owner: Mapping[str, Any]
) -> dict[str, KnownPages]:
    """What the database knows of each of `portals`: its stored pages, those due for a refresh, and whether
    its last crawl (not the running one, whose run's stats name this process: `owner`) was complete."""
    portals = list(portals)
    known = {portal: KnownPages() for portal in portals}
    with engine.connect() as connection:
        for model in (ArticleRow, ReprintRow):
            query = select(model.url, model.site, model.published_at, model.crawled_at, model.views).where(
                model.site.in_(portals)
            )
            for url, site, published, crawled, views in connection.execute(query):
                known[site].urls.add(url)
                if views is not None and schedule.due(published, crawled, now):
                    known[site].due.add(url)
        redirects = select(PageRow.url, PageRow.response_url, PageRow.site).where(
            PageRow.site.in_(portals), PageRow.url != PageRow.response_url
        )
        for url, response_url, site in connection.execute(redirects):
            if response_url in known[site].urls:
                known[site].urls.add(url)
        runs = connection.execute(
            select(CrawlRun.finish_reason, CrawlRun.stats).order_by(CrawlRun.id.desc()).limit(RUNS_READ)
        ).all()
    for portal, pages in known.items():
        pages.complete = _last_crawl_complete(portal, runs, owner)
    return known


def _last_crawl_complete(portal: str, runs: Iterable[Any], owner: Mapping[str, Any]) -> bool:
    """Whether the latest run (newest first) that crawled `portal`, or may have (an unfinished run of
    another process, an interrupted one, one of an older finnews), crawled it completely."""
    for reason, stats in runs:
        stats = stats or {}
        if reason is None and all(stats.get(key) == owner.get(key) for key in (HOST, PID)):
            continue  # the running crawl's own run
        if PORTALS_STAT in stats and portal not in _names(stats[PORTALS_STAT]):
            continue
        return reason == FINISHED and portal in _names(stats.get(COMPLETE_STAT))
    return False


def _names(value: Any) -> set[str]:
    return set(str(value or "").split(","))
