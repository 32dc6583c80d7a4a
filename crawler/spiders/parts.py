"""What the portal spider's mixins (`articles`, `discovery`, `extraction`, `pageseries`) use of the spider and of
one another: one list, so that a mixin's calls are type-checked against the methods that answer them.

The spider's state is set by `PortalSetup` (`crawler.spiders.portalsetup`); the routing methods are
`PortalSpider`'s (`crawler.spiders.portal`). A mixin subclasses `Mixin`: `SpiderParts` for the type checker,
a plain object at run time (a Protocol base would give the spider the Protocol's metaclass and `__init__`).
The spider names `PortalSetup` before its mixins, so that what it sets is found before the Protocol's
declarations (else the type checker takes the spider for an abstract class).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from parsel import Selector
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response, TextResponse
    from scrapy.settings import BaseSettings

    from crawler import incremental, profiles
    from crawler.scope import Scope
    from crawler.seen import SeenUrls
    from crawler.spiders.articles import WaitingArticle
    from crawler.spiders.pageseries import Place
    from crawler.workers import Workers


_Reading = TypeVar("_Reading")


class SpiderParts(Protocol):
    """The parts of `PortalSpider` its mixins call: its state, and the methods that make its requests."""

    crawler: Crawler
    settings: BaseSettings
    plan: incremental.CrawlPlan
    requested: SeenUrls
    related_seen: set[int]  # links weighed on an earlier article page of their portal (`articles._new_links`)
    waiting: list[WaitingArticle]  # article pages to fetch, not yet requested (`articles._article_request`)
    scheduled_articles: int  # requests of `articles._waiting_requests` in the scheduler
    extraction_processes: int

    def scope(self, portal: str | None) -> Scope: ...

    def _incomplete(self, *portals: str | None) -> None: ...

    def parse_listing(
        self, response: Response, profile: profiles.Profile, page: int = 0, series: Place | None = None
    ) -> Iterator[Request]: ...

    def parse_listing_in_worker(
        self, response: Response, profile: profiles.Profile, page: int = 0, series: Place | None = None
    ) -> AsyncIterator[Request]: ...

    def _article_request(
        self, url: str, profile: profiles.Profile, listing_date: str | None, known: bool = True
    ) -> Iterator[Request]: ...

    def _listing_request(
        self, url: str, profile: profiles.Profile, known: bool = True, page: int = 0, series: Place | None = None
    ) -> Request: ...

    def parse_page(
        self, response: Response, profile: profiles.Profile, listing_date: str | None = None
    ) -> Iterator[Any]: ...

    def _may_follow_listing(self, profile: profiles.Profile) -> bool: ...

    def _selector(self, response: TextResponse) -> Selector: ...

    def _count_repairs(self, repairs: tuple[str, ...], encoding: str, url: str) -> None: ...

    def start_extraction(self) -> Workers: ...

    async def read_in_worker(
        self, reader: Callable[..., _Reading], response: TextResponse, *arguments: Any
    ) -> _Reading: ...

    @property
    def extraction(self) -> Workers | None: ...


if TYPE_CHECKING:
    Mixin = SpiderParts
else:
    Mixin = object
