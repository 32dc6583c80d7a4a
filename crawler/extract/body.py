"""The body of an article page: the text lines and images of its block (`crawler.extract.bodyblock` finds it),
and the bylines at its top, bottom and right after it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from itertools import islice

from parsel import Selector

from crawler.extract import patterns
from crawler.extract.dom import (
    Element,
    element_roots,
    elements_after,
    first_match,
    is_furniture,
    is_hidden,
    longer_than,
    spaced_text,
    string_value,
)


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
                and not (child.attrib and (is_hidden(child) or is_furniture(child)))  # most have no attribute
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
