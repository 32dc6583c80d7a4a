"""One Article cleaned field by field with the normalisers of this package (what `NormalizePipeline` and
`finnews extract` both run)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from crawler.items import Article
from crawler.normalize.body import clean_body
from crawler.normalize.dates import date_from_url, dates_disagree, is_relative, parse_published_at
from crawler.normalize.outlets import canonical_source, clean_source
from crawler.normalize.people import clean_person, find_editor, split_people
from crawler.normalize.titles import TitleSuffixLearner, clean_title
from crawler.normalize.views import parse_views
from crawler.vocabulary import SHANGHAI


def normalize_article(
    article: Article, now: datetime, titles: TitleSuffixLearner | None = None, page_names: Iterable[str] = ()
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
        article.title = clean_title(article.title, own_names)
    else:
        titles.observe(article.site, article.title_tag)
        article.title = titles.strip(article.site, article.title, own_names)
    article.editor = clean_person(article.editor) or _editor_in_body(article.body)
    article.body = clean_body((article.body or "").split("\n"))
    article.author = clean_person(article.author)
    article.authors = split_people(article.author)
    article.source = clean_source(article.source_raw, [*own_names, *page_names])
    article.source_canonical = canonical_source(article.source)
    article.published_at, article.date_source = _published_at(article, now)
    article.date_conflict = dates_disagree(article.published_at, date_from_url(article.url))
    if article.published_at is None and (article.date_raw or article.listing_date_raw):
        unparsed.append("published_at")
    article.views, article.views_lower_bound = parse_views(article.views_raw)
    if article.views is None and article.views_raw:
        unparsed.append("views")
    return unparsed


def _editor_in_body(body: str | None) -> str | None:
    lines = (body or "").strip().split("\n")
    return next(filter(None, map(find_editor, reversed(lines[-3:]))), None)


def _published_at(article: Article, now: datetime) -> tuple[datetime | None, str | None]:
    for raw, origin in ((article.date_raw, "page"), (article.listing_date_raw, "listing")):
        value = parse_published_at(raw, now=now, url=article.url)
        if value is not None:
            return value, "relative" if origin == "page" and is_relative(raw) else origin
    day = date_from_url(article.url)
    if day is None:
        return None, None
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI), "url"
