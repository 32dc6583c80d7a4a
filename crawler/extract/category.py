"""The channel of an article page (breadcrumb, separated links, a label beside the headline) and the
names the page gives its own site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from functools import cache

from lxml import etree
from parsel import Selector

from crawler import vocabulary
from crawler.extract import patterns
from crawler.extract.dom import Element, attribute_values, select, string_value, text_holder, text_of
from crawler.extract.pagefacts import class_text, page_elements, page_text, running_texts


def find_category(
    sel: Selector,
    rules: Mapping[str, str],
    title: str | None,
    headline: Selector | None = None,
    site: Collection[str] = (),
) -> str | None:
    """The channel from the breadcrumb: `首页 > 资讯 > 正文` -> `资讯`. A breadcrumb ending with the
    headline ends before it; one whose label sits in its own `<strong>` is read from the label's parent.
    Without a breadcrumb: links separated by "›"/"»"/">" (Discuz), else the article's own channel label
    near the headline (`<a class="article-category">医药</a>`). Never a name of the site (`site`), the page
    itself ("正文", "文章详情") or a text that is no name (a sentence, a keyword list)."""
    if query := rules.get("category"):
        return _channel(text_of(select(sel, query)), title, site)
    crumb = _breadcrumb(sel)
    if crumb is not None:
        text = _crumb_text(crumb)
        if _starts_with_label(crumb) and not patterns.CRUMB_LABEL.sub("", text).strip():  # <strong>当前位置:</strong>
            text = _crumb_text(crumb.getparent())
        return _channel(text, title, site)
    return _separated_crumb(sel, title, site) or _category_label(headline)


def _breadcrumb(sel: Selector) -> Element | None:
    """The innermost shown breadcrumb: an element with a breadcrumb class, or of a text starting with a
    "位置" label, holding two names or more and no other such element, outside hidden blocks (one item of a
    trail, `<li class="path-cur">`, is not the trail)."""
    names = class_text(sel)  # a word holds no space: in one name if in their join
    words = [word for word in patterns.CRUMB_CLASS_WORDS if word in names]
    # Each query only where it may find something (a class name holding one of its words, a text the label),
    # the class query for those words only: each query reads every node of the page, each word's test every class.
    labelled = _labelled_crumbs(sel) if "位置" in page_text(sel) else []
    classed = _classed_crumbs(tuple(words))(sel.root) if words else []
    found = [
        element
        for element in {element: None for element in (*labelled, *classed)}
        if ((element.get("class") and _crumb_class(element)) or _starts_with_label(element)) and _trail(element)
    ]
    if labelled and classed:
        found.sort(key=_page_position)
    for element in found:
        if not any(other is not element and _inside(other, element) for other in found) and not _hidden(element):
            return element
    return None


def _labelled_crumbs(sel: Selector) -> list[Element]:
    """The elements holding a "位置" label's text, scripts, styles and the <title> aside."""
    found = _holders(sel, lambda text: "位置" in text)
    return [element for element in found if element.tag not in ("script", "style", "title")]


def _holders(sel: Selector, test: Callable[[str], bool]) -> list[Element]:
    """The elements holding a running text of the page (`pagefacts.running_texts`: outside links) that passes
    `test`, in page order: read for the text block already, a test on each text, no query of the page."""
    found = {holder: None for text in running_texts(sel) if test(text) and (holder := text_holder(text)) is not None}
    return sorted(found, key=_page_position) if len(found) > 1 else list(found)


@cache
def _classed_crumbs(words: tuple[str, ...]) -> etree.XPath:
    """The elements whose class holds one of `words` (`patterns.CRUMB_CLASS_QUERY`), compiled once."""
    return etree.XPath(patterns.CRUMB_CLASS_QUERY.format(" or ".join(f"contains(., '{word}')" for word in words)))


def _page_position(element: Element) -> list[int]:
    """Where `element` stands in the page, as a sort key: its index under each ancestor, the outermost first."""
    position = []
    while (parent := element.getparent()) is not None:
        position.append(parent.index(element))
        element = parent
    return position[::-1]


def _trail(element: Element) -> bool:
    """Whether the element holds two names or more (a label's element may hold them in its parent)."""
    text = patterns.CRUMB_LABEL.sub("", _crumb_text(element))
    if not text.strip() and _starts_with_label(element):
        text = _crumb_text(element.getparent())
    return sum(1 for part in patterns.CRUMB_SPLIT.split(text) if part.strip()) >= 2


def _crumb_class(element: Element) -> bool:
    return any(word in element.get("class", "") for word in patterns.CRUMB_CLASS_WORDS)


def _starts_with_label(element: Element) -> bool:
    return any(patterns.CRUMB_LABEL_START.match(text) for text in _OWN_TEXTS(element))


# What the breadcrumb's tests read of an element, compiled once (a query string is compiled at each call).
_OWN_TEXTS = etree.XPath("text()", smart_strings=False)
_ITEMS = etree.XPath(".//li")
_LINKS_AND_TEXTS = etree.XPath(".//a | ./text()", smart_strings=False)
_CATEGORY_LABELS = etree.XPath(patterns.CATEGORY_LABEL)


def _inside(element: Element, holder: Element) -> bool:
    return any(ancestor is holder for ancestor in element.iterancestors())


def _hidden(element: Element | None) -> bool:
    while element is not None and element.tag not in ("body", "html"):
        if patterns.HIDDEN_STYLE.search(element.get("style", "")):
            return True
        element = element.getparent()
    return False


def _crumb_text(element: Element | None) -> str:
    """A breadcrumb's names joined by ">": its text, or (written without separators) its items and links, at
    least two of them."""
    if element is None:
        return ""
    text = " ".join(string_value(element).split())
    if patterns.CRUMB_SPLIT.search(patterns.CRUMB_LABEL.sub("", text)):
        return text
    items = _ITEMS(element) or _LINKS_AND_TEXTS(element)
    names = [name for item in items if (name := " ".join(_text(item).split()))]
    return " > ".join(names) if len(names) >= 2 else ""  # one name alone is no trail ("by 某某" in a widget)


def _text(node: Element | str) -> str:
    return node if isinstance(node, str) else string_value(node)


def _separated_crumb(sel: Selector, title: str | None, site: Collection[str]) -> str | None:
    """The channel of a breadcrumb made of links and separators only: "论坛名 › 论坛 › 基金交流 › 标题": the first
    element, in page order, holding a separator as a text of its own ("›", "»", ">" or ">>", outside links) and two
    links, or whose parent holds two."""
    for element in _holders(sel, _separator):
        holder = element if len(element.findall("a")) >= 2 else element.getparent()
        if holder is not None and len(holder.findall("a")) >= 2:
            return _channel(" > ".join(string_value(a).strip() for a in holder.findall("a")), title, site)
    return None


def _separator(text: str) -> bool:
    """Whether a text is a breadcrumb's separator alone: under 24 characters, one of `patterns.CRUMB_SEPARATORS`
    once its spaces are stripped (XML's, as XPath's normalize-space() strips them: not a no-break space)."""
    return len(text) < 24 and text.strip(" \t\r\n") in patterns.CRUMB_SEPARATORS


def _category_label(headline: Selector | None) -> str | None:
    """A short channel label linked beside the headline, in the headline's header or article."""
    element = headline.root if headline is not None else None
    for _ in range(3):
        element = element.getparent() if element is not None else None
        if element is None or element.tag in ("body", "html"):
            return None
        for link in _CATEGORY_LABELS(element):
            name = " ".join(string_value(link).split())
            if 0 < len(name) <= 8 and not re.search(r"\d|发布于", name):
                return name
    return None


def _channel(crumb: str, title: str | None, site: Collection[str] = ()) -> str | None:
    """The last name of a breadcrumb text that is no generic word (首页, 正文, 文章详情), not the headline and
    not a name of the site; a name is the first word of its part ("正文 申请入驻" -> "正文", "第23号 字号：大 中 小"
    -> "第23号"). None when that
    name is no channel name (a sentence, a long text).

    >>> _channel("您现在的位置:首页 > 资讯 > 正文", None), _channel("位置：首页 » 金融 » 降准落地一周", "降准落地一周")
    ('资讯', '金融')
    >>> _channel("某某网 > 正文", None, site=["某某网"]), _channel("首页 > 要闻 > 文章详情", None)
    (None, '要闻')
    """
    parts = (p.split() for p in patterns.CRUMB_SPLIT.split(patterns.CRUMB_LABEL.sub("", crumb)))
    names = [words[0] for words in parts if words]
    names = [name for name in names if not _generic(name)]
    if names and title and _names_headline(names[-1], title):
        names.pop()
    if not names or names[-1] in site:
        return None
    return names[-1] if patterns.CRUMB_NAME.match(names[-1]) else None


def _generic(name: str) -> bool:
    return name in patterns.CRUMB_SKIP or patterns.CRUMB_PAGE_ITSELF.search(name) is not None


def _names_headline(name: str, title: str) -> bool:
    """The crumb is the headline, maybe cut short: "长三角一体化示范区发布首批..." of a longer title."""
    shown = name.rstrip(".…")
    return name == title or (len(shown) >= 8 and title.startswith(shown))


def site_names(sel: Selector, title_tag: str | None, headline: str | None) -> list[str]:
    """The names the page gives its own site: og:site_name, the `<title>` after the headline
    ("标题--经济--中原日报网" -> "中原日报网") and the logo's alt text."""
    elements = page_elements(sel)
    names = attribute_values(elements["meta"], "content", property="og:site_name")
    if title_tag and headline and title_tag.startswith(headline) and len(title_tag) > len(headline):
        rest = patterns.TITLE_SEPARATOR.split(title_tag[len(headline) :])
        names.append(rest[-1])
    names += attribute_values((image for image in elements["img"] if _logo(image)), "alt")
    return [name for name in (" ".join(n.split()) for n in names) if 2 <= len(name) <= 20]


def _logo(image: Element) -> bool:
    """Whether the image is a logo: "logo" in its class or id, or in the class of its parent or grandparent."""
    if "logo" in (image.get("class") or "") or "logo" in (image.get("id") or ""):
        return True
    parent = image.getparent()
    if parent is None:
        return False
    grandparent = parent.getparent()
    return "logo" in (parent.get("class") or "") or (
        grandparent is not None and "logo" in (grandparent.get("class") or "")
    )


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
