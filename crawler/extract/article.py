"""Article-page extraction: a parsed page in, the raw text of every field out.

Pure functions over a `parsel.Selector`; nothing here builds requests or reads settings. The values
are raw (what the page says); `crawler.normalize` turns them into clean, typed fields. A profile
may override any field with a CSS or XPath expression (see `crawler.profiles`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from typing import Any

from lxml.html import HtmlElement
from parsel import Selector, SelectorList

from crawler.extract import patterns
from crawler.extract.notice import declares_reprint
from crawler.extract.urls import absolute_url
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
    site_names: list[str] = field(default_factory=list)
    reprint_notice: bool = False
    failed: list[str] = field(default_factory=list)  # "field: error" of each step the page broke

    def to_article(self, url: str, site: str, site_name: str | None, crawled_at: datetime) -> Article:
        """The Article item of this page (raw values; `crawler.normalize` cleans them)."""
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
            reprint_notice=self.reprint_notice,
        )


def select(sel: Selector | SelectorList[Selector], query: str) -> SelectorList[Selector]:
    """Run a profile expression: XPath when it starts with `/` or `(`, CSS otherwise."""
    return sel.xpath(query) if query.startswith(("/", "(", "./")) else sel.css(query)


def text_of(sel: Selector | SelectorList[Selector]) -> str:
    """The text of the selected elements (or attribute values), whitespace collapsed."""
    items = [sel] if isinstance(sel, Selector) else sel
    return " ".join(" ".join(s.root if isinstance(s.root, str) else _string(s.root) for s in items).split())


def _string(element: HtmlElement) -> str:
    """The string value of an element (all its text, as XPath's string())."""
    return str(element.xpath("string()"))


def spaced_text(sel: Selector | SelectorList[Selector]) -> str:
    """The text of the selected elements, scripts left out, with the page's field separation kept: a
    run of whitespace (`&nbsp;&nbsp;&nbsp;`, a line break) becomes two spaces, a single one one space.

    >>> spaced_text(Selector(text="<p>2024-09-03 11:54&nbsp;&nbsp;&nbsp;来源:<a>千龙网</a>\\n  阅读量:1</p>").css("p"))
    '2024-09-03 11:54  来源:千龙网  阅读量:1'
    """
    items = [sel] if isinstance(sel, Selector) else sel
    texts = (
        s.root if isinstance(s.root, str) else "".join(s.root.xpath(".//text()[not(ancestor::script)]")) for s in items
    )
    return _SPACE_RUN.sub(lambda run: "  " if len(run[0]) > 1 else " ", "  ".join(texts)).strip()


_SPACE_RUN = re.compile(r"\s+")
# Characters XML (and so an lxml XPath variable) cannot hold: C0 controls but tab and newlines, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def extract_article(sel: Selector, url: str, rules: Mapping[str, str] | None = None) -> RawArticle:
    """Every raw field of the article page `sel` served at `url`.

    `rules` maps field names (`title`, `meta`, `date`, `source`, `author`, `editor`, `views`, `body`,
    `category`) to CSS/XPath expressions that replace the generic rule for that field. A step that
    fails on what a page holds costs its own field, named in `failed`, never the page.
    """
    rules = rules or {}
    raw = RawArticle()
    attempt = _Attempts(raw.failed)
    raw.title_tag = attempt("title", lambda: text_of(sel.xpath("//title")) or None)
    raw.title, headline = attempt("title", _headline, sel, rules, default=(None, None))
    body = attempt("body", _body, sel, rules, headline)
    meta, late = attempt("meta", _meta_line, sel, rules, headline, body, default=(None, False))
    meta_text = attempt("meta", lambda: spaced_text(meta) if meta is not None else "", default="")
    byline = attempt("author", _byline, body, default="")
    raw.date = attempt("date", _date, sel, rules, meta_text, late)
    raw.source = attempt(
        "source",
        lambda: (
            _field(sel, rules, "source")
            or _search(patterns.SOURCE_LABEL, meta_text, group=0)
            or _tagged(meta, "source")
        ),
    )
    lines, images = attempt("body", _body_text, body, headline, meta, default=([], []))
    raw.images = [image for src in images if (image := absolute_url(url, src))]
    raw.paragraphs, top_author, top_editor = attempt("body", _body_bylines, lines, default=([], None, None))
    raw.author = attempt(
        "author",
        lambda: _field(sel, rules, "author") or _search(patterns.AUTHOR_LABEL, meta_text) or _tagged(meta, "author")
        or _search(patterns.AUTHOR_LABEL, byline) or top_author or _profile_author(meta),
    )  # fmt: skip
    raw.editor = attempt(
        "editor",
        lambda: _field(sel, rules, "editor") or _search(patterns.EDITOR_LABEL, meta_text)
        or _search(patterns.EDITOR_LABEL, byline) or top_editor,
    )  # fmt: skip
    raw.views = attempt(
        "views",
        lambda: _field(sel, rules, "views") or _search(patterns.VIEWS_LABEL, meta_text, group=0)
        or (_views_by_headline(headline) if "views" not in rules else None),
    )  # fmt: skip
    if raw.views is None or not re.search(r"\d", raw.views):
        raw.views = None
        raw.counter_url = attempt("views", _counter_url, sel, url)
    raw.category = attempt("category", _category, sel, rules, raw.title, headline)
    raw.reprint_notice = attempt("reprint_notice", declares_reprint, sel, default=False)
    canonical = attempt("canonical_url", lambda: sel.xpath("//link[@rel='canonical']/@href").get())
    raw.canonical_url = absolute_url(url, canonical) if canonical else None
    raw.site_names = attempt("site_names", _site_names, sel, raw.title_tag, raw.title, default=[])
    return raw


class _Attempts:
    """Runs the steps of an extraction so that one failing on a page's content (a character lxml refuses,
    a pathological nesting) gives its field's `default`, noted in `failed` as "field: error"."""

    def __init__(self, failed: list[str]) -> None:
        self.failed = failed

    def __call__(self, name: str, step: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        try:
            return step(*args)
        except Exception as exc:  # a page anyone can write: what breaks a step costs its field, not the page
            self.failed.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
            return default


def _meta_line(
    sel: Selector, rules: Mapping[str, str], headline: Selector | None, body: Selector | None
) -> tuple[Selector | SelectorList[Selector] | None, bool]:
    """The meta line, and whether it was found late: after the body, where a dated line may be it."""
    meta = _meta(sel, rules, headline, body)
    late = meta is None and "meta" not in rules
    if late:
        meta = _meta_after(body.root if body is not None else None)
    return meta, late


def _date(sel: Selector, rules: Mapping[str, str], meta_text: str, late: bool) -> str | None:
    """The date text: the profile's, the meta line's (or a `<meta>` tag's), with the time of day where
    the page shows it elsewhere."""
    shown = _date_text(meta_text)
    date = _field(sel, rules, "date") or (_meta_date(sel) or shown if late else shown or _meta_date(sel))
    if date and not patterns.CLOCK.search(date):
        date = _same_day_time(sel, date) or date
    return date


def _body_text(body: Selector | None, headline: Selector | None, meta: Selector | None) -> tuple[list[str], list[str]]:
    """The body's lines and image sources, less the headline and meta line where the body holds them."""
    if body is None:
        return [], []
    return read_body(body, leave_out=_roots(headline, meta))


def _field(sel: Selector, rules: Mapping[str, str], name: str) -> str | None:
    query = rules.get(name)
    return (text_of(select(sel, query)) or None) if query else None


def _search(pattern: re.Pattern[str], text: str, group: int = 1) -> str | None:
    found = pattern.search(text)
    return found.group(group).strip() if found else None


def _headline(sel: Selector, rules: Mapping[str, str]) -> tuple[str | None, Selector | None]:
    """The headline and the element showing it: the `<h1>` that the `<title>` or og:title starts with,
    else the head of the `<title>` (before `_站名`, ` - 栏目 - 站名`) that the page shows as a text of its
    own (a logo in the `<h1>`, the headline in an `<h2>` or a table cell), else og:title, the first
    `<h1>`, the `<title>`."""
    if query := rules.get("title"):
        found = select(sel, query)
        return text_of(found) or None, found[0] if found else None
    title = text_of(sel.xpath("//title"))
    og_title = text_of(sel.xpath("//meta[@property='og:title']/@content"))
    first = None
    for h1 in sel.xpath("//h1"):
        value = _h1_text(h1)
        if value and (title.startswith(value) or og_title.startswith(value)):
            return value, h1
        first = first or (value and (value, h1))
    if shown := _shown_title_head(sel, title):
        return shown
    if og_title:
        return og_title, None
    return first or (title or None, None)


def _shown_title_head(sel: Selector, title: str) -> tuple[str, Selector] | None:
    """The longest head of the `<title>` before a separator that is a text of its own on the page, and
    the element showing it."""
    ends = [match.start() for match in patterns.TITLE_SEPARATOR.finditer(title) if match.start() > 0]
    heads = [title[:end].strip() for end in reversed(ends)]  # longest first; each starts with the last
    if not heads or _NOT_XML.search(heads[-1]):  # lxml takes no control character in an XPath variable
        return None
    texts = sel.root.xpath("//body//text()[contains(., $head)]", head=heads[-1])
    for head in heads:
        for text in texts:
            if " ".join(text.split()) == head:
                element = text.getparent()
                return head, Selector(root=element.getparent() if text.is_tail else element)
    return None


def _h1_text(h1: Selector) -> str:
    # PHPCMS puts the meta line inside the headline: <h1>标题<br/><span>2024年09月03日 ...</span></h1>
    value = text_of(h1)
    for element in h1.xpath(".//*"):
        if patterns.DATE_TEXT.search(text := text_of(element)):
            value = value.replace(text, "")
    return value.strip()


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
    for element in islice(_after(anchor, inside=True), 40):
        if element in holders:  # the body or a wrapper of it: never the meta line, but it may hold one
            in_body = in_body or element is body_root
            continue
        if in_body and element.tag in ("p", "br"):
            break
        value = " ".join(_string(element).split())
        if len(value) > 300:
            continue
        if patterns.DATE_TEXT.search(value) or patterns.YEARLESS_DATE_TEXT.search(value):
            return Selector(root=element)
        if labelled is None and patterns.META_LABEL.search(value):
            labelled = Selector(root=element)
    return labelled


def _meta_after(body: HtmlElement | None) -> Selector | None:
    """A dated meta line right after the body, outside page furniture (WordPress `.entry-footer`:
    "作者 林小溪 发布于 2024年9月1日 分类 基金"), for pages without one before the body. Its date comes
    after the page's metadata (a signature date may follow a body too)."""
    if body is None:
        return None
    for element in islice(_after(body, inside=False), 15):
        value = " ".join(_string(element).split())
        if len(value) <= 200 and patterns.DATE_TEXT.search(value) and not _in_furniture(element.getparent()):
            return Selector(root=element)
    return None


def _after(element: HtmlElement, inside: bool) -> Iterator[HtmlElement]:
    """The elements after `element` in document order, its own descendants first when `inside`;
    scripts and styles left out."""
    following = chain(element.iterdescendants() if inside else (), _following(element))
    return (e for e in following if isinstance(e.tag, str) and e.tag not in ("script", "style"))


def _following(element: HtmlElement | None) -> Iterator[HtmlElement]:
    while element is not None:
        for sibling in element.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        element = element.getparent()


def _roots(*found: Selector | SelectorList[Selector] | None) -> list[HtmlElement]:
    """The elements selected (none for attribute or text results)."""
    items = (s for f in found if f is not None for s in ([f] if isinstance(f, Selector) else f))
    return [s.root for s in items if not isinstance(s.root, str)]


def _date_text(meta_text: str) -> str | None:
    """The date written in the meta line, a year standing in a span of its own joined to its month
    ("2024  08-31  21:07" -> "2024-08-31  21:07"), else a year-less date with a time ("09月03日 11:54").

    >>> _date_text("2024  08-31  21:07:45  来源：上海证券报"), _date_text("09月03日 11:54  阅读 3万")
    ('2024-08-31  21:07:45', '09月03日 11:54')
    >>> _date_text("202409/04 08:15:26"), _date_text("2024-09-03T11:54:03+08:00  信息来源：办公室")
    ('2024/09/04 08:15:26', '2024-09-03T11:54:03+08:00')
    """
    if found := patterns.DATE_TEXT.search(meta_text):
        return patterns.SPLIT_YEAR.sub(r"\1\3\2\3", found.group(0))
    return _search(patterns.YEARLESS_DATE_TEXT, meta_text, group=0)


def _same_day_time(sel: Selector, shown: str) -> str | None:
    """A machine-readable publication time of the same day as the date `shown` (which has no time of day):
    the article's structured metadata, JSON-LD or inline state (`"datePublished":"..."`), a `<time datetime>`."""
    day = _day(shown)
    if day is None:
        return None
    scripts = (text for text in sel.xpath("//script/text()").getall() if "ublish" in text or "pubDate" in text)
    candidates = chain(
        (value for query in patterns.PRECISE_DATE_META for value in sel.xpath(query).getall()),
        (found[1] for text in scripts for found in patterns.DATE_JSON.finditer(text)),
        sel.xpath(patterns.TIME_DATETIME).getall(),
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
    """The publication time in the page's metadata (article:published_time, PubDate, ...)."""
    for query in patterns.DATE_META:
        if value := sel.xpath(query).get("").strip():
            return value
    return None


def _tagged(meta: Selector | SelectorList[Selector] | None, name: str) -> str | None:
    """The text of the meta line's element whose class or id names the field: `<a class="source">证券日报</a>`
    (no 来源 label), `<span id="js_author_name">李想</span>`."""
    if meta is None:
        return None
    named = f"(contains(@class, '{name}') or contains(@id, '{name}'))"
    for element in meta.xpath(f".//*[{named} and not(.//*[{named}])]"):  # the innermost: not "date-source"
        if (value := text_of(element)) and not patterns.DATE_TEXT.search(value):  # not "authorposton": a date
            return value
    return None


def _profile_author(meta: Selector | SelectorList[Selector] | None) -> str | None:
    """The poster of a forum thread or blog post: the profile link next to the meta line (Discuz
    `home.php?mod=space&uid=...` in the post's side cell, WordPress `/author/...`)."""
    roots = _roots(meta)
    element = roots[0] if roots else None
    for _ in range(5):
        if element is None:
            return None
        for link in element.xpath(patterns.PROFILE_LINK):
            return " ".join(_string(link).split())
        element = element.getparent()
    return None


def _views_by_headline(headline: Selector | None) -> str | None:
    """A read count beside the headline, in the short row or cell holding it (forum threads: "查看: 3521")."""
    element = headline.root if headline is not None else None
    for _ in range(3):
        element = element.getparent() if element is not None else None
        if element is None or element.tag in ("body", "html"):
            return None
        text = spaced_text(Selector(root=element))
        if len(text) > 200:
            return None
        if found := patterns.VIEWS_LABEL.search(text):
            return found.group(0)
    return None


def _body_bylines(lines: list[str]) -> tuple[list[str], str | None, str | None]:
    """The body lines without the byline lines at their top (two) or bottom (three), and the author and
    editor those name: "潮头新闻记者 | 宋立凯", "本报记者  陆 洋", "（责任编辑：杨帆）".

    >>> _body_bylines(["潮头新闻记者 | 宋立凯", "潮头新闻编辑 | 丁文娜", "今年上半年，……", "（责任编辑：吕欣）"])
    (['今年上半年，……'], '潮头新闻记者 | 宋立凯', '潮头新闻编辑 | 丁文娜')
    """
    author = editor = None
    kept = list(lines)
    ends = [*range(min(2, len(kept))), *range(max(len(kept) - 3, 2), len(kept))]
    for index in reversed(ends):
        line = kept[index]
        if len(line) > 40 or not patterns.BYLINE_LINE.match(line):
            continue
        if re.search(r"记者|作者|文\s*[/|｜:：]", line):
            author = author if author and index > 1 else line
        if re.search(r"编辑|责编", line):
            editor = line if not re.search(r"记者|作者", line) else _search(patterns.EDITOR_LABEL, line) or editor
        del kept[index]
    return kept, author, editor


def _byline(body: Selector | None) -> str:
    """The labelled byline right after the body, if any: "责任编辑：李桐", "作者：周亮 责任编辑：王晓"."""
    if body is None:
        return ""
    for element in islice(_after(body.root, inside=False), 20):
        value = spaced_text(Selector(root=element))
        if len(value) <= 120 and patterns.BYLINE_LABEL.search(value):
            return value
    return ""


def _counter_url(sel: Selector, url: str) -> str | None:
    """The URL of the script that writes the read count: a known CMS counter (DedeCMS, PHPCMS, EmpireCMS,
    ASP), else any script right after a views label (`点击：<script src="/hits.js?id=5"></script>`)."""
    for src in sel.xpath("//script/@src").getall():
        if patterns.COUNTER_SCRIPT.search(src):
            return absolute_url(url, src)
    beside = sel.xpath(patterns.SCRIPT_BESIDE_VIEWS_LABEL).get()
    return absolute_url(url, beside) if beside else None


def _body(sel: Selector, rules: Mapping[str, str], headline: Selector | None) -> Selector | None:
    if query := rules.get("body"):
        found = select(sel, query)
        return found[0] if found else None
    on_page = _ids_and_classes(sel)
    for query in patterns.BODY_CONTAINERS:
        last = query.split()[-1]
        if last[0] in "#." and last not in on_page:
            continue  # a cheap test first: matching the CSS itself costs a scan of the whole page
        for candidate in sel.css(query):
            if len(text_of(candidate)) >= 40 and not _holds(candidate, headline) and not _in_furniture(candidate.root):
                return _densest_block(candidate, whole=True) or candidate
    return _densest_block(sel)


def _ids_and_classes(sel: Selector) -> set[str]:
    """`#id` and `.class` of every element of the page."""
    ids = {"#" + value for value in sel.root.xpath("//@id")}
    return ids | {"." + name for value in sel.root.xpath("//@class") for name in value.split()}


def _holds(container: Selector, element: Selector | None) -> bool:
    """Whether `element` is inside `container`."""
    return element is not None and any(a is container.root for a in element.root.iterancestors())


def _densest_block(sel: Selector, whole: bool = False) -> Selector | None:
    """The element whose own text (its `<p>` children, or text lines between `<br>`s) is the longest,
    outside page furniture (comment lists, related links, ...): the main text block.

    With `whole`, only a block holding most (80 %) of such text under `sel` is returned: a known
    container narrows to its text block when it is a wrapper (of the text and a sidebar, say), and
    stays whole when its text is spread over several blocks.
    """
    best, best_len, total = None, 0, 0
    for parent in sel.root.xpath(".//p/.. | .//br/.. | .//div[not(*)]/.."):
        own_text = "".join(parent.xpath("text()")).strip()
        lines = parent.xpath("p | div[not(*)]")  # a text line: a <p>, or a <div> of text only
        length = len(own_text) + sum(len(" ".join(_string(p).split())) for p in lines)
        total += length
        if length > best_len and not _in_furniture(parent):
            best, best_len = parent, length
    if best is None or (whole and best_len < 0.8 * total):
        return None
    return Selector(root=best)


def _in_furniture(element: HtmlElement) -> bool:
    """Whether `element` or an ancestor below `<body>` is page furniture by its class or id."""
    while element is not None and element.tag not in ("body", "html"):
        if _is_furniture(element):
            return True
        element = element.getparent()
    return False


def _is_furniture(element: HtmlElement) -> bool:
    marks = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(marks.strip()) and patterns.FURNITURE.search(marks) is not None


def read_body(body: Selector, leave_out: Collection[HtmlElement] = ()) -> tuple[list[str], list[str]]:
    """The body's text lines and image URLs (as written), in page order.

    A line ends at every block element and `<br>`; table cells are joined by a space. Left out: the
    elements `leave_out` (the headline and meta line, where the text block holds them), scripts, forms,
    hidden elements (`display:none`), page furniture by class or id (share bars, QR codes, comment
    lists), and lines made of link text only ("返回搜狐，查看更多", related links). An image's URL is its
    lazy-loading `data-src`/`data-original`, else its `src`.

    >>> read_body(Selector(text="<div>甲<br>乙<p>丙<span style='display:none'>x</span></p><a>链接</a><img data-src='1.jpg'></div>").css("div")[0])
    (['甲', '乙', '丙'], ['1.jpg'])
    """
    reader = _BodyReader(leave_out)
    reader.visit(body.root, in_link=False, text=body.root.text)
    reader.end_line()
    return reader.lines, reader.images


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

    def __init__(self, leave_out: Collection[HtmlElement]) -> None:
        self.leave_out = leave_out
        self.lines: list[str] = []
        self.images: list[str] = []
        self._parts: list[str] = []
        self._plain = False  # the current line has text outside links

    def visit(self, element: HtmlElement, in_link: bool, text: str | None = None) -> None:
        """Read the children of `element` (after its own leading `text`, when given)."""
        self._add(text, in_link)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and not (tag in _LEFT_OUT or _is_hidden(child) or _is_furniture(child) or child in self.leave_out):
                self._element(child, tag, in_link)
            self._add(child.tail, in_link)

    def _element(self, element: HtmlElement, tag: str, in_link: bool) -> None:
        if tag == "br":
            self.end_line()
        elif tag in ("img", "amp-img"):
            src = (
                element.get("data-src") or element.get("data-original") or element.get("zoomfile")
                or element.get("file") or element.get("src") or ""
            )  # fmt: skip
            if src.strip() and not src.startswith("data:"):
                self.images.append(src.strip())
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
        line = " ".join("".join(self._parts).split())
        if line and self._plain:
            self.lines.append(line)
        self._parts, self._plain = [], False


def _is_hidden(element: HtmlElement) -> bool:
    return element.get("hidden") is not None or patterns.HIDDEN_STYLE.search(element.get("style", "")) is not None


def _category(
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
            return _channel(" > ".join(_string(a).strip() for a in holder.findall("a")), title)
    return None


def _category_label(headline: Selector | None) -> str | None:
    """A short channel label linked beside the headline, in the headline's header or article."""
    element = headline.root if headline is not None else None
    for _ in range(3):
        element = element.getparent() if element is not None else None
        if element is None or element.tag in ("body", "html"):
            return None
        for link in element.xpath(patterns.CATEGORY_LABEL):
            name = " ".join(_string(link).split())
            if 0 < len(name) <= 8 and not re.search(r"\d|发布于", name):
                return name
    return None


def _site_names(sel: Selector, title_tag: str | None, headline: str | None) -> list[str]:
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
