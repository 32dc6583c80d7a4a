"""财经快报网: a DedeCMS-like portal whose HTML listings are empty. Its articles are named, a third each, by

- its sitemap: robots.txt says `Sitemap: <origin>/sitemap_index.xml`, an index of two sitemaps
  (`/sitemaps/news-1.xml`, `/sitemaps/news-2.xml`) with `<lastmod>`; the index also names a sitemap off
  the portal, and the first sitemap a page off the portal (a crawl drops and counts both);
- its RSS feed `/rss.xml`, which its pages name with `<link rel="alternate" type="application/rss+xml">`;
- its "加载更多" JSON listing `/api/list.php?page=N&callback=jQuery18305` (JSONP, `PAGE_SIZE` a page, epoch
  milliseconds as dates), named in its profile (`profiles/discovery/kuaibao.toml`).

Article pages are the DedeCMS portal's (`dede.py`); their side lists link other articles, so a crawl that
must find every article through the three ways above runs with `FINNEWS_FOLLOW_RELATED=False`.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from sampleportals.dede import DedeSite
from sampleportals.site import Entry, Page
from sampleportals.sites import KUAIBAO
from sampleportals.stories import CST

#: Articles a page of the JSON listing names.
PAGE_SIZE = 10
#: Where the three ways are: `WAYS[local % 3]` names local copy `local`.
WAYS = ("sitemap", "feed", "json")
#: A host that is not the portal (port 9, discard, on loopback): links to it must never be fetched.
OFF_PORTAL = "http://127.0.0.1:9"
_FEED_LINK = '<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml" />'
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_JSONP = "jQuery18305"


class KuaibaoSite(DedeSite):
    """The portal with empty listings, found through its sitemap, feed and JSON listing."""

    spec = KUAIBAO

    def handle(self, target: str, origin: str = "") -> Page:
        """The response to a GET of `target`; `origin` ("http://host:port", from the Host header) makes the
        URLs of robots.txt, sitemaps and the feed absolute, as they must be."""
        path, _, query = target.partition("?")
        origin = origin or "http://127.0.0.1"
        documents = {
            "/robots.txt": self._robots,
            "/sitemap_index.xml": self._sitemap_index,
            "/sitemaps/news-1.xml": lambda origin: self._sitemap(origin, 0),
            "/sitemaps/news-2.xml": lambda origin: self._sitemap(origin, 1),
            "/rss.xml": self._feed,
        }
        if path in documents:
            return documents[path](origin)
        if path == "/api/list.php":
            return self._json_listing(query)
        return super().handle(target)

    def locals_of(self, way: str) -> list[int]:
        """The local copies `way` names, newest first."""
        return [local for local in range(len(self.index)) if WAYS[local % len(WAYS)] == way]

    # -- templates: no article on any HTML page but the articles ----------------------------------

    def render_home(self) -> str:
        """A home page without article links, naming its feed."""
        body = '<div class="w960 center clear"><div class="pleft"><p class="empty">暂无内容</p></div></div>\n'
        return self._with_feed_link(self._page(f"{self.spec.site_name}_财经资讯门户", -1, body))

    def render_listing(self, channel: int, page: int, entries: list[Entry]) -> str:
        """An empty listing (its articles come by XHR in a browser)."""
        spec = self.spec.channels[channel]
        body = (
            f'<div class="w960 center clear mt1"><div class="pleft">{self._position(channel)}'
            '<div class="listbox"><ul class="e2" id="list"></ul><a class="more" href="javascript:;">加载更多</a>'
            "</div></div></div>\n"
        )
        return self._with_feed_link(self._page(f"{spec.name}_{self.spec.site_name}", channel, body))

    @staticmethod
    def _with_feed_link(page: str) -> str:
        return page.replace("</head>", f"{_FEED_LINK}\n</head>", 1)

    # -- discovery documents ----------------------------------------------------------------------

    def _robots(self, origin: str) -> Page:
        lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in self.robots_disallow)]
        lines += ["", f"Sitemap: {origin}/sitemap_index.xml", ""]
        return Page(200, "text/plain; charset=utf-8", "\n".join(lines).encode())

    def _sitemap_index(self, origin: str) -> Page:
        newest = self._lastmod(0) if len(self.index) else ""
        sitemaps = [f"{origin}/sitemaps/news-1.xml", f"{origin}/sitemaps/news-2.xml", f"{OFF_PORTAL}/sitemap.xml"]
        items = "".join(f"<sitemap><loc>{escape(url)}</loc><lastmod>{newest}</lastmod></sitemap>\n" for url in sitemaps)
        return self._xml(f'<sitemapindex xmlns="{_SITEMAP_NS}">\n{items}</sitemapindex>\n')

    def _sitemap(self, origin: str, half: int) -> Page:
        """Half `half` of the sitemap's articles, Baidu-style (lastmod, changefreq, priority)."""
        named = self.locals_of("sitemap")[half::2]
        urls = [(origin + self.article_path(self.index.slot(local)), self._lastmod(local)) for local in named]
        if half == 0:
            urls.append((f"{OFF_PORTAL}/a/20240903/1.html", self._lastmod(0)))
        items = "".join(
            f"<url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod><changefreq>daily</changefreq>"
            "<priority>0.8</priority></url>\n"
            for url, lastmod in urls
        )
        return self._xml(f'<urlset xmlns="{_SITEMAP_NS}">\n{items}</urlset>\n')

    def _feed(self, origin: str) -> Page:
        items = "".join(
            f"<item><title>{escape(entry.title)}</title><link>{escape(origin + entry.href)}</link>"
            f"<description>{escape(entry.summary)}</description>"
            f"<pubDate>{format_datetime(datetime.fromtimestamp(entry.time, CST))}</pubDate></item>\n"
            for entry in map(self.listing_entry, self.locals_of("feed"))
        )
        channel = (
            f"<title>{self.spec.site_name}</title><link>{origin}/</link><description>{self.spec.site_name}最新资讯"
            "</description><language>zh-cn</language>\n"
        )
        return self._xml(f'<rss version="2.0"><channel>\n{channel}{items}</channel></rss>\n', "application/rss+xml")

    def _json_listing(self, query: str) -> Page:
        """`jQuery18305({"status": 1, "data": {"list": [...]}})`: page `page` of the JSON listing (empty after
        the last)."""
        fields = dict(part.partition("=")[::2] for part in query.split("&"))
        page = int(fields["page"]) if fields.get("page", "").isdigit() else 1
        named = self.locals_of("json")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        items = [
            {"id": self.index.aid(local), "title": entry.title, "url": entry.href, "ctime": entry.time * 1000}
            for local, entry in ((local, self.listing_entry(local)) for local in named)
        ]
        text = json.dumps({"status": 1, "data": {"page": page, "list": items}}, ensure_ascii=False)
        callback = fields.get("callback") or _JSONP
        return Page(200, "application/javascript; charset=utf-8", f"{callback}({text});".encode())

    def _lastmod(self, local: int) -> str:
        return datetime.fromtimestamp(self.index.times[local], CST).isoformat()

    @staticmethod
    def _xml(text: str, kind: str = "application/xml") -> Page:
        return Page(200, f"{kind}; charset=utf-8", ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode())
