"""PortalMonitor: a crawl's report per portal and its warnings (Scrapy glue over `crawler.reports`).

A downloader middleware next to the download (it sees every answer and failure of each attempt) that
also follows the items (`item_scraped`: stored; `item_dropped` as a `Reprint`: a copy). When the crawl
closes it logs one line per portal, judges each portal against its previous runs (only a crawl that
finished: one stopped early says nothing of a portal; nor a crawl resumed from its JOBDIR, nor a process
of a shared crawl, which see only what was left, or their share, of each portal), logs each warning, counts them in the stat
`finnews/warnings` (exit status 7) and keeps the report with the crawl run (`crawl_runs.report`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler import db
from crawler.exitcodes import RUN_STAT, WARNINGS_STAT
from crawler.incremental import SKIP_KNOWN
from crawler.items import Article
from crawler.middlewares import PORTAL
from crawler.reports import COVERED, LABELS, PortalCounts, judge, previous_counts, record_report
from pipelines.storage import Reprint

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: Answers that say the portal refuses us.
BLOCKED = frozenset({403, 429})


class PortalMonitor:
    def __init__(self, db_url: str, stats: StatsCollector, drop: float, min_articles: int, judged: bool = True) -> None:
        self.db_url = db_url
        self.judged = judged
        self.stats = stats
        self.drop = drop
        self.min_articles = min_articles
        self.counts: dict[str, PortalCounts] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalMonitor:
        settings = crawler.settings
        assert crawler.stats is not None
        monitor = cls(
            db.database_url(settings.get("FINNEWS_DB_URL")),
            crawler.stats,
            settings.getfloat("FINNEWS_DRIFT_DROP"),
            settings.getint("FINNEWS_DRIFT_MIN_ARTICLES"),
            judged=not settings.get("FINNEWS_REDIS_URL") and not resumed(settings.get("JOBDIR")),
        )
        crawler.signals.connect(monitor.item_scraped, signals.item_scraped)
        crawler.signals.connect(monitor.item_dropped, signals.item_dropped)
        crawler.signals.connect(monitor.spider_closed, signals.spider_closed)
        return monitor

    def portal(self, name: str) -> PortalCounts:
        return self.counts.setdefault(name, PortalCounts())

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if name := request.meta.get(PORTAL):
            counts = self.portal(name)
            counts.pages += 1
            counts.not_modified += response.status == 304
            counts.errors += response.status >= 500
            counts.blocks += response.status in BLOCKED
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if (name := request.meta.get(PORTAL)) and not isinstance(exception, IgnoreRequest):
            self.portal(name).errors += 1

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Article):
            self.portal(item.site).count_article(item, reprint=False)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(item, Article) and isinstance(exception, Reprint):
            self.portal(item.site).count_article(item, reprint=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        names = [profile.name for profile in getattr(spider, "profiles", ())] or sorted(self.counts)
        for name in names:  # what the spider did not fetch as stored already (crawler.incremental)
            self.portal(name).known = self.stats.get_value(f"{SKIP_KNOWN}/{name}", 0)
        for name in names:
            logger.info("report %s: %s", name, summary(self.portal(name)))
        run_id = self.stats.get_value(RUN_STAT)
        judged = reason == "finished" and self.judged
        if run_id is None:  # no run recorded (no storage, or a database that failed): no history either
            self.report(names, {name: [] for name in names} if judged else None)
            return
        try:
            engine = db.make_engine(self.db_url, create=False)
            try:
                previous = previous_counts(engine, set(names), run_id) if judged else None
                record_report(engine, run_id, self.report(names, previous))
            finally:
                engine.dispose()
        except Exception as exc:
            logger.error("crawl report not kept: %s", str(exc).splitlines()[0])

    def report(self, names: list[str], previous: dict[str, list[PortalCounts]] | None) -> dict[str, Any]:
        """The report of `names`, judged against their `previous` counts (None: not judged), its warnings
        logged and counted."""
        portals, warnings = {}, []
        for name in names:
            found = (
                [] if previous is None else judge(name, self.portal(name), previous[name], self.drop, self.min_articles)
            )
            for warning in found:
                logger.warning("%s", warning)
            portals[name] = self.portal(name).as_json() | {"warnings": found}
            warnings += found
        self.stats.set_value(WARNINGS_STAT, len(warnings))
        return {"portals": portals, "warnings": warnings}


def resumed(jobdir: str | None) -> bool:
    """Whether a crawl with this JOBDIR resumes an earlier one (its requests seen are on disk)."""
    seen = Path(jobdir, "requests.seen") if jobdir else None
    return seen is not None and seen.is_file() and seen.stat().st_size > 0


def summary(counts: PortalCounts) -> str:
    """One line of a portal's counts.

    >>> summary(PortalCounts(pages=9, articles=3, reprints=1, fields=dict.fromkeys(COVERED, 4) | {"views": 1}))
    '9 pages, 3 articles, 1 reprints, 0 errors, 0 blocks; date 100%, 来源 100%, views 25%, author 100%, body 100%'
    """
    coverage = ", ".join(
        f"{LABELS[name]} {share:.0%}" for name in COVERED if (share := counts.coverage(name)) is not None
    )
    return (
        f"{counts.pages} pages, {counts.articles} articles, {counts.reprints} reprints, {counts.errors} errors, "
        f"{counts.blocks} blocks" + (f"; {coverage}" if coverage else "")
    )
