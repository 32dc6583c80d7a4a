"""Article-page extraction: a parsed page in, the raw text of every field out.

Pure functions over a `parsel.Selector`; nothing here builds requests or reads settings. The values
are raw (what the page says); `crawler.normalize` turns them into clean, typed fields. A profile
may override any field with a CSS or XPath expression (see `crawler.profiles`).

This module holds the orchestration only. Each stage has a module of its own: `headline`, `meta` (the
meta line and the date, 来源, author, editor and views read from it), `body` (container, text lines,
bylines), `category` (channel and site names), `counter` (the read-count script), all over the shared
helpers of `dom`. Imports point one way: this module imports the stages, a stage imports only `dom`,
`patterns` and `urls`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parsel import Selector

from crawler.extract import patterns
from crawler.extract.body import body_bylines, body_text, byline_after
from crawler.extract.bodyblock import find_body
from crawler.extract.category import find_category, site_names
from crawler.extract.counter import counter_url
from crawler.extract.dom import attribute_values, first_match, joined_text, rule_text, spaced_text
from crawler.extract.headline import find_headline, headline_above
from crawler.extract.meta import (
    author_by_headline,
    meta_line,
    profile_author,
    publication_date,
    tagged_text,
    views_by_headline,
)
from crawler.extract.notice import declares_reprint
from crawler.extract.pagefacts import document_base, page_elements
from crawler.extract.urls import absolute_url
from crawler.items import Article


@dataclass
class RawArticle:
    """What an article page says, before normalisation."""

    title: str | None = None
    title_tag: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    views: str | None = None
    counter_url: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    category: str | None = None
    canonical_url: str | None = None
    site_names: list[str] = field(default_factory=list)
    reprint_notice: bool = False
    next_part: str | None = None  # the URL of the article's next part, where it is paginated (`page.read_article`)
    # The URL of the article's first part, where this page is a later part read as a page of its own (`page.read_article`).
    first_part: str | None = None
    failed: list[str] = field(default_factory=list)  # "field: error" of each step the page broke

    def to_article(self, url: str, site: str, site_name: str | None, crawled_at: datetime) -> Article:
        """The Article item of this page (raw values; `crawler.normalize` cleans them)."""
        return Article(
            url=url,
            site=site,
            site_name=site_name,
            title=self.title,
            title_tag=self.title_tag,
            date_raw=self.date,
            source_raw=self.source,
            author=self.author,
            editor=self.editor,
            views_raw=self.views,
            body="\n".join(self.paragraphs),
            images=self.images,
            category=self.category,
            crawled_at=crawled_at,
            reprint_notice=self.reprint_notice,
        )


def extract_article(sel: Selector, url: str, rules: Mapping[str, str] | None = None) -> RawArticle:
    """Every raw field of the article page `sel` served at `url`.

    `rules` maps field names (`title`, `meta`, `date`, `source`, `author`, `editor`, `views`, `body`,
    `category`) to CSS/XPath expressions that replace the generic rule for that field. A step that
    fails on what a page holds costs its own field, named in `failed`, never the page.
    """
    rules = rules or {}
    base = document_base(sel, url)  # what its relative URLs resolve against
    raw = RawArticle()
    attempt = _Attempts(raw.failed)
    raw.title_tag = attempt("title", lambda: joined_text(page_elements(sel)["title"]) or None)
    raw.title, headline = attempt("title", find_headline, sel, rules, default=(None, None))
    body = attempt("body", find_body, sel, rules, headline)
    no_element = headline is None and body is not None and "title" not in rules  # none shows the headline
    if no_element and (above := attempt("title", headline_above, body.root, raw.title)):
        raw.title, headline = above
    meta, late = attempt("meta", meta_line, sel, rules, headline, body, default=(None, False))
    meta_text = attempt("meta", lambda: spaced_text(meta) if meta is not None else "", default="")
    byline = attempt("author", byline_after, body, default="")
    raw.date = attempt("date", publication_date, sel, rules, meta_text, late)
    raw.source = attempt(
        "source",
        lambda: (
            rule_text(sel, rules, "source")
            or first_match(patterns.SOURCE_LABEL, meta_text, group=0)
            or tagged_text(meta, "source")
        ),
    )
    lines, images = attempt("body", body_text, body, headline, meta, default=([], []))
    raw.images = [image for src in images if (image := absolute_url(base, src))]
    raw.paragraphs, top_author, top_editor = attempt("body", body_bylines, lines, default=([], None, None))
    raw.author = attempt(
        "author",
        lambda: rule_text(sel, rules, "author") or first_match(patterns.AUTHOR_LABEL, meta_text)
        or tagged_text(meta, "author") or first_match(patterns.AUTHOR_LABEL, byline)
        or author_by_headline(headline, meta) or top_author or profile_author(sel, meta),
    )  # fmt: skip
    raw.editor = attempt(
        "editor",
        lambda: rule_text(sel, rules, "editor") or first_match(patterns.EDITOR_LABEL, meta_text)
        or first_match(patterns.EDITOR_LABEL, byline) or top_editor,
    )  # fmt: skip
    raw.views = attempt(
        "views",
        lambda: rule_text(sel, rules, "views") or first_match(patterns.VIEWS_LABEL, meta_text, group=0)
        or (views_by_headline(headline) if "views" not in rules else None),
    )  # fmt: skip
    if raw.views is None or patterns.VIEWS_PLACEHOLDER.match(raw.views):  # none, or a 0 that a script fills
        raw.counter_url = attempt("views", counter_url, sel, base)
        if raw.views is None or raw.counter_url or not re.search(r"\d", raw.views):
            raw.views = None
    raw.site_names = attempt("site_names", site_names, sel, raw.title_tag, raw.title, default=[])
    raw.category = attempt("category", find_category, sel, rules, raw.title, headline, raw.site_names)
    raw.reprint_notice = attempt("reprint_notice", declares_reprint, sel, default=False)
    canonical = attempt(
        "canonical_url", lambda: next(iter(attribute_values(page_elements(sel)["link"], "href", rel="canonical")), None)
    )
    raw.canonical_url = absolute_url(base, canonical) if canonical else None
    return raw


class _Attempts:
    """Runs the steps of an extraction so that one failing on a page's content (a character lxml refuses,
    a pathological nesting) gives its field's `default`, noted in `failed` as "field: error"."""

    def __init__(self, failed: list[str]) -> None:
        self.failed = failed

    def __call__(self, name: str, step: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        try:
            return step(*args)
        except Exception as exc:  # a page anyone can write: what breaks a step costs its field, not the page
            self.failed.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
            return default
