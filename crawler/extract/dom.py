"""Small helpers over a parsed page, shared by the stages of article extraction: run a profile
expression, the text of a selection, the elements after one, page furniture.

Pure functions; the stage modules (`headline`, `meta`, `body`, `category`, `counter`) import them, and
this module imports none of those.

The stages' queries over a page or a block are written with the descendant axis where a step has a predicate
(`/descendant::a[@href]`, `descendant::div[not(*)]/..`), not `//a[@href]`: `//` is
`/descendant-or-self::node()/child::`, which libxml2 turns into the descendant axis only for a step without a
predicate; with one it first collects every node of the page (such queries 10-25 % slower on the real pages).
Both give the same nodes in the same order where no predicate tests a position (`[1]`, `position()`, `last()`).
A query of the page's `<body>` starts from it by its path, `/html/body/...`, not `//body/...`, which walks the whole
page (head and body) to find it: 0.02 ms of such a query's 0.6 on the real pages, for nothing. libxml2's HTML
parser (and `page._FlatBuilder`) puts every `<body>` under a top `<html>` (a second `<body>` tag opens none; what
follows a `</html>` goes to a second `<html>`), so both find the same: checked on the real, golden and hold-out
pages and 20,000 fuzzed ones (`tests/fuzzing.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from itertools import chain
from typing import Any, TypeAlias

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath

from crawler.extract import patterns

#: What XML (so an lxml tree) cannot hold: control characters but tab, newline and carriage return; surrogates.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: The elements of inline markup, which hold a line's runs of text: what a page left open nests by the hundred
#: (`nesting`, `page._FlatBuilder`), and what a line, a paragraph or a headline holds beside its text (each of those
#: adds the elements it also reads as part of a line: line breaks, images, links...).
INLINE_MARKUP = frozenset(
    {"span", "font", "b", "i", "u", "s", "strike", "strong", "em", "small", "big", "tt", "nobr", "sub", "sup"}
)

#: An element of a parsed page. Pages are parsed without lxml.html's element classes
#: (`crawler.extract.page.html_selector`): use `lxml.etree` element methods only (no `text_content()`:
#: `string_value`).
Element: TypeAlias = etree._Element


def select(sel: Selector | SelectorList[Selector], query: str) -> SelectorList[Selector]:
    """Run a profile expression: XPath when it starts with `/` or `(`, CSS otherwise (`css_xpath`)."""
    return sel.xpath(query if query.startswith(("/", "(", "./")) else css_xpath(query))


@lru_cache(maxsize=1024)
def css_xpath(query: str) -> str:
    """The XPath of a CSS selector as parsel's `Selector.css` runs it (`css2xpath`), each class or id test preceded
    by a cheap one: `contains(@class, 'content')` before the test of the whole word, which builds two strings for
    each element of its tag (`div.content` in half the time on the real pages; cssselect 1.6 writes this test
    itself, 1.3 does not), `[@id]` before `[@id = 'x']` (a third less). The same elements.

    >>> query = css_xpath("#Article div.content")
    >>> "[@id][@id = 'Article']" in query, "contains(@class, 'content')" in query
    (True, True)
    """
    return _ID_TEST.sub(r"[@id]\g<0>", _CLASS_TEST.sub(r"[contains(@class, '\2')][\1]", css2xpath(query)))


# A class test as cssselect writes it, of a plain class name: "[@class and contains(concat(' ', normalize-space(@class),
# ' '), ' content ')]".
_CLASS_TEST = re.compile(r"\[@class and (contains\(concat\(' ', normalize-space\(@class\), ' '\), ' ([^' ]+) '\))\]")
# An id test as cssselect writes it: "[@id = 'Article']".
_ID_TEST = re.compile(r"\[@id = '[^']*'\]")


def text_of(sel: Selector | SelectorList[Selector]) -> str:
    """The text of the selected elements (or attribute values), whitespace collapsed."""
    items = [sel] if isinstance(sel, Selector) else sel
    return joined_text(s.root for s in items)


def joined_text(nodes: Iterable[Element | str]) -> str:
    """The text of `nodes` (elements, or attribute values), whitespace collapsed."""
    return " ".join(" ".join(node if isinstance(node, str) else string_value(node) for node in nodes).split())


def string_value(element: Element) -> str:
    """The string value of an element (all its text, as XPath's string()).

    >>> string_value(Selector(text="<p>央行<!-- 注释 --><b>开展</b>逆回购<script>x</script></p>").css("p")[0].root)
    '央行开展逆回购x'
    >>> string_value(Selector(text="<p><a>x</a><!-- 注释 --></p>").css("a")[0].root.getnext())
    ''
    """
    if not isinstance(element.tag, str):
        return ""  # a comment or processing instruction: no text of the page's
    if not len(element):  # no child node but its text (most links, cells, spans): its text, a fifth of the time
        return element.text or ""
    # libxml2 reads both from one function (the node's content); the serialiser calls it without the
    # XPath machinery around: a third of the time.
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def spaced_text(sel: Selector | SelectorList[Selector]) -> str:
    """The text of the selected elements, scripts left out, with the page's field separation kept: a
    run of whitespace (`&nbsp;&nbsp;&nbsp;`, a line break) becomes two spaces, a single one one space.

    >>> spaced_text(Selector(text="<p>2024-09-03 11:54&nbsp;&nbsp;&nbsp;来源:<a>千龙网</a>\\n  阅读量:1</p>").css("p"))
    '2024-09-03 11:54  来源:千龙网  阅读量:1'
    >>> spaced_text(Selector(text="<p>作者：张三<br>时间：2024-09-03</p>").css("p"))
    '作者：张三  时间：2024-09-03'
    """
    items = [sel] if isinstance(sel, Selector) else sel
    texts = (s.root if isinstance(s.root, str) else _joined(_TEXT_AND_BREAKS(s.root)) for s in items)
    return _OTHER_SPACE.sub(" ", _SPACE_RUN.sub("  ", "  ".join(texts))).strip()


def _joined(nodes: list[object]) -> str:
    """The text nodes and line breaks `nodes` as one text; two numbers of two nodes stay two, a space between
    them: `<span>10-08</span><span>12:00</span>` is "10-08 12:00", not "10-0812:00".

    >>> spaced_text(Selector(text="<p><span>发布时间：10-08</span><span>12:00</span></p>").css("p"))
    '发布时间：10-08 12:00'
    """
    pieces = list(map(_line_text, nodes))
    for number in range(1, len(pieces)):
        if pieces[number][:1].isdigit() and pieces[number - 1][-1:].isdigit():
            pieces[number] = " " + pieces[number]
    return "".join(pieces)


# A run of whitespace becomes two spaces, then a single whitespace character one space (no Python call per run).
_SPACE_RUN = re.compile(r"\s\s+")
_OTHER_SPACE = re.compile(r"[^\S ]")
# The text nodes of an element but its scripts', and its line breaks: "作者：张三<br>时间：..." keeps its break.
# A script holds no elements in a parsed HTML page, so its text's parent is the script: half the time of an
# `ancestor::script` test on each text node. Compiled once, and plain strings: lxml's default "smart"
# strings each hold their parent element.
_TEXT_AND_BREAKS = etree.XPath("(.//text() | .//br)[not(parent::script)]", smart_strings=False)


def _line_text(node: object) -> str:
    return node if isinstance(node, str) else "  "


def attribute_values(elements: Iterable[Element], name: str, **tests: str) -> list[str]:
    """The values of the attribute `name` of `elements` whose attributes equal `tests`, as
    "//meta[@property='og:title']/@content" would give them.

    >>> attribute_values(Selector(text='<meta property="og:title" content="标题"><meta content="x">').root.iter("meta"), "content", property="og:title")
    ['标题']
    """
    checks = list(tests.items())
    if len(checks) == 1:  # the usual case: one test, without a generator for each element
        ((key, test),) = checks
        elements = (element for element in elements if element.get(key) == test)
    elif checks:
        elements = (element for element in elements if all(element.get(key) == test for key, test in checks))
    return [value for element in elements if (value := element.get(name)) is not None]


def has_id(sel: Selector, name: str) -> bool:
    """Whether an element of the page has the id `name`: looked up in the ids libxml2 keeps of a parsed page,
    not by reading every element.

    >>> page = Selector(text='<div id="main"><p id="x">1</p></div>')
    >>> has_id(page, "main"), has_id(page, "x"), has_id(page, "ma")
    (True, True, False)
    """
    return bool(_ID(sel.root, name=name))


_ID = etree.XPath("id($name)")


def longer_than(element: Element, chars: int) -> bool:
    """Whether the text of `element`, scripts and whitespace aside, has more than `chars` characters (then so
    has its `spaced_text`), read no further than that: the wrapper of a headline, the element after a body may
    hold the whole page.

    >>> page = Selector(text="<div><p>央行开展逆回购</p><script>var x = 1;</script></div>")
    >>> longer_than(page.css("div")[0].root, 6), longer_than(page.css("div")[0].root, 7)
    (True, False)
    """
    count = 0
    for node in element.iter():
        if node is not element:
            count += len("".join((node.tail or "").split()))
        if isinstance(node.tag, str) and node.tag != "script":
            count += len("".join((node.text or "").split()))
        if count > chars:
            return True
    return False


def rule_text(sel: Selector, rules: Mapping[str, str], name: str) -> str | None:
    """The text a profile's expression for the field `name` selects, if it has one and it selects text."""
    query = rules.get(name)
    return (text_of(select(sel, query)) or None) if query else None


def first_match(pattern: re.Pattern[str], text: str, group: int = 1) -> str | None:
    """The `group` of `pattern`'s first match in `text`, stripped."""
    found = pattern.search(text)
    return found.group(group).strip() if found else None


def elements_after(element: Element, inside: bool) -> Iterator[Element]:
    """The elements after `element` in document order, its own descendants first when `inside`;
    scripts and styles left out."""
    following = chain(element.iterdescendants() if inside else (), nodes_after(element))
    return (e for e in following if isinstance(e.tag, str) and e.tag not in ("script", "style"))


def text_holder(text: Any) -> Element | None:
    """The element holding a text node that an lxml query gave as a "smart" string: its element, or for a tail,
    that element's parent (XPath's `..` of the text).

    >>> [text_holder(text).tag for text in etree.XPath("//text()")(etree.fromstring("<p>甲<b>乙</b>丙</p>"))]
    ['p', 'b', 'p']
    """
    element = text.getparent()
    return element.getparent() if element is not None and text.is_tail else element


def nodes_after(element: Element | None) -> Iterator[Element]:
    """The nodes after `element` in document order, outside it (comments and scripts included)."""
    while element is not None:
        for sibling in element.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        element = element.getparent()


def element_roots(*found: Selector | SelectorList[Selector] | None) -> list[Element]:
    """The elements selected (none for attribute or text results)."""
    items = (s for f in found if f is not None for s in ([f] if isinstance(f, Selector) else f))
    return [s.root for s in items if not isinstance(s.root, str)]


def is_footer(element: Element, chars: int) -> bool:
    """Whether a text block (of `chars` characters of text) is the page's footer by its text, whatever its class:
    under `patterns.FOOTER_MAX_CHARS`, and holding two of `patterns.FOOTER_MARK` or more, distinct (one alone is an
    article's "本文版权所有").

    >>> is_footer(etree.fromstring("<div>举报电话：010-8565 Copyright©某某网 版权所有</div>"), 30)
    True
    >>> is_footer(etree.fromstring("<div>央行开展逆回购操作。本文版权所有，转载请注明出处。</div>"), 25)
    False
    """
    if chars > patterns.FOOTER_MAX_CHARS:
        return False
    text = string_value(element)
    if len(text) > patterns.FOOTER_MAX_CHARS:
        return False
    return len({mark.lower() for mark in patterns.FOOTER_MARK.findall(text)}) >= patterns.FOOTER_MARKS


def is_hidden(element: Element) -> bool:
    """Whether `element` is hidden by its `hidden` attribute or an inline `display:none` (`patterns.HIDDEN_STYLE`)."""
    style = element.get("style")
    return element.get("hidden") is not None or (style is not None and patterns.HIDDEN_STYLE.search(style) is not None)


def in_furniture(element: Element) -> bool:
    """Whether `element` or an ancestor below `<body>` is page furniture by its class or id."""
    while element is not None and element.tag not in ("body", "html"):
        if is_furniture(element):
            return True
        element = element.getparent()
    return False


def is_furniture(element: Element) -> bool:
    """Whether `element` is page furniture by its class or id (`patterns.FURNITURE`); a share mark only on a
    block without paragraphs or of less text than `patterns.SHARE_BAR_MAX_CHARS` (else the article under a
    share script).

    >>> is_furniture(etree.fromstring("<div class='share-bar'>分享到：微信 微博</div>"))
    True
    >>> is_furniture(etree.fromstring(f"<div class='BSHARE_POP'><p>{'正文' * 101}</p></div>"))
    False
    """
    marks = f"{element.get('class', '')} {element.get('id', '')}"
    verdict = _furniture_marks(marks) if marks != " " else False
    if verdict is None:  # share marks only: furniture unless the block holds paragraphs, longer than a share bar
        return element.find(".//p") is None or len(string_value(element).strip()) <= patterns.SHARE_BAR_MAX_CHARS
    return verdict


@lru_cache(maxsize=4096)
def _furniture_marks(marks: str) -> bool | None:
    """Whether the class and id `marks` hold a furniture mark (`patterns.FURNITURE`), None if share marks only:
    remembered, as a page's elements repeat a few classes (a search costs ten times a lookup)."""
    found = [match.group() for match in patterns.FURNITURE.finditer(marks)]
    if not found:
        return False
    return True if any(not patterns.SHARE_MARK.fullmatch(mark) for mark in found) else None
