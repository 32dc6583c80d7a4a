"""Listing pagination: the other pages of a listing, from its page links and its last page.

Pure functions over the links of a page (`links.site_links`); nothing here builds requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import urlsplit

from parsel import Selector

from crawler.extract.dom import Element, string_value
from crawler.extract.urls import canonical_url

# The label of a page link, arrows and brackets aside: "下一页", "上一页 »", "末页", "尾页", "最后一页",
# "第3页", "[3]", "3", ">>", "Next". Not: "下一篇" (the next article), "首页" (mostly the home page),
# "更多" (a channel), "共5页" (no link).
PAGE_LABEL = re.compile(
    r"[\s\[(<«‹]*(?:[上下前后]一?页|尾页|末页|最后一?页|第\s*\d+\s*页|\d+|next|prev(?:ious)?|last|[<>«»‹›]+)[\s\])>»›]*",
    re.IGNORECASE,
)
# A page number as a link's label: "3", "[3]", "第3页".
NUMBER_LABEL = re.compile(r"[\s\[(]*(?:第\s*)?(\d+)\s*页?[\s\])]*")
# The link to a listing's last page: "尾页", "末页", "最后一页", "Last »".
LAST_LABEL = re.compile(r"尾页|末页|最后一?页|last", re.IGNORECASE)

# Where a listing URL carries its page number (group 1), tried in order.
PAGE_URL_FORMS = (
    # "/news/list_5_2.html" (DedeCMS), "/html/finance/index_2.html" (PHPCMS), "/zixun/list-2.html", "/gn/news_2.shtml"
    re.compile(r"[_-](\d+)\.(?:s?html?|php|aspx?|jsp)$"),
    # "/news/index2.html", "/news/list3.htm"
    re.compile(r"/(?:index|list|page)(\d+)\.s?html?$"),
    # "/list.php?catid=6&page=2", "/news/?p=2", "/search?pn=3&q=x" (in canonical URLs, whose query is sorted)
    re.compile(r"[?&](?:page|p|pn|pg|pageno|pagenum|pageindex|curpage|paged)=(\d+)(?=&|$)", re.IGNORECASE),
    # "/news/2/", "/news/page/2", "/list/5/2/"
    re.compile(r"/(\d+)/?$"),
)


class PageUrl(NamedTuple):
    """A listing URL split around its page number."""

    prefix: str
    number: int
    suffix: str

    def page(self, number: int) -> str:
        """The URL of page `number` of the same listing."""
        return f"{self.prefix}{number}{self.suffix}"


def page_url(url: str) -> PageUrl | None:
    """`url` split around its page number, if it has one in a known place (`PAGE_URL_FORMS`).

    >>> page_url("http://x.cn/news/list_5_2.html")
    PageUrl(prefix='http://x.cn/news/list_5_', number=2, suffix='.html')
    >>> page_url("http://x.cn/list.php?catid=6&page=3").page(4)
    'http://x.cn/list.php?catid=6&page=4'
    >>> page_url("http://x.cn/news/") is None
    True
    """
    for form in PAGE_URL_FORMS:
        found = form.search(url)
        if found:
            return PageUrl(url[: found.start(1)], int(found.group(1)), url[found.end(1) :])
    return None


def pagination(links: Iterable[tuple[str, Element | Selector]], listing_url: str, max_pages: int) -> list[str]:
    """The other pages of the listing at `listing_url`: its page links (labelled 下一页,
    上一页, 尾页/末页, 第N页, or a page number its URL carries), then, on the listing's first page (a URL
    without a page number), every page from 2 to the one its 尾页/末页 link names, but no more
    than `max_pages` of them (a 尾页 may name page 10**12).

    `links` are (canonical URL, `<a>`) pairs, as `links.site_links` gives them.

    >>> page = Selector(text='<a href="list_5_2.html">2</a><a href="list_5_2.html">下一页</a>'
    ...                      '<a href="list_5_4.html">末页</a><a href="/a/1.html">12</a>')
    >>> links = [(f"http://x.cn/news/{a.attrib['href']}", a) for a in page.css("a")]
    >>> pagination(links, "http://x.cn/news/", max_pages=500)
    ['http://x.cn/news/list_5_2.html', 'http://x.cn/news/list_5_4.html', 'http://x.cn/news/list_5_3.html']
    >>> pagination(links, "http://x.cn/news/", max_pages=1)
    ['http://x.cn/news/list_5_2.html', 'http://x.cn/news/list_5_4.html']
    """
    listing_url = canonical_url(listing_url)
    pages: dict[str, None] = {}
    last: PageUrl | None = None
    for url, link in links:
        element = link.root if isinstance(link, Selector) else link
        label = " ".join(string_value(element).split())
        if not PAGE_LABEL.fullmatch(label):
            continue
        numbered = page_url(url)
        number = NUMBER_LABEL.fullmatch(label)
        if number and (numbered is None or numbered.number != int(number.group(1))):
            continue  # a number that is no page number of its URL: "12" comments, a day of a calendar
        if url != listing_url:
            pages[url] = None
        if numbered and LAST_LABEL.search(label):
            last = numbered
    if last is not None and page_url(listing_url) is None:
        end = min(last.number, max_pages + 1)
        pages.update(dict.fromkeys(last.page(number) for number in range(2, end + 1)))
    return list(pages)


def next_pages(pages: Iterable[str], listing_url: str) -> list[str]:
    """Of a listing page's `pages` (`pagination`), the next one: the page numbered next after the page at
    `listing_url` (page 1 where its URL carries no number). All of them when none is numbered next (a
    listing whose URLs carry no page number).

    >>> pages = ["http://x.cn/news/list_5_2.html", "http://x.cn/news/list_5_4.html", "http://x.cn/news/list_5_3.html"]
    >>> next_pages(pages, "http://x.cn/news/"), next_pages(pages, "http://x.cn/news/list_5_3.html")
    (['http://x.cn/news/list_5_2.html'], ['http://x.cn/news/list_5_4.html'])
    >>> next_pages(["http://x.cn/news/?after=abc"], "http://x.cn/news/")
    ['http://x.cn/news/?after=abc']
    """
    pages = list(pages)
    current = page_url(canonical_url(listing_url))
    number = current.number if current is not None else 1
    following = [url for url in pages if (numbered := page_url(url)) is not None and numbered.number == number + 1]
    return following or pages


# --- the parts of a paginated article -----------------------------------------------------------------

#: The most parts an article is read in (a pager may count on forever).
MAX_PARTS = 30
# The path's last segment split before its extension: "/a/20240903/1234" + ".html".
_EXTENSION = re.compile(r"(\.[A-Za-z]{2,5})$")
# Query parameters a part's number may be in: "?page=2", "&p=3".
_PART_PARAMETERS = ("page", "p", "pn", "pg")


def part_url(first: str, number: int) -> list[str]:
    """The URLs part `number` of an article whose first part is at `first` may have, as CMSs number them:
    DedeCMS and EmpireCMS `1234_2.html`, `1234-2.html`, a `page=2` query, WordPress `slug/2/`; canonical.

    >>> part_url("http://x.cn/a/20240903/1234.html", 2)[:2]
    ['http://x.cn/a/20240903/1234_2.html', 'http://x.cn/a/20240903/1234-2.html']
    >>> part_url("http://x.cn/show.php?id=5", 3)[2]
    'http://x.cn/show.php?id=5&page=3'
    """
    parts = urlsplit(first)
    found: list[str] = []
    if extension := _EXTENSION.search(parts.path):
        stem = parts.path[: extension.start()]
        found += [parts._replace(path=f"{stem}{mark}{number}{extension.group(1)}").geturl() for mark in "_-"]
    elif parts.path.endswith("/") and parts.path != "/":
        found.append(parts._replace(path=f"{parts.path}{number}/").geturl())
    join = "&" if parts.query else ""
    found += [parts._replace(query=f"{parts.query}{join}{name}={number}").geturl() for name in _PART_PARAMETERS]
    return [canonical_url(url) for url in found]


def next_part_urls(url: str, first: str) -> tuple[int, set[str]] | None:
    """The number of the part at `url` of the article whose first part is at `first`, and the URLs its next part
    may have (`part_url`; for a later part, in the form of its own URL); None if `url` is no part of it, or its
    part MAX_PARTS."""
    url, first = canonical_url(url), canonical_url(first)
    if url == first:
        return 1, set(part_url(first, 2))
    for number in range(2, MAX_PARTS):
        if url in (own := part_url(first, number)):
            return number, {part_url(first, number + 1)[own.index(url)]}
    return None


def later_part(url: str) -> tuple[str, int] | None:
    """The URL of the first part and the number of the part, where `url` names a later part of a paginated
    article in a form of `part_url` (`1234_2.html`, `1234-3.html`, `show.php?id=5&page=2`, `slug/2/`); else None.
    Its URL alone: `first_part` asks the page's pager too.

    >>> later_part("http://x.cn/a/20240903/1234_2.html"), later_part("http://x.cn/show.php?id=5&page=3")
    (('http://x.cn/a/20240903/1234.html', 2), ('http://x.cn/show.php?id=5', 3))
    >>> later_part("http://x.cn/a/20240903/1234.html") is None, later_part("http://x.cn/2024/09/slug/2/")
    (True, ('http://x.cn/2024/09/slug/', 2))
    """
    url = canonical_url(url)
    parts = urlsplit(url)
    firsts: list[tuple[str, int]] = []
    if numbered := _LATER_PART_PATH.search(parts.path):
        stem, number = parts.path[: numbered.start()], int(numbered.group(1) or numbered.group(3))
        path = f"{stem}{numbered.group(2)}" if numbered.group(2) else f"{stem}/"
        firsts.append((parts._replace(path=path).geturl(), number))
    query = [pair.partition("=") for pair in parts.query.split("&")] if parts.query else []
    for name, _, value in query:
        if name in _PART_PARAMETERS and value.isdigit():
            rest = "&".join(f"{n}={v}" if equals else n for n, equals, v in query if n != name)
            firsts.append((canonical_url(parts._replace(query=rest).geturl()), int(value)))
    for first, number in firsts:
        if 2 <= number < MAX_PARTS and url in part_url(first, number):
            return first, number
    return None


# A later part's number at the end of its path: "_2.html", "-3.shtml", "/2/" (after a segment of its own).
_LATER_PART_PATH = re.compile(r"(?:[_-](\d{1,2})(\.[A-Za-z]{2,5})|(?<=[^/])/(\d{1,2})/)$")


def first_part(links: Iterable[tuple[str, Element | Selector]], first: str, number: int) -> str | None:
    """`first`, the URL of the first part of a paginated article whose part `number` this page names by its URL
    (`later_part`), where the page's pager says so too: a page link ("1", "上一页", "«") to the first part or to a
    part before this one. None for any other page (an article whose URL ends in "_2.html" without a pager to a
    first part). `links`: (canonical URL, `<a>`) pairs, as `links.site_links` gives them.

    >>> from crawler.extract.links import site_links
    >>> page = Selector(text='<a href="1234.html">上一页</a><a href="1234_3.html">下一页</a>')
    >>> first_part(site_links(page, "http://x.cn/a/1234_2.html"), *later_part("http://x.cn/a/1234_2.html"))
    'http://x.cn/a/1234.html'
    >>> page = Selector(text='<a href="1234.html">相关：央行开展逆回购</a>')
    >>> first_part(site_links(page, "http://x.cn/a/1234_2.html"), *later_part("http://x.cn/a/1234_2.html")) is None
    True
    """
    before = {first, *(part for n in range(2, number) for part in part_url(first, n))}
    for link_url, link in links:
        if link_url in before:
            label = " ".join(string_value(link.root if isinstance(link, Selector) else link).split())
            if PAGE_LABEL.fullmatch(label):
                return first
    return None


def next_part(links: Iterable[tuple[str, Element | Selector]], url: str, first: str) -> str | None:
    """The URL of the part after the one at `url` of a paginated article whose first part is at `first` ("1/3
    下一页", "第2页"): a page link (`PAGE_LABEL`: 下一页, the next part's number, "›") to it, in a form of
    `part_url` (for a later part, the form of its own URL). None for an article's last part, an article of one
    page, or at MAX_PARTS. `links`: (canonical URL, `<a>`) pairs, as `links.site_links` gives them.

    >>> from crawler.extract.links import site_links
    >>> page = Selector(text='<a href="9.html">下一篇</a><a href="1234_2.html">2</a><a href="1234_2.html">下一页</a>')
    >>> next_part(site_links(page, "http://x.cn/a/1234.html"), "http://x.cn/a/1234.html", "http://x.cn/a/1234.html")
    'http://x.cn/a/1234_2.html'
    >>> page = Selector(text='<a href="1234.html">上一页</a><a href="1234_3.html">3</a><a href="1235.html">下一页</a>')
    >>> next_part(site_links(page, "http://x.cn/a/1234_2.html"), "http://x.cn/a/1234_2.html", "http://x.cn/a/1234.html")
    'http://x.cn/a/1234_3.html'
    """
    following = next_part_urls(url, first)
    if following is None:
        return None
    number, wanted = following
    for link_url, link in links:
        if link_url in wanted:
            label = " ".join(string_value(link.root if isinstance(link, Selector) else link).split())
            numbered = NUMBER_LABEL.fullmatch(label)
            if PAGE_LABEL.fullmatch(label) and (numbered is None or int(numbered.group(1)) == number + 1):
                return link_url
    return None
