"""The main list of a listing page: its article links among a page's site links (`links.site_links`), each
with the date shown beside it; not nav bars, footers, side widgets, hidden tabs, tag clouds or redirects.

Pure functions over a parsed page; the spider routes what they find.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import NamedTuple

from lxml import etree
from parsel import Selector

from crawler import vocabulary
from crawler.extract.dom import Element, string_value
from crawler.extract.nesting import ancestors
from crawler.extract.patterns import DATE_TEXT

#: A link text with at least this many letters (digits, spaces and punctuation aside) is a title: "央行开展逆回购操作"; the names in nav bars,
#: footers and pagers ("财经", "网站地图", "下一页", "TAG标签") are shorter.
MIN_TITLE_CHARS = 6

# A link that redirects (an ad's click counter, "jump to the last post"), never an entry of a list:
# "http://www.x.com/baidu.php?url=K00000KP_SD", "/forum.php?mod=redirect&goto=lastpost&tid=2", "/go?target=".
REDIRECT = re.compile(r"[?&](?:url|redirect|redirect_?url|target|goto|jump|jumpurl)=", re.IGNORECASE)

# The heading of a side widget, whose links are no main list: "相关推荐", "推荐阅读", "热点内容",
# "热门文章", "栏目排行", "频道总排行", "猜你喜欢", "大家都在看". Only short headings count (MAX_HEADING_CHARS).
WIDGET_HEADING = re.compile(r"相关|推荐|热门|热点|热读|排行|排名|猜你喜欢|大家都在看")
MAX_HEADING_CHARS = 12

# A relative time: "刚刚", "5分钟前", "3 个小时前", "半小时前", "2天前", "昨天 14:20", "昨日", "前天".
RELATIVE_TIME = vocabulary.RELATIVE_TIME

# A listing's date, alone in its element but for a label or brackets: "2024-09-03", "[09-03]", "日期:09-03",
# "9月3日", "09-03 11:54", "3小时前", "昨天 14:20", "(2024年9月3日)". Not: "阅读 123", "12.5%", "第3期", "财经".
LISTING_DATE = re.compile(  # (each part takes the spaces after it: "[" and 400 spaces took 1.8 s when three could)
    r"[\[(（【]?\s*(?:(?:日期|时间|发布时间|更新时间)\s*)?(?:[:：]\s*)?"
    rf"(?:{DATE_TEXT.pattern}|\d{{1,2}}\s*[-/月]\s*\d{{1,2}}\s*日?(?:\s*\d{{1,2}}:\d{{2}})?|{RELATIVE_TIME.pattern})"
    r"\s*[\])）】]?"
)


class MainList(NamedTuple):
    """The main list of a page: its article links."""

    dates: Mapping[str, str | None]  # URL -> the date text shown beside its link (None: no date), in page order
    text_chars: int  # characters of text in the list's block, dates and summaries included
    block: Element | None = None  # the list's block


def main_list(links: Sequence[tuple[str, Element | Selector]], all_titled: bool = False) -> MainList:
    """The main list among `links` (`site_links` of a page): the block with the most items (children
    holding a titled link), two at least, that is no widget (`WIDGET_HEADING`, up to MAX_WIDGET_LINKS)
    and holds none, with its siblings of the same structure (a list cut into `<ul>`s or `<table>`s);
    then its titled links at the places of its items' titles (`_usual_places`: no tag clouds or comment
    counts), none in a hidden tab (`_hidden_tabs`) or a redirect (`REDIRECT`). Nav bars and footers hold
    no titles.

    >>> page = Selector(text='''<ul><li><a href="/news/">财经</a></li><li><a href="/bank/">银行</a></li></ul>
    ... <ul><li><span>3小时前</span><a href="/p/1">央行开展逆回购操作</a><p>央行今日开展...</p></li>
    ...     <li><a href="/p/2">沪指收涨0.5%成交放量</a><span>(09-03)</span></li></ul>
    ... <h3>热点内容</h3><ul><li><a href="/p/7">一则热门文章的标题</a></li><li><a href="/p/8">又一则热门的标题</a></li>
    ... <li><a href="/p/9">第三则热门的标题</a></li></ul>''')
    >>> main_list([(a.attrib["href"], a) for a in page.css("a")]).dates
    {'/p/1': '3小时前', '/p/2': '(09-03)'}
    """
    titled: dict[str, Element] = {}
    for url, link in links:
        element = link.root if isinstance(link, Selector) else link
        if url not in titled and not REDIRECT.search(url) and (all_titled or is_titled(element)):
            titled[url] = element
    unnest = False
    items, held = _items(titled.values(), unnest)
    chosen, widgets = _chosen(items, held)
    if chosen is None and len(titled) >= 2:  # a list whose items' end tags are missing, each nested in the one before
        unnest = True
        items, held = _items(titled.values(), unnest)
        chosen, widgets = _chosen(items, held)
    if chosen is None:
        return MainList({}, 0)
    blocks = _alike(chosen, items, widgets)
    hidden = _hidden_tabs(blocks)
    members = []  # (url, link, its block, its item)
    outside: set[Element] = set()  # elements whose ancestors hold no block before a hidden tab or the root
    for url, link in titled.items():
        item = link
        path: list[Element] = []  # the ancestors read, below the one that ends the walk
        for ancestor in ancestors(link, unnest):
            if ancestor in blocks:
                members.append((url, link, ancestor, item))
                break
            if ancestor in hidden or ancestor in outside:
                outside.update(path)  # the links of a nav bar or a sidebar: one walk up to the root, not one a link
                break
            path.append(ancestor)
            item = ancestor
        else:
            outside.update(path)
    kept = _usual_places(members, unnest)
    dates = ListedDates({url: (link, block) for url, link, block, _ in members if _place(link, unnest) in kept})
    return MainList(dates, sum(nonspace_chars(string_value(block)) for block in blocks), chosen)


class ListedDates(Mapping[str, "str | None"]):
    """A main list's URLs, in page order, and the date text shown beside each link (`_date_beside`), read from
    the page when first asked: a page found to be an article never asks, nor does `finnews extract`, which
    prints the links only."""

    def __init__(self, links: dict[str, tuple[Element, Element]]) -> None:
        self._links = links  # URL -> its <a>, the list's block holding it
        self._dates: dict[str, str | None] | None = None

    def _read(self) -> dict[str, str | None]:
        if self._dates is None:
            self._dates = {url: _date_beside(link, block) for url, (link, block) in self._links.items()}
        return self._dates

    def __getitem__(self, url: str) -> str | None:
        return self._read()[url]

    def __iter__(self) -> Iterator[str]:
        return iter(self._links)

    def __len__(self) -> int:
        return len(self._links)

    def __contains__(self, url: object) -> bool:
        return url in self._links

    def __repr__(self) -> str:
        return repr(self._read())


#: The share of a list's items whose first titled link sits at a place (`_place`) for the list's links
#: there to count: titles sit at one or two places; tag clouds and comment counts after them.
MIN_PLACE_SHARE = 0.25


def _place(link: Element, unnest: bool = False) -> tuple[str, str]:
    """Where a link sits in its item: the tags of its parent and grandparent ("h3" in "div", "td" in "tr"), as
    `nesting.ancestors` reads them."""
    if unnest:
        parent, grandparent = islice(chain(ancestors(link, unnest), (None, None)), 2)
    else:  # most pages: no generator
        parent = link.getparent()
        grandparent = parent.getparent() if parent is not None else None
    return (parent.tag if parent is not None else "", grandparent.tag if grandparent is not None else "")


def _usual_places(members: list[tuple[str, Element, Element, Element]], unnest: bool) -> set[tuple[str, str]]:
    """The places (`_place`) of a list's titles: those of the first titled link of at least
    MIN_PLACE_SHARE of the items."""
    firsts: dict[Element, tuple[str, str]] = {}
    for _, link, _, item in members:
        firsts.setdefault(item, _place(link, unnest))
    counts = Counter(firsts.values())
    most = max(counts.values(), default=0)
    return {place for place, count in counts.items() if count >= MIN_PLACE_SHARE * most}


#: How many levels above a chosen block `_alike` looks for the siblings of its list's other parts.
MAX_PART_LEVELS = 3


def _alike_items(items: set[Element]) -> bool:
    """Whether two of a block's `items` at least have one tag and class: a list's entries do, a page's
    header, text and footer do not."""
    shapes = Counter((item.tag, item.get("class")) for item in items)
    return max(shapes.values()) >= 2


def _chosen(items: dict[Element, set[Element]], held: Counter[Element]) -> tuple[Element | None, set[Element]]:
    """The block of the main list among the blocks of `items` (see `main_list`), or None; and the widgets found
    on the way, with what holds them (their links are no main list's items)."""
    widgets: set[Element] = set()
    for block in sorted((block for block in items if len(items[block]) >= 2), key=lambda block: -len(items[block])):
        if len(items[block] - widgets) < 2 or not _alike_items(items[block]):
            continue
        if held[block] <= MAX_WIDGET_LINKS and _is_widget(block):
            widgets.add(block)
            widgets.update(block.iterancestors())
            continue
        return block, widgets
    return None, widgets


def _items(links: Iterable[Element], unnest: bool = False) -> tuple[dict[Element, set[Element]], Counter[Element]]:
    """For each ancestor of `links` (`nesting.ancestors`), its children that hold one of them (its items), and how many
    it holds.

    Each link's ancestors are read up to the first that holds a link read before (the rest of its path is
    known), the counts added up once at the end: a page of unclosed tags nests its links hundreds deep.
    """
    items: dict[Element, set[Element]] = defaultdict(set)
    links = list(links)
    for link in links:
        child = link
        for ancestor in ancestors(link, unnest):
            known = items[ancestor]
            if child in known:  # on the path of a link read before: the rest of the path is known
                break
            known.add(child)
            child = ancestor
    inner = {child for children in items.values() for child in children}
    order = [block for block in items if block not in inner]  # the tops, then their items, parents first
    for block in order:
        order.extend(child for child in items[block] if child in items)
    held: Counter[Element] = Counter()
    is_link = set(links)
    for block in reversed(order):  # items before their blocks
        held[block] = sum((child in is_link) + held[child] for child in items[block])
    return items, held


def _alike(block: Element, items: dict[Element, set[Element]], widgets: set[Element]) -> set[Element]:
    """`block` and its siblings of its tag and class that hold titled links too (no `widgets`): the parts of a list
    cut into several `<ul>`s or `<table>`s. Looked for from `block` and up to MAX_PART_LEVELS of its
    ancestors that hold no other titled link (a `<tbody>` in its `<table>` in its `<div>`)."""
    part = block
    for _ in range(MAX_PART_LEVELS + 1):
        parent = part.getparent()
        if parent is None:
            break
        shape = (part.tag, part.get("class"))
        parts = {
            child
            for child in items.get(parent, ())
            if (child.tag, child.get("class")) == shape and child not in widgets
        }
        if len(parts) > 1:
            return parts
        if len(items.get(parent, ())) > 1:
            break
        part = parent
    return {block}


# The class that marks the tab shown of a block of tabs: "tabContents active", "tab-pane current", "on".
_SHOWN_TAB = re.compile(r"^(?:active|current|cur|on|show|selected)$")
_SHOWN_CLASS = re.compile(r"(?<!\S)(?:active|current|cur|on|show|selected)(?!\S)")  # one of a class's names


# The elements of a block that have a class, itself included, in page order (most have none: no Python for them).
_CLASSED = etree.XPath("descendant-or-self::*[@class]")
# Their classes, as plain strings (no element proxy made): for the test that a block holds no shown tab.
_CLASS_VALUES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)


def _hidden_tabs(blocks: Iterable[Element]) -> set[Element]:
    """The tabs not shown in `blocks`: the siblings of a tab whose class marks it shown (`_SHOWN_TAB`)
    that have its tag and the rest of its class ("tabContents" beside "tabContents active")."""
    hidden = set()
    for block in blocks:
        if not _SHOWN_CLASS.search("\n".join(_CLASS_VALUES(block))):  # most blocks hold no tabs: no element read
            continue
        for element in _CLASSED(block):
            if not _SHOWN_CLASS.search(classes := element.get("class")):  # a cheap test first, on every class
                continue
            classes = classes.split()
            if len(classes) < 2:
                continue
            rest = {name for name in classes if not _SHOWN_TAB.match(name)}
            parent = element.getparent()
            for sibling in parent if parent is not None else ():
                if (
                    sibling is not element
                    and sibling.tag == element.tag
                    and set((sibling.get("class") or "").split()) == rest
                ):
                    hidden.add(sibling)
    return hidden


#: A block with more titled links than this is no side widget, whatever its heading: a ranking page's rankings
#: (hundreds of links); a "为您推荐" feed under an article shows a few dozen.
MAX_WIDGET_LINKS = 100


def _is_widget(block: Element) -> bool:
    """Whether the heading of `block` (the text just before it, or its first child when that holds no
    link) names a widget: "相关推荐", "热点内容", "栏目排行" ..."""
    first = next(block.iterchildren(etree.Element), None)
    headings = (
        _text_before(block),
        string_value(first) if first is not None and first.tag != "a" and next(first.iter("a"), None) is None else "",
    )
    return any(nonspace_chars(text) <= MAX_HEADING_CHARS and WIDGET_HEADING.search(text) for text in headings)


def _text_before(element: Element) -> str:
    """The last text before `element` that is not blank, as `string(preceding::text()[normalize-space()][1])`
    gives it, read backwards from the element (the query reads the whole page before it: a tenth of a ms).

    >>> page = etree.fromstring("<div><h3>热点内容 </h3><!-- x --><ul><li>1</li></ul></div>")
    >>> _text_before(page.find("ul")), _text_before(page.find("h3"))
    ('热点内容 ', '')
    """
    node: Element | None = element
    while node is not None:
        previous = node.getprevious()
        while previous is not None:
            if (tail := previous.tail) and tail.strip(_XML_SPACE):
                return tail
            if isinstance(previous.tag, str):  # a comment's or processing instruction's text is no text node
                for text in reversed(list(previous.itertext())):
                    if text.strip(_XML_SPACE):
                        return text
            previous = previous.getprevious()
        node = node.getparent()
        if node is not None and (text := node.text) and text.strip(_XML_SPACE):
            return text
    return ""


_XML_SPACE = " \t\r\n"  # what XPath's normalize-space() strips


def _date_beside(link: Element, block: Element) -> str | None:
    """The date text in the link's item (the child of `block` holding it), or, in a flat list of links,
    right after the link. Of an item holding several entries (one box of a list cut into channel boxes,
    `<dl><dt>频道</dt><dd><ul><li>`), the date of the innermost element around the link that shows one: its
    entry's, not the box's first."""
    path = []  # the link's ancestors below `block`, the innermost first
    item = link
    while (parent := item.getparent()) is not block and parent is not None:
        item = parent
        path.append(item)
    if item is link:  # "<a>标题</a><span>09-03</span><br/>"
        following = link.getnext()
        return _first_date([link.tail or "", string_value(following) if following is not None else ""])
    return next((date for element in path if (date := _first_date(element.itertext())) is not None), None)


def _first_date(texts: Iterable[str]) -> str | None:
    """The first of `texts` that is a listing's date (as it is, but for its ends' spaces; matched with its runs of
    spaces as one: every `\\s*` of the pattern then has one space at most to take)."""
    return next(
        (
            date
            for text in texts
            if _MAY_BE_DATE.search(text) and LISTING_DATE.fullmatch(" ".join((date := text.strip()).split()))
        ),
        None,
    )


# What every `LISTING_DATE` holds: a digit, or the first character of a relative time's word ("刚刚", "半小时前",
# "昨天"). A cheap test first: most texts of an item are its title.
_MAY_BE_DATE = re.compile(
    "[\\d"
    + "".join(sorted({word[0] for word in (*vocabulary.JUST_NOW, vocabulary.AGO_HALF, *vocabulary.DAY_WORDS)}))
    + "]"
)


def is_titled(link: Element) -> bool:
    """Whether the text of `link` is a title: MIN_TITLE_CHARS letters at least (CJK characters included),
    digits, spaces and punctuation aside; a comment count "210跟贴210" has two.

    >>> [is_titled(Selector(text=f"<a>{text}</a>").css("a")[0].root) for text in ("沪指收涨0.5%成交放量", "1055跟贴1055", "网站地图")]
    [True, False, False]
    """
    return _TITLED.match(string_value(link)) is not None


def titled_links(root: Element) -> list[Element]:
    """The `<a href>`s of a page whose text is a title (`is_titled`), in page order. Most links of a page (its nav
    bars', its footer's) are shorter than a title: a query leaves them out first, without a Python call for each.
    """
    return [link for link in _LONG_LINKS(root) if is_titled(link)]


# The links whose text has MIN_TITLE_CHARS characters at least, spaces aside: a title's letters are some of them.
_LONG_LINKS = etree.XPath(f"/descendant::a[@href][string-length(normalize-space()) >= {MIN_TITLE_CHARS}]")

# MIN_TITLE_CHARS letters, anything between them: read no further than the last of them.
_TITLED = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{MIN_TITLE_CHARS}}}")


def nonspace_chars(text: str) -> int:
    """Characters of `text`, spaces aside."""
    return len("".join(text.split()))
