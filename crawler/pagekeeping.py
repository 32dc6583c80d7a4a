"""KeepPagesMiddleware: a crawl keeps the pages it fetched and refetches them conditionally (Scrapy glue).

The spider marks the requests whose page is worth keeping (`meta[KEEP]`: an article page, a page its
content classifies, a read-count script; never a listing, which changes by the hour). Each such page,
as served (after decompression and redirects), goes to `crawler.pagestore.PageWriter` with its
validators. A request for a page already kept asks `If-None-Match` / `If-Modified-Since` with the kept
validators (article pages only: a listing classified by its content must be read again), read for the
crawl's portals in one query when the crawl opens, so no request waits on the database; a 304 answer
keeps the stored article as it is: the request ends as `NotModified` (stat `finnews/not_modified`).
`FINNEWS_KEEP_PAGES=off` turns all of it off; `N` days prunes older pages when a crawl opens.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from scrapy import Request, Spider, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from sqlalchemy import Engine

from crawler import db
from crawler.middlewares import PORTAL
from crawler.pagestore import ARTICLE, KeptPage, PageWriter, Retention, prune, stored_validators
from crawler.vocabulary import SHANGHAI

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: Request meta: the kind of page to keep (`crawler.pagestore.ARTICLE`, `PAGE`, `COUNTER`, `PART`).
KEEP = "finnews_keep"
#: Request meta: whether the request asks for the page only if modified (set here); a request that sets it
#: False itself is fetched whole (a read-count refresh: the count may change where the page does not).
CONDITIONAL = "finnews_conditional"


class NotModified(IgnoreRequest):
    """The portal answered 304 to a conditional refetch: the page kept, and its article, stand."""


class KeepPagesMiddleware:
    """Keeps marked pages (`meta[KEEP]`) and refetches kept article pages conditionally."""

    def __init__(self, db_url: str, retention: Retention, stats: StatsCollector) -> None:
        self.db_url = db_url
        self.engine: Engine | None = None  # opened with the spider: the storage pipeline reports a bad database
        self.retention = retention
        self.stats = stats
        self.writer: PageWriter | None = None
        self.validators: dict[str, tuple[str | None, str | None]] = {}  # by URL: the kept pages' (ETag, Last-Modified)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KeepPagesMiddleware:
        retention = Retention.parse(crawler.settings.get("FINNEWS_KEEP_PAGES"))
        if not retention.keep:
            raise NotConfigured("FINNEWS_KEEP_PAGES=off")
        assert crawler.stats is not None
        middleware = cls(db.database_url(crawler.settings.get("FINNEWS_DB_URL")), retention, crawler.stats)
        crawler.signals.connect(middleware.spider_opened, signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.engine = db.make_engine(self.db_url)
        pruned = prune(self.engine, self.retention, datetime.now(SHANGHAI))
        if pruned:
            logger.info("%d kept pages older than %s days deleted (FINNEWS_KEEP_PAGES)", pruned, self.retention.days)
        portals = getattr(spider, "profiles", None)
        self.validators = stored_validators(self.engine, None if portals is None else [p.name for p in portals])
        self.writer = PageWriter(self.engine)

    def spider_closed(self, spider: Spider) -> None:
        if self.writer is not None:
            self.writer.close()
            self.stats.set_value("finnews/pages/kept", self.writer.written)
        if self.engine is not None:
            self.engine.dispose()

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.engine is None or request.meta.get(KEEP) != ARTICLE or request.meta.get(CONDITIONAL) is not None:
            return
        kept = self.validators.get(request.url)
        request.meta[CONDITIONAL] = kept is not None
        if kept is not None:
            etag, last_modified = kept
            if etag:
                request.headers.setdefault(b"If-None-Match", etag.encode("latin-1"))
            if last_modified:
                request.headers.setdefault(b"If-Modified-Since", last_modified.encode("latin-1"))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        kind = request.meta.get(KEEP)
        if response.status == 304 and request.meta.get(CONDITIONAL):
            self.stats.inc_value("finnews/not_modified")
            raise NotModified(f"not modified since it was kept: {request.url}")
        if kind and response.status == 200 and self.writer is not None:
            self.writer.submit(
                KeptPage(
                    url=request.meta.get("redirect_urls", [request.url])[0],
                    site=request.meta.get(PORTAL) or "",
                    kind=kind,
                    response_url=response.url,
                    status=response.status,
                    content_type=_header(response, b"Content-Type"),
                    last_modified=_header(response, b"Last-Modified"),
                    etag=_header(response, b"ETag"),
                    listing_date=request.cb_kwargs.get("listing_date"),
                    fetched_at=datetime.now(SHANGHAI),
                    content=response.body,
                )
            )
        return response


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
