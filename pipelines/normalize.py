"""NormalizePipeline: every field of an Article cleaned and typed by `crawler.normalize` (Scrapy glue only).

Where the crawl reads its article pages in extraction worker processes (`crawler.workers`,
FINNEWS_EXTRACTION_PROCESSES), an article is normalised in one once one has started, and its body fingerprinted
there for DedupePipeline (`crawler.reprints.fingerprint.normalized_and_fingerprinted`): the crawl's event loop is
its bottleneck, and the two cost it about half a millisecond an article, where handing the article over and back
(pickled, through the worker's socket) costs it a fraction of that; a worker reading pages is busy less than half of
the time (session 22, docs/measurements.md). What the pipeline learns from every page (each site's `<title>`
suffix) stays here and goes with each article.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.items import Article
from crawler.normalize.article import normalize_article
from crawler.normalize.titles import TitleSuffixLearner
from crawler.reprints.fingerprint import given, normalized_and_fingerprinted
from crawler.spiders.articles import ArticlePages
from crawler.vocabulary import SHANGHAI
from crawler.workers import WorkerLost

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

CANNOT_PARSE = "cannot parse %s on %s"
DATES_APART = "%s: the page's date and the URL's are days apart on %s"
CUT = "%s cut to its length cap (crawler/normalize/limits.py) on %s"


class NormalizePipeline:
    """Cleans every field; drops items left without a title or a body (with a reason and a stat)."""

    def __init__(self, stats: StatsCollector, crawler: Crawler) -> None:
        self.stats = stats
        self.crawler = crawler
        self.titles = TitleSuffixLearner()
        self._logged: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats, crawler)

    async def process_item(self, item: Any) -> Any:
        article = ItemAdapter(item).item
        if not isinstance(article, Article):
            return item
        now = article.crawled_at or datetime.now(SHANGHAI)
        self.titles.observe(article.site, article.title_tag)
        title_suffix = self.titles.suffix(article.site)
        spider = self.crawler.spider
        if isinstance(spider, ArticlePages) and (workers := spider.extraction) is not None and workers.ready:
            try:
                findings, normalized, body_print = await workers.run(
                    normalized_and_fingerprinted, article, now, title_suffix
                )
            except WorkerLost as lost:
                spider.article_lost(article.url, article.site, lost)
                raise DropItem(f"lost while normalised: {article.url}") from lost
            vars(article).update(vars(normalized))  # the item stays the object the other pipelines hold
            given(article.body, body_print)
            self.stats.inc_value("finnews/articles/normalized_in_worker")
        else:
            findings = normalize_article(article, now, title_suffix)
        for finding in findings:  # "unparsed/views", "cut/title"
            self.stats.inc_value(f"finnews/{finding}")
            kind, field = finding.split("/", 1)
            self._warn_once(article, finding, CANNOT_PARSE if kind == "unparsed" else CUT, field)
        if article.date_conflict:
            self.stats.inc_value("finnews/date_conflict")
            self._warn_once(article, "date_conflict", DATES_APART, "date_conflict")
        for field in ("title", "body"):
            if not getattr(article, field):
                self.stats.inc_value(f"finnews/dropped/no_{field}")
                raise DropItem(f"no {field} after cleaning: {article.url}")
        return item

    def _warn_once(self, article: Article, what: str, message: str, *args: str) -> None:
        """Log `message` (with `args` and the URL) once per site and kind; the stat counts them all."""
        if (article.site, what) not in self._logged:
            self._logged.add((article.site, what))
            logger.warning("%s: " + message + " (logged once per site)", article.site, *args, article.url)
