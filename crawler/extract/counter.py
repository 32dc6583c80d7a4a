"""The URL of the script that writes an article's read count, for pages that show none in their HTML."""

from __future__ import annotations

import re

from parsel import Selector

from crawler.extract import patterns
from crawler.extract.dom import Element, attribute_values
from crawler.extract.pagefacts import page_elements
from crawler.extract.urls import absolute_url


def counter_url(sel: Selector, base: str) -> str | None:
    """The URL of the script that writes the read count: a known CMS counter (DedeCMS, PHPCMS, EmpireCMS,
    ASP), else any script right after a views label (`点击：<script src="/hits.js?id=5"></script>`); `base`:
    what the page's relative URLs resolve against (`pagefacts.document_base`)."""
    scripts = page_elements(sel)["script"]
    for src in attribute_values(scripts, "src"):
        if _may_be_counter(src) and patterns.COUNTER_SCRIPT.search(src):
            return absolute_url(base, src)
    for script in scripts:
        src = script.get("src")
        if src is not None and (before := _text_before(script)) is not None and patterns.VIEWS_LABEL_END.search(before):
            return absolute_url(base, src)
    return None


def _may_be_counter(src: str) -> bool:
    """Whether `src` may match `patterns.COUNTER_SCRIPT`: it holds a counter word (`patterns.COUNTER_WORDS`), or
    is no ASCII (where case folding is the regex's own).

    >>> _may_be_counter("/plus/Count.php?aid=1"), _may_be_counter("/js/jquery.js?v=3")
    (True, False)
    """
    if not src.isascii():
        return True
    lowered = src.lower()
    return any(word in lowered for word in patterns.COUNTER_WORDS)


def _text_before(script: Element) -> str | None:
    """The text right before `script`, whitespace collapsed as XPath's normalize-space(): the text node before
    it (none: it opens its parent), then the one before its parent; None when an element or a comment comes
    right before it.

    >>> from lxml import etree
    >>> page = etree.fromstring("<div>阅读量:<span><script/></span> 点击：\\n<script/><i/><script/></div>")
    >>> [_text_before(script) for script in page.iter("script")]
    ['阅读量:', '点击：', None]
    """
    previous = script.getprevious()
    if previous is not None and previous.tail is None:
        return None
    parent = script.getparent()
    own = (parent.text if parent is not None else None) if previous is None else previous.tail
    outer = None
    if parent is not None:
        before_parent = parent.getprevious()
        if before_parent is not None:
            outer = before_parent.tail
        elif (grandparent := parent.getparent()) is not None:
            outer = grandparent.text
    return _XPATH_SPACE.sub(" ", f"{own or ''}{outer or ''}").strip(" \t\r\n")


_XPATH_SPACE = re.compile(r"[ \t\r\n]+")
