"""Listing-page extraction: the links of a page that stay on its site, the main list of a listing (its
article links, each with the date shown beside it), and whether a page is an article or a listing.

Pure functions over a parsed page; the spider routes what they find (see `pagination` for page links).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from crawler import vocabulary
from crawler.extract.patterns import DATE_TEXT, YEARLESS_DATE_TEXT
from crawler.extract.urls import absolute_url, canonical_url, site_host
from crawler.scope import registrable_domain

ARTICLE, LISTING = "article", "listing"

# Links to documents, no web pages but the entries of announcement lists: "/upload/report.pdf".
DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "txt"})
# Links to media and archives, never an entry of a list: "/uploads/allimg/240903/1-1.jpg", "/app.apk".
MEDIA_EXTENSIONS = frozenset({
    "zip", "rar", "7z", "gz", "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "mp3", "mp4", "avi",
    "flv", "exe", "apk", "css", "js",
})  # fmt: skip

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

# Page metadata that says a page is a (dated) article: <meta property="og:type" content="article">,
# <meta property="article:published_time" content="2024-09-03T08:05:12+08:00">, government sites'
# <meta name="PubDate" content="2024-09-03 16:20"> and <meta name="firstpublishedtime" content="2007-08-20-23:59:59">,
# <meta name="publishdate">, <meta itemprop="datePublished">. Not <meta name="lastmodifiedtime"> alone.
ARTICLE_META = etree.XPath(
    "//meta[@property='og:type' and @content='article'"
    " or re:test(concat(@name, ' ', @property, ' ', @itemprop), 'publish|pubdate|pubtime|release_?date', 'i')"
    " and re:test(@content, '[12][0-9]{3}')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
#: How far before its text an article without an `<h1>` shows its date (its meta line), in characters; and
#: how far into its text block (which may hold headline and meta line).
META_CHARS = 200
#: The longest text that is a meta line's part, not a sentence of the text: "2024-09-03 11:54 来源：新华社".
MAX_META_LINE = 60
#: The text of an article whose related list or comment feed, after it, holds more text than it does.
MIN_ARTICLE_CHARS = 300

# A listing's date, alone in its element but for a label or brackets: "2024-09-03", "[09-03]", "日期:09-03",
# "9月3日", "09-03 11:54", "3小时前", "昨天 14:20", "(2024年9月3日)". Not: "阅读 123", "12.5%", "第3期", "财经".
LISTING_DATE = re.compile(
    r"[\[(（【]?\s*(?:日期|时间|发布时间|更新时间)?\s*[:：]?\s*"
    rf"(?:{DATE_TEXT.pattern}|\d{{1,2}}\s*[-/月]\s*\d{{1,2}}\s*日?(?:\s*\d{{1,2}}:\d{{2}})?|{RELATIVE_TIME.pattern})"
    r"\s*[\])）】]?"
)


def site_links(page: Selector | HtmlElement, page_url: str, host: str | None = None) -> list[Link]:
    """(canonical absolute URL, `<a>` element) of every link to a page of the same site, in page order;
    links to a variant of the site's `host` (default: the page's; `m.`, `wap.`, `www.`) are put on it.

    The site is the page's registrable domain: a news portal lists articles of its `money.` and `tech.`
    hosts on its `news.` pages; the spider follows only the main list's links there (`on_site` tells the
    host's own). Links to documents (`is_document`: "/upload/report.pdf") are kept:
    announcement lists are lists of them; links to media and archives are not.

    >>> page = Selector(text='<a href="/a/1.html">x</a><a href="http://other/b">y</a><a href="f.jpg">z</a>'
    ...                      '<a href="http://m.host.cn/a/2.html">w</a><a href="//tech.host.cn/a/3.html">v</a>')
    >>> [url for url, _ in site_links(page, "http://www.host.cn/list/")]
    ['http://www.host.cn/a/1.html', 'http://www.host.cn/a/2.html', 'http://tech.host.cn/a/3.html']
    """
    root = page.root if isinstance(page, Selector) else page
    host = (host or urlsplit(page_url).netloc).lower()
    site, domain = site_host(host), _registrable(host)
    base = urlsplit(page_url)
    origin = (base.scheme, base.netloc) if base.scheme in ("http", "https") and base.netloc else None
    resolved: dict[str, str | None] = {}  # href -> canonical URL (None: no link of the site): hrefs repeat
    links = []
    for link in _LINKS(root):
        href = link.get("href").strip()  # not .attrib: one bad attribute name breaks its dict
        if href not in resolved:
            resolved[href] = _site_url(href, page_url, origin, host, site, domain)
        url = resolved[href]
        if url is not None:
            links.append((url, link))
    return links


@lru_cache(maxsize=4096)
def _registrable(netloc: str) -> str | None:
    """The registrable domain of a host (and port): "news.x.com.cn:80" -> "x.com.cn"."""
    return registrable_domain(netloc.rpartition(":")[0] if netloc.count(":") == 1 else netloc)


#: (canonical URL, `<a>` element): what `site_links` gives.
Link = tuple[str, HtmlElement]

_LINKS = etree.XPath("//a[@href]")
# An href that needs no urljoin: absolute or root-relative, printable ASCII without spaces, no dot
# segment, a port under 10000 if any ("http://www.x.cn/a/1.html", "http://127.0.0.1:8601/", "/a/1.html?id=2"); anything else takes `absolute_url`.
_PLAIN_ABSOLUTE = re.compile(r"https?://([A-Za-z0-9.-]+(?::[1-9][0-9]{0,3})?)([/?#][!-~]*)?")
_PLAIN_ROOTED = re.compile(r"/(?!/)[!-~]*")


def _site_url(
    href: str, page_url: str, origin: tuple[str, str] | None, host: str, site: str, domain: str | None
) -> str | None:
    """The canonical URL of `href` if it is a link to a page of the site, else None."""
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    plain = _PLAIN_ABSOLUTE.fullmatch(href)
    if plain and "/." not in href:
        url, netloc, rest = href, plain.group(1), plain.group(2) or ""
    elif origin is not None and _PLAIN_ROOTED.fullmatch(href) and "/." not in href:
        url, netloc, rest = f"{origin[0]}://{origin[1]}{href}", origin[1], href
    else:
        absolute = absolute_url(page_url, href)
        if absolute is None:
            return None
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            return None
        url, netloc, rest = absolute, parts.netloc, parts.path
    path = rest.partition("?")[0].partition("#")[0]
    if path.rpartition(".")[2].lower() in MEDIA_EXTENSIONS:
        return None
    netloc = netloc.lower()
    if netloc == host:
        variant = None
    elif site_host(netloc) == site:
        variant = host  # "m.x.cn" put on "www.x.cn"
    elif domain is not None and _registrable(netloc) == domain:
        variant = None  # "tech.x.cn" from "news.x.cn": another host of the site
    else:
        return None
    try:
        return canonical_url(url, variant)
    except ValueError:  # a host IDNA cannot encode ("http://a..b/")
        return None


def on_site(url: str, host: str) -> bool:
    """Whether `url` is on `host` or a variant of it (m., wap., www.), not on another host of its domain.

    >>> on_site("http://m.x.cn/a/1.html", "www.x.cn"), on_site("http://tech.x.cn/a/1.html", "www.x.cn")
    (True, False)
    """
    return site_host(urlsplit(url).netloc) == site_host(host)


def is_document(url: str) -> bool:
    """Whether `url` names a document file rather than a web page: "/upload/2024/report.pdf".

    >>> is_document("http://x.cn/upload/report.PDF"), is_document("http://x.cn/a/1.html")
    (True, False)
    """
    return urlsplit(url).path.rpartition(".")[2].lower() in DOCUMENT_EXTENSIONS


# The scheme and host of an absolute link: "https://www.x.cn/a/1.html", "//www.x.cn/b/".
_ABSOLUTE_HOST = re.compile(r"(https?:)?//([\w.-]+(?::\d+)?)(?:[/?#]|$)", re.IGNORECASE)


def own_url(sel: Selector) -> str | None:
    """The URL a saved page gives itself: its `<link rel=canonical>` or og:url when that is an absolute
    http(s) URL, else the home page of the host most of its absolute links point to; None if neither.

    >>> own_url(Selector(text='<link rel="canonical" href="https://www.x.cn/a/1.html"><a href="http://y.cn/">y</a>'))
    'https://www.x.cn/a/1.html'
    >>> own_url(Selector(text='<a href="http://www.x.cn/a/1.html">1</a><a href="//www.x.cn/b/">2</a><a href="http://y.cn/">3</a>'))
    'http://www.x.cn/'
    >>> own_url(Selector(text='<a href="/a/1.html">1</a>')) is None
    True
    """
    for href in sel.root.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"):
        url = absolute_url(href, href)
        if url and urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname:
            return url
    hosts: Counter[str] = Counter()
    for href in sel.root.xpath("//a/@href"):
        found = _ABSOLUTE_HOST.match(href.strip())
        if found:
            hosts[f"{found.group(1) or 'http:'}//{found.group(2).lower()}/"] += 1
    return hosts.most_common(1)[0][0] if hosts else None


class MainList(NamedTuple):
    """The main list of a page: its article links."""

    dates: dict[str, str | None]  # URL -> the date text shown beside its link (None: no date)
    text_chars: int  # characters of text in the list's block, dates and summaries included
    block: HtmlElement | None = None  # the list's block


def main_list(links: Sequence[tuple[str, HtmlElement | Selector]]) -> MainList:
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
    titled: dict[str, HtmlElement] = {}
    for url, link in links:
        element = link.root if isinstance(link, Selector) else link
        if url not in titled and not REDIRECT.search(url) and _title_chars(element.text_content()) >= MIN_TITLE_CHARS:
            titled[url] = element
    items, held = _items(titled.values())
    chosen = None
    widgets: set[HtmlElement] = set()  # widgets and what holds them: their links are no main list's items
    for block in sorted((block for block in items if len(items[block]) >= 2), key=lambda block: -len(items[block])):
        if len(items[block] - widgets) < 2 or not _alike_items(items[block]):
            continue
        if held[block] <= MAX_WIDGET_LINKS and _is_widget(block):
            widgets.add(block)
            widgets.update(block.iterancestors())
            continue
        chosen = block
        break
    if chosen is None:
        return MainList({}, 0)
    blocks = _alike(chosen, items, widgets)
    hidden = _hidden_tabs(blocks)
    members = []  # (url, link, its block, its item)
    for url, link in titled.items():
        item = link
        for ancestor in link.iterancestors():
            if ancestor in blocks:
                members.append((url, link, ancestor, item))
                break
            if ancestor in hidden:
                break
            item = ancestor
    kept = _usual_places(members)
    dates = {url: _date_beside(link, block) for url, link, block, _ in members if _place(link) in kept}
    return MainList(dates, sum(_chars(block.text_content()) for block in blocks), chosen)


#: The share of a list's items whose first titled link sits at a place (`_place`) for the list's links
#: there to count: titles sit at one or two places; tag clouds and comment counts after them.
MIN_PLACE_SHARE = 0.25


def _place(link: HtmlElement) -> tuple[str, str]:
    """Where a link sits in its item: the tags of its parent and grandparent ("h3" in "div", "td" in "tr")."""
    parent = link.getparent()
    grandparent = parent.getparent() if parent is not None else None
    return (parent.tag if parent is not None else "", grandparent.tag if grandparent is not None else "")


def _usual_places(members: list[tuple[str, HtmlElement, HtmlElement, HtmlElement]]) -> set[tuple[str, str]]:
    """The places (`_place`) of a list's titles: those of the first titled link of at least
    MIN_PLACE_SHARE of the items."""
    firsts: dict[HtmlElement, tuple[str, str]] = {}
    for _, link, _, item in members:
        firsts.setdefault(item, _place(link))
    counts = Counter(firsts.values())
    most = max(counts.values(), default=0)
    return {place for place, count in counts.items() if count >= MIN_PLACE_SHARE * most}


#: How many levels above a chosen block `_alike` looks for the siblings of its list's other parts.
MAX_PART_LEVELS = 3


def _alike_items(items: set[HtmlElement]) -> bool:
    """Whether two of a block's `items` at least have one tag and class: a list's entries do, a page's
    header, text and footer do not."""
    shapes = Counter((item.tag, item.get("class")) for item in items)
    return max(shapes.values()) >= 2


def _items(links: Iterable[HtmlElement]) -> tuple[dict[HtmlElement, set[HtmlElement]], Counter[HtmlElement]]:
    """For each ancestor of `links`, its children that hold one of them (its items), and how many it holds."""
    items: dict[HtmlElement, set[HtmlElement]] = defaultdict(set)
    held: Counter[HtmlElement] = Counter()
    for link in links:
        child = link
        for ancestor in link.iterancestors():
            items[ancestor].add(child)
            held[ancestor] += 1
            child = ancestor
    return items, held


def _alike(
    block: HtmlElement, items: dict[HtmlElement, set[HtmlElement]], widgets: set[HtmlElement]
) -> set[HtmlElement]:
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


def _hidden_tabs(blocks: Iterable[HtmlElement]) -> set[HtmlElement]:
    """The tabs not shown in `blocks`: the siblings of a tab whose class marks it shown (`_SHOWN_TAB`)
    that have its tag and the rest of its class ("tabContents" beside "tabContents active")."""
    hidden = set()
    for block in blocks:
        for element in block.iter():
            classes = (element.get("class") or "").split() if isinstance(element.tag, str) else []
            if len(classes) < 2 or not any(_SHOWN_TAB.match(name) for name in classes):
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


def _is_widget(block: HtmlElement) -> bool:
    """Whether the heading of `block` (the text just before it, or its first child when that holds no
    link) names a widget: "相关推荐", "热点内容", "栏目排行" ..."""
    headings = (
        block.xpath("string(preceding::text()[normalize-space()][1])"),
        block.xpath("string(*[1][not(descendant-or-self::a)])"),
    )
    return any(_chars(text) <= MAX_HEADING_CHARS and WIDGET_HEADING.search(text) for text in headings)


def _date_beside(link: HtmlElement, block: HtmlElement) -> str | None:
    """The date text in the link's item (the child of `block` holding it), or, in a flat list of links,
    right after the link."""
    item = link
    while (parent := item.getparent()) is not block and parent is not None:
        item = parent
    if item is link:  # "<a>标题</a><span>09-03</span><br/>"
        following = link.getnext()
        texts = [link.tail or "", following.text_content() if following is not None else ""]
    else:
        texts = list(item.itertext())
    return next((text.strip() for text in texts if LISTING_DATE.fullmatch(text.strip())), None)


def page_kind(sel: Selector, main: MainList, listing_date: str | None = None) -> str:
    """ARTICLE for a dated page whose main text block (`text_block`) holds more text than its main list
    (`main_list`) holds in all, or at least MIN_ARTICLE_CHARS when the list comes after it (a related
    feed, a comment list); LISTING otherwise. Dated: a date shows just before its text (a meta
    line), its metadata dates it (`ARTICLE_META`), or a listing showed `listing_date` beside its link
    ("关于我们" has a text but no date).

    >>> article = Selector(text='<h1>央行开展逆回购</h1><div>2024-09-03 11:54 来源:新华社</div>'
    ...                         '<div><p>央行今日开展1000亿元逆回购操作。</p><p>中标利率持平。</p></div>')
    >>> page_kind(article, MainList({}, 0))
    'article'
    >>> page_kind(article, MainList({"/p/1": "09-03", "/p/2": None}, 40))
    'listing'
    """
    block, chars = text_block(sel.root)
    list_chars = main.text_chars
    if block is not None and main.block is not None and (block is main.block or main.block in block.iterancestors()):
        list_chars -= chars  # a wrapper of the page's few links and its text: the text is not the list's
    if chars <= list_chars and not (chars >= MIN_ARTICLE_CHARS and _follows(main.block, block)):
        return LISTING
    dated = listing_date is not None or bool(ARTICLE_META(sel.root)) or (block is not None and _dated(sel.root, block))
    return ARTICLE if dated else LISTING


# Elements that hold a text's runs, not its paragraphs: the text in them counts for the block around.
_INLINE = frozenset({
    "span", "font", "strong", "b", "em", "i", "u", "s", "small", "big", "sub", "sup", "br", "img", "label",
    "code", "mark", "blockquote", "center", "section",
})  # fmt: skip
# Text outside links, scripts, styles and form controls, as strings that know their parent element.
_TEXTS = etree.XPath(
    "//body//text()[not(ancestor::a or parent::script or parent::style or parent::option or parent::textarea)]"
)


def text_block(root: HtmlElement) -> tuple[HtmlElement | None, int]:
    """The element holding the most running text (links, scripts and form controls aside), and how
    many characters: each text counts for the parent of its paragraph (the nearest element that is no
    inline markup, `_INLINE`), so the paragraphs of an article, `<p>` or `<div>` or lines between `<br>`s,
    add up in their block, and a listing's summaries count each in its own item.

    >>> block, chars = text_block(Selector(text='<div id="t"><div>央行开展逆回购操作。</div><p>中标利率<b>持平</b>。</p></div>').root)
    >>> block.get("id"), chars
    ('t', 17)
    """
    paragraph_of: dict[HtmlElement, HtmlElement | None] = {}
    chars: Counter[HtmlElement] = Counter()
    for text in _TEXTS(root):
        count = _chars(text)
        if not count:
            continue
        owner = text.getparent()
        if owner is None:
            continue
        if text.is_tail:
            owner = owner.getparent()
        if owner not in paragraph_of:
            paragraph = owner
            while paragraph is not None and paragraph.tag in _INLINE:
                paragraph = paragraph.getparent()
            paragraph_of[owner] = paragraph.getparent() if paragraph is not None else None
        block = paragraph_of[owner]
        if block is not None:
            chars[block] += count
    return chars.most_common(1)[0] if chars else (None, 0)


def _follows(later: HtmlElement | None, block: HtmlElement | None) -> bool:
    """Whether the element `later` starts after `block` in the page's source and is not around it."""
    if later is None or block is None or later.sourceline is None or block.sourceline is None:
        return False
    return later.sourceline > block.sourceline and later not in block.iterancestors()


def _dated(root: HtmlElement, block: HtmlElement) -> bool:
    """Whether a date or a relative time shows in the meta line of the text `block`: from the first `<h1>`
    (or, on a page without an `<h1>` before the block, META_CHARS characters before it) to the block, or
    as a short text of its own (no sentence of the text: "2024年9月3日下午，……") in the first META_CHARS
    characters of the block, which may hold the headline and the meta line."""
    around = set(block.iterancestors())  # their tails come after the block
    before: list[str] = []
    headline_at = None
    for element in root.iter():
        if element is block:
            break
        if element.tag == "h1" and headline_at is None:
            headline_at = len(before)
        before.extend(_texts(element, around))
    text = " ".join(" ".join(before[headline_at or 0 :]).split())
    if headline_at is None:
        text = text[-META_CHARS:]
    if DATE_TEXT.search(text) or RELATIVE_TIME.search(text) or YEARLESS_DATE_TEXT.search(text):
        return True
    inside = 0  # characters of the block read so far
    for element in block.iter():
        for line in _texts(element, {block}):
            line = " ".join(line.split())
            if len(line) <= MAX_META_LINE and (
                DATE_TEXT.search(line) or RELATIVE_TIME.match(line) or LISTING_DATE.fullmatch(line)
            ):
                return True
            inside += len(line)
        if inside > META_CHARS:
            break
    return False


def _texts(element: HtmlElement, around: set[HtmlElement]) -> list[str]:
    """The text of `element` (none for a script, a style or a comment) and its tail (unless it is one of
    `around`, whose tails come after what is read)."""
    texts = []
    if isinstance(element.tag, str) and element.tag not in ("script", "style"):
        texts.append(element.text or "")
    if element not in around:
        texts.append(element.tail or "")
    return texts


def _title_chars(text: str) -> int:
    """Letters of `text` (CJK characters included), digits, spaces and punctuation aside: a comment
    count "210跟贴210" has two.

    >>> _title_chars("沪指收涨0.5%成交放量"), _title_chars("1055跟贴1055")
    (8, 2)
    """
    return len(_LETTERS.findall(text))


_LETTERS = re.compile(r"[^\W\d_]")


def _chars(text: str) -> int:
    """Characters of `text`, spaces aside."""
    return len("".join(text.split()))


# Between the parts of a home page <title>: the title separators (`vocabulary.TITLE_SEPARATORS`), "·", colons
# and commas: "天下金融网 - 专业财经资讯门户", "财经快讯网_财经资讯门户", "金融观察网丨专业财经".
_TITLE_PARTS = re.compile(rf"\s*[{re.escape(vocabulary.TITLE_SEPARATORS)}·:：,，]+\s*|\s{{2,}}")


def site_name(home_title: str | None) -> str | None:
    """A portal's own name from its home page `<title>`: the first part, where titles add a slogan.

    >>> site_name("天下金融网 - 专业财经资讯门户")
    '天下金融网'
    >>> site_name("财经快讯网_财经资讯门户")
    '财经快讯网'
    >>> site_name("首页") is None
    True
    """
    parts = [part for part in _TITLE_PARTS.split(home_title or "") if part]
    name = parts[0] if parts else None
    return name if name and 2 <= len(name) <= 20 and name not in ("首页", "主页", "Home", "index") else None
