"""A portal as a request handler: URL routing shared by all portals, markup left to subclasses.

`Site.handle(target)` maps a request target (path + query) to a `Page`. Subclasses (`dede.py`,
`phpcms.py`, `txjr.py`) define the URL scheme and the templates; this module owns what they share:
home / listing / article dispatch, robots.txt, redirect chains, fault pages and static files.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from sampleportals import assets, dates
from sampleportals.catalog import StoryBook
from sampleportals.copies import Copy, Slot, views_of
from sampleportals.faults import FaultPlan
from sampleportals.markup import esc
from sampleportals.seeding import unit
from sampleportals.sites import PortalSpec
from sampleportals.stories import NOW_TS

ENTRY_CACHE = 16384
OVERSIZED_PATH = "/special/2024/jinrongjie.html"  # a 专题 page far too large to be an article
NOT_FOUND_HTML = "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>"
EXTRA_TITLES: dict[str, str] = {
    "dead_link": "关于开展金融知识普及月活动的通知",
    "attachment": "附件:2024年第二季度货币政策执行报告(PDF版)",
    "image": "图集:本周市场走势一图看懂",
    "robots": "内部参考:近期重点企业调研纪要",
    "oversized": "专题:2024金融街论坛年会全程回顾",
}


class Page(NamedTuple):
    """A response: status, content type (with charset for text), body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    faultable: bool = False  # an article or listing page: transient faults may hit it


class Entry(NamedTuple):
    """One link of a listing or side list."""

    href: str
    title: str
    time: int  # epoch seconds
    summary: str = ""  # the start of the lead (`catalog.SUMMARY_CHARS`), for listing items


class Site:
    """Routes and renders one portal. Subclasses set `spec` and implement the URL scheme and templates."""

    spec: PortalSpec
    robots_disallow: tuple[str, ...] = ("/private/",)
    static_prefixes: tuple[str, ...] = ("/uploads/", "/templets/", "/statics/", "/static/", "/uploadfile/")
    #: Whether article pages print their 来源. False imitates a portal whose new template lost the field
    #: (template drift: the crawl's report warns of it); the truth still names the source.
    shows_source: bool = True

    def __init__(self, book: StoryBook, faults: FaultPlan, oversize_bytes: int = 12 * 1024 * 1024) -> None:
        """Serve the portal's share of `book`, misbehaving as `faults` says."""
        self.book = book
        self.index = book.indexes[self.spec.name]
        self.faults = faults
        self.oversize_bytes = oversize_bytes
        self._open_caches()

    def _open_caches(self) -> None:
        """Empty caches (also after unpickling: a worker process starts with its own)."""
        self._hot: dict[tuple[int, int], list[Entry]] = {}
        self._fragments: dict[tuple[Hashable, ...], str] = {}
        self._listing_entries = lru_cache(maxsize=ENTRY_CACHE)(self._listing_entry)
        self._side_entries = lru_cache(maxsize=ENTRY_CACHE)(self._side_entry)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle what the site is made of, not its caches."""
        return {"book": self.book, "faults": self.faults, "oversize_bytes": self.oversize_bytes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.reload()

    def reload(self) -> None:
        """Serve the book's current index (after `StoryBook.publish`), with empty caches."""
        self.index = self.book.indexes[self.spec.name]
        self._open_caches()

    # -- URL scheme (subclasses) ------------------------------------------------------------------

    def article_path(self, slot: Slot) -> str:
        """The article URL path of `slot`."""
        raise NotImplementedError

    def image_path(self, slot: Slot) -> str:
        """The path of the body image of `slot`'s article."""
        raise NotImplementedError

    def listing_path(self, channel: int, page: int) -> str:
        """The URL (path + query) of listing page `page` of `channel`."""
        raise NotImplementedError

    def redirect_chain(self, aid: int) -> tuple[str, str]:
        """The two old URLs of article `aid`: the first 301s to the second, which 302s to the article."""
        raise NotImplementedError

    def match_article(self, path: str) -> int | None:
        """The aid an article-looking path names (not yet checked against the index)."""
        raise NotImplementedError

    def match_listing(self, path: str, query: dict[str, str]) -> tuple[int, int] | None:
        """(channel, page) of a listing URL."""
        raise NotImplementedError

    def match_redirect(self, path: str, query: dict[str, str]) -> tuple[int, int] | None:
        """(aid, hop) of a redirect-chain URL: hop 1 answers 301, hop 2 answers 302."""
        raise NotImplementedError

    # -- templates (subclasses) -------------------------------------------------------------------

    def render_home(self) -> str:
        """The home page."""
        raise NotImplementedError

    def render_listing(self, channel: int, page: int, entries: list[Entry]) -> str:
        """Listing page `page` of `channel` showing `entries`."""
        raise NotImplementedError

    def render_article(self, copy: Copy, charset: str) -> str:
        """The article page of `copy`, declaring `charset`."""
        raise NotImplementedError

    def extra_route(self, path: str, query: dict[str, str]) -> Page | None:
        """Portal-specific endpoints (count scripts)."""
        return None

    def fragment(self, build: Callable[..., str], *key: Hashable) -> str:
        """`build(*key)`, built once: side boxes and nav bars never change while the network runs."""
        cache_key = (build.__name__, *key)
        text = self._fragments.get(cache_key)
        if text is None:
            text = self._fragments[cache_key] = build(*key)
        return text

    # -- shared routing ---------------------------------------------------------------------------

    def handle(self, target: str, origin: str = "") -> Page:
        """The response to a GET of `target` (path + query); `origin` ("http://host:port", from the request's
        Host header) is for pages that must write absolute URLs (`kuaibao.py`)."""
        parts = urlsplit(target)
        path = parts.path or "/"
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        routes = (
            self._route_fixed,
            self._route_redirect,
            self._route_article,
            self._route_listing,
            self.extra_route,
            self._route_fault_pages,
            self._route_static,
        )
        for route in routes:
            page = route(path, query)
            if page is not None:
                return page
        return self.not_found()

    def _route_fixed(self, path: str, query: dict[str, str]) -> Page | None:
        if path in ("/", "/index.html"):
            return self.html_page(self.render_home())
        if path == "/robots.txt":
            lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in self.robots_disallow), ""]
            return Page(200, "text/plain; charset=utf-8", "\n".join(lines).encode())
        return None

    def _route_redirect(self, path: str, query: dict[str, str]) -> Page | None:
        found = self.match_redirect(path, query)
        local = None if found is None else self.index.local_of_aid(found[0])
        if found is None or local is None:
            return None
        aid, hop = found
        if hop == 1:
            return self.redirect(301, self.redirect_chain(aid)[1])
        return self.redirect(302, self.article_path(self.index.slot(local)))

    def _route_article(self, path: str, query: dict[str, str]) -> Page | None:
        aid = self.match_article(path)
        if aid is None:
            return None
        local = self.index.local_of_aid(aid)
        if local is None or self.article_path(self.index.slot(local)) != path:
            return self.not_found()
        copy = self.book.copy(self.spec.name, local)
        if not self.shows_source:
            copy = copy._replace(shown_source=None)
        if self.faults.wrong_charset(aid):
            return self.html_page(self.render_article(copy, "utf-8"), codec="gb18030", charset="utf-8", faultable=True)
        return self.html_page(self.render_article(copy, self.spec.charset), faultable=True)

    def _route_listing(self, path: str, query: dict[str, str]) -> Page | None:
        found = self.match_listing(path, query)
        if found is None:
            return None
        channel, page = found
        if not 1 <= page <= self.index.page_count(channel):
            return self.not_found()
        entries = [self.listing_entry(local) for local in self.index.listing(channel, page)]
        entries = self._with_extras(entries, channel, page)
        return self.html_page(self.render_listing(channel, page, entries), faultable=True)

    def listing_entry(self, local: int) -> Entry:
        """The listing link of local copy `local` (cached)."""
        return self._listing_entries(local)

    def side_entry(self, local: int) -> Entry:
        """A plain link to local copy `local` (cached)."""
        return self._side_entries(local)

    def _listing_entry(self, local: int) -> Entry:
        """The listing link of local copy `local` (through its redirect chain when faults say so)."""
        slot = self.index.slot(local)
        sid = self.index.sids[local]
        href = self.redirect_chain(slot.aid)[0] if self.faults.redirected(slot.aid) else self.article_path(slot)
        return Entry(href, self.book.title(sid), slot.time, self.book.summary(sid))

    def _side_entry(self, local: int) -> Entry:
        """A plain link to local copy `local` (side lists, prev/next)."""
        slot = self.index.slot(local)
        return Entry(self.article_path(slot), self.book.title(self.index.sids[local]), slot.time)

    def related_entries(self, local: int, count: int) -> list[Entry]:
        """Up to `count` other copies of the same channel near `local`: the next older ones, then (near
        the end of the channel) the next newer ones, nearest first."""
        members = self.index.members[self.index.channels[local]]
        position = self.index.positions[local]
        older = members[position + 1 : position + 1 + count]
        newer = members[max(0, position - count) : position][::-1]
        return [self.side_entry(other) for other in (*older, *newer)[:count]]

    def hot_entries(self, channel: int, count: int) -> list[Entry]:
        """A channel's "most read" side list: the same `count` articles on every page of the channel."""
        key = (channel, count)
        if key not in self._hot:
            members = self.index.members[channel][:60]
            ranked = sorted(members, key=lambda local: unit(self.book.seed, self.spec.name, "hot", local))
            self._hot[key] = [self.side_entry(local) for local in ranked[:count]]
        return self._hot[key]

    def _with_extras(self, entries: list[Entry], channel: int, page: int) -> list[Entry]:
        extras = self.faults.listing_extras(channel, page)
        if not extras:
            return entries
        entries = list(entries)
        time = entries[-1].time if entries else NOW_TS
        stamp = dates.short(time)
        for position, kind in enumerate(extras):
            for href, title in self.extra_links(kind, channel, page, stamp):
                entries.insert(min(len(entries), 2 + 3 * position), Entry(href, title, time))
        return entries

    def extra_links(self, kind: str, channel: int, page: int, stamp: str) -> list[tuple[str, str]]:
        """The (href, title) links a listing carries for fault `kind`."""
        if kind == "dead_link":
            fake = Slot(
                self.spec,
                -1,
                self.spec.aid_base + len(self.index) + 7000 + 50 * channel + page,
                channel,
                NOW_TS - 86400,
            )
            return [(self.article_path(fake), EXTRA_TITLES["dead_link"])]
        if kind == "attachment":
            return [
                (f"/uploads/soft/{stamp}/report-{channel}-{page}.pdf", EXTRA_TITLES["attachment"]),
                (f"/uploads/allimg/{stamp}/chart-{channel}-{page}.jpg", EXTRA_TITLES["image"]),
            ]
        if kind == "robots":
            return [(f"/private/{stamp}/{channel}{page:04d}.html", EXTRA_TITLES["robots"])]
        return [(OVERSIZED_PATH, EXTRA_TITLES["oversized"])]

    def _route_fault_pages(self, path: str, query: dict[str, str]) -> Page | None:
        if path.startswith("/private/") and path.endswith(".html"):
            title = EXTRA_TITLES["robots"]
            body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>仅供内部参考。</p></body></html>"
            return self.html_page(body)
        if path == OVERSIZED_PATH:
            return Page(200, "text/html; charset=utf-8", assets.oversized_page(self.oversize_bytes))
        return None

    def _route_static(self, path: str, query: dict[str, str]) -> Page | None:
        kind = assets.STATIC_TYPES.get(posixpath.splitext(path)[1].lower())
        if kind is None or not path.startswith(self.static_prefixes):
            return None
        return Page(200, kind[0], kind[1])

    # -- responses --------------------------------------------------------------------------------

    def html_page(
        self, text: str, *, codec: str | None = None, charset: str | None = None, faultable: bool = False
    ) -> Page:
        """Encode an HTML page in the portal's codec (or the given one) and declare `charset`."""
        data = text.encode(codec or self.spec.codec)
        return Page(200, f"text/html; charset={charset or self.spec.charset}", data, faultable=faultable)

    def redirect(self, status: int, location: str) -> Page:
        """A redirect to a path of this portal."""
        body = f'<html><body>Moved: <a href="{esc(location)}">{esc(location)}</a></body></html>'.encode()
        return Page(status, "text/html; charset=utf-8", body, (("Location", location),))

    def not_found(self) -> Page:
        """The portal's 404 page."""
        return Page(404, "text/html; charset=utf-8", NOT_FOUND_HTML.encode())

    def script(self, text: str) -> Page:
        """A JavaScript response (count scripts)."""
        return Page(200, f"application/javascript; charset={self.spec.charset}", text.encode(self.spec.codec))

    # -- truth ------------------------------------------------------------------------------------

    def views(self, local: int) -> int:
        """The read count of local copy `local` (what the page or its count script shows)."""
        return views_of(self.book.seed, self.spec.name, self.index.sids[local])

    def iter_truth(self, base_url: str) -> Iterator[dict[str, Any]]:
        """Ground truth of every article page of this portal, newest first."""
        for copy in self.book.copies(self.spec.name):
            yield copy.truth(base_url, self.article_path(copy.slot), self.image_path(copy.slot))
