"""What a page is from its content alone: an article (a dated page whose main text block outweighs its main
list) or a listing; and the text block that decides it.

Pure functions over a parsed page; the spider routes by the answer (`page_kind`).
"""

from __future__ import annotations

from collections import Counter

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from crawler.extract.mainlist import LISTING_DATE, MainList, nonspace_chars
from crawler.extract.patterns import DATE_TEXT, YEARLESS_DATE_TEXT
from crawler.vocabulary import NOT_FOUND, RELATIVE_TIME

ARTICLE, LISTING = "article", "listing"

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


#: Headings a "not found" page may say it in (beside its <title>).
_HEADINGS = etree.XPath("//title/text() | //h1//text() | //h2//text()")
#: The most text a "not found" page holds (its apology, a search box's labels, a few links' words).
MAX_GONE_CHARS = 60


def is_gone(sel: Selector) -> bool:
    """Whether a page answered where an article was is the portal's "not found" page: its <title> or a
    heading says so (`vocabulary.NOT_FOUND`) and it holds almost no running text (`MAX_GONE_CHARS`).

    >>> is_gone(Selector(text='<title>文章不存在 - 财经网</title><p>您要查看的文章不存在或已被删除。</p>'))
    True
    >>> is_gone(Selector(text='<h1>风险并不存在</h1>' + '<p>' + '分析师认为，市场流动性合理充裕。' * 12 + '</p>'))
    False
    """
    if not any(NOT_FOUND.search(text) for text in _HEADINGS(sel.root)):
        return False
    return text_block(sel.root)[1] <= MAX_GONE_CHARS


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
        count = nonspace_chars(text)
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
