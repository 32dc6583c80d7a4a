"""Which block of an article page is its body: a known container, else the densest text block (its lines:
`<p>`s, `<div>`s of text, `<div>`s and `<section>`s of inline markup), widened over a body split into several
blocks; never page furniture, a hidden block, a footer by its text or readers' comments. `crawler.extract.body`
reads the block's lines."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree
from parsel import Selector

from crawler.extract import patterns
from crawler.extract.dom import (
    INLINE_MARKUP,
    Element,
    css_xpath,
    has_id,
    in_furniture,
    is_footer,
    is_furniture,
    is_hidden,
    select,
    string_value,
    text_of,
)
from crawler.extract.nesting import last_element
from crawler.extract.pagefacts import class_names


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
                size = 0 if is_hidden(line) else size - _code_chars(line)
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
            and not is_hidden(parent)
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
    lines = [line for line in holder if line.tag in ("p", "div", "li")]
    needed = max(patterns.COMMENT_LINES, 0.6 * len(lines))  # lines opening with a name
    names: list[str] = []
    timed = 0
    for read, line in enumerate(lines):
        if len(names) + len(lines) - read < needed:
            return False  # too few lines left to open with enough names: an article's text, read no further
        if found := patterns.SPEAKER.match(text := string_value(line).strip()):
            names.append(found[1])
            timed += patterns.CLOCK.search(text) is not None
    return len(names) >= needed and len(set(names)) >= 0.8 * len(names) and timed >= 0.6 * len(names)


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
_INLINE_LINE = INLINE_MARKUP | {"a", "br", "img"}


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
    links = elements = 0
    for child in element:
        tag = child.tag
        if tag.__class__ is str:  # not a comment
            if tag not in _INLINE_LINE:
                return False
            links += tag == "a"
            elements += 1
    return links < elements or links == 0 or bool((element.text or "").strip())


def _link_chars(element: Element) -> int:
    """How many characters the links in `element` hold, their spaces joined as a line's are."""
    return sum(len(" ".join(string_value(link).split())) for link in element.iter("a"))


def _code_chars(element: Element) -> int:
    """How many characters the scripts and styles in `element` hold, its text's spaces joined as a line's are."""
    return sum(len(" ".join((code.text or "").split())) + 1 for code in element.iter("script", "style"))
