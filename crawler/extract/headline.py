"""The headline of an article page and the element showing it (`<h1>`, a head of the `<title>`, og:title)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

from lxml import etree
from parsel import Selector

from crawler.extract import patterns
from crawler.extract.dom import (
    INLINE_MARKUP,
    Element,
    attribute_values,
    joined_text,
    select,
    string_value,
    text_holder,
    text_of,
)
from crawler.extract.pagefacts import page_elements, read_once, running_texts


def find_headline(sel: Selector, rules: Mapping[str, str]) -> tuple[str | None, Selector | None]:
    """The headline and the element showing it: the `<h1>` that the `<title>` or og:title starts with,
    else the head of the `<title>` (before `_站名`, ` - 栏目 - 站名`) that the page shows as a text of its
    own (a logo in the `<h1>`, the headline in an `<h2>` or a table cell), else og:title, else the first `<h1>` or
    `<h2>` of a headline's letters where the `<title>` holds fewer (the site's name, "新闻详情"), the first
    `<h1>`, the `<title>`."""
    if query := rules.get("title"):
        found = select(sel, query)
        return text_of(found) or None, found[0] if found else None
    return _shown_headline(sel)


@read_once
def _shown_headline(sel: Selector) -> tuple[str | None, Selector | None]:
    """`find_headline` without a profile's rule, read once per page: the page's kind and its article both ask."""
    elements = page_elements(sel)
    title = joined_text(elements["title"])
    og_title = joined_text(attribute_values(elements["meta"], "content", property="og:title"))
    first = None
    for h1 in (Selector(root=element, type="html") for element in elements["h1"]):
        value = _h1_text(h1)
        if value and (title.startswith(value) or og_title.startswith(value)):
            return value, h1
        first = first or (value and (value, h1))
    if shown := _shown_title_head(sel, title):
        return shown
    if og_title:
        return og_title, None
    heading = _headline_heading(elements)
    if heading is not None and len(_LETTERS.findall(title)) < len(_LETTERS.findall(heading[0])):
        return heading  # a <title> that is no headline: the site's name, "新闻详情"
    return first or (title or None, None)


#: A headline has this many letters at least; a channel's or a site's name ("国内新闻", "新闻中心") fewer.
MIN_HEADLINE_CHARS = 10
_LETTERS = re.compile(r"[^\W\d_]")


def is_headline_text(text: str) -> bool:
    """Whether `text` holds a headline's letters (MIN_HEADLINE_CHARS)."""
    return len(_LETTERS.findall(text)) >= MIN_HEADLINE_CHARS


def headline_above(body: Element, title: str | None) -> tuple[str, Selector] | None:
    """The headline shown above the text `body`'s meta line, where the page marks none (no heading reads as one) and
    its `<title>` reads as no headline: before the body, the nearest dated short element (`patterns.DATE_TEXT`, under
    `_META_MAX` characters), then the nearest element before it of a headline's text (`is_headline_text`, under
    `_ABOVE_MAX` characters, its own text: no element of blocks in it), in no link and holding none.

    >>> page = Selector(text="<div><a href='/'>首页</a></div><div><span>央行开展逆回购操作稳定流动性</span></div>"
    ...                      "<div>2024-09-03 11:54 来源：新华社</div><div><p>央行今日开展逆回购操作。</p></div>")
    >>> headline_above(page.css("p")[0].root.getparent(), "新闻详情")[0]
    '央行开展逆回购操作稳定流动性'
    """
    if is_headline_text(title or ""):
        return None
    dated = False
    for element in islice(_elements_before(body), 40):
        text = " ".join(string_value(element).split())
        if not dated:
            dated = len(text) <= _META_MAX and patterns.DATE_TEXT.search(text) is not None
        elif (
            len(text) <= _ABOVE_MAX
            and is_headline_text(text)
            and not patterns.DATE_TEXT.search(text)
            and all(child.tag in _INLINE for child in element if isinstance(child.tag, str))
            and not element.xpath("ancestor-or-self::a or .//a")
        ):
            return text, Selector(root=element, type="html")
    return None


_META_MAX = 200  # a meta line's characters at most
_ABOVE_MAX = 100  # a headline's characters at most
_INLINE = INLINE_MARKUP | {"br", "img"}


def _elements_before(element: Element) -> Iterator[Element]:
    """The elements before `element` in document order, nearest first (outside it; scripts and styles left out)."""
    while (parent := element.getparent()) is not None:
        for sibling in element.itersiblings(preceding=True):
            if isinstance(sibling.tag, str) and sibling.tag not in ("script", "style"):
                yield from (
                    e
                    for e in reversed(list(sibling.iterdescendants()))
                    if isinstance(e.tag, str) and e.tag not in ("script", "style")
                )
                yield sibling
        element = parent


def _headline_heading(elements: dict[str, list[Any]]) -> tuple[str, Selector] | None:
    """The first `<h1>`, else the first `<h2>`, that reads as a headline (`is_headline_text`, in no link and holding
    none: not a logo's, a channel's or a related list's), and its text (a date in it left out)."""
    for tag in ("h1", "h2"):
        for element in elements[tag]:
            heading = Selector(root=element, type="html")
            if is_headline_text(value := _h1_text(heading)) and not element.xpath("ancestor-or-self::a or .//a"):
                return value, heading
    return None


def _shown_title_head(sel: Selector, title: str) -> tuple[str, Selector] | None:
    """The longest head of the `<title>` (the whole of it, or before a separator or a space: "标题 栏目_站名",
    "标题 单位名称") that is a text of its own on the page, else its tail after a separator when that is the
    longer part ("站名--标题"), and the element showing it (`<div class="title">`, a `<td>`, an `<h2>`)."""
    title = title.strip()[:_TITLE_MAX]
    separators = [match for match in patterns.TITLE_SEPARATOR.finditer(title) if match.start() > 0]
    ends = {match.start() for match in separators}
    ends |= {match.start() for match in patterns.TITLE_SPACE.finditer(title) if match.start() >= _SPACED_HEAD_MIN}
    heads = [title[:end].strip() for end in sorted(ends | {len(title)}, reverse=True)]  # longest first
    tails = [
        tail
        for match in separators
        if len(tail := title[match.end() :].strip()) > match.start() and len(tail) >= _TAIL_HEADLINE_MIN
    ]
    if not title or _NOT_XML.search(title):  # lxml takes no control character in an XPath variable
        return None
    for candidates in (heads, *([tail] for tail in tails)):
        for holding in _texts_holding(sel, candidates[-1]):
            texts: dict[str, Any] = {}  # each text holding the shortest (the heads all start with it), spaces collapsed
            for text in holding:
                texts.setdefault(" ".join(text.split()), text)
            for head in candidates:
                if (text := texts.get(head)) is not None:
                    return head, Selector(root=text_holder(text))
    return None


# The elements inside an element (its comments aside), compiled once: `Selector.xpath` wraps each in a Selector.
_DESCENDANTS = etree.XPath(".//*")


def _texts_holding(sel: Selector, head: str) -> Iterator[list[Any]]:
    """The page's texts holding `head`, in page order, as strings that know their element: first those outside
    links (`pagefacts.running_texts`, read once: a headline shown as such), then every one (a query over the
    page's text nodes, a tenth of a page's extraction where it runs: a headline shown in a link only)."""
    yield [text for text in running_texts(sel) if head in text]
    yield _TEXTS_HOLDING(sel.root, head=head)


# The page's text nodes holding `$head`, compiled once (as "smart" strings: each knows its element).
_TEXTS_HOLDING = etree.XPath("/html/body/descendant::text()[contains(., $head)]")

# A `<title>` is read as far as this for its heads: a real one is far shorter, and each head is a copy of it.
_TITLE_MAX = 1000

# A head of the `<title>` ending at a space ("标题 栏目_站名" -> "标题") is that long at least: a shorter one is
# a word of the headline that the page may show elsewhere (a tag, a channel name).
_SPACED_HEAD_MIN = 8

# A tail of the `<title>` after a separator that is the headline ("站名--标题") is that long at least, and longer
# than what comes before it: a site or channel name after the headline is shorter ("标题_站名").
_TAIL_HEADLINE_MIN = 10

# Characters XML (and so an lxml XPath variable) cannot hold: C0 controls but tab and newlines, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _h1_text(h1: Selector) -> str:
    # PHPCMS puts the meta line inside the headline: <h1>标题<br/><span>2024年09月03日 ...</span></h1>
    value = text_of(h1)
    for element in _DESCENDANTS(h1.root):
        if patterns.DATE_TEXT.search(text := joined_text([element])):
            value = value.replace(text, "")
    return value.strip()
