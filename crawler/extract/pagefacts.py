"""What several extraction stages read of a whole parsed page, read once while the page lives (`read_once`):
the elements of a few tags, the class names, the hrefs, the document base, the running texts, the page's text for
cheap tests before a query. Each such query reads every node of the page; the stages share its answer.

Pure functions over a parsed page, beside the smaller helpers of `dom`, which this module uses and which uses
none of these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from lxml import etree
from parsel import Selector

from crawler.extract.dom import Element, string_value
from crawler.extract.urls import absolute_url


def read_once(read: Callable[[Selector], _Fact]) -> Callable[[Selector], _Fact]:
    """`read` of a parsed page, remembered while the page lives: for what several stages read of a page
    (each such query reads every node of it)."""
    known: WeakKeyDictionary[Selector, _Fact] = WeakKeyDictionary()

    @wraps(read)
    def once(sel: Selector) -> _Fact:
        if sel not in known:
            known[sel] = read(sel)
        return known[sel]

    return once


_Fact = TypeVar("_Fact")


#: The tags `page_elements` indexes: what stages look up by tag alone (title, og: metas, canonical link, base URL,
#: headlines, logos, counter scripts, the scripts' and styles' text).
INDEXED_TAGS = ("title", "meta", "link", "base", "h1", "h2", "img", "script", "style")


@read_once
def page_elements(sel: Selector) -> dict[str, list[Element]]:
    """The page's elements of each of INDEXED_TAGS, in page order, read in one pass: each query such as
    "//title" or "//meta[@property='og:title']" reads every node of the page.

    >>> [e.get("content") for e in page_elements(Selector(text='<meta name="a" content="1"><p><img><meta content="2">'))["meta"]]
    ['1', '2']
    """
    found: dict[str, list[Element]] = {tag: [] for tag in INDEXED_TAGS}
    root = sel.root
    tops = [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]  # as "//" reads
    for top in tops:
        for element in top.iter(*INDEXED_TAGS):
            found[element.tag].append(element)
    return found


@read_once
def class_names(sel: Selector) -> set[str]:
    """The class names of every element of the page.

    >>> sorted(class_names(Selector(text='<div id="main" class="article  content"><p class="content">x</p></div>')))
    ['article', 'content']
    """
    return set(class_text(sel).split())


@read_once
def class_text(sel: Selector) -> str:
    """Every class attribute of the page, joined by spaces: a name holding a word (no space) holds it here too, for
    a test cheaper than the set of names."""
    return " ".join(_CLASSES(sel.root))


# Every class of a page, as plain strings (a "smart" one builds its element's proxy: 3 times the cost).
_CLASSES = etree.XPath("//@class", smart_strings=False)


@read_once
def page_hrefs(sel: Selector) -> tuple[str, ...]:
    """The hrefs of the page's links, in page order, read once: what a saved page's own URL is guessed from
    (`links.own_url`), the cheap test before the profile-link query (`meta.profile_author`) and the crawl's
    related links (`spiders.articles`) all read.

    >>> page_hrefs(Selector(text='<a href="/a/1.html">1</a><a>2</a><a href="">3</a>'))
    ('/a/1.html', '')
    """
    return tuple(_HREFS(sel.root))


_HREFS = etree.XPath("//a/@href", smart_strings=False)


def document_base(sel: Selector, url: str) -> str:
    """The URL the page's relative URLs resolve against (HTML's document base URL): its first `<base>` with an
    href, resolved against `url`, where that is an http(s) URL (an old portal's `<base href="http://www.x.cn/">`
    above links written from its root: "news/2024/1.html"); else `url`, the page's own.

    >>> page = Selector(text='<head><base target="_blank"><base href="/news/"></head><a href="a/1.html">1</a>')
    >>> document_base(page, "http://www.x.cn/2024/0903/list.html")
    'http://www.x.cn/news/'
    >>> document_base(Selector(text='<base href="file:///etc/">'), "http://x.cn/a/")
    'http://x.cn/a/'
    """
    for element in page_elements(sel)["base"]:
        if (href := element.get("href")) is not None:
            base = absolute_url(url, href)
            return base if base is not None and base.lower().startswith(("http://", "https://")) else url
    return url


@read_once
def running_texts(sel: Selector) -> list[Any]:
    """The page's texts outside links, in page order, as strings that know their element (`getparent`, `is_tail`),
    read once: what the text block (`kind.text_block`) and the separated breadcrumb (`category`) read. Blank ones
    are left out in the query (most text nodes of a page are: the test on them is what costs).

    >>> [str(text) for text in running_texts(Selector(text="<p>央行 <a>链接</a> 开展</p> <p> </p>"))]
    ['央行 ', ' 开展']
    """
    return _RUNNING_TEXTS(sel.root)  # lxml's "smart" strings


_RUNNING_TEXTS = etree.XPath("/html/body/descendant::text()[normalize-space()][not(ancestor::a)]")


@read_once
def page_text(sel: Selector) -> str:
    """Every text of the page joined (scripts' and styles' too, no separator between nodes), read once: for
    the cheap tests that let a stage skip a query over the whole page (a text no node holds, no part of it
    holds either).

    >>> page_text(Selector(text="<p>当前<b>位置</b></p><script>x</script>"))
    '当前位置x'
    """
    return string_value(sel.root)
