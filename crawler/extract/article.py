"""Article-page extraction: a parsed page in, the raw text of every field out.

Pure functions over a `parsel.Selector`; nothing here builds requests or reads settings. The values
are raw (what the page says); `pipelines.normalize` turns them into clean, typed fields. A profile
may override any field with a CSS or XPath expression (see `crawler.profiles`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from parsel import Selector, SelectorList

from crawler.extract import patterns
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

    def to_article(self, url: str, site: str, site_name: str | None, crawled_at: datetime) -> Article:
        """The Article item of this page (raw values; `pipelines.normalize` cleans them)."""
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
        )


def select(sel: Selector | SelectorList[Selector], query: str) -> SelectorList[Selector]:
    """Run a profile expression: XPath when it starts with `/` or `(`, CSS otherwise."""
    return sel.xpath(query) if query.startswith(("/", "(", "./")) else sel.css(query)


def text_of(sel: Selector | SelectorList[Selector]) -> str:
    """The text of the selected elements (or attribute values), whitespace collapsed."""
    items = [sel] if isinstance(sel, Selector) else sel
    parts = (s.root if isinstance(s.root, str) else s.xpath("string(.)").get("") for s in items)
    return " ".join(" ".join(parts).split())


def extract_article(sel: Selector, url: str, rules: Mapping[str, str] | None = None) -> RawArticle:
    """Every raw field of the article page `sel` served at `url`.

    `rules` maps field names (`title`, `meta`, `date`, `source`, `author`, `editor`, `views`, `body`,
    `category`) to CSS/XPath expressions that replace the generic rule for that field.
    """
    rules = rules or {}
    raw = RawArticle()
    raw.title_tag = text_of(sel.xpath("//title")) or None
    raw.title = _title(sel, rules)
    meta = _meta_text(sel, rules)
    raw.date = _field(sel, rules, "date") or _search(patterns.DATE_TEXT, meta, group=0)
    raw.source = _field(sel, rules, "source") or _search(patterns.SOURCE_LABEL, meta, group=0)
    raw.author = _field(sel, rules, "author") or _search(patterns.AUTHOR_LABEL, meta)
    raw.editor = _field(sel, rules, "editor") or _search(patterns.EDITOR_LABEL, meta)
    raw.views = _field(sel, rules, "views") or _search(patterns.VIEWS_LABEL, meta, group=0)
    if raw.views is None or not re.search(r"\d", raw.views):
        raw.views = None
        raw.counter_url = _counter_url(sel, url)
    body = _body(sel, rules)
    if body is not None:
        raw.paragraphs = paragraphs(body)
        raw.images = [urljoin(url, src) for src in body.xpath(".//img/@src").getall()]
    raw.category = _category(sel, rules)
    canonical = sel.xpath("//link[@rel='canonical']/@href").get()
    raw.canonical_url = urljoin(url, canonical) if canonical else None
    return raw


def _field(sel: Selector, rules: Mapping[str, str], name: str) -> str | None:
    query = rules.get(name)
    return (text_of(select(sel, query)) or None) if query else None


def _search(pattern: re.Pattern[str], text: str, group: int = 1) -> str | None:
    found = pattern.search(text)
    return found.group(group).strip() if found else None


def _title(sel: Selector, rules: Mapping[str, str]) -> str | None:
    if query := rules.get("title"):
        return text_of(select(sel, query)) or None
    for h1 in sel.xpath("//h1")[:1]:
        # PHPCMS puts the meta line inside the headline: <h1>标题<br/><span>2024年09月03日 ...</span></h1>
        meta = [text_of(e) for e in h1.xpath(".//*") if patterns.DATE_TEXT.search(text_of(e))]
        value = text_of(h1)
        for text in meta:
            value = value.replace(text, "")
        if value.strip():
            return value.strip()
    for query in ("//meta[@property='og:title']/@content", "//title"):
        if value := text_of(select(sel, query)):
            return value
    return None


def _meta_text(sel: Selector, rules: Mapping[str, str]) -> str:
    """The text of the article's meta line (date, 来源, author, read count).

    Generic rule: the first short element after the headline whose text carries a date.
    """
    if query := rules.get("meta"):
        return text_of(select(sel, query))
    following = "(//h1)[1]//*[not(self::script)] | (//h1)[1]/following::*[not(self::script or self::style)]"
    for element in sel.xpath(following)[:40]:
        value = text_of(element)
        if len(value) <= 300 and patterns.DATE_TEXT.search(value):
            return value
    return ""


def _counter_url(sel: Selector, url: str) -> str | None:
    """The URL of a CMS read-count script (DedeCMS, PHPCMS, EmpireCMS), if the page has one."""
    for src in sel.xpath("//script/@src").getall():
        if patterns.COUNTER_SCRIPT.search(src):
            return urljoin(url, src)
    return None


def _body(sel: Selector, rules: Mapping[str, str]) -> Selector | None:
    if query := rules.get("body"):
        found = select(sel, query)
        return found[0] if found else None
    for query in patterns.BODY_CONTAINERS:
        for candidate in sel.css(query):
            if len(text_of(candidate)) >= 40:
                return candidate
    return _densest_block(sel)


def _densest_block(sel: Selector) -> Selector | None:
    """The element whose own text (its `<p>` children, or text lines between `<br>`s) is the longest:
    the main text block."""
    best, best_len = None, 0
    for parent in sel.xpath("//p/.. | //br/.."):
        own_text = "".join(parent.xpath("./text()").getall()).strip()
        length = len(own_text) + sum(len(text_of(p)) for p in parent.xpath("./p"))
        if length > best_len:
            best, best_len = parent, length
    return best


def paragraphs(body: Selector) -> list[str]:
    """The body's paragraphs as text lines (`<p>`s, else lines split at `<br>`)."""
    found = [text_of(p) for p in body.xpath(".//p[not(ancestor::p)]")]
    if any(found):
        return found
    lines = "".join(body.xpath(".//text()[not(ancestor::script or ancestor::style)] | .//br").getall())
    return [line.strip() for line in re.split(r"<br\s*/?>|\n", lines)]


def _category(sel: Selector, rules: Mapping[str, str]) -> str | None:
    """The channel from the breadcrumb: `首页 > 资讯 > 正文` -> `资讯`."""
    if query := rules.get("category"):
        text = text_of(select(sel, query))
    else:
        crumb = sel.xpath(
            "//*[not(self::script)][contains(text(), '位置') or contains(@class, 'position') "
            "or contains(@class, 'crumb') or contains(@class, 'location')][1]"
        )
        text = text_of(crumb[0]) if crumb else ""
    parts = [p.strip() for p in re.split(r"[>»›/]|&gt;", patterns.CRUMB_LABEL.sub("", text))]
    names = [p for p in parts if p and p not in patterns.CRUMB_SKIP]
    return names[-1] if names else None
