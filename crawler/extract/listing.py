"""Listing-page extraction: the links of a page that stay on its site, and the date beside a link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.extract.article import text_of
from crawler.extract.urls import canonical_url

# Links to files that are no web pages: "/uploads/report.pdf", "/uploads/allimg/240903/1-1.jpg".
BINARY_EXTENSIONS = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "rar", "7z", "gz",
    "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "mp3", "mp4", "avi", "flv", "exe", "apk",
})  # fmt: skip


def site_links(sel: Selector, page_url: str) -> Iterator[tuple[str, Selector]]:
    """(canonical absolute URL, `<a>` element) of every link to an HTML page of the same host, in page order.

    >>> page = Selector(text='<a href="/a/1.html">x</a><a href="http://other/b">y</a><a href="f.pdf">z</a>')
    >>> [url for url, _ in site_links(page, "http://host/list/")]
    ['http://host/a/1.html']
    """
    host = urlsplit(page_url).netloc
    for link in sel.xpath("//a[@href]"):
        href = link.attrib["href"].strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        extension = parts.path.rpartition(".")[2].lower()
        if parts.scheme in ("http", "https") and parts.netloc == host and extension not in BINARY_EXTENSIONS:
            yield canonical_url(url), link


def date_beside(link: Selector) -> str | None:
    """The text around a listing link, without the link's own text: where listings put its date.

    >>> page = Selector(text='<li><span>3小时前</span><a href="/a/1.html">标题</a></li>')
    >>> date_beside(page.xpath("//a")[0])
    '3小时前'
    """
    context = text_of(link.xpath(".."))
    return context.replace(text_of(link), "", 1).strip() or None


_TITLE_PARTS = re.compile(r"\s*[-_|｜—–·:：,，]+\s*|\s{2,}")


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
