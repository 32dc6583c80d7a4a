"""The meta line of an article page (date, 来源, author, read count) and the fields read from it or
beside it: the date (with the time of day the page shows elsewhere), a field tagged by class or id, a
forum poster's profile link, a read count beside the headline.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from itertools import chain, islice

from lxml import etree
from parsel import Selector, SelectorList

from crawler.extract import patterns
from crawler.extract.dom import (
    Element,
    attribute_values,
    element_roots,
    elements_after,
    first_match,
    in_furniture,
    joined_text,
    longer_than,
    rule_text,
    select,
    spaced_text,
    string_value,
)
from crawler.extract.pagefacts import page_elements, page_hrefs, read_once


def meta_line(
    sel: Selector, rules: Mapping[str, str], headline: Selector | None, body: Selector | None
) -> tuple[Selector | SelectorList[Selector] | None, bool]:
    """The meta line, and whether it was found late: after the body, where a dated line may be it."""
    meta = _meta(sel, rules, headline, body)
    late = meta is None and "meta" not in rules
    if late:
        meta = _meta_after(body.root if body is not None else None)
    return meta, late


def _meta(
    sel: Selector, rules: Mapping[str, str], headline: Selector | None, body: Selector | None
) -> Selector | SelectorList[Selector] | None:
    """The article's meta line (date, 来源, author, read count).

    Generic rule: the first short element from the headline to the body's first paragraph whose text
    carries a date (a date in the text is not the page's), else the first one carrying a 来源/作者
    label (the date is then in the page's metadata).
    """
    if query := rules.get("meta"):
        return select(sel, query)
    anchor = headline.root if headline is not None else next(iter(sel.root.iter("h1")), None)
    if anchor is None:
        return None
    body_root = body.root if body is not None else None
    holders = {body_root, *body_root.iterancestors()} if body_root is not None else set()
    in_body = False
    labelled = None
    for element in islice(elements_after(anchor, inside=True), 40):
        if element in holders:  # the body or a wrapper of it: never the meta line, but it may hold one
            in_body = in_body or element is body_root
            continue
        if in_body and element.tag in ("p", "br"):
            break
        value = " ".join(string_value(element).split())
        if len(value) > 300:
            continue
        if _dated(value):
            return Selector(root=element)
        if labelled is None and patterns.META_LABEL.search(value):
            labelled = Selector(root=element)
    return labelled


def _dated(text: str) -> bool:
    """Whether a short text carries a date: full, of a two-digit year or year-less with a time, or relative
    ("3小时前", "昨天 14:20")."""
    return any(pattern.search(text) for pattern in _DATE_FORMS)


_DATE_FORMS = (
    patterns.DATE_TEXT,
    patterns.SHORT_YEAR_DATE_TEXT,
    patterns.YEARLESS_DATE_TEXT,
    patterns.RELATIVE_DATE_TEXT,
)


def _meta_after(body: Element | None) -> Selector | None:
    """A dated meta line right after the body, outside page furniture (WordPress `.entry-footer`:
    "作者 林小溪 发布于 2024年9月1日 分类 基金"), for pages without one before the body. Its date comes
    after the page's metadata (a signature date may follow a body too)."""
    if body is None:
        return None
    for element in islice(elements_after(body, inside=False), 40):  # past a like/share bar's icons and links
        value = " ".join(string_value(element).split())
        if len(value) <= 200 and patterns.DATE_TEXT.search(value) and not in_furniture(element.getparent()):
            return Selector(root=element)
    return None


def publication_date(sel: Selector, rules: Mapping[str, str], meta_text: str, late: bool) -> str | None:
    """The date text: the profile's, the meta line's (or a `<meta>` tag's), with the time of day where
    the page shows it elsewhere."""
    shown = _date_text(meta_text)
    if shown and not patterns.DATE_TEXT.search(shown) and patterns.YEARLESS_DATE_TEXT.search(shown):
        shown = _with_year(sel, shown) or shown
    date = rule_text(sel, rules, "date") or (_meta_date(sel) or shown if late else shown or _meta_date(sel))
    if date and not patterns.CLOCK.search(date):
        date = _same_day_time(sel, date) or date
    return date


def _date_text(meta_text: str) -> str | None:
    """The date written in the meta line, a year standing in a span of its own joined to its month
    ("2024  08-31  21:07" -> "2024-08-31  21:07"), else a year-less date with a time ("09月03日 11:54").

    >>> _date_text("2024  08-31  21:07:45  来源：上海证券报"), _date_text("09月03日 11:54  阅读 3万")
    ('2024-08-31  21:07:45', '09月03日 11:54')
    >>> _date_text("202409/04 08:15:26"), _date_text("2024-09-03T11:54:03+08:00  信息来源：办公室")
    ('2024/09/04 08:15:26', '2024-09-03T11:54:03+08:00')
    >>> _date_text("3小时前  来源:第一财经"), _date_text("昨天 14:20 来源:证券日报"), _date_text("今日热点")
    ('3小时前', '昨天 14:20', None)
    >>> _date_text("发布时间：18-03-08 23:16")
    '2018-03-08 23:16'
    """
    if found := patterns.DATE_TEXT.search(meta_text):
        return patterns.SPLIT_YEAR.sub(r"\1\3\2\3", found.group(0))
    if short := patterns.SHORT_YEAR_DATE_TEXT.search(meta_text):
        return f"20{short[1]}-{short[3]}-{short[4]} {short[5]}"
    return first_match(patterns.YEARLESS_DATE_TEXT, meta_text, group=0) or first_match(
        patterns.RELATIVE_DATE_TEXT, meta_text, group=0
    )


def _with_year(sel: Selector, shown: str) -> str | None:
    """The year-less date `shown` ("10-08 12:00", "9月3日 11:54") with the year of a machine-readable date of
    the page on that month and day (a `<meta>` such as itemprop dateUpdate, a `<time datetime>`, a script's
    publication time): "2019-10-08 12:00". None without one (the normaliser then takes the URL's year, else
    the latest not after the crawl)."""
    found = patterns.MONTH_DAY.search(shown)
    clock = patterns.CLOCK.search(shown, found.end()) if found else None
    if found is None:
        return None
    month, day = int(found[1]), int(found[2])
    candidates = chain(
        attribute_values(page_elements(sel)["meta"], "content"), _TIME_DATETIME(sel.root), _script_dates(sel)
    )
    for value in candidates:
        if (date := _day(value)) and date[1:] == (month, day):
            return f"{date[0]}-{month:02d}-{day:02d}" + (f" {clock[0]}" if clock else "")
    return None


def _same_day_time(sel: Selector, shown: str) -> str | None:
    """A machine-readable publication time of the same day as the date `shown` (which has no time of day):
    the article's structured metadata, JSON-LD or inline state (`"datePublished":"..."`), a `<time datetime>`."""
    day = _day(shown)
    if day is None:
        return None
    candidates = chain(
        (value for query in _PRECISE_DATE_META for value in query(sel.root)),
        _script_dates(sel),
        _TIME_DATETIME(sel.root),
    )
    for value in candidates:
        if patterns.CLOCK.search(value) and _day(value) == day:
            return value.strip()
    return None


def _day(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of the first date in `text`."""
    found = patterns.DAY.search(text)
    return (int(found[1]), int(found[2]), int(found[3])) if found else None


def _meta_date(sel: Selector) -> str | None:
    """The publication time in the page's metadata (article:published_time, PubDate, ...), else in its JSON-LD
    or inline state (`"datePublished": "..."`, `"pubtime": "..."`, `publish_time: '...'`)."""
    for query in _DATE_META:
        if (found := query(sel.root)) and (value := found[0].strip()):
            return value
    return next(_script_dates(sel), None)


# The metadata queries of `patterns`, compiled once, as plain strings: a query string given to `Selector.xpath` is
# compiled at each call.
_DATE_META = tuple(etree.XPath(query, smart_strings=False) for query in patterns.DATE_META)
_PRECISE_DATE_META = tuple(etree.XPath(query, smart_strings=False) for query in patterns.PRECISE_DATE_META)
_TIME_DATETIME = etree.XPath(patterns.TIME_DATETIME, smart_strings=False)


def _script_dates(sel: Selector) -> Iterator[str]:
    """The publication times written in the page's scripts (JSON-LD, an inline state object), in page order."""
    for text in (script.text for script in page_elements(sel)["script"]):
        lowered = text.lower() if text else ""
        if any(hint in lowered for hint in patterns.DATE_JSON_HINTS):
            yield from (found[1] for found in patterns.DATE_JSON.finditer(text))


def tagged_text(meta: Selector | SelectorList[Selector] | None, name: str) -> str | None:
    """The text of the meta line's element whose class or id names the field: `<a class="source">证券日报</a>`
    (no 来源 label), `<span id="js_author_name">李想</span>`."""
    if meta is None:
        return None
    for element in element_roots(meta):
        for tagged in _tagged(name)(element):  # the innermost: not "date-source"
            if (value := joined_text([tagged])) and not patterns.DATE_TEXT.search(value):  # not "authorposton": a date
                return value
    return None


@cache
def _tagged(name: str) -> etree.XPath:
    """The innermost elements under an element whose class or id holds `name`, compiled once per name."""
    named = f"(contains(@class, '{name}') or contains(@id, '{name}'))"
    return etree.XPath(f"descendant::*[{named} and not(descendant::*[{named}])]")


def profile_author(sel: Selector, meta: Selector | SelectorList[Selector] | None) -> str | None:
    """The poster of a forum thread or blog post: the profile link next to the meta line (Discuz
    `home.php?mod=space&uid=...` in the post's side cell, WordPress `/author/...`)."""
    roots = element_roots(meta)
    targets = _link_targets(sel)
    if not roots or not any(part in targets for part in (*patterns.PROFILE_HREFS, patterns.PROFILE_REL)):
        return None  # no link of the page is a profile's: most pages, where the query below reads most links
    levels = [roots[0]]
    while len(levels) < 5 and (parent := levels[-1].getparent()) is not None:
        levels.append(parent)
    # The links under the widest level, read once (a query per level read its subtree again), then the
    # first of them under each level in turn.
    links = [link for link in _PROFILE_LINKS(levels[-1]) if string_value(link).strip(_XML_SPACE)]
    for element in levels:
        for link in links:
            if any(ancestor is element for ancestor in link.iterancestors()):
                return " ".join(string_value(link).split())
    return None


@read_once
def _link_targets(sel: Selector) -> str:
    """The hrefs and rels of the page's links, each between NULs (no value holds one: a test of a part finds it
    in one value): a cheap test before a query that tests every link."""
    return "\0".join((*page_hrefs(sel), *_RELS(sel.root)))


_RELS = etree.XPath("//a/@rel", smart_strings=False)
# The links to a poster's profile (`patterns.PROFILE_HREFS` in the href, `PROFILE_REL` in the rel) under an
# element, in one query (the links of a page's widest part are tested); those with a text are kept.
_PROFILE_TESTS = [f"contains(@href, '{part}')" for part in patterns.PROFILE_HREFS]
_PROFILE_LINKS = etree.XPath(
    f"descendant-or-self::a[{' or '.join(_PROFILE_TESTS)} or contains(@rel, '{patterns.PROFILE_REL}')]"
)


_XML_SPACE = " \t\r\n"  # what XPath's normalize-space() strips


def author_by_headline(headline: Selector | None, meta: Selector | SelectorList[Selector] | None) -> str | None:
    """The names of a "名/报社" line (`patterns.NAME_OUTLET_LINE`: "张三/某某青年报") from the headline to the
    meta line, that one included."""
    if headline is None:
        return None
    last = next(iter(element_roots(meta)), None)
    for element in islice(elements_after(headline.root, inside=False), 12):
        text = " ".join(string_value(element).split())
        if len(text) <= 60 and (found := patterns.NAME_OUTLET_LINE.search(text)):
            return found[1]
        if element is last:
            break
    return None


def views_by_headline(headline: Selector | None) -> str | None:
    """A read count beside the headline, in the short row or cell holding it (forum threads: "查看: 3521")."""
    element = headline.root if headline is not None else None
    for _ in range(3):
        element = element.getparent() if element is not None else None
        if element is None or element.tag in ("body", "html") or longer_than(element, 200):
            return None
        text = spaced_text(Selector(root=element))
        if len(text) > 200:
            return None
        if found := patterns.VIEWS_LABEL.search(text):
            return found.group(0)
    return None
