"""URLs in one spelling: what the spider requests, what profiles match and what identifies a page."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that track a click and never change the page: "?utm_source=wechat", "?spm=a2c4g.1",
# "?from=timeline&isappinstalled=0" (WeChat shares), "?share_token=...".
TRACKING_PARAMETERS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "spm", "from", "isappinstalled",
    "share_token", "share_from", "wxfrom", "scene", "clicktime", "enterid", "timestamp", "_t",
)  # fmt: skip

# A directory index spelled out: "/news/index.html" is "/news/"; not "/news/index_2.html".
_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)


_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")  # and lone surrogates: no URL encodes them

# The prefixes of one site's host variants: "www.x.cn", "m.x.cn", "wap.x.cn", "3g.x.cn" are all "x.cn".
_HOST_VARIANT = re.compile(r"^(?:www|m|wap|3g|h5|mobile)\.(?=[^.]+\.[^.]+)")


def absolute_url(base: str, href: str) -> str | None:
    """`href` made absolute against `base`, or None when it is no usable URL (a bad IPv6 host, a port
    out of range, control characters): a malformed link costs that link, never its page.

    >>> absolute_url("http://x.cn/news/", " ../a/1.html ")
    'http://x.cn/a/1.html'
    >>> absolute_url("http://x.cn/", "http://[::1"), absolute_url("http://x.cn/", "http://x.cn:99999/")
    (None, None)
    >>> absolute_url("http://x.cn/", "/a/\\n1.html"), absolute_url("http://x.cn/", "/a\\x00b.html")
    ('http://x.cn/a/1.html', None)
    """
    href = _TAB_OR_NEWLINE.sub("", href).strip()  # as browsers do (WHATWG URL)
    if not href or _CONTROL.search(href):
        return None
    try:
        url = urljoin(base, href)
        for _ in range(4):  # a join may end in spaces ("a\u2028;" loses its empty ";"): joined again, stripped
            if (stripped := url.strip()) == url:
                break
            url = urljoin(base, stripped)
        urlsplit(url).port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        return None
    return url


def canonical_url(url: str, host: str | None = None) -> str:
    """The URL in one form: tracking parameters dropped, query sorted, escapes normalised, fragment
    and a spelled-out directory index dropped; with `host` (the site's host, with its port), on that
    host if the URL is on a variant of it (m./wap./www.), so that each page has one URL.

    >>> canonical_url("http://x.cn/index.php?m=content&c=index&a=show&id=5#top")
    'http://x.cn/index.php?a=show&c=index&id=5&m=content'
    >>> canonical_url("http://x.cn/a/20240903/1.html?utm_source=wechat&from=timeline")
    'http://x.cn/a/20240903/1.html'
    >>> canonical_url("http://x.cn/news/index.html")
    'http://x.cn/news/'
    >>> canonical_url("https://m.x.cn/a/1.html", host="www.x.cn")
    'https://www.x.cn/a/1.html'
    """
    if host is not None:
        parts = urlsplit(url)
        if parts.netloc != host and site_host(parts.netloc) == site_host(host):
            url = parts._replace(netloc=host).geturl()
    if "?" in url:
        url = url_query_cleaner(url, TRACKING_PARAMETERS, remove=True, keep_fragments=True)
    url = url.partition("#")[0]
    if "?" not in url:
        url = _INDEX_PAGE.sub("/", url)
    if "?" in url or "%" in url or not url.isascii():
        return _plain_query_url(url) or canonicalize_url(url)
    return url


# A URL that `canonicalize_url` would only lower-case and sort: http(s), a plain ASCII host (no punycode label)
# and port under 10000, a path of
# unreserved characters and slashes without dot segments, a query of key=value pairs of unreserved
# characters: "http://x.cn/show.php?id=5&catid=2". Its parse costs a tenth of w3lib's.
_PLAIN_QUERY_URL = re.compile(
    r"((?i:https?)://(?![Xx][Nn]--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.(?![Xx][Nn]--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[1-9][0-9]{0,3})?)"
    r"((?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?)"
    r"\?([A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*(?:&[A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*)*)"
)


def _plain_query_url(url: str) -> str | None:
    """`canonicalize_url(url)` for a URL of `_PLAIN_QUERY_URL`'s form, else None.

    >>> _plain_query_url("HTTP://X.cn/a/show.php?id=5&catid=2&a.b=1&a=0"), canonicalize_url("HTTP://X.cn/a/show.php?id=5&catid=2&a.b=1&a=0")
    ('http://x.cn/a/show.php?a=0&a.b=1&catid=2&id=5', 'http://x.cn/a/show.php?a=0&a.b=1&catid=2&id=5')
    """
    found = _PLAIN_QUERY_URL.fullmatch(url)
    if found is None:
        return None
    origin, path, query = found.groups()
    pairs = sorted(query.split("&"), key=lambda pair: pair.partition("=")[::2])
    return f"{origin.lower()}{path or '/'}?{'&'.join(pairs)}"


def same_site(url: str, other: str) -> bool:
    """Both URLs on one site: one host, `www.`, `m.` or `wap.` prefixes and ports aside.

    >>> same_site("http://www.x.cn/a/1.html", "https://x.cn/b/"), same_site("http://m.x.cn/", "http://www.x.cn/")
    (True, True)
    >>> same_site("http://x.cn/", "http://y.cn/")
    False
    """
    return site_host(urlsplit(url).hostname or "") == site_host(urlsplit(other).hostname or "")


def site_host(netloc: str) -> str:
    """A host (and port) without the prefix of its variants: what one site's hosts have in common.

    >>> site_host("m.finance.x.cn"), site_host("wap.x.cn:8080"), site_host("www.cn"), site_host("127.0.0.1:8601")
    ('finance.x.cn', 'x.cn:8080', 'www.cn', '127.0.0.1:8601')
    """
    return _HOST_VARIANT.sub("", netloc.lower())


def scheme_twin(url: str) -> str | None:
    """`url` under the other of http and https (a canonical URL: its scheme in lower case), None for another scheme.

    >>> scheme_twin("http://x.cn/a/1.html"), scheme_twin("https://x.cn/a/1.html"), scheme_twin("ftp://x.cn/")
    ('https://x.cn/a/1.html', 'http://x.cn/a/1.html', None)
    """
    if url.startswith("https://"):
        return "http://" + url[8:]
    if url.startswith("http://"):
        return "https://" + url[7:]
    return None
