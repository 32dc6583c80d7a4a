"""The body of an article page: its container (a known one, else the densest text block), its text
lines and images (`read_body`), and the bylines at its top, bottom and right after it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from itertools import islice

from lxml import etree
from parsel import Selector

from crawler.extract import patterns
from crawler.extract.dom import (
    Element,
    class_names,
    css_xpath,
    element_roots,
    elements_after,
    first_match,
    has_id,
    in_furniture,
    is_footer,
    is_furniture,
    longer_than,
    select,
    spaced_text,
    string_value,
    text_of,
)
from crawler.extract.nesting import last_element


def find_body(sel: Selector, rules: Mapping[str, str], headline: Selector | None) -> Selector | None:
    """The body container: the profile's, else the first known container (`patterns.BODY_CONTAINERS`)
    with some text (one known by its tag alone, `<article>`, a text block's: a comment is an `<article>` too), not
    holding the headline and not page furniture, narrowed to its densest block; else the densest block of the page."""
    if query := rules.get("body"):
        found = select(sel, query)
        return found[0] if found else None
    for ids, classes, find in _CONTAINERS:
        if not all(has_id(sel, name) for name in ids) or not classes <= class_names(sel):
            continue  # a cheap test first: matching the CSS itself costs a scan of the whole page
        least = 40 if ids or classes else BARE_TEXT_MIN_CHARS  # by its tag alone ("article"): not a comment's
        for candidate in (Selector(root=element, type="html") for element in find(sel.root)):
            if (
                len(text_of(candidate)) >= least
                and not _holds(candidate, headline)
                and not in_furniture(candidate.root)
            ):
                return _densest_block(candidate) or candidate
    return _densest_block(sel)


# The known containers: the ids and classes each CSS query names (a page without one of them holds no match), and
# the query translated as `Selector.css` does, compiled once.
_CONTAINERS = tuple(
    (
        tuple(part[1:] for part in query.split() if part[0] == "#"),
        frozenset(part[1:] for part in query.split() if part[0] == "."),
        etree.XPath(css_xpath(query)),
    )
    for query in patterns.BODY_CONTAINERS
)


def _holds(container: Selector, element: Selector | None) -> bool:
    """Whether `element` is inside `container`."""
    return element is not None and any(a is container.root for a in element.root.iterancestors())


def _densest_block(sel: Selector) -> Selector | None:
    """The element whose own text (its `<p>` children, its `<div>`s and `<section>`s of text or inline markup: an
    editor's paragraphs, as WeChat's `<section><span>…</span></section>`; or text lines between `<br>`s) is the
    longest, outside page furniture (comment lists, related links, ...), hidden blocks and a footer by its text:
    the main text block; where none holds `BARE_TEXT_MIN_CHARS`, a `<div>` of bare text may be it
    (`<div class="summary">根据……<span>…</span></div>`).
    Widened to its parent where the body is split over several blocks (`_widened`). A known container
    narrows to it when it is a wrapper (of the text and a sidebar, say).
    """
    lengths: dict[Element, int] = {}
    best = _longest(_LINE_HOLDERS(sel.root), lengths, markup_lines=True)
    if best is None or lengths[best] < BARE_TEXT_MIN_CHARS:
        best = _longest(_BARE_TEXT_BLOCKS(sel.root), lengths, best)
    if best is None:
        return None
    return Selector(root=_widened(best, lengths[best], lengths, sel.root))


def _longest(
    holders: list[Element], lengths: dict[Element, int], best: Element | None = None, markup_lines: bool = False
) -> Element | None:
    """The holder of the longest text lines, outside furniture and hidden blocks (else `best`), each holder's
    length noted in `lengths`. A line is a `<p>` or a `<div>` of text only; with `markup_lines`, also a `<div>` or
    `<section>` of inline markup (`_markup_line`; not right under `<body>`, where a page's own blocks are), whose
    links' text does not count. A line's length is its text's,
    less a script's or a style's in it; a long hidden one (keyword spam) counts for nothing."""
    best_len = lengths[best] if best is not None else 0
    longer: list[tuple[Element, int]] = []
    for parent in holders:
        own = [parent.text or ""]  # its own text nodes: its text and its children's tails
        length = 0
        markup = markup_lines and parent.tag != "body"  # a page's blocks under <body>: no line of inline markup
        for line in parent:
            own.append(line.tail or "")
            tag = line.tag
            if tag != "p" and tag != "div" and not (markup and tag == "section"):  # most children: no length
                continue
            children = len(line)
            if tag == "p" or not children:  # a line
                size = len(" ".join((string_value(line) if children else line.text or "").split()))
            elif markup and _markup_line(line):  # a line of inline markup: its text outside links, a few words
                size = len(" ".join(string_value(line).split())) - (links := _link_chars(line))  # beside links none
                size = 0 if links and size < _LINKS_LABEL_CHARS else size  # a label: "分享到：", "关键词："
            elif not markup and _text_only(line):
                size = len(" ".join(string_value(line).split()))
            else:
                continue
            if size > _HIDDEN_CHECK_CHARS:  # a long line: hidden, or holding a script, in a few
                size = 0 if _is_hidden(line) else size - _code_chars(line)
            length += size
        length += len("".join(own).strip())
        lengths[parent] = length
        if length > best_len:
            longer.append((parent, length))
    # The longest first, in page order among equals: the furniture test (of every ancestor) once or twice, not for
    # every holder longer than those before it.
    for parent, length in sorted(longer, key=lambda measured: -measured[1]):
        if (
            not in_furniture(parent)
            and not _is_hidden(parent)
            and not is_footer(parent, length)
            and not _is_comment_list(parent)
        ):
            return parent
    return best


def _is_comment_list(holder: Element) -> bool:
    """Whether a text block is a list of readers' comments by its lines, whatever its class: COMMENT_LINES of them or
    more open with a name and a colon ("股海老船长：……"), names of their own (an interview's few speakers repeat), and
    most of those show a time ("2024-09-04 09:32", their posting).

    >>> comments = "".join(f"<p>网友{n}号：说得好，支持。<span>2024-09-04 09:3{n}</span></p>" for n in range(6))
    >>> _is_comment_list(etree.fromstring(f"<div>{comments}</div>"))
    True
    >>> _is_comment_list(etree.fromstring("<div>" + "<p>记者：您怎么看？</p><p>张三：我认为……</p>" * 4 + "</div>"))
    False
    """
    names = []
    timed = 0
    for line in holder:
        if line.tag in ("p", "div", "li") and (found := patterns.SPEAKER.match(text := string_value(line).strip())):
            names.append(found[1])
            timed += patterns.CLOCK.search(text) is not None
    return (
        len(names) >= patterns.COMMENT_LINES
        and len(set(names)) >= 0.8 * len(names)
        and timed >= 0.6 * len(names)
        and len(names) >= 0.6 * sum(1 for line in holder if line.tag in ("p", "div", "li"))
    )


def _widened(block: Element, length: int, lengths: Mapping[Element, int], top: Element) -> Element:
    """`block`, or the parent (grandparent, ...) that holds the rest of a body split over several blocks:
    each paragraph in a `<div>` of its own, a `<blockquote>` left open that holds the rest of the text. A
    parent is taken while its own lines and those of its children, furniture left out, are at least
    `SPLIT_BODY_RATIO` times the block's and `SPLIT_BODY_MIN_CHARS` more: a sidebar or comment list beside
    the text holds less, and so do the lines beside a short text (上一篇/下一篇, its tags).
    """
    while block is not top and (parent := block.getparent()) is not None and parent.tag not in ("body", "html"):
        if (lead := _line_before(block, parent)) and not is_furniture(parent):
            block, length = parent, length + lead  # a paragraph left open: the text before it is the body's too
            continue
        within = lengths.get(parent, 0) + sum(  # a <p> child is one of the parent's own lines
            lengths[child]
            for child in parent
            if child in lengths and child.tag != "p" and (child is block or not is_furniture(child))
        )
        if within < max(SPLIT_BODY_RATIO * length, length + SPLIT_BODY_MIN_CHARS) or in_furniture(parent):
            break
        block, length = parent, within
    return block


def _line_before(block: Element, parent: Element) -> int:
    """The length of `parent`'s own text where `block` continues it: a paragraph whose end tag is missing, which the
    parser made hold the rest of the text (`<div>第一段<div>第二段<div>第三段`): `block` of the parent's tag and
    class and its last element, the parent's other elements inline markup only. 0 otherwise."""
    if parent.tag != block.tag or parent.get("class") != block.get("class") or last_element(parent) is not block:
        return 0
    texts = [parent.text or ""]
    for child in parent:
        if child is not block:
            if isinstance(child.tag, str):
                if child.tag not in _INLINE_LINE:
                    return 0
                texts.append(string_value(child))
            texts.append(child.tail or "")
    return len("".join("".join(texts).split()))


# The markup inside a line of text: a paragraph left open holds these beside the rest of the text.
_INLINE_LINE = frozenset(
    {"span", "font", "b", "i", "u", "s", "strong", "em", "small", "big", "sub", "sup", "a", "br", "img"}
)


#: How much more text a parent holds in its lines and its children's than the text block, for the body to
#: be split over its blocks (`_widened`).
SPLIT_BODY_RATIO = 1.5
SPLIT_BODY_MIN_CHARS = 200

# What `_densest_block` reads, compiled once: the holders of text lines (a `<p>`, a `<div>` of text only or of a
# `<span>`, a `<section>`: which of those are lines of inline markup, `_longest` reads), the `<div>`s of bare text
# beside an element (looked for only where no holder has BARE_TEXT_MIN_CHARS: another scan of the page). A holder's
# own text and its lines are read from its children (a query on each costs more).
_LINE_HOLDERS = etree.XPath(
    "descendant::p/.. | descendant::br/.. | descendant::div[not(*) or span]/.. | descendant::section/.."
)
_BARE_TEXT_BLOCKS = etree.XPath("descendant::div[*][text()[string-length(normalize-space()) > 40]]")
BARE_TEXT_MIN_CHARS = 200
_HIDDEN_CHECK_CHARS = 200  # a shorter hidden line counts: checking every line's style costs more than it gives
_LINKS_LABEL_CHARS = 10  # a line of inline markup holding links and fewer letters of its own: a label of links


def _text_only(element: Element) -> bool:
    """Whether `element` holds no element (text and comments only)."""
    return not any(isinstance(child.tag, str) for child in element)


def _markup_line(element: Element) -> bool:
    """Whether `element` is a line of inline markup: its elements, if any, are inline (`_INLINE_LINE`), and not all
    links (`<div><a>标题</a></div>`: an item of a list of links).

    >>> page = Selector(text="<section><span>央行</span>开展<b>逆回购</b></section><div><a>标题</a></div>")
    >>> _markup_line(page.css("section")[0].root), _markup_line(page.css("div")[0].root)
    (True, False)
    """
    links = 0
    for child in element:
        tag = child.tag
        if tag.__class__ is str:  # not a comment
            if tag not in _INLINE_LINE:
                return False
            links += tag == "a"
    return (
        links == 0
        or links < sum(1 for child in element if child.tag.__class__ is str)
        or bool((element.text or "").strip())
    )


def _link_chars(element: Element) -> int:
    """How many characters the links in `element` hold, their spaces joined as a line's are."""
    return sum(len(" ".join(string_value(link).split())) for link in element.iter("a"))


def _code_chars(element: Element) -> int:
    """How many characters the scripts and styles in `element` hold, its text's spaces joined as a line's are."""
    return sum(len(" ".join((code.text or "").split())) + 1 for code in element.iter("script", "style"))


def body_text(body: Selector | None, headline: Selector | None, meta: Selector | None) -> tuple[list[str], list[str]]:
    """The body's lines and image sources, less the headline and meta line where the body holds them, and
    less a copy of the headline opening the text (a CMS that prints the title again as its first line).

    >>> page = Selector(text="<h1>监察法</h1><div><p><b>监察法</b></p><p>第一条 为了深化国家监察体制改革……</p></div>")
    >>> body_text(page.css("div")[0], page.css("h1")[0], None)
    (['第一条 为了深化国家监察体制改革……'], [])
    """
    if body is None:
        return [], []
    lines, images = read_body(body, leave_out=element_roots(headline, meta))
    title = "".join(spaced_text(headline).split()) if headline is not None else ""
    while title and lines and "".join(lines[0].split()) == title:
        del lines[0]
    return lines, images


def read_body(body: Selector, leave_out: Collection[Element] = ()) -> tuple[list[str], list[str]]:
    """The body's text lines and image URLs (as written), in page order.

    A line ends at every block element and `<br>`; table cells are joined by a space. Left out: the
    elements `leave_out` (the headline and meta line, where the text block holds them), scripts, forms,
    hidden elements (`display:none`), page furniture by class or id (share bars, QR codes, comment
    lists), lines made of link text only ("返回搜狐，查看更多", related links), and the caption of a lead image
    (`_lead_caption`). An image's URL is its lazy-loading `data-src`/`data-original`, else its `src`.

    >>> read_body(Selector(text="<div>甲<br>乙<p>丙<span style='display:none'>x</span></p><a>链接</a><img data-src='1.jpg'></div>").css("div")[0])
    (['甲', '乙', '丙'], ['1.jpg'])
    """
    reader = _BodyReader(leave_out)
    reader.visit(body.root, in_link=False, text=body.root.text)
    reader.end_line()
    return reader.lines[_lead_caption(reader.lines, reader.after_image) :], reader.images


def _lead_caption(lines: list[str], after_image: set[int]) -> int:
    """How many of the first `lines` are the caption of an image opening the body: one or two short lines
    (`CAPTION_MAX_CHARS`) that end no sentence, the first right after the image, before a longer line of text
    ("图为……启动仪式。（张三摄）", "摄影：张三" + "某某的生日餐").

    >>> text = "当地时间9月16日下午，山西品牌丝路行活动在巴西圣保罗正式启动，并成功举办双向经贸投资推介会。"
    >>> _lead_caption(["图为启动仪式。（张三摄）", text], {0}), _lead_caption(["摄影：张三", "某某的生日餐", text], {0})
    (1, 2)
    >>> _lead_caption(["5月10日，学术年会在重庆举行。", text], {0}), _lead_caption(["一、总体情况", text], set())
    (0, 0)
    >>> _lead_caption(["图为会场"], {0}), _lead_caption(["图为会场", "新产品"], {0})
    (0, 0)
    """
    if 0 not in after_image:
        return 0
    for count in range(1, min(2, len(lines) - 1) + 1):  # a caption is followed by a line of text
        caption = lines[count - 1]
        if len(caption) > CAPTION_MAX_CHARS or caption.endswith(("。", "！", "？", "!", "?")):
            return 0
        if len(lines[count]) > CAPTION_MAX_CHARS:
            return count
    return 0


#: The longest caption of a lead image (`_lead_caption`): "图为山西品牌丝路行（南美站）启动仪式。（刘通摄）" is 26.
CAPTION_MAX_CHARS = 40


# Elements that start and end a line, and elements whose content is never article text.
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption", "figure",
     "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
     "section", "table", "tbody", "tfoot", "thead", "tr", "ul"}
)  # fmt: skip
_LEFT_OUT = frozenset(
    {"audio", "button", "canvas", "embed", "form", "iframe", "input", "map", "noscript", "object", "script",
     "select", "style", "svg", "template", "textarea", "video"}
)  # fmt: skip


class _BodyReader:
    """Walks a body element, collecting its text lines and image URLs (see `read_body`)."""

    def __init__(self, leave_out: Collection[Element]) -> None:
        self.leave_out = leave_out
        self.lines: list[str] = []
        self.images: list[str] = []
        self.after_image: set[int] = set()  # the lines right after an image (no text between)
        self._image = False
        self._parts: list[str] = []
        self._plain = False  # the current line has text outside links

    def visit(self, element: Element, in_link: bool, text: str | None = None) -> None:
        """Read the children of `element` (after its own leading `text`, when given)."""
        self._add(text, in_link)
        for child in element:
            tag = child.tag
            if (
                isinstance(tag, str)
                and tag not in _LEFT_OUT
                and child not in self.leave_out
                and not (child.attrib and (_is_hidden(child) or is_furniture(child)))  # most have no attribute
            ):
                self._element(child, tag, in_link)
            self._add(child.tail, in_link)

    def _element(self, element: Element, tag: str, in_link: bool) -> None:
        if tag == "br":
            self.end_line()
        elif tag in ("img", "amp-img"):
            src = (
                element.get("data-src") or element.get("data-original") or element.get("zoomfile")
                or element.get("file") or element.get("src") or ""
            )  # fmt: skip
            if src.strip() and not src.startswith("data:"):
                self.images.append(src.strip())
                self._image = True
        elif tag in _BLOCKS:
            self.end_line()
            self.visit(element, in_link, element.text)
            self.end_line()
        else:
            if tag in ("td", "th"):
                self._parts.append(" ")
            in_link = in_link or (tag == "a" and not patterns.DOC_LINK.search(element.get("href", "")))
            self.visit(element, in_link, element.text)

    def _add(self, text: str | None, in_link: bool) -> None:
        if text:
            self._parts.append(text)
            self._plain = self._plain or (not in_link and not text.isspace())

    def end_line(self) -> None:
        if not self._parts:
            return  # nothing since the last line's end (then not plain either)
        line = " ".join("".join(self._parts).split())
        if line and self._plain:
            if self._image:
                self.after_image.add(len(self.lines))
            self.lines.append(line)
            self._image = False
        self._parts, self._plain = [], False


def _is_hidden(element: Element) -> bool:
    style = element.get("style")
    return element.get("hidden") is not None or (style is not None and patterns.HIDDEN_STYLE.search(style) is not None)


def body_bylines(lines: list[str]) -> tuple[list[str], str | None, str | None]:
    """The body lines without the byline lines at their top (two) or bottom (three), and the author and
    editor those name: "潮头新闻记者 | 宋立凯", "本报记者  陆 洋", "（责任编辑：杨帆）"; without such a line
    the author of a byline in brackets (`_bracketed_byline`).

    >>> body_bylines(["潮头新闻记者 | 宋立凯", "潮头新闻编辑 | 丁文娜", "今年上半年，……", "（责任编辑：吕欣）"])
    (['今年上半年，……'], '潮头新闻记者 | 宋立凯', '潮头新闻编辑 | 丁文娜')
    """
    author = editor = None
    kept = list(lines)
    ends = [*range(min(2, len(kept))), *range(max(len(kept) - 3, 2), len(kept))]
    for index in reversed(ends):
        line = kept[index]
        if len(line) > 40 or not patterns.BYLINE_LINE.match(line):
            continue
        if re.search(r"记者|作者|(?:文|采写|撰文|执笔)\s*[/|｜:：]", line):
            author = author if author and index > 1 else line
        if re.search(r"编辑|责编", line):
            editor = line if not re.search(r"记者|作者", line) else first_match(patterns.EDITOR_LABEL, line) or editor
        del kept[index]
    if author is None:
        author, kept = _bracketed_byline(kept)
    return kept, author, editor


def _bracketed_byline(lines: list[str]) -> tuple[str | None, list[str]]:
    """A byline in brackets: the reporter of a dateline opening the text ("……讯（记者 张三）……"), else the
    names closing its last sentence ("……举行。（张三）", cut from the line); and the lines.

    >>> _bracketed_byline(["新华社北京9月3日电（记者张三）央行今日……", "……"])
    ('记者张三', ['新华社北京9月3日电（记者张三）央行今日……', '……'])
    >>> _bracketed_byline(["央行今日……", "市场流动性保持合理充裕。（李四 王五）"])
    ('李四 王五', ['央行今日……', '市场流动性保持合理充裕。'])
    >>> _bracketed_byline(["央行今日……", "市场流动性保持合理充裕。（新华社）"])
    (None, ['央行今日……', '市场流动性保持合理充裕。（新华社）'])
    """
    for line in lines[:2]:
        if found := patterns.DATELINE_REPORTER.match(line):
            return found[1], lines
    if (
        lines
        and (found := patterns.CLOSING_BYLINE.search(lines[-1]))
        and not patterns.CLOSING_NOT_NAME.search(found[1])
    ):
        return found[1], [*lines[:-1], lines[-1][: found.start(0) + 1]]
    return None, lines


def byline_after(body: Selector | None) -> str:
    """The labelled byline right after the body, if any: "责任编辑：李桐", "作者：周亮 责任编辑：王晓"."""
    if body is None:
        return ""
    for element in islice(elements_after(body.root, inside=False), 20):
        if _may_be_byline(element):
            value = spaced_text(Selector(root=element))
            if len(value) <= 120 and patterns.BYLINE_LABEL.search(value):
                return value
    return ""


def _may_be_byline(element: Element) -> bool:
    """Cheap tests before an element's spaced text: holding a label's last character, and short enough (its text,
    scripts' included, is an upper bound: `longer_than`'s walk over its nodes only where that is too long)."""
    text = string_value(element)
    if not any(end in text for end in patterns.BYLINE_LABEL_ENDS):
        return False
    return len("".join(text.split())) <= 120 or not longer_than(element, 120)
