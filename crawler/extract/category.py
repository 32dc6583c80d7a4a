"""The channel of an article page (breadcrumb, separated links, a label beside the headline) and the
names the page gives its own site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from parsel import Selector

from crawler.extract import patterns
from crawler.extract.dom import select, string_value, text_of


def find_category(
    sel: Selector, rules: Mapping[str, str], title: str | None, headline: Selector | None = None
) -> str | None:
    """The channel from the breadcrumb: `首页 > 资讯 > 正文` -> `资讯`. A breadcrumb ending with the
    headline ends before it; one whose label sits in its own `<strong>` is read from the label's parent.
    Without a breadcrumb: links separated by "›"/"»"/">" (Discuz), else the article's own channel label
    near the headline (`<a class="article-category">医药</a>`)."""
    if query := rules.get("category"):
        return _channel(text_of(select(sel, query)), title)
    crumb = sel.xpath(patterns.CRUMB_QUERY)
    text = text_of(crumb)
    if text and not patterns.CRUMB_LABEL.sub("", text).strip():  # <strong>当前位置:</strong> <a>...
        text = text_of(crumb.xpath(".."))
    return _channel(text, title) or _separated_crumb(sel, title) or _category_label(headline)


def _separated_crumb(sel: Selector, title: str | None) -> str | None:
    """The channel of a breadcrumb made of links and separators only: "论坛名 › 论坛 › 基金交流 › 标题"."""
    for element in sel.root.xpath(patterns.CRUMB_SEPARATORS):
        holder = element if len(element.findall("a")) >= 2 else element.getparent()
        if holder is not None and len(holder.findall("a")) >= 2:
            return _channel(" > ".join(string_value(a).strip() for a in holder.findall("a")), title)
    return None


def _category_label(headline: Selector | None) -> str | None:
    """A short channel label linked beside the headline, in the headline's header or article."""
    element = headline.root if headline is not None else None
    for _ in range(3):
        element = element.getparent() if element is not None else None
        if element is None or element.tag in ("body", "html"):
            return None
        for link in element.xpath(patterns.CATEGORY_LABEL):
            name = " ".join(string_value(link).split())
            if 0 < len(name) <= 8 and not re.search(r"\d|发布于", name):
                return name
    return None


def _channel(crumb: str, title: str | None) -> str | None:
    """The last name of a breadcrumb text that is no generic word (首页, 正文) and not the headline.

    >>> _channel("您现在的位置:首页 > 资讯 > 正文", None), _channel("位置：首页 » 金融 » 降准落地一周", "降准落地一周")
    ('资讯', '金融')
    """
    parts = (p.strip() for p in patterns.CRUMB_SPLIT.split(patterns.CRUMB_LABEL.sub("", crumb)))
    names = [p for p in parts if p and p not in patterns.CRUMB_SKIP]
    if names and title and _names_headline(names[-1], title):
        names.pop()
    return names[-1] if names else None


def _names_headline(name: str, title: str) -> bool:
    """The crumb is the headline, maybe cut short: "长三角一体化示范区发布首批..." of a longer title."""
    shown = name.rstrip(".…")
    return name == title or (len(shown) >= 8 and title.startswith(shown))


def site_names(sel: Selector, title_tag: str | None, headline: str | None) -> list[str]:
    """The names the page gives its own site: og:site_name, the `<title>` after the headline
    ("标题--经济--中原日报网" -> "中原日报网") and the logo's alt text."""
    names = sel.xpath("//meta[@property='og:site_name']/@content").getall()
    if title_tag and headline and title_tag.startswith(headline) and len(title_tag) > len(headline):
        rest = patterns.TITLE_SEPARATOR.split(title_tag[len(headline) :])
        names.append(rest[-1])
    names += sel.xpath(
        "//img[contains(@class, 'logo') or contains(@id, 'logo') or ../@class[contains(., 'logo')]"
        " or ../../@class[contains(., 'logo')]]/@alt"
    ).getall()
    return [name for name in (" ".join(n.split()) for n in names) if 2 <= len(name) <= 20]
