"""URLs in one spelling: what the spider requests, what profiles match and what identifies a page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that track a click and never change the page: "?utm_source=wechat", "?spm=a2c4g.1",
# "?from=timeline&isappinstalled=0" (WeChat shares), "?share_token=...".
TRACKING_PARAMETERS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "spm", "from", "isappinstalled",
    "share_token", "share_from", "wxfrom", "scene", "clicktime", "enterid", "timestamp", "_t",
)  # fmt: skip

# A directory index spelled out: "/news/index.html" is "/news/"; not "/news/index_2.html".
_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """The URL in one form: tracking parameters dropped, query sorted, escapes normalised, fragment
    and a spelled-out directory index dropped.

    >>> canonical_url("http://x.cn/index.php?m=content&c=index&a=show&id=5#top")
    'http://x.cn/index.php?a=show&c=index&id=5&m=content'
    >>> canonical_url("http://x.cn/a/20240903/1.html?utm_source=wechat&from=timeline")
    'http://x.cn/a/20240903/1.html'
    >>> canonical_url("http://x.cn/news/index.html")
    'http://x.cn/news/'
    """
    if "?" in url:
        url = url_query_cleaner(url, TRACKING_PARAMETERS, remove=True, keep_fragments=True)
    url = url.partition("#")[0]
    if "?" not in url:
        url = _INDEX_PAGE.sub("/", url)
    if "?" in url or "%" in url or not url.isascii():
        return canonicalize_url(url)
    return url


def same_site(url: str, other: str) -> bool:
    """Both URLs on one host (a `www.` prefix aside).

    >>> same_site("http://www.x.cn/a/1.html", "https://x.cn/b/")
    True
    >>> same_site("http://x.cn/", "http://y.cn/")
    False
    """
    return _host(url) == _host(other)


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
