"""The URL of the script that writes an article's read count, for pages that show none in their HTML."""

from __future__ import annotations

from lxml import etree
from parsel import Selector

from crawler.extract import patterns
from crawler.extract.dom import attribute_values, page_elements
from crawler.extract.urls import absolute_url


def counter_url(sel: Selector, url: str) -> str | None:
    """The URL of the script that writes the read count: a known CMS counter (DedeCMS, PHPCMS, EmpireCMS,
    ASP), else any script right after a views label (`点击：<script src="/hits.js?id=5"></script>`)."""
    for src in attribute_values(page_elements(sel)["script"], "src"):
        if patterns.COUNTER_SCRIPT.search(src):
            return absolute_url(url, src)
    beside = _BESIDE_VIEWS_LABEL(sel.root)
    return absolute_url(url, beside[0]) if beside else None


# Compiled once, plain strings (no element proxy for each).
_BESIDE_VIEWS_LABEL = etree.XPath(
    patterns.SCRIPT_BESIDE_VIEWS_LABEL, namespaces={"re": "http://exslt.org/regular-expressions"}, smart_strings=False
)
