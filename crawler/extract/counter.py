"""The URL of the script that writes an article's read count, for pages that show none in their HTML."""

from __future__ import annotations

from parsel import Selector

from crawler.extract import patterns
from crawler.extract.urls import absolute_url


def counter_url(sel: Selector, url: str) -> str | None:
    """The URL of the script that writes the read count: a known CMS counter (DedeCMS, PHPCMS, EmpireCMS,
    ASP), else any script right after a views label (`点击：<script src="/hits.js?id=5"></script>`)."""
    for src in sel.xpath("//script/@src").getall():
        if patterns.COUNTER_SCRIPT.search(src):
            return absolute_url(url, src)
    beside = sel.xpath(patterns.SCRIPT_BESIDE_VIEWS_LABEL).get()
    return absolute_url(url, beside) if beside else None
