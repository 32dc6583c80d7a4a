"""One Article cleaned field by field with the normalisers of this package (what `NormalizePipeline` and
`finnews extract` both run)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import datetime

from crawler.items import Article
from crawler.normalize.body import clean_body
from crawler.normalize.characters import storable
from crawler.normalize.dates import date_from_url, dates_disagree, is_relative, parse_published_at
from crawler.normalize.limits import FIELD_CAPS, cap
from crawler.normalize.outlets import canonical_source, clean_source
from crawler.normalize.people import clean_person, find_editor, split_people
from crawler.normalize.titles import strip_suffix
from crawler.normalize.views import parse_views
from crawler.vocabulary import SHANGHAI


def normalize_article(
    article: Article, now: datetime, title_suffix: str | None = None, page_names: Iterable[str] = ()
) -> list[str]:
    """Clean `article` in place (raw values in, contract values out).

    `title_suffix` is the `<title>` suffix its site's pages share (`TitleSuffixLearner.suffix`: the pipeline learns
    each site's from the crawl's pages), cut from its title with the site's known names; without it, only those
    are. `page_names` are the names the page gives its own site (og:site_name, logo; `finnews extract` without a
    profile): a 来源 naming one is no source. Pure: an extraction worker process may run it.
    Returns what a crawl counts (the stat `finnews/<finding>`): "unparsed/<field>" for a field whose raw text was
    present but could not be parsed (or was out of range), "cut/<field>" for one cut to its length cap
    (`limits.FIELD_CAPS`). Every text field ends `characters.storable`.
    """
    unparsed: list[str] = []
    cut: list[str] = []
    own_names = [name for name in (article.site_name, article.site) if name]
    article.title = strip_suffix(article.title, title_suffix, own_names)
    article.editor = clean_person(article.editor) or _editor_in_body(article.body)
    article.body = clean_body((article.body or "").split("\n"))
    article.author = _capped(article, "author", clean_person(article.author), cut)
    article.authors = split_people(article.author)
    article.source = _capped(article, "source", clean_source(article.source_raw, [*own_names, *page_names]), cut)
    article.source_canonical = canonical_source(article.source)
    article.published_at, article.date_source = _published_at(article, now)
    article.date_conflict = dates_disagree(article.published_at, date_from_url(article.url))
    if article.published_at is None and (article.date_raw or article.listing_date_raw):
        unparsed.append("published_at")
    article.views, article.views_lower_bound = parse_views(article.views_raw)
    if article.views is None and article.views_raw:
        unparsed.append("views")
    for name in ("title", "source_canonical", "editor", "category"):
        setattr(article, name, _capped(article, name, getattr(article, name), cut))
    make_storable(article)
    return [f"unparsed/{name}" for name in unparsed] + [f"cut/{name}" for name in cut]


def _capped(article: Article, name: str, value: str | None, cut: list[str]) -> str | None:
    """`value` of field `name` cut to its cap; the name noted in `cut` if it was."""
    value, was_cut = cap(value, FIELD_CAPS[name])
    if was_cut:
        cut.append(name)
    return value


def make_storable(article: Article) -> None:
    """Every text of `article` (its str fields and the items of its lists of str) `characters.storable`."""
    for field in fields(article):
        value = getattr(article, field.name)
        if isinstance(value, str):
            setattr(article, field.name, storable(value))
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            setattr(article, field.name, [storable(item) for item in value])


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
