"""Article links a portal publishes beside its HTML listings: sitemaps, RSS/Atom feeds, JSON listing endpoints.

Pure functions over a fetched document (bytes or text); each returns `Listed` entries (URL, title, date)
and never builds a request. A bad entry costs that entry: a document that is no sitemap, feed or JSON
gives an empty result, never an exception.

- Sitemaps (`sitemaps`): Scrapy's own `Sitemap` parser (lxml in recover mode, no entities), the same as
  its `SitemapSpider`: a `<urlset>` lists pages (with `<lastmod>`, as Baidu-style sitemaps of Chinese
  portals do), a `<sitemapindex>` lists more sitemaps. Gzipped sitemaps are unpacked with a size limit.
- Feeds (`feed_entries`): feedparser reads RSS 0.9x/1.0/2.0 and Atom 0.3/1.0, recovers from the
  malformed XML portals serve, and parses their many date forms (RFC 822 with `CST`/`+0800`, ISO 8601)
  into UTC; a hand-written lxml reader would have to redo all three.
- JSON listings (`json_entries`): the "加载更多" / XHR endpoints of big portals, JSON or JSONP
  (`callback({...})`), read as a profile's `JsonListing` says (`crawler.profiles`).

Dates come out as ISO 8601 in Beijing time ("2024-09-03T11:54:03+08:00") when the document gives a time
zone, else as written: they reach the article as its `listing_date`, like the date an HTML listing shows
beside a link.
"""

from __future__ import annotations

import json
import re
from calendar import timegm
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_tz
from time import struct_time
from typing import Any, NamedTuple

import feedparser
from lxml import etree
from parsel import Selector
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.extract.pagefacts import document_base
from crawler.extract.urls import absolute_url
from crawler.vocabulary import SHANGHAI

__all__ = ["Listed", "SitemapDocument", "feed_entries", "feed_links", "json_entries", "robots_sitemaps", "sitemaps"]

#: A JSONP answer: `callback({...});`, `jQuery1830_1725({...})`, `/**/cb([...])`: its head up to the bracket, and
#: what follows its closing bracket. (One pattern for the whole, its document matched lazily between runs of spaces,
#: took 7 s for "cb(" and 2,000 spaces, minutes for more: the document is what lies between the two.)
JSONP_HEAD = re.compile(r"\s*(?:/\*\*/\s*)?[\w$.]+\s*\(")
JSONP_TAIL = re.compile(r"\)\s*;?\s*\Z")


def unwrap_jsonp(text: str) -> str | None:
    """The document a JSONP answer wraps, or None if `text` is none.

    >>> unwrap_jsonp(' /**/ cb( {"a": 1} );\\n'), unwrap_jsonp("cb(f(x))"), unwrap_jsonp('{"a": 1}'), unwrap_jsonp("cb(x")
    ('{"a": 1}', 'f(x)', None, None)
    """
    head = JSONP_HEAD.match(text)
    end = text.rfind(")")
    if head is None or end < head.end() or not JSONP_TAIL.match(text, end):
        return None
    return text[head.end() : end].strip()


#: The feeds a page links to for autodiscovery: `<link rel="alternate" type="application/rss+xml" href="/rss.xml">`.
_FEED_LINKS = etree.XPath(
    "//head/link[contains(concat(' ', translate(@rel, 'ALTERNATE', 'alternate'), ' '), ' alternate ')]"
    "[contains(@type, 'rss+xml') or contains(@type, 'atom+xml')]/@href"
)


#: A date that states its offset from UTC: "+0800", "+08:00", "GMT", "UTC", "...03Z".
_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|(?<=\d)Z|\bGMT|\bUTC|\bUT)$", re.I)


class Listed(NamedTuple):
    """One article link a sitemap, feed or JSON listing names."""

    url: str
    title: str | None = None
    date: str | None = None  # the lastmod / pubDate / JSON date, for the article's `listing_date`


class SitemapDocument(NamedTuple):
    """What a sitemap lists: pages (a `<urlset>`), or more sitemaps (a `<sitemapindex>`)."""

    pages: list[Listed]
    sitemaps: list[Listed]


def robots_sitemaps(robots: bytes, robots_url: str) -> list[str]:
    """The sitemaps a robots.txt names on its `Sitemap:` lines, absolute and well-formed.

    >>> robots_sitemaps(b"User-agent: *\\nDisallow: /x/\\nSitemap: /sitemap_index.xml\\nsitemap: http://[::1\\n",
    ...                 "http://www.example.cn/robots.txt")
    ['http://www.example.cn/sitemap_index.xml']
    """
    found = []
    for line in robots.splitlines():  # line by line: one bad URL (urljoin raises) costs its line only
        try:
            named = list(sitemap_urls_from_robots(line))
        except ValueError:
            continue
        found += [url for url in (absolute_url(robots_url, name) for name in named) if url]
    return found


def feed_links(page: Selector, page_url: str) -> list[str]:
    """The RSS/Atom feeds `page` names in its head for autodiscovery, absolute and well-formed.

    >>> page = Selector(text='<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
    ...     '<link rel="stylesheet" href="/a.css"><link rel="alternate" type="application/atom+xml" href="http://[::1">'
    ...     '</head></html>')
    >>> feed_links(page, "http://www.example.cn/")
    ['http://www.example.cn/rss.xml']
    """
    base = document_base(page, page_url)
    found = (absolute_url(base, str(href)) for href in _FEED_LINKS(page.root))
    return [url for url in found if url]


def sitemaps(body: bytes, url: str, max_size: int) -> SitemapDocument:
    """The pages or sitemaps a sitemap document at `url` lists (gzip unpacked up to `max_size` bytes).

    >>> doc = sitemaps(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ...     b'<url><loc>http://www.example.cn/a/1.html</loc><lastmod>2024-09-03T11:54:03+08:00</lastmod></url>'
    ...     b'<url><loc>http://[::1</loc></url><url><lastmod>2024-09-03</lastmod></url></urlset>',
    ...     "http://www.example.cn/sitemap.xml", 1000)
    >>> doc.pages, doc.sitemaps
    ([Listed(url='http://www.example.cn/a/1.html', title=None, date='2024-09-03T11:54:03+08:00')], [])
    >>> sitemaps(b"<html><body>not found</body></html>", "http://www.example.cn/sitemap.xml", 1000)
    SitemapDocument(pages=[], sitemaps=[])
    """
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, ValueError):  # a broken or oversized gzip (`_DecompressionMaxSizeExceeded`)
            return SitemapDocument([], [])
    try:
        document = Sitemap(body)
        entries = list(document)
    except (StopIteration, SyntaxError, ValueError):  # empty, or not XML at all
        return SitemapDocument([], [])
    listed = []
    for entry in entries:
        link = absolute_url(url, entry.get("loc", ""))
        if link:
            listed.append(Listed(link, None, _iso_date(entry.get("lastmod"))))
    if document.type == "sitemapindex":
        return SitemapDocument([], listed)
    if document.type == "urlset":
        return SitemapDocument(listed, [])
    return SitemapDocument([], [])


def feed_entries(body: bytes, url: str, content_type: str | None = None) -> list[Listed]:
    """The items of an RSS or Atom feed at `url`: link, title, date (published, else updated).

    `body` is always bytes: feedparser would fetch a URL or open a local file given a string.

    >>> feed_entries('''<rss version="2.0"><channel><item><title>A股</title><link>/a/1.html</link>
    ...     <pubDate>Tue, 03 Sep 2024 03:54:03 GMT</pubDate></item><item><title>x</title></item></channel></rss>
    ...     '''.encode(), "http://www.example.cn/rss.xml")
    [Listed(url='http://www.example.cn/a/1.html', title='A股', date='2024-09-03T11:54:03+08:00')]
    """
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(bytes(body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    listed = []
    for entry in parsed.entries:
        link = absolute_url(url, entry.get("link") or "")
        if link:
            when = entry.get("published_parsed") or entry.get("updated_parsed")
            raw = entry.get("published") or entry.get("updated")
            listed.append(Listed(link, entry.get("title") or None, _feed_date(raw, when)))
    return listed


def json_entries(text: str, url: str, items: str, link: str, title: str | None, date: str | None) -> list[Listed]:
    """The entries of a JSON (or JSONP) listing answer at `url`: the list at the dotted path `items`
    ("data.list"; "" for a top-level list), each entry's URL, title and date at the paths `link`, `title`, `date`.

    >>> json_entries('cb({"data": {"list": [{"url": "/a/1.html", "title": "A股", "ctime": "2024-09-03 11:54"},'
    ...     ' {"url": 5}, "x"]}})', "http://www.example.cn/api?page=1", "data.list", "url", "title", "ctime")
    [Listed(url='http://www.example.cn/a/1.html', title='A股', date='2024-09-03 11:54')]
    >>> json_entries("<html>", "http://www.example.cn/api", "data", "url", None, None)
    []
    """
    jsonp = None if text.lstrip().startswith(("{", "[")) else unwrap_jsonp(text)
    try:
        document = json.loads(jsonp if jsonp is not None else text)
    except ValueError:
        return []
    entries = _path(document, items)
    if not isinstance(entries, list):
        return []
    listed = []
    for entry in entries:
        href = _path(entry, link)
        found = absolute_url(url, href) if isinstance(href, str) else None
        if found:
            listed.append(Listed(found, _text(_path(entry, title)), _json_date(_path(entry, date))))
    return listed


def _path(document: Any, path: str | None) -> Any:
    """The value at the dotted `path` of `document` ("" is the document itself); None where it is missing."""
    if path is None:
        return None
    value = document
    for key in filter(None, path.split(".")):
        if isinstance(value, Mapping):
            value = value.get(key)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _json_date(value: Any) -> str | None:
    """A JSON date: text as written, or a Unix time (seconds, or milliseconds as JavaScript writes them)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, SHANGHAI).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    return _text(value)


def _iso_date(value: str | None) -> str | None:
    """A W3C datetime (sitemap `lastmod`) with a time zone, in Beijing time; else as written."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value.strip() or None
    return when.astimezone(SHANGHAI).isoformat() if when.tzinfo else value.strip()


def _feed_date(raw: str | None, when: struct_time | None) -> str | None:
    """A feed item's date in Beijing time: feedparser's reading (UTC) where the text gives an offset; else the
    time as written, taken as Beijing time (feedparser would take it as UTC, and "CST", which Chinese feeds
    write for China Standard Time, as US Central).

    >>> _feed_date("Tue, 03 Sep 2024 11:54:03 CST", None), _feed_date("2024-09-03 11:54", None)
    ('2024-09-03T11:54:03+08:00', '2024-09-03 11:54')
    """
    if raw and _OFFSET.search(raw.strip()) and when is not None:
        try:
            return datetime.fromtimestamp(timegm(when), SHANGHAI).isoformat()
        except (OverflowError, OSError, ValueError):
            return raw
    written = parsedate_tz(raw) if raw else None  # RFC 822, its zone name aside
    if written is not None:
        try:
            return datetime(*written[:6], tzinfo=SHANGHAI).isoformat()
        except ValueError:
            return raw
    return raw or None  # another form: as written, for the date rules of `crawler.normalize.dates`
