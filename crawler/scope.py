"""What a crawl may fetch: http(s) URLs on its portal's hosts, and nothing else.

A portal's scope is the registrable domain of each of its start URLs ("www.example.cn" allows
"example.cn", "m.example.cn", "news.example.cn", any port) plus the hosts its profile or `-a allow=`
adds. A host that has no registrable domain (an IP address, "localhost") allows exactly that host
and port, so two servers on one loopback address are two sites. Everything else, `file:`, `ftp:`,
`data:` URLs included, is out of scope.

Pure functions over URLs; the downloader middleware (`crawler.middlewares.PortalScopeMiddleware`)
applies them to every request, redirects and meta refresh included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from tldextract import TLDExtract

SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

#: Why a URL is out of scope (also the stat it counts in: `finnews/offsite`, `finnews/bad_scheme`).
OFFSITE = "offsite"
BAD_SCHEME = "bad_scheme"


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
        """Why `url` may not be fetched (`OFFSITE`, `BAD_SCHEME`), or None if it may.

        >>> scope = Scope.of(["http://www.example.cn/", "http://127.0.0.1:8601/"])
        >>> [scope.refusal(u) for u in ("https://m.example.cn:8080/a.html", "http://127.0.0.1:8601/x")]
        [None, None]
        >>> [scope.refusal(u) for u in ("http://example.com/", "http://127.0.0.1:8602/", "http://badexample.cn/")]
        ['offsite', 'offsite', 'offsite']
        >>> [scope.refusal(u) for u in ("file:///etc/passwd", "ftp://www.example.cn/", "http://[::1")]
        ['bad_scheme', 'bad_scheme', 'offsite']
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
        if _netloc(host, port, scheme) in self.netlocs:
            return None
        domain = registrable_domain(host)
        return None if domain is not None and domain in self.domains else OFFSITE


def _netloc(host: str, port: int | None, scheme: str) -> str:
    """ "host:port" with the scheme's default port spelled out, so "x:80" and "x" are one."""
    return f"{host.lower()}:{port or DEFAULT_PORTS.get(scheme.lower(), 80)}"
