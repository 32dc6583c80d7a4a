"""NormalizePipeline: every field of an Article cleaned and typed, through the pure functions of `text`."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.items import Article
from pipelines import text

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def normalize_article(
    article: Article, now: datetime, titles: text.TitleSuffixLearner | None = None, page_names: Iterable[str] = ()
) -> list[str]:
    """Clean `article` in place (raw values in, contract values out).

    `titles` learns each site's `<title>` suffix from the pages it sees (the pipeline keeps one for the
    crawl); without it, only the site's known names are cut from titles. `page_names` are the names the
    page gives its own site (og:site_name, logo; `finnews extract` without a profile): a 来源 naming one
    is no source. Returns the names of the fields whose raw text was present but could not be parsed.
    """
    unparsed: list[str] = []
    own_names = [name for name in (article.site_name, article.site) if name]
    if titles is None:
        article.title = text.clean_title(article.title, own_names)
    else:
        titles.observe(article.site, article.title_tag)
        article.title = titles.strip(article.site, article.title, own_names)
    article.editor = text.clean_person(article.editor) or _editor_in_body(article.body)
    article.body = text.clean_body((article.body or "").split("\n"))
    article.author = text.clean_person(article.author)
    article.authors = text.split_people(article.author)
    article.source = text.clean_source(article.source_raw, [*own_names, *page_names])
    article.source_canonical = text.canonical_source(article.source)
    article.published_at, article.date_source = _published_at(article, now)
    article.date_conflict = text.dates_disagree(article.published_at, text.date_from_url(article.url))
    if article.published_at is None and (article.date_raw or article.listing_date_raw):
        unparsed.append("published_at")
    article.views, article.views_lower_bound = text.parse_views(article.views_raw)
    if article.views is None and article.views_raw:
        unparsed.append("views")
    return unparsed


def _editor_in_body(body: str | None) -> str | None:
    lines = (body or "").strip().split("\n")
    return next(filter(None, map(text.find_editor, reversed(lines[-3:]))), None)


def _published_at(article: Article, now: datetime) -> tuple[datetime | None, str | None]:
    for raw, origin in ((article.date_raw, "page"), (article.listing_date_raw, "listing")):
        value = text.parse_published_at(raw, now=now, url=article.url)
        if value is not None:
            return value, origin
    day = text.date_from_url(article.url)
    if day is None:
        return None, None
    return datetime(day.year, day.month, day.day, tzinfo=text.SHANGHAI), "url"


class NormalizePipeline:
    """Cleans every field; drops items left without a title or a body (with a reason and a stat)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.titles = text.TitleSuffixLearner()
        self._logged: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        article = ItemAdapter(item).item
        if not isinstance(article, Article):
            return item
        now = article.crawled_at or datetime.now(text.SHANGHAI)
        for field in normalize_article(article, now, self.titles):
            self.stats.inc_value(f"finnews/unparsed/{field}")
            self._warn_once(article, field, "cannot parse %s on %s")
        if article.date_conflict:
            self.stats.inc_value("finnews/date_conflict")
            self._warn_once(article, "date_conflict", "%s: the page's date and the URL's are days apart on %s")
        for field in ("title", "body"):
            if not getattr(article, field):
                self.stats.inc_value(f"finnews/dropped/no_{field}")
                raise DropItem(f"no {field} after cleaning: {article.url}")
        return item

    def _warn_once(self, article: Article, what: str, message: str) -> None:
        """Log `message` (with `what` and the URL) once per site and kind; the stat counts them all."""
        if (article.site, what) not in self._logged:
            self._logged.add((article.site, what))
            logger.warning("%s: " + message + " (logged once per site)", article.site, what, article.url)
