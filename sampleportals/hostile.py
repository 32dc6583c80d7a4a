"""A hostile portal: one small site that tries every way out of a crawl, and a host beside it that counts
whoever comes.

`HostilePortal().start()` serves, on two free loopback ports:

- the portal: a listing (`/`) whose pagination never ends (`/?page=N` links `/?page=N+1`, repeating the
  same articles), listing links that are malformed (`http://[::1`, a port out of range), off-site, local
  (`file:`), `javascript:` and `data:`; article pages that redirect off the site or to a local file, one
  that leaves by meta refresh, read-count scripts on another host, in a local file, or 10 MB long; an
  article with one invalid byte, one with control characters in every field, one nested 3,000 unclosed
  `<font>`s deep (deeper than libxml2 builds a tree), one whose gzip body unpacks to 64 MB (past any
  DOWNLOAD_MAXSIZE: lost, and counted so), two that redirect to each other, one whose `<base href>` is the
  outside host (its relative read-count script and links would go there), and one page at two URLs that name
  one canonical URL;
- the outside host: any page, and a count of the requests it received (`outside_requests`): a crawl of
  the portal must send it none.

`good` maps the URL of each article a crawl should store to its expected title and body; the rest of
the portal is a case a crawl must refuse, count and survive.

`ChallengePortal().start()` serves a portal behind a distrustful guard: three good articles, and for the
rest the challenge and rate-limit pages of Chinese CDNs and WAFs (`CHALLENGES`: a 521 JavaScript cookie
challenge, a WAF cookie challenge, 429, 403 and 503 guard pages, a captcha page), one of them in place of
the listing's second page. A crawl must store none of them, count each, and say it was blocked.
"""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from random import Random
from typing import Any

from sampleportals import newstext

#: What the read-count script in a local file says: a crawl that shows it read the file.
SECRET_VIEWS = 987654321
HUGE_COUNTER_BYTES = 10 * 1024 * 1024
#: Unclosed `<font>`s before an article (a pasted document's): libxml2 builds no tree deeper than 2,048 elements.
DEEP_FONTS = 3000
#: What an article's gzip body unpacks to: a compression bomb (64 KB on the wire).
BOMB_BYTES = 64 * 1024 * 1024
# Control characters that are no whitespace (\v, \f and \x1c-\x1f are: they read as a space).
CONTROL = "\x00\x01\x02\x03\x07\x08\x0e\x1b\x7f\x9b"
_BAD_BYTE = "\u2603"  # where the one byte that is no UTF-8 goes (the page says no snowman)


@dataclass
class Story:
    title: str
    paragraphs: list[str]


def _story(number: int) -> Story:
    rng = Random(f"hostile:{number}")
    topic = newstext.TOPICS[number % len(newstext.TOPICS)]
    cast = newstext.draw_cast(rng, 9, 3)
    title = newstext.news_title(rng, topic, cast)
    lead = newstext.news_lead(rng, topic, cast)
    return Story(title, [lead, *newstext.news_paragraphs(rng, topic, cast, 4)])


def _article(story: Story, meta: str, head: str = "", title: str | None = None, body: list[str] | None = None) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in (body or story.paragraphs))
    shown = title or story.title
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{shown}_险峻财经网</title>{head}</head><body>'
        f'<div class="nav"><a href="/">首页</a> &gt; <a href="/?page=2">财经</a></div>'
        f'<div class="article"><h1>{shown}</h1><div class="info">{meta}</div>'
        f'<div class="content">{paragraphs}</div>'
        f'<p>上一篇：<a href="http://[::1">坏链接</a> 下一篇：<a href="/a/20240903/1.html">{_story(1).title}</a></p>'
        "</div></body></html>"
    )


@dataclass
class HostilePortal:
    """The hostile portal and the outside host, on free ports of 127.0.0.1."""

    secret_file: Path  # a local file holding a read-count script; the crawl must never read it
    outside_requests: list[str] = field(default_factory=list)
    _servers: list[ThreadingHTTPServer] = field(default_factory=list)
    _pages: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)

    def start(self) -> HostilePortal:
        self.secret_file.write_text(f"document.write('{SECRET_VIEWS}');", encoding="utf-8")
        for handler in (self._portal_handler(), self._outside_handler()):
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers.append(server)
        self._pages = self.pages()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_port}/"

    @property
    def outside(self) -> str:
        return f"http://127.0.0.1:{self._servers[1].server_port}/"

    @property
    def good(self) -> dict[str, Story]:
        """URL -> story of each article page a crawl should store (once)."""
        stories = {f"{self.url}a/20240903/{n}.html": _story(n) for n in (1, 2, 3, 4, 11, 14, 18)}
        stories[f"{self.url}a/20240903/5.html"] = _story(5)  # stored with its control characters gone
        return stories

    # --- the portal ---------------------------------------------------------------------------------

    def pages(self) -> dict[str, tuple[int, dict[str, str], bytes]]:
        """Path -> (status, headers, body) of every page of the portal."""
        out, secret = self.outside, self.secret_file.as_uri()
        html = "text/html; charset=utf-8"
        pages: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
            "/a/20240903/6.html": (302, {"Location": f"{out}a/20240903/6.html"}, b""),
            "/a/20240903/8.html": (302, {"Location": secret}, b""),
            "/news/": (302, {"Location": f"{out}news/"}, b""),
            "/count.php?aid=4": (200, {"Content-Type": "application/javascript"}, b"/*" * (HUGE_COUNTER_BYTES // 2)),
        }
        meta = "2024-09-03 11:54:03 来源：新华社 作者：张三 点击："

        def page(number: int, meta_line: str, **kwargs: Any) -> bytes:
            return _article(_story(number), meta_line, **kwargs).encode("utf-8")

        first = _story(1)
        marked = [f"{first.paragraphs[0][:3]}{_BAD_BYTE}{first.paragraphs[0][3:]}", *first.paragraphs[1:]]
        one = page(1, meta + "1234", head='<link rel="canonical" href="http://[::1">', body=marked)
        pages["/a/20240903/1.html"] = (200, {"Content-Type": html}, one.replace(_BAD_BYTE.encode(), b"\xff"))
        pages["/a/20240903/2.html"] = (200, {"Content-Type": html}, page(2, meta + f'<script src="{secret}"></script>'))
        counter3 = f'<script src="{out}count.php?aid=3"></script>'
        pages["/a/20240903/3.html"] = (200, {"Content-Type": html}, page(3, meta + counter3))
        pages["/a/20240903/4.html"] = (
            200,
            {"Content-Type": html},
            page(4, meta + '<script src="/count.php?aid=4"></script><img src="http://[::1">'),
        )
        five = _story(5)
        pages["/a/20240903/5.html"] = (
            200,
            {"Content-Type": html},
            page(
                5,
                f"2024-09-03 11:54:03 来源：{CONTROL}新华社 作者：张{CONTROL}三 点击：12{CONTROL}",
                title=f"{five.title[:4]}{CONTROL}{five.title[4:]}",
                body=[f"{p[:6]}{CONTROL}{p[6:]}\u2028" for p in five.paragraphs],
            ),
        )
        refresh = f'<meta http-equiv="refresh" content="0; url={out}stolen.html">'
        pages["/a/20240903/7.html"] = (200, {"Content-Type": html}, page(7, meta + "5", head=refresh))
        deep = page(14, meta + "88").replace(b"<body>", b"<body>" + '<font face="宋体">'.encode() * DEEP_FONTS)
        pages["/a/20240903/14.html"] = (200, {"Content-Type": html}, deep)
        bomb = gzip.compress(page(15, meta + "1").replace(b"</body>", b" " * BOMB_BYTES + b"</body>"))
        pages["/a/20240903/15.html"] = (200, {"Content-Type": html, "Content-Encoding": "gzip"}, bomb)
        pages["/a/20240903/16.html"] = (302, {"Location": "/a/20240903/17.html"}, b"")  # a redirect loop
        pages["/a/20240903/17.html"] = (302, {"Location": "/a/20240903/16.html"}, b"")
        based = page(18, meta + '<script src="count.php?aid=18"></script><a href="a/20240903/19.html">相关</a>',
                     head=f'<base href="{out}">')  # fmt: skip
        pages["/a/20240903/18.html"] = (200, {"Content-Type": html}, based)
        canonical = '<link rel="canonical" href="/a/20240903/11.html">'
        for number in (11, 12):
            pages[f"/a/20240903/{number}.html"] = (200, {"Content-Type": html}, page(11, meta + "77", head=canonical))
        return pages

    def listing(self, page: int) -> bytes:
        """Page `page` of the listing: every article link and bad link again, and a link to the next page."""
        out, secret = self.outside, self.secret_file.as_uri()
        links = [f"/a/20240903/{n}.html" for n in (1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 18)] + [
            "http://[::1",
            "http://127.0.0.1:99999/a/20240903/13.html",
            f"{out}a/20240903/9.html",
            secret,
            "javascript:alert(1)",
            "data:text/html,<h1>x</h1>",
        ]
        items = "".join(
            f'<li><span>09-03</span><a href="{href}" \x01x="1">{_story(n).title}</a></li>'
            for n, href in enumerate(links, start=1)
        )
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>险峻财经网</title></head><body>'
            f'<div class="nav"><a href="/news/">新闻</a><a href="/">首页</a></div>'
            f'<ul class="list">{items}</ul>'
            f'<div class="pages"><a href="/?page={page + 1}">下一页</a></div></body></html>'
        ).encode()

    def _portal_handler(self) -> type[BaseHTTPRequestHandler]:
        portal = self

        class Handler(_Quiet):
            def do_GET(self) -> None:
                if self.path in portal._pages:
                    self.answer(*portal._pages[self.path])
                elif self.path == "/" or self.path.startswith("/?page="):
                    page = int(self.path.partition("=")[2] or 1)
                    self.answer(200, {"Content-Type": "text/html; charset=utf-8"}, portal.listing(page))
                else:
                    self.answer(404, {"Content-Type": "text/plain"}, b"not found")

        return Handler

    def _outside_handler(self) -> type[BaseHTTPRequestHandler]:
        requests = self.outside_requests

        class Handler(_Quiet):
            def do_GET(self) -> None:
                requests.append(self.path)
                story = _story(9)
                if self.path.startswith("/count.php"):
                    self.answer(200, {"Content-Type": "application/javascript"}, b"document.write('55555');")
                else:
                    body = _article(story, "2024-09-03 11:54:03 来源：新华社 点击：5").encode()
                    self.answer(200, {"Content-Type": "text/html; charset=utf-8"}, body)

        return Handler


class _Quiet(BaseHTTPRequestHandler):
    """A handler that answers whole responses and keeps the test's log clean."""

    protocol_version = "HTTP/1.0"
    disable_nagle_algorithm = True

    def answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


#: Path -> (status, headers, body, the class of block a crawl must count it as) of the challenge portal's guard
#: pages; "/?page=2" is the listing's second page (its links must never be followed).
CHALLENGES: dict[str, tuple[int, dict[str, str], str, str]] = {
    "/a/20240903/21.html": (
        521,
        {"Set-Cookie": "__jsluid_s=5b1c0ad4e5; path=/; HttpOnly"},
        "<script>document.cookie=('__jsl_clearance_s=1725340800.12|0|'+'abcDEF%3D');"
        "location.href=location.pathname+location.search</script>",
        "js_challenge",
    ),
    "/a/20240903/22.html": (
        200,
        {"Set-Cookie": "acw_tc=2f624a1c17253408; path=/; HttpOnly"},
        "<html><script>var arg1='3A1B5C7D9E';function setCookie(n,v){document.cookie=n+'='+v;}"
        "setCookie('acw_sc__v2','66d6e2f0');document.location.reload();</script></html>",
        "waf_challenge",
    ),
    "/a/20240903/23.html": (429, {}, "<html><body><h1>429 Too Many Requests</h1></body></html>", "rate_limited"),
    "/a/20240903/24.html": (
        403,
        {},
        "<html><head><title>403</title></head><body><h2>抱歉，您的访问被拒绝</h2>"
        "<p>当前访问疑似黑客攻击，已被网站管理员设置为拦截。</p></body></html>",
        "waf_challenge",
    ),
    "/a/20240903/25.html": (
        503,
        {"Retry-After": "60"},
        "<html><body><p>您的请求过于频繁，请稍后再试。</p></body></html>",
        "rate_limited",
    ),
    "/a/20240903/26.html": (
        200,
        {},
        "<html><head><title>安全验证</title></head><body><p>请输入验证码后继续访问</p>"
        '<img src="/captcha.jpg"><form><input name="code"></form></body></html>',
        "captcha",
    ),
    "/?page=2": (
        200,
        {},
        '<html><body><p>访问过于频繁，请稍后再试</p><a href="/a/20240903/31.html">继续</a></body></html>',
        "rate_limited",
    ),
}


@dataclass
class ChallengePortal:
    """A portal whose guard answers most pages with a challenge or rate-limit page, on a free port of 127.0.0.1."""

    requests: list[str] = field(default_factory=list)  # every path asked, in order
    _server: ThreadingHTTPServer | None = None

    def start(self) -> ChallengePortal:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}/"

    @property
    def good(self) -> dict[str, Story]:
        """URL -> story of each article page a crawl should store."""
        return {f"{self.url}a/20240903/{n}.html": _story(n) for n in (1, 2, 3)}

    def _listing(self) -> bytes:
        items = "".join(
            f'<li><span>09-03</span><a href="/a/20240903/{n}.html">{_story(n).title}</a></li>'
            for n in (1, 2, 3, 21, 22, 23, 24, 25, 26)
        )
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>险峻财经网</title></head><body>'
            f'<ul class="list">{items}</ul><div class="pages"><a href="/?page=2">下一页</a></div></body></html>'
        ).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        portal = self
        html = "text/html; charset=utf-8"

        class Handler(_Quiet):
            def do_GET(self) -> None:
                portal.requests.append(self.path)
                number = self.path.removeprefix("/a/20240903/").removesuffix(".html")
                if self.path in CHALLENGES:
                    status, headers, body, _ = CHALLENGES[self.path]
                    self.answer(status, {"Content-Type": html, **headers}, body.encode())
                elif self.path == "/":
                    self.answer(200, {"Content-Type": html}, portal._listing())
                elif self.path == "/robots.txt":
                    self.answer(200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
                elif number in ("1", "2", "3"):
                    page = _article(_story(int(number)), "2024-09-03 11:54:03 来源：新华社 点击：12")
                    self.answer(200, {"Content-Type": html}, page.encode())
                else:
                    self.answer(404, {"Content-Type": "text/plain"}, b"not found")

        return Handler
