"""The links of a page that stay on its site (canonical absolute URLs, in page order), which of them are on
its host or name documents, and the URL a saved page gives itself.

Pure functions over a parsed page; `mainlist` finds the article links among them, `pagination` the page links.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from crawler.extract.dom import NOT_XML, Element, attribute_values
from crawler.extract.pagefacts import document_base, page_elements, page_hrefs
from crawler.extract.urls import absolute_url, canonical_url, site_host
from crawler.scope import registrable_domain

# Links to documents, no web pages but the entries of announcement lists: "/upload/report.pdf".
DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "txt"})
# Links to media and archives, never an entry of a list: "/uploads/allimg/240903/1-1.jpg", "/app.apk".
MEDIA_EXTENSIONS = frozenset({
    "zip", "rar", "7z", "gz", "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "mp3", "mp4", "avi",
    "flv", "exe", "apk", "css", "js",
})  # fmt: skip


def site_links(
    page: Selector | Element,
    page_url: str,
    host: str | None = None,
    anchors: Iterable[Element] | None = None,
) -> list[Link]:
    """(canonical absolute URL, `<a>` element) of every link to a page of the same site, in page order;
    links to a variant of the site's `host` (default: the page's; `m.`, `wap.`, `www.`) are put on it.
    With `anchors`, of those `<a href>`s only: their hrefs alone are resolved (`mainlist.titled_links`: a main
    list's links are a quarter of a page's). Relative hrefs resolve against the page's `pagefacts.document_base`
    (`page_url` for an element).

    The site is the page's registrable domain: a news portal lists articles of its `money.` and `tech.`
    hosts on its `news.` pages; the spider follows only the main list's links there (`on_site` tells the
    host's own). Links to documents (`is_document`: "/upload/report.pdf") are kept:
    announcement lists are lists of them; links to media and archives are not.

    >>> page = Selector(text='<a href="/a/1.html">x</a><a href="http://other/b">y</a><a href="f.jpg">z</a>'
    ...                      '<a href="http://m.host.cn/a/2.html">w</a><a href="//tech.host.cn/a/3.html">v</a>')
    >>> [url for url, _ in site_links(page, "http://www.host.cn/list/")]
    ['http://www.host.cn/a/1.html', 'http://www.host.cn/a/2.html', 'http://tech.host.cn/a/3.html']
    >>> [url for url, _ in site_links(page, "http://www.host.cn/list/", anchors=page.root.xpath("//a[text()='w' or text()='v']"))]
    ['http://www.host.cn/a/2.html', 'http://tech.host.cn/a/3.html']
    >>> [url for url, _ in site_links(Selector(text='<base href="/"><a href="news/1.html">x</a>'), "http://host.cn/a/b.html")]
    ['http://host.cn/news/1.html']
    """
    if isinstance(page, Selector):
        root, base = page.root, document_base(page, page_url)
    else:
        root, base = page, page_url
    resolve = _resolver(page_url, host, base)
    links = []
    for link in _LINKS(root) if anchors is None else anchors:
        url = resolve(link.get("href").strip())  # not .attrib: one bad attribute name breaks its dict
        if url is not None:
            links.append((url, link))
    return links


def site_urls(hrefs: Iterable[str], page_url: str, host: str | None = None, base: str | None = None) -> list[str]:
    """`site_links` of hrefs alone (an article page's new related links), in their order; an href holding a
    character no page can hold (`dom.NOT_XML`: a control character) is none.

    >>> site_urls(["/a/1.html", "http://other/b", "a/\x01.html", "2.html"], "http://www.host.cn/list/")
    ['http://www.host.cn/a/1.html', 'http://www.host.cn/list/2.html']
    """
    resolve = _resolver(page_url, host, base or page_url)
    return [url for href in hrefs if not NOT_XML.search(href) and (url := resolve(href.strip())) is not None]


def _resolver(page_url: str, host: str | None, base: str) -> Callable[[str], str | None]:
    """href -> its canonical URL if it is a link to a page of the site of `page_url` (on `host`), resolved
    against `base` (`_site_url`), else None; each href resolved once (hrefs repeat)."""
    host = (host or urlsplit(page_url).netloc).lower()
    site, domain = site_host(host), _registrable(host)
    parts = urlsplit(base)
    origin = (parts.scheme, parts.netloc) if parts.scheme in ("http", "https") and parts.netloc else None
    # The path of the base's directory, where a plain relative href is appended ("a/1.html"): none if
    # urljoin would remove dot or empty segments from the base's path.
    plain_path = "/." not in parts.path and "//" not in parts.path
    directory = parts.path.rpartition("/")[0] + "/" if plain_path else None
    resolved: dict[str, str | None] = {}

    def resolve(href: str) -> str | None:
        if href not in resolved:
            resolved[href] = _site_url(href, base, origin, directory, host, site, domain)
        return resolved[href]

    return resolve


@lru_cache(maxsize=4096)
def _registrable(netloc: str) -> str | None:
    """The registrable domain of a host (and port): "news.x.com.cn:80" -> "x.com.cn"."""
    return registrable_domain(netloc.rpartition(":")[0] if netloc.count(":") == 1 else netloc)


#: (canonical URL, `<a>` element): what `site_links` gives.
Link = tuple[str, Element]

_LINKS = etree.XPath("/descendant::a[@href]")
# An href that needs no urljoin: absolute or root-relative, printable ASCII without spaces, no dot
# segment, a port under 10000 if any ("http://www.x.cn/a/1.html", "http://127.0.0.1:8601/", "/a/1.html?id=2"); anything else takes `absolute_url`.
_PLAIN_ABSOLUTE = re.compile(r"https?://([A-Za-z0-9.-]+(?::[1-9][0-9]{0,3})?)([/?#][!-~]*)?")
_PLAIN_ROOTED = re.compile(r"/(?!/)[!-~]*")
# A relative href that urljoin merely appends to the page's directory ("a/1.html", "show.php?id=2"): printable
# ASCII without a colon (no scheme) or semicolon (urljoin drops an empty ";params"), not starting with a dot,
# slash, query or fragment, and (tested apart) holding no dot segment ("/.") nor empty one ("//").
_PLAIN_RELATIVE = re.compile(r"(?![./?#])[!-9<-~]+")


def _plain_network_path(href: str) -> bool:
    """Whether urljoin merely puts the page's scheme before `href`: "//www.x.cn/a/1.html", without ";" params
    or an empty query or fragment (which urljoin drops)."""
    return href.startswith("//") and ";" not in href and "?#" not in href and not href.endswith(("?", "#"))


# The scheme of an href as urllib reads it: "http:", "javascript:".
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _has_scheme(href: str) -> bool:
    """Whether `href` has a scheme once cleaned as `absolute_url` cleans it (tabs and newlines removed)."""
    return _SCHEME.match(href.replace("\t", "").replace("\n", "").replace("\r", "").strip()) is not None


def _plain_relative(href: str) -> bool:
    return _PLAIN_RELATIVE.fullmatch(href) is not None and "/." not in href and "//" not in href


def _site_url(
    href: str,
    base: str,
    origin: tuple[str, str] | None,
    directory: str | None,
    host: str,
    site: str,
    domain: str | None,
) -> str | None:
    """The canonical URL of `href` if it is a link to a page of the site, else None."""
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    if origin is None and not base.lower().startswith(("http:", "https:")) and not _has_scheme(href):
        return None  # a relative link of a page saved without its URL ("file:///..."): no web page
    if origin is not None and _plain_network_path(href):
        href = f"{origin[0]}:{href}"  # what urljoin makes of "//www.x.cn/a/1.html"
    plain = _PLAIN_ABSOLUTE.fullmatch(href)
    if plain and "/." not in href:
        url, netloc, rest = href, plain.group(1), plain.group(2) or ""
    elif origin is not None and _PLAIN_ROOTED.fullmatch(href) and "/." not in href:
        url, netloc, rest = f"{origin[0]}://{origin[1]}{href}", origin[1], href
    elif origin is not None and directory is not None and _plain_relative(href):
        url, netloc, rest = f"{origin[0]}://{origin[1]}{directory}{href}", origin[1], directory + href
    else:
        absolute = absolute_url(base, href)
        if absolute is None:
            return None
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            return None
        url, netloc, rest = absolute, parts.netloc, parts.path
    path = rest.partition("?")[0].partition("#")[0]
    if path.rpartition(".")[2].lower() in MEDIA_EXTENSIONS:
        return None
    netloc = netloc.lower()
    if netloc == host:
        variant = None
    elif site_host(netloc) == site:
        variant = host  # "m.x.cn" put on "www.x.cn"
    elif domain is not None and _registrable(netloc) == domain:
        variant = None  # "tech.x.cn" from "news.x.cn": another host of the site
    else:
        return None
    try:
        return canonical_url(url, variant)
    except ValueError:  # a host IDNA cannot encode ("http://a..b/")
        return None


def on_site(url: str, host: str) -> bool:
    """Whether `url` is on `host` or a variant of it (m., wap., www.), not on another host of its domain.

    >>> on_site("http://m.x.cn/a/1.html", "www.x.cn"), on_site("http://tech.x.cn/a/1.html", "www.x.cn")
    (True, False)
    """
    return site_host(urlsplit(url).netloc) == site_host(host)


def is_document(url: str) -> bool:
    """Whether `url` names a document file rather than a web page: "/upload/2024/report.pdf".

    >>> is_document("http://x.cn/upload/report.PDF"), is_document("http://x.cn/a/1.html")
    (True, False)
    """
    return urlsplit(url).path.rpartition(".")[2].lower() in DOCUMENT_EXTENSIONS


# What `own_url` reads, compiled once, as plain strings (no element proxy for each): the declared URLs in page
# order, for a page that declares both.
_DECLARED_URLS = etree.XPath(
    "/descendant::link[@rel='canonical']/@href | /descendant::meta[@property='og:url']/@content", smart_strings=False
)
# The scheme and host of each absolute link among hrefs each led by a NUL (which no parsed page holds:
# `page.html_selector`), spaces around an href aside: "https://www.x.cn/a/1.html", "//www.x.cn/b/". One search
# over the joined hrefs, not one a link: a real page has hundreds; the NUL it opens with is where it may match,
# found at C speed (an alternative at the start, "^|\0", has the search try every character).
_ABSOLUTE_HOSTS = re.compile(r"\0\s*(https?:)?//([\w.-]+(?::\d+)?)(?=[/?#]|\s*(?:\0|\Z))", re.IGNORECASE)


def own_url(sel: Selector) -> str | None:
    """The URL a saved page gives itself: its `<link rel=canonical>` or og:url when that is an absolute
    http(s) URL, else the home page of the host most of its absolute links point to; None if neither.

    >>> own_url(Selector(text='<link rel="canonical" href="https://www.x.cn/a/1.html"><a href="http://y.cn/">y</a>'))
    'https://www.x.cn/a/1.html'
    >>> own_url(Selector(text='<a href="http://www.x.cn/a/1.html">1</a><a href="//www.x.cn/b/">2</a><a href="http://y.cn/">3</a>'))
    'http://www.x.cn/'
    >>> own_url(Selector(text='<meta property="og:url" content="http://x.cn/1"><link rel="canonical" href="http://x.cn/2">'))
    'http://x.cn/1'
    >>> own_url(Selector(text='<a href="/a/1.html">1</a>')) is None
    True
    """
    elements = page_elements(sel)  # read once for the stages after
    canonical = attribute_values(elements["link"], "href", rel="canonical")
    og_url = attribute_values(elements["meta"], "content", property="og:url")
    for href in _DECLARED_URLS(sel.root) if canonical and og_url else canonical or og_url:  # both: in page order
        url = absolute_url(href, href)
        if url and urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname:
            return url
    found = _ABSOLUTE_HOSTS.findall("".join(f"\0{href}" for href in page_hrefs(sel)))
    hosts = Counter(f"{scheme or 'http:'}//{host.lower()}/" for scheme, host in found)
    return hosts.most_common(1)[0][0] if hosts else None
