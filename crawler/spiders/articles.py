"""Article pages of the portal spider (a mixin of `PortalSpider`): requested (waiting in the spider until
Scrapy's scheduler has room for them, `_article_request`), read in the crawl's process or in worker
processes (FINNEWS_EXTRACTION_PROCESSES), their related links followed, their read counts fetched, a "not
found" page or a dead link given as `Gone`, a lost one logged and counted. The spider routes;
`crawler.extract.page` reads."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from typing import Any, NamedTuple

from parsel import Selector
from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import incremental, profiles
from crawler.blocking import BlockedPage
from crawler.extract.kind import is_gone
from crawler.extract.links import is_document, on_site, site_urls
from crawler.extract.page import add_part, read_article, read_fetched_article
from crawler.extract.pagefacts import document_base, page_hrefs
from crawler.extract.urls import absolute_url, canonical_url
from crawler.items import Article, Gone
from crawler.middlewares import PORTAL, OffPortalRequest, lost, refused
from crawler.models import SHANGHAI
from crawler.pagekeeping import CONDITIONAL, KEEP, NotModified
from crawler.pagestore import ARTICLE as KEEP_ARTICLE
from crawler.pagestore import COUNTER, PAGE, PART
from crawler.seen import recorded
from crawler.spiders.parts import Mixin
from crawler.workers import WorkerLost

logger = logging.getLogger("crawler.spiders.portal")  # one logger for the spider's lines

#: The most a read-count script may weigh: it writes a number (`document.write('11003')`).
COUNTER_MAXSIZE = 16 * 1024
#: About this many requests for article pages wait in Scrapy's scheduler (a few more where callbacks' outputs
#: interleave); the others wait in the spider (`ArticlePages.waiting`, ~200 bytes a page, where a request in
#: the queue took ~1.2 KB).
SCHEDULED_ARTICLES = 64
#: Meta key of a request for an article page that waited in the spider, until it leaves the scheduler.
WAITED = "finnews_waited"
#: The priority of those requests in the scheduler: above the listings' and sitemaps' (0).
ARTICLE_PRIORITY = 1
#: The priority of a read-count script's request, which holds its article's item: above any page's.
COUNTER_PRIORITY = 2
#: The most links `_new_links` remembers (~4 MB); then it forgets them all, so that a crawl's memory stays flat
#: however many pages it reads (a link forgotten is weighed once more, and the spider's requested set drops it).
RELATED_SEEN_LIMIT = 50_000


class WaitingArticle(NamedTuple):
    """An article page to fetch (`ArticlePages._article_request`), waiting in the spider."""

    url: str
    profile: profiles.Profile
    listing_date: str | None
    refresh: bool  # fetched whole: its read count may change where the page does not
    known: bool  # an article by its URL (else a page its content will classify)


class ArticlePages(Mixin):
    """The article pages of a portal (a mixin of `PortalSpider`; what it uses of the spider: `crawler.spiders.parts`)."""

    def parse_article(self, response: Response, profile: profiles.Profile, listing_date: str | None) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("finnews/skipped/non_html")
            logger.warning("not an HTML page, skipped: %s", response.url)
            return
        yield from self._article(response, self._selector(response), profile, listing_date)

    async def parse_article_in_worker(
        self, response: Response, profile: profiles.Profile, listing_date: str | None
    ) -> AsyncIterator[Any]:
        """`parse_article` with the page read in a worker process (FINNEWS_EXTRACTION_PROCESSES) while the
        event loop goes on with other pages; read here while the workers start (else the crawl's first pages wait
        for them, and reach the database at once)."""
        workers = self.start_extraction()
        if not isinstance(response, TextResponse) or not workers.ready:
            for output in self.parse_article(response, profile, listing_date):
                yield output
            return
        try:
            reading = await self.read_in_worker(
                read_fetched_article, response, profile, listing_date, datetime.now(SHANGHAI)
            )
        except WorkerLost as lost:
            self.article_lost(response.url, profile.name, lost)
            return
        self.crawler.stats.inc_value("finnews/pages/read_in_worker")
        self._count_repairs(reading.repairs, reading.encoding, response.url)
        if reading.gone:
            yield self._gone(response, profile)
            return
        if reading.first_part is not None:
            for request in self._later_part(response.url, reading.first_part, profile, listing_date):
                yield request
            return
        for output in self._article_outputs(
            response.url, profile, reading.article, reading.failed, reading.counter_url, reading.hrefs, reading.base,
            reading.next_part,
        ):  # fmt: skip
            yield output

    def _article(
        self, response: TextResponse, selector: Selector, profile: profiles.Profile, listing_date: str | None
    ) -> Iterator[Any]:
        """What an article page gives (`_article_outputs`), the page read before the first is given: no frame
        keeps its parsed tree (~75 KB for a 6.5 KB sample page) while its article waits in the pipelines for
        the writer's commit, where hundreds of articles wait once the crawl outruns the database."""
        if is_gone(selector):  # the portal's "not found" page where an article was
            return iter([self._gone(response, profile)])
        raw, article = read_article(selector, response.url, profile, listing_date, datetime.now(SHANGHAI))
        if raw.first_part is not None:
            return self._later_part(response.url, raw.first_part, profile, listing_date)
        hrefs, base = page_hrefs(selector), document_base(selector, response.url)
        return self._article_outputs(
            response.url, profile, article, raw.failed, raw.counter_url, hrefs, base, raw.next_part
        )

    def _later_part(self, url: str, first: str, profile: profiles.Profile, listing_date: str | None) -> Iterator[Any]:
        """A later part of a paginated article reached as a page of its own (a listing, a sitemap or a related
        link naming "1234_2.html"): no article of its own. Its first part is read in its place (where not requested
        already, and not skipped as stored already), and reads this part after it."""
        self.crawler.stats.inc_value("finnews/parts/later_part")
        logger.info("a later part of %s, read with its first part: %s", first, url)
        if first not in self.requested and on_site(first, profile.host) and not profile.is_denied(first):
            yield from self._article_request(first, profile, listing_date)

    def _gone(self, response: Response, profile: profiles.Profile) -> Gone:
        """An article page that is the portal's "not found" page (`extract.kind.is_gone`)."""
        self.crawler.stats.inc_value("finnews/gone_page")
        logger.warning("article page says it is gone: %s", response.url)
        return Gone(response.url, profile.name, response.status, datetime.now(SHANGHAI))

    def _article_outputs(
        self,
        url: str,
        profile: profiles.Profile,
        article: Article,
        failed: list[str],
        counter_url: str | None,
        hrefs: Iterable[str],
        base: str,
        next_part: str | None,
    ) -> Iterator[Any]:
        """What an article page read gives: requests for its related links (or for article pages waiting since
        an earlier page, `_article_request`), then the request for its next part where it is paginated, or the
        article (or the request for its read count, which gives the article)."""
        self.crawler.stats.inc_value("finnews/pages/article")
        for failure in failed:
            self.crawler.stats.inc_value(f"finnews/failed/field/{failure.partition(':')[0]}")
            logger.warning("field lost on %s: %s", url, failure)
        if next_part is not None:
            self.requested.add(next_part)  # a part of this article: not one of its own
        if self.settings.getbool("FINNEWS_FOLLOW_RELATED") and self.plan.since is None:  # 相关推荐, 上一篇/下一篇 ...
            for link_url in site_urls(self._new_links(hrefs, base, profile), url, profile.host, base):
                if (
                    link_url not in self.requested
                    and on_site(link_url, profile.host)
                    and profile.is_article(link_url)
                    and not profile.is_denied(link_url)
                    and not is_document(link_url)
                ):
                    yield from self._article_request(link_url, profile, None)
        yield from self._waiting_requests()  # one page fewer in the scheduler: the next waiting, if any
        if next_part is not None:
            yield self._part_request(next_part, article, profile, url, counter_url)
        else:
            yield from self._finished(article, profile, counter_url)

    def _finished(self, article: Article, profile: profiles.Profile, counter_url: str | None) -> Iterator[Any]:
        """The article read whole, or the request for its read count, which gives the article."""
        if counter_url:
            yield Request(
                counter_url,
                callback=self.parse_counter,
                errback=self.counter_failed,
                cb_kwargs={"article": article},
                meta={PORTAL: profile.name, "download_maxsize": COUNTER_MAXSIZE, KEEP: COUNTER},
                dont_filter=True,
                priority=COUNTER_PRIORITY,
            )
        else:
            yield article

    def _article_request(
        self, url: str, profile: profiles.Profile, listing_date: str | None, known: bool = True
    ) -> Iterator[Request]:
        """Requests for article pages (or, not `known`, pages their content will classify): this one, where the
        incremental rule does not skip it (stored already, or older than `since`), and the latest others
        waiting, while fewer than SCHEDULED_ARTICLES of them are in Scrapy's scheduler.

        A large portal's listings and article pages' links (上一篇/下一篇, 相关推荐), followed depth first
        (the scheduler is last in, first out), leave thousands of article pages behind (6,800 at 100,000
        stories), each a request of ~1.2 KB in Scrapy's queue: here they wait as a `WaitingArticle`, in the
        same order. All go at once where the queue is not in this process's memory (JOBDIR's queue on disk,
        a crawl shared through Redis): the pages wait there, and outlive the process."""
        self.requested.add(url)
        decision = self.plan.decide(profile.name, url, listing_date)
        if decision in (incremental.SKIP_KNOWN, incremental.SKIP_OLD):
            self.crawler.stats.inc_value(decision)
            self.crawler.stats.inc_value(f"{decision}/{profile.name}")  # the portal's report counts them
        else:
            if decision == incremental.REFRESH:
                self.crawler.stats.inc_value("finnews/refreshed")
            self.waiting.append(WaitingArticle(url, profile, listing_date, decision == incremental.REFRESH, known))
        yield from self._waiting_requests()

    def _waiting_requests(self) -> Iterator[Request]:
        """Requests for the latest article pages waiting (`_article_request`), ahead of the listings' and
        sitemaps' requests in the scheduler: else the listings would be read first, each adding its pages
        to those waiting, and a sitemap naming every page of the portal early in the crawl."""
        scheduler = self.crawler.engine.scheduler if self.crawler.crawling else None
        if not isinstance(scheduler, Scheduler) or self.settings.get("JOBDIR"):
            while self.waiting:
                yield self._article_fetch(self.waiting.pop())
            return
        # The scheduler's own length bounds the count, should a request be lost on its way to the downloader.
        for _ in range(SCHEDULED_ARTICLES - min(self.scheduled_articles, len(scheduler))):
            if not self.waiting:  # taken by another callback, whose outputs Scrapy reads in turn with these
                return
            request = self._article_fetch(self.waiting.pop())
            request.meta[WAITED] = True
            request.priority = ARTICLE_PRIORITY
            self.scheduled_articles += 1
            yield request

    def _article_fetch(self, page: WaitingArticle) -> Request:
        meta: dict[str, Any] = {PORTAL: page.profile.name, KEEP: KEEP_ARTICLE if page.known else PAGE}
        if page.refresh:
            meta[CONDITIONAL] = False
        return recorded(
            Request(
                page.url,
                callback=(self.parse_article_in_worker if self.extraction_processes else self.parse_article)
                if page.known
                else self.parse_page,
                errback=self.article_failed,
                cb_kwargs={"profile": page.profile, "listing_date": page.listing_date},
                meta=meta,
            )
        )

    def article_dropped(self, request: Request) -> None:
        """An article page the scheduler dropped as requested already (signal `request_dropped`): where it
        redirected back to itself (a redirect loop, which Scrapy's duplicate filter ends before its redirect
        limit), its article is lost: counted and said. A redirect to another page requested already is none."""
        if request.callback in (self.parse_article, self.parse_article_in_worker, self.parse_page) and (
            canonical_url(request.url) in map(canonical_url, request.meta.get("redirect_urls", ()))
        ):
            self.crawler.stats.inc_value("finnews/failed/article")
            self._incomplete(request.meta.get(PORTAL))
            logger.error(
                "article lost: %s (a redirect loop: %s)", request.url, " -> ".join(request.meta["redirect_urls"])
            )

    def left_scheduler(self, request: Request) -> None:
        """A request reached the downloader (signal `request_reached_downloader`), or failed before (refused by
        robots.txt, off the portal): one article page fewer in the scheduler, if it is one (its retries and
        redirects, which copy its meta, are not)."""
        if request.meta.pop(WAITED, False):
            self.scheduled_articles -= 1

    def idle(self) -> None:
        """The crawl would end (signal `spider_idle`): the article pages still waiting go to the scheduler
        (as Scrapy's engine takes them: past the spider middlewares, so without a Referer header)."""
        if self.waiting:
            for request in self._waiting_requests():
                self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def _new_links(self, hrefs: Iterable[str], base: str, profile: profiles.Profile) -> list[str]:
        """The hrefs of an article page that no earlier article page of its portal had. An href is the same
        link on every page of a portal when it is absolute or rooted ("http://x.cn/a/1.html", "/a/1.html"); a
        relative one is the same link on pages of one `base` (`pagefacts.document_base`: the page's URL, or its
        `<base href>`). A link seen before gave what it gives: requested then, or refused by rules that stay
        the same for the crawl."""
        if len(self.related_seen) >= RELATED_SEEN_LIMIT:
            self.related_seen.clear()
        new = []
        for href in hrefs:
            key = hash((profile.name, href) if href.startswith(("http", "/")) else (base, href))
            if key not in self.related_seen:
                self.related_seen.add(key)
                new.append(href)
        return new

    def _part_request(
        self, url: str, article: Article, profile: profiles.Profile, first: str, counter_url: str | None
    ) -> Request:
        """The request for the next part of a paginated article, which holds the article read so far."""
        return Request(
            url,
            callback=self.parse_article_part,
            errback=self.article_part_failed,
            cb_kwargs={"article": article, "profile": profile, "first": first, "counter_url": counter_url},
            meta={PORTAL: profile.name, KEEP: PART},
            dont_filter=True,
            priority=COUNTER_PRIORITY,
        )

    def parse_article_part(
        self, response: Response, article: Article, profile: profiles.Profile, first: str, counter_url: str | None
    ) -> Iterator[Any]:
        """A later part of a paginated article ("1/3 下一页"): its text and images added to the article's, then the
        next part, or the article (`_finished`)."""
        if isinstance(response, TextResponse):
            raw, _ = read_article(self._selector(response), response.url, profile, None, datetime.now(SHANGHAI), first)
            add_part(article, raw)
            self.crawler.stats.inc_value("finnews/pages/article_part")
            if raw.next_part is not None:  # read even where a link of its own named it (`_later_part`)
                self.requested.add(raw.next_part)
                yield self._part_request(raw.next_part, article, profile, first, counter_url)
                return
        yield from self._finished(article, profile, counter_url)

    def article_part_failed(self, failure: Failure) -> Iterator[Any]:
        """A part of a paginated article lost after retries: the article is stored with the parts read."""
        arguments = failure.request.cb_kwargs  # type: ignore[attr-defined]
        article = arguments["article"]
        if not isinstance(failure.value, OffPortalRequest):
            self.crawler.stats.inc_value("finnews/failed/article_part")
            logger.warning("part of %s lost (%s): stored without it and what follows: %s",
                           article.url, failure.getErrorMessage(), failure.request.url)  # type: ignore[attr-defined]  # fmt: skip
        yield from self._finished(article, arguments["profile"], arguments["counter_url"])

    def parse_counter(self, response: Response, article: Article) -> Iterator[Article]:
        """The read count a CMS counter script writes (`document.write('11003');`)."""
        article.views_raw = response.text if isinstance(response, TextResponse) else None
        yield article

    def counter_failed(self, failure: Failure) -> Iterator[Article]:
        """The article without its read count (a counter off the portal is counted as such already)."""
        article = failure.request.cb_kwargs["article"]  # type: ignore[attr-defined]
        if not isinstance(failure.value, OffPortalRequest):
            self.crawler.stats.inc_value("finnews/counter_failed")
            logger.warning("read counter failed for %s: %s", article.url, failure.getErrorMessage())
        yield article

    def article_failed(self, failure: Failure) -> Iterator[Gone | Request]:
        """A dead link (404/410) is a warning, and the page gone (a stored copy of it is marked removed);
        a page robots.txt forbids is skipped; any other failure, after Scrapy's retries, loses an article.
        The next article pages waiting go to the scheduler, as after a page read."""
        self.left_scheduler(failure.request)  # type: ignore[attr-defined]  # if it never reached the downloader
        yield from self._waiting_requests()
        url = failure.request.url  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, OffPortalRequest | NotModified | BlockedPage):  # off the portal, unchanged, blocked:
            # counted already
            return
        if isinstance(error, HttpError) and 300 <= error.response.status < 400:  # a redirect not taken
            location = (error.response.headers.get("Location") or b"").decode("latin-1")
            target = absolute_url(url, location) or location
            reason = self.scope(failure.request.meta.get(PORTAL)).refusal(target)  # type: ignore[attr-defined]
            if reason is not None:  # to file:, or off the portal: Scrapy's RedirectMiddleware returned it
                refused(self.crawler.stats, reason, target, [url])
                return
        if isinstance(error, HttpError) and error.response.status in (404, 410):
            self.crawler.stats.inc_value("finnews/dead_link")
            logger.warning("dead article link (HTTP %s): %s", error.response.status, url)
            portal = failure.request.meta.get(PORTAL) or ""  # type: ignore[attr-defined]
            yield Gone(url, portal, error.response.status, datetime.now(SHANGHAI))
            return
        if isinstance(error, IgnoreRequest) and not isinstance(error, HttpError) and not lost(error):  # robots.txt
            self.crawler.stats.inc_value("finnews/skipped/ignored")
            logger.info("not fetched: %s (%s)", url, failure.getErrorMessage())
            return
        portal = failure.request.meta.get(PORTAL)  # type: ignore[attr-defined]
        self.article_lost(url, portal, failure.getErrorMessage())

    def article_lost(self, url: str, portal: str | None, why: object) -> None:
        """An article lost (Scrapy gave up on its page, or the worker process reading or normalising it died):
        counted, logged with `why`, and its portal not crawled completely (`finnews/complete`)."""
        self.crawler.stats.inc_value("finnews/failed/article")
        self._incomplete(portal)
        logger.error("article lost: %s (%s)", url, why)
