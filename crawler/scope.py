"""What a crawl may fetch: http(s) URLs on its portal's hosts, and nothing else.

A portal's scope is the registrable domain of each of its start URLs ("www.example.cn" allows
"example.cn", "m.example.cn", "news.example.cn", any port) plus the hosts its profile or `-a allow=`
adds. A host that has no registrable domain (an IP address, "localhost") allows exactly that host
and port, so two servers on one loopback address are two sites. Everything else, `file:`, `ftp:`,
`data:` URLs included, is out of scope.

Nor is a URL whose path walks in circles (`TRAP`): a relative link ("news/1.html" on a page under /news/) on a
server that answers any path the same way gives /news/news/1.html, then /news/news/news/1.html, without end (a
crawl of 19 articles made 4,851 requests in a minute). A path repeating a segment, or a run of up to three, three
times in a row (the rule of Heritrix's PathologicalPathDecideRule; runs of digits alone, dates like /09/09/09/,
excepted), or holding more than MAX_SEGMENTS segments, is refused.

Pure functions over URLs; the downloader middleware (`crawler.middlewares.PortalScopeMiddleware`)
applies them to every request, redirects and meta refresh included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from tldextract import TLDExtract

SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

#: Why a URL is not fetched (also the stat it counts in: `finnews/offsite`, `finnews/bad_scheme`, `finnews/trap`).
OFFSITE = "offsite"
BAD_SCHEME = "bad_scheme"
TRAP = "trap"

#: The most segments a page's path has ("/a/b/c.html": 3); Heritrix's TooManyPathSegmentsDecideRule also takes 20.
MAX_SEGMENTS = 20
# A run of one to three segments, repeated three times in a row ("news/news/news/", "a/b/a/b/a/b/").
_CIRCLE = re.compile(r"/((?:[^/]+/){1,3}?)\1\1")


@cache
def _extract() -> TLDExtract:
    """The public-suffix splitter, on the list bundled with tldextract: it never goes to the network."""
    return TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(host: str) -> str | None:
    """The domain a registrant holds ("news.example.com.cn" -> "example.com.cn"); None for an IP
    address or a name under no public suffix ("localhost").

    >>> registrable_domain("m.finance.example.com.cn"), registrable_domain("WWW.Example.CN.")
    ('example.com.cn', 'example.cn')
    >>> registrable_domain("127.0.0.1"), registrable_domain("localhost"), registrable_domain("[::1]")
    (None, None, None)
    """
    host = host.lower().rstrip(".").strip("[]")
    if not host:
        return None
    return _extract()(host).top_domain_under_public_suffix or None


@dataclass(frozen=True)
class Scope:
    """The hosts a portal's crawl may fetch from."""

    domains: frozenset[str]  # registrable domains: the domain and every host under it, on any port
    netlocs: frozenset[str]  # exact "host:port" of hosts without a registrable domain (IPs, localhost)

    @classmethod
    def of(cls, locations: Iterable[str]) -> Scope:
        """The scope of start URLs and allowed hosts (`example.cn`, `http://127.0.0.1:8601/`).

        >>> scope = Scope.of(["http://www.example.cn/news/", "127.0.0.1:8601"])
        >>> sorted(scope.domains), sorted(scope.netlocs)
        (['example.cn'], ['127.0.0.1:8601'])
        """
        domains: set[str] = set()
        netlocs: set[str] = set()
        for location in locations:
            location = location.strip()
            if not location:
                continue
            parts = urlsplit(location if "//" in location else f"http://{location}")
            host = (parts.hostname or "").rstrip(".")
            domain = registrable_domain(host)
            if domain:
                domains.add(domain)
            elif host:
                netlocs.add(_netloc(host, parts.port, parts.scheme))
        return cls(frozenset(domains), frozenset(netlocs))

    def __or__(self, other: Scope) -> Scope:
        return Scope(self.domains | other.domains, self.netlocs | other.netlocs)

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be fetched (`OFFSITE`, `BAD_SCHEME`, `TRAP`), or None if it may.

        >>> scope = Scope.of(["http://www.example.cn/", "http://127.0.0.1:8601/"])
        >>> [scope.refusal(u) for u in ("https://m.example.cn:8080/a.html", "http://127.0.0.1:8601/x")]
        [None, None]
        >>> [scope.refusal(u) for u in ("http://example.com/", "http://127.0.0.1:8602/", "http://badexample.cn/")]
        ['offsite', 'offsite', 'offsite']
        >>> [scope.refusal(u) for u in ("file:///etc/passwd", "ftp://www.example.cn/", "http://[::1")]
        ['bad_scheme', 'bad_scheme', 'offsite']
        >>> scope.refusal("http://www.example.cn/news/news/news/1.html")
        'trap'
        """
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme not in SCHEMES:
                return BAD_SCHEME
            host = (parts.hostname or "").rstrip(".")
            port = parts.port
        except ValueError:  # "http://[::1", "http://x.cn:99999/"
            return OFFSITE
        if not host:
            return OFFSITE
        if _netloc(host, port, scheme) not in self.netlocs:
            domain = registrable_domain(host)
            if domain is None or domain not in self.domains:
                return OFFSITE
        return TRAP if walks_in_circles(parts.path) else None


def walks_in_circles(path: str) -> bool:
    """Whether a URL's path repeats itself as a spider trap does (see the module docstring).

    >>> [walks_in_circles(p) for p in ("/news/news/news/1.html", "/a/b/a/b/a/b/c.html", "/x" * 21)]
    [True, True, True]
    >>> [walks_in_circles(p) for p in ("/news/news/1.html", "/2009/09/09/09/1.html", "/a/b/c/d.html", "/a///b")]
    [False, False, False, False]
    """
    segments = path.count("/")
    if segments < 4:
        return False
    if segments > MAX_SEGMENTS:
        return True
    return any(not match.group(1).replace("/", "").isdigit() for match in _CIRCLE.finditer(path))


def _netloc(host: str, port: int | None, scheme: str) -> str:
    """ "host:port" with the scheme's default port spelled out, so "x:80" and "x" are one."""
    return f"{host.lower()}:{port or DEFAULT_PORTS.get(scheme.lower(), 80)}"
