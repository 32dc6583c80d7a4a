"""What a crawl may fetch (`crawler.scope`), and pages anyone can write costing only what is broken in them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parsel import Selector

from crawler.extract import headline
from crawler.extract.article import extract_article
from crawler.extract.category import site_name
from crawler.extract.charset import decode_html
from crawler.extract.kind import page_kind
from crawler.extract.links import site_links
from crawler.extract.mainlist import main_list
from crawler.extract.pagination import pagination
from crawler.extract.urls import absolute_url
from crawler.scope import BAD_SCHEME, OFFSITE, TRAP, Scope

SCOPE = Scope.of(["http://www.example.com.cn/news/", "http://127.0.0.1:8601/", "img.cdn-x.cn"])


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://www.example.com.cn/a/1.html", None),
        ("https://m.example.com.cn/a/1.html", None),  # a host variant, another scheme
        ("http://finance.example.com.cn:8080/", None),  # any host and port under the registrable domain
        ("http://WWW.EXAMPLE.COM.CN./a.html", None),  # case and a trailing dot
        ("http://127.0.0.1:8601/count.php?aid=1", None),
        ("http://img.cdn-x.cn/a.js", None),  # allowed by the profile / -a allow=
        ("http://a.img.cdn-x.cn/a.js", None),
        ("http://cdn-x.cn/a.js", None),  # an allowed host allows its registrable domain
        ("http://example.cn/", OFFSITE),  # another registrable domain
        ("http://com.cn/", OFFSITE),  # a public suffix is nobody's site
        ("http://badexample.com.cn/", OFFSITE),  # a suffix of the name, not a parent domain
        ("http://www.example.com.cn.evil.cn/", OFFSITE),
        ("http://127.0.0.1:8602/", OFFSITE),  # another server on the same address
        ("http://127.0.0.1/", OFFSITE),
        ("http://localhost:8601/", OFFSITE),
        ("http://[::1]:8601/", OFFSITE),
        ("http://[::1", OFFSITE),  # malformed
        ("http://www.example.com.cn:99999/", OFFSITE),  # a port out of range
        ("http:///a.html", OFFSITE),  # no host
        ("file:///etc/passwd", BAD_SCHEME),
        ("file://www.example.com.cn/etc/passwd", BAD_SCHEME),
        ("ftp://www.example.com.cn/a", BAD_SCHEME),
        ("data:text/html,<h1>x</h1>", BAD_SCHEME),
        ("s3://bucket/key", BAD_SCHEME),
        ("javascript:alert(1)", BAD_SCHEME),
        ("/a/1.html", BAD_SCHEME),  # relative: never requested as such
        # paths walking in circles: a relative link on a server that answers every path
        ("http://www.example.com.cn/news/news/news/1.html", TRAP),
        ("http://www.example.com.cn/news/news/news/", TRAP),
        ("http://www.example.com.cn/a/b/a/b/a/b/1.html", TRAP),  # a run of segments
        ("http://www.example.com.cn/x/a/b/c/a/b/c/a/b/c/1.html", TRAP),
        ("http://127.0.0.1:8601/list/list/list/?page=2", TRAP),
        ("http://www.example.com.cn/" + "a/b/c/d/" * 5 + "1.html", TRAP),  # more than 20 segments
        ("http://www.example.com.cn/news/news/1.html", None),  # twice: a site may name a folder so
        ("http://www.example.com.cn/09/09/09/1.html", None),  # a date: digits repeat
        ("http://www.example.com.cn/2009/09/09/09/09/1.html", None),
        ("http://www.example.com.cn/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t.html", None),  # 20 segments
        ("http://www.example.com.cn/a/1.html?p=/x/x/x/", None),  # the query is no path
        ("http://www.example.com.cn/news/news/news/1.html".replace("news", "新闻"), TRAP),
        ("http://example.cn/news/news/news/", OFFSITE),  # off the portal first
    ],
)
def test_scope(url: str, refusal: str | None) -> None:
    assert SCOPE.refusal(url) == refusal


def test_an_ip_start_url_allows_that_server_only() -> None:
    scope = Scope.of(["http://127.0.0.1:8603/"])
    assert scope.refusal("http://127.0.0.1:8603/a.html") is None
    assert scope.refusal("http://127.0.0.1:80/") == OFFSITE
    assert Scope.of(["http://10.0.0.1/"]).refusal("http://10.0.0.1:80/x") is None  # the default port spelled out


# --- pages anyone can write ------------------------------------------------------------------------

HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(
        [*"央行开展逆回购操作来源作者编辑点击阅读量:：|_-— 0123456789<>&;\"'/=.?#[]%", *map(chr, range(32)), "\x7f",
         "\u2028", "\ufffd", "\u200b", "\ufeff", "\U0001f600", "\uffff"]
    ),
    max_size=60,
)  # fmt: skip
HOSTILE_HREF = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(
        ["http://[::1", "http://x.cn:99999/a", "/a/20240903/1.html", "javascript:", "file:///etc/passwd", "//",
         "http://x.cn/list_5_1000000000000.html", "http://a..b/", "http://x.cn/a/\n1.html", "data:,x"]
    ),
)  # fmt: skip


@st.composite
def hostile_pages(draw: st.DrawFn) -> str:
    """An article-and-listing page whose every text, attribute name and URL is drawn from hostile input."""
    text, href = lambda: draw(HOSTILE_TEXT), lambda: draw(HOSTILE_HREF).replace('"', "")
    attribute = draw(st.sampled_from(["x", "\x01x", "data-\x00", "a\u2028"]))
    links = "".join(
        f'<li><span>{text()}</span><a href="{href()}" {attribute}="1">{text()}</a></li>'
        for _ in range(draw(st.integers(0, 8)))
    )
    label = draw(st.sampled_from(["下一页", "末页", "尾页", "3", text()]))
    return (
        f'<html><head><title>{text()}_{text()}</title><meta property="og:title" content="{text()}">'
        f'<link rel="canonical" href="{href()}"><script src="{href()}"></script></head>'
        f'<body><h1>{text()}</h1><div class="info">{text()} 来源:{text()} 点击:<script src="{href()}"></script></div>'
        f'<div class="content"><p>{text()}</p><img src="{href()}"><p>{text()}</p></div><ul>{links}</ul>'
        f'<div class="pages"><a href="{href()}">{label}</a></div></body></html>'
    )


@settings(max_examples=300, deadline=None)
@given(hostile_pages())
def test_no_extraction_step_fails_on_a_hostile_page(html: str) -> None:
    url = "http://x.cn/a/20240903/1.html"
    sel = Selector(text=html, type="html")
    raw = extract_article(sel, url)
    assert raw.failed == []
    links = list(site_links(sel, url, "x.cn"))
    assert all(absolute_url(url, link) == link for link, _ in links)
    page_kind(sel, main_list(links))
    assert len(pagination(links, url, max_pages=50)) <= 52
    site_name(sel.xpath("//title/text()").get())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([None, "text/html; charset=utf-8", "text/html; charset=gbk"]))
def test_any_bytes_decode(body: bytes, header: str | None) -> None:
    text, encoding, _ = decode_html("央行开展逆回购操作".encode() + body, header)
    assert isinstance(text, str) and encoding


def test_a_step_that_fails_costs_its_field_only() -> None:
    """The last line of defence: a step that raises gives its field's default, named in `failed`."""
    page = Selector(text="<html><head><title>标题</title></head><body><h1>标题</h1><p>正文一段</p></body></html>")
    raw = extract_article(page, "http://x.cn/a/1.html", rules={"body": "p::bogus-pseudo"})
    assert raw.title == "标题"
    assert raw.paragraphs == [] and [failure.split(":")[0] for failure in raw.failed] == ["body"]


def test_a_title_of_many_separators_is_read_in_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The headline's heads of a `<title>` are read from its first `_TITLE_MAX` characters, and each page text
    holding them is joined once (each was joined again for each head: 40,000 heads took 155 s)."""
    joined = []

    class Text(str):
        is_tail = False
        element: Any = None

        def split(self, *args: Any) -> list[str]:
            joined.append(self)
            return super().split(*args)

        def getparent(self) -> Any:
            return self.element

    def texts_holding(sel: Selector, head: str) -> Iterator[list[Text]]:
        found = []
        for element in sel.root.iter("h1"):
            text = Text(element.text)
            text.element = element
            found.append(text)
        yield [text for text in found if head in text]

    monkeypatch.setattr(headline, "_texts_holding", texts_holding)
    title = "标题文字_" * 40_000
    sel = Selector(text=f"<html><head><title>{title}</title></head><body><h1>{'标题文字' * 50}</h1></body></html>")
    assert headline._shown_title_head(sel, title) is None
    assert 0 < len(joined) <= 2  # the h1, once for the heads and once for a tail
    sel = Selector(text="<html><head><title>标题文字测试_站名</title></head><body><h2>标题文字测试</h2></body></html>")
    monkeypatch.undo()
    found = headline._shown_title_head(sel, "标题文字测试_站名")
    assert found is not None and found[0] == "标题文字测试" and found[1].root.tag == "h2"
