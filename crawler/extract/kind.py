"""What a page is from its content alone: an article (a dated page whose main text block outweighs its main
list) or a listing; and the text block that decides it.

Pure functions over a parsed page; the spider routes by the answer (`page_kind`).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterator
from operator import itemgetter

from parsel import Selector

from crawler.extract.dom import INLINE_MARKUP, Element, is_footer, nodes_after, string_value
from crawler.extract.headline import find_headline, is_headline_text
from crawler.extract.mainlist import LISTING_DATE, MainList, nonspace_chars
from crawler.extract.pagefacts import page_elements, running_texts
from crawler.extract.patterns import CLOCK, DATE_TEXT, LABELLED_DATE, SHORT_YEAR_DATE_TEXT, YEARLESS_DATE_TEXT
from crawler.vocabulary import NOT_FOUND, RELATIVE_TIME

ARTICLE, LISTING = "article", "listing"

# Page metadata that says a page is a (dated) article: <meta property="og:type" content="article">,
# <meta property="article:published_time" content="2024-09-03T08:05:12+08:00">, government sites'
# <meta name="PubDate" content="2024-09-03 16:20"> and <meta name="firstpublishedtime" content="2007-08-20-23:59:59">,
# <meta name="publishdate">, <meta itemprop="datePublished">. Not <meta name="lastmodifiedtime"> alone.
# Read over the page's `<meta>`s (`pagefacts.page_elements`): the names of a dated one, and its year.
ARTICLE_META_NAME = re.compile("publish|pubdate|pubtime|release_?date", re.IGNORECASE)
_YEAR = re.compile("[12][0-9]{3}")


def _article_meta(sel: Selector) -> bool:
    """Whether the page's metadata says it is a (dated) article (`ARTICLE_META_NAME`, og:type)."""
    return any(
        (meta.get("property") == "og:type" and meta.get("content") == "article")
        or (
            ARTICLE_META_NAME.search(f"{meta.get('name', '')} {meta.get('property', '')} {meta.get('itemprop', '')}")
            and _YEAR.search(meta.get("content", ""))
        )
        for meta in page_elements(sel)["meta"]
    )


#: How far before its text an article without an `<h1>` shows its date (its meta line), in characters; and
#: how far into its text block (which may hold headline and meta line).
META_CHARS = 200
#: The longest text that is a meta line's part, not a sentence of the text: "2024-09-03 11:54 来源：新华社".
MAX_META_LINE = 60
#: The text of an article whose related list or comment feed, after it, holds more text than it does.
MIN_ARTICLE_CHARS = 300
#: ... and of one that shows its headline and a dated meta line above it: a short news item ("快讯").
MIN_SHORT_ARTICLE_CHARS = 80
#: A "main list" of this many links at most that holds the text block, or is it, may be the page's wrapper or
#: the text's own links (a breadcrumb and a pager link): its text then is the article's, not a list's.
MAX_WRAPPED_LINKS = 5


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
    if not any(NOT_FOUND.search(text) for text in _heading_texts(sel)):
        return False
    return text_block(sel)[1] <= MAX_GONE_CHARS


def _heading_texts(sel: Selector) -> Iterator[str]:
    """The text nodes a "not found" page may say it in: its <title>'s, its <h1>s' and <h2>s' (as
    "//title/text() | //h1//text() | //h2//text()" gives them, from the page's indexed elements: no query reads
    the page again)."""
    elements = page_elements(sel)
    for title in elements["title"]:
        yield from filter(None, (title.text, *(child.tail for child in title)))
    for heading in (*elements["h1"], *elements["h2"]):
        yield from heading.itertext()


def page_kind(sel: Selector, main: MainList, listing_date: str | None = None) -> str:
    """ARTICLE for a dated page whose main text block (`text_block`) holds more text than its main list
    (`main_list`) holds in all, or at least MIN_ARTICLE_CHARS when the list comes after it (a related
    feed, a comment list), or at least MIN_SHORT_ARTICLE_CHARS under the page's headline and a dated meta
    line (`_announced`: a short news item above a long related feed); LISTING otherwise. Dated: a date
    shows just before its text (a meta line) or, labelled, right after it (`_dated_after`), its metadata
    dates it (`_article_meta`), or a listing showed `listing_date` beside its link ("关于我们" has a text
    but no date).

    >>> article = Selector(text='<h1>央行开展逆回购</h1><div>2024-09-03 11:54 来源:新华社</div>'
    ...                         '<div><p>央行今日开展1000亿元逆回购操作。</p><p>中标利率持平。</p></div>')
    >>> page_kind(article, MainList({}, 0))
    'article'
    >>> page_kind(article, MainList({"/p/1": "09-03", "/p/2": None}, 40))
    'listing'
    """
    block, chars = text_block(sel)
    list_chars = main.text_chars
    if block is not None and main.block is not None and len(main.dates) <= MAX_WRAPPED_LINKS:
        if block is main.block:
            list_chars -= chars  # the page's few links and its text in one block: the text is not the list's
        elif main.block in block.iterancestors():
            list_chars -= _item_chars(main.block, block)  # a wrapper taken for a list: its item holding the text
    follows = _follows(main.block, block)
    if chars <= list_chars and not (chars >= MIN_ARTICLE_CHARS and follows):
        short = follows and chars >= MIN_SHORT_ARTICLE_CHARS and _announced(sel, block, main.block)
        return ARTICLE if short else LISTING
    dated = (
        listing_date is not None
        or _article_meta(sel)
        or (
            block is not None
            and (_dated(sel.root, block) or _dated_after(block, main.block) or _dated_below(sel, block))
        )
    )
    return ARTICLE if dated else LISTING


def _dated_below(sel: Selector, block: Element) -> bool:
    """On a page without an `<h1>`, whether a date shows between the headline it shows (`find_headline`: a `<div>`
    or a cell that the `<title>` starts with) and the text `block`: its meta line, further up than `_dated` reads
    without a headline."""
    if page_elements(sel)["h1"]:
        return False  # `_dated` read from the first <h1>
    _, headline = find_headline(sel, {})
    return headline is not None and not isinstance(headline.root, str) and _dated(sel.root, block, headline.root)


def _item_chars(wrapper: Element, block: Element) -> int:
    """The characters of the child of `wrapper` that holds the text `block`: what a wrapper taken for the
    page's main list (two "items": a pager link, a breadcrumb) holds that is the article, not a list."""
    item = block
    for ancestor in block.iterancestors():
        if ancestor is wrapper:
            break
        item = ancestor
    return nonspace_chars(string_value(item))


def _announced(sel: Selector, block: Element | None, main_block: Element | None) -> bool:
    """Whether the text `block` comes under the page's headline (`headline.find_headline`: no link, and
    MIN_HEADLINE_CHARS letters at least: no channel name) with a date between them (`_dated`) or right
    under it, before the main list `main_block` (`_dated_after`: a photo gallery's caption)."""
    title, headline = find_headline(sel, {})
    if block is None or headline is None or isinstance(headline.root, str):
        return False
    if not is_headline_text(title or "") or headline.root.xpath("ancestor-or-self::a"):
        return False
    return _dated(sel.root, block, headline.root) or _dated_after(block, main_block)


# Elements that hold a text's runs, not its paragraphs: the text in them counts for the block around.
_INLINE = INLINE_MARKUP | {"br", "img", "label", "code", "mark", "blockquote", "center", "section"}
# Those of scripts, styles and form controls are left out of `pagefacts.running_texts` by their parent's tag here, which
# `text_block` reads anyway: four tests on each text in the query cost a sixth of the function's time.
_NOT_TEXT = frozenset({"script", "style", "option", "textarea"})


def text_block(sel: Selector) -> tuple[Element | None, int]:
    """The element holding the most running text (links, scripts and form controls aside), and how
    many characters: each text counts for the parent of its paragraph (the nearest element that is no
    inline markup, `_INLINE`), so the paragraphs of an article, `<p>` or `<div>` or lines between `<br>`s,
    add up in their block, and a listing's summaries count each in its own item. A footer by its text
    (`dom.is_footer`: a copyright line, a licence number) longer than the text of a short article is passed over.

    >>> block, chars = text_block(Selector(text='<div id="t"><div>央行开展逆回购操作。</div><p>中标利率<b>持平</b>。</p></div>'))
    >>> block.get("id"), chars
    ('t', 17)
    """
    paragraph_of: dict[Element, Element | None] = {}
    chars: dict[Element, int] = {}  # a plain dict: a Counter's `+=` on a new key runs Python code
    for text in running_texts(sel):
        owner = text.getparent()  # `dom.text_holder`, inlined: a call for each text of the page costs
        if owner is not None and text.is_tail:
            owner = owner.getparent()
        if owner is None:
            continue
        if owner in paragraph_of:
            block = paragraph_of[owner]
        elif owner.tag in _NOT_TEXT:
            block = paragraph_of[owner] = None
        else:
            paragraph = owner
            while paragraph is not None and paragraph.tag in _INLINE:
                paragraph = paragraph.getparent()
            block = paragraph_of[owner] = paragraph.getparent() if paragraph is not None else None
        if block is not None and (count := len("".join(text.split()))):  # `nonspace_chars`, inlined
            chars[block] = chars.get(block, 0) + count
    chars = _fold_nested(chars)
    longest = heapq.nlargest(2, chars.items(), key=itemgetter(1))  # the first of the longest first
    if len(longest) == 2 and longest[1][1] >= MIN_SHORT_ARTICLE_CHARS and is_footer(*longest[0]):
        return longest[1]  # a footer whose class says nothing, longer than a short article's text
    return longest[0] if longest else (None, 0)


def _fold_nested(chars: dict[Element, int]) -> dict[Element, int]:
    """`chars` with each chain of nested blocks of one tag, each holding a paragraph and the next as its one
    block of text (unclosed `<div>`s: "<div><p>1<div><p>2<div><p>3"), counted for its outermost block."""
    parents = {block: block.getparent() for block in chars}
    kids = Counter(parents.values())
    folded: dict[Element, int] = {}
    for block, count in chars.items():
        top = block
        while (parent := parents[top]) in parents and kids[parent] == 1 and parent.tag == top.tag:  # None: no block
            top = parent
        folded[top] = folded.get(top, 0) + count
    return folded


def _follows(later: Element | None, block: Element | None) -> bool:
    """Whether the element `later` starts after `block` in the page and is not around it (by their source
    lines, or in a page of few lines by where their branches part).

    >>> page = Selector(text="<div><p id='a'>甲</p><div><p id='b'>乙</p></div></div>").root
    >>> a, b = page.get_element_by_id("a"), page.get_element_by_id("b")
    >>> _follows(b, a), _follows(a, b), _follows(a.getparent(), a)
    (True, False, False)
    """
    if later is None or block is None or later.sourceline is None or block.sourceline is None:
        return False
    if later.sourceline != block.sourceline:
        return later.sourceline > block.sourceline and later not in block.iterancestors()
    branch = {ancestor: child for child, ancestor in _up(block)}  # ancestor -> its child on block's branch
    for child, ancestor in _up(later):
        if ancestor in branch:
            return child is not branch[ancestor] and ancestor.index(child) > ancestor.index(branch[ancestor])
    return False


def _up(element: Element) -> Iterator[tuple[Element, Element]]:
    """(element, parent) pairs from `element` up to the root."""
    while (parent := element.getparent()) is not None:
        yield element, parent
        element = parent


def _dated(root: Element, block: Element, headline: Element | None = None) -> bool:
    """Whether a date or a relative time shows in the meta line of the text `block`: from the first `<h1>`
    (or, on a page without an `<h1>` before the block, META_CHARS characters before it) to the block, or
    as a short text of its own (no sentence of the text: "2024年9月3日下午，……") in the first META_CHARS
    characters of the block, which may hold the headline and the meta line. Given the `headline`, from it
    only: none when it is neither before the block nor in it."""
    around = set(block.iterancestors())  # their tails come after the block
    before: list[str] = []
    headline_at = None
    for element in root.iter():
        if element is block:
            break
        if headline_at is None and (element is headline if headline is not None else element.tag == "h1"):
            headline_at = len(before)
        if isinstance(element.tag, str) and element.tag not in ("script", "style"):  # `_texts`, inlined: a call
            before.append(element.text or "")  # per element of the page before the block costs a fifth
        if element not in around:
            before.append(element.tail or "")
    if headline is not None and headline_at is None:
        if not any(element is headline for element in block.iterdescendants()):
            return False
        headline_at = len(before)  # the headline in the block: its meta line is the block's
    text = " ".join(" ".join(before[headline_at or 0 :]).split())
    if headline_at is None:
        text = text[-META_CHARS:]
    if any(pattern.search(text) for pattern in (DATE_TEXT, RELATIVE_TIME, YEARLESS_DATE_TEXT, SHORT_YEAR_DATE_TEXT)):
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


def _dated_after(block: Element, list_block: Element | None) -> bool:
    """Whether a labelled date (`LABELLED_DATE`: "发布日期：2019-03-06", "时间：2024-09-03 11:54") or a time
    stamp alone in its text ("2019-09-08 11:42:03": a date and a time of day) shows in the META_CHARS
    characters after the text `block`, before the main list: a meta line under the text."""
    texts: list[str] = []
    read = 0
    for element in nodes_after(block):
        if element is list_block:
            break
        for text in _texts(element, set()):
            if (stamp := text.strip()) and DATE_TEXT.fullmatch(stamp) and CLOCK.search(stamp):
                return True
            texts.append(text)
            read += nonspace_chars(text)
        if read > META_CHARS:
            break
    return bool(LABELLED_DATE.search(" ".join(" ".join(texts).split())[: 2 * META_CHARS]))


def _texts(element: Element, around: set[Element]) -> list[str]:
    """The text of `element` (none for a script, a style or a comment) and its tail (unless it is one of
    `around`, whose tails come after what is read)."""
    texts = []
    if isinstance(element.tag, str) and element.tag not in ("script", "style"):
        texts.append(element.text or "")
    if element not in around:
        texts.append(element.tail or "")
    return texts
