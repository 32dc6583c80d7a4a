"""End to end: `scrapy crawl portal -a start_url=...` of a hand-written portal (a local HTTP server on
127.0.0.1) whose article URLs match no known pattern, whose listings carry widgets, and whose channels
paginate in three forms (`?page=2` with 尾页 and no other page links, `index_2.html` labelled 第N页,
`/2/` page-number runs)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sampleportals import loopback_arguments
from tests.crawls import PROJECT, export, run_stats

pytestmark = pytest.mark.e2e

SITE = "测试财经网"


def money(page: int) -> str:
    return "/money/" if page == 1 else f"/money/{page}/"


# Channel -> its listing pages, each a list of (article URL, the date text beside its link).
CHANNELS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "要闻": {
        "/news/": [("/news/show?id=101", "刚刚"), ("/news/show?id=102", "1小时前")],
        "/news/?page=2": [("/news/show?id=103", "昨天 14:20"), ("/news/show?id=104", "昨天 09:10")],
        "/news/?page=3": [("/news/show?id=105", "2天前"), ("/news/show?id=106", "2天前")],  # linked from no page
        "/news/?page=4": [("/news/show?id=107", "3天前"), ("/news/show?id=108", "3小时前")],
    },
    "公司": {
        "/company/": [("/content/20240903/abc.shtml", "09-03"), ("/content/20240903/bcd.shtml", "09-03")],
        "/company/index_2.html": [("/content/20240903/cde.shtml", "09-03"), ("/content/20240903/def.shtml", "09-03")],
        "/company/index_3.html": [("/content/20240903/efg.shtml", "09-03"), ("/content/20240903/fgh.shtml", "09-03")],
    },
    "理财": {
        money(1): [("/p/98761", "[2024-09-03]"), ("/p/98762", "[2024-09-03]")],
        money(2): [("/p/98763", "[2024-09-02]"), ("/p/98764", "[2024-09-02]")],
        money(3): [("/p/98765", "[2024-09-01]"), ("/p/98766", "[2024-09-01]")],
    },
}
PAGERS = {  # channel page -> its pagination block (the other pages have none, or a script's)
    "/news/": '<a href="/news/?page=2">下一页</a> <a href="/news/?page=4">尾页</a>',
    "/company/": '<a href="/company/index_2.html">第2页</a> <a href="/company/index_3.html">第3页</a>',
    **{
        money(n): " ".join(f"<span>{k}</span>" if k == n else f'<a href="{money(k)}">{k}</a>' for k in (1, 2, 3))
        for n in (1, 2, 3)
    },
}
WIDGET_ONLY = "/p/11111"  # linked from the 热点 widget alone, dated on its page
UNDATED_WIDGET_ONLY = "/a/20240901/7.html"  # an article URL pattern, linked from the widget alone, undated page
UNDATED_LISTED = "/news/show?id=108"  # undated page, listed (on the last page) as 3小时前
ARTICLES = [url for pages in CHANNELS.values() for items in pages.values() for url, _ in items]
TITLES = {url: f"第{n}篇测试文章的标题" for n, url in enumerate([*ARTICLES, WIDGET_ONLY, UNDATED_WIDGET_ONLY], 1)}


def page(title: str, main: str) -> str:
    nav = "".join(f'<li><a href="{next(iter(pages))}">{name}</a></li>' for name, pages in CHANNELS.items())
    hot = "".join(  # more links than a listing page's list, each with a date
        f'<li><i>{n}</i><a href="{url}">{TITLES[url]}</a><span>3小时前</span></li>'
        for n, url in enumerate([UNDATED_WIDGET_ONLY, WIDGET_ONLY, ARTICLES[0], ARTICLES[8], ARTICLES[14]], 1)
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_{SITE}</title></head><body>'
        f'<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul><div class="main">{main}</div>'
        f'<div class="side"><div class="hd"><h3>热点内容</h3></div><ol>{hot}</ol></div>'
        f'<div class="footer"><a href="/about.html">关于我们</a> <a href="http://beian.example.cn/">京ICP备000号</a></div>'
        "</body></html>"
    )


def listing_page(channel: str, items: list[tuple[str, str]], pager: str) -> str:
    rows = "".join(f'<li><a href="{url}">{TITLES[url]}</a><span class="date">{date}</span></li>' for url, date in items)
    return page(
        channel,
        f'<div class="crumb">当前位置:<a href="/">首页</a> &gt; {channel}</div><ul class="list">{rows}</ul>{pager}',
    )


def article_page(url: str, day: int | None) -> str:
    meta = f"2024-09-{day:02d} 10:00 来源:新华社" if day else "来源:新华社"
    body = "".join(
        f"<p>{TITLES[url]}：这是正文的第{n}段，央行今日开展1000亿元7天期逆回购操作，中标利率持平。</p>"
        for n in (1, 2, 3)
    )
    related = "".join(f'<li><a href="{other}">{TITLES[other]}</a></li>' for other in ARTICLES[:3] if other != url)
    return page(
        TITLES[url],
        f'<h1>{TITLES[url]}</h1><div class="info">{meta}</div><div class="text">{body}</div>'
        f'<div class="related"><h3>相关推荐</h3><ul>{related}</ul></div>',
    )


def portal() -> dict[str, str]:
    """Path (and query) -> HTML of every page of the portal."""
    pages = {"/about.html": page("关于我们", f"<h1>关于我们</h1><p>{SITE}创办于2010年，是一家财经资讯网站。</p>" * 3)}
    for channel, listings in CHANNELS.items():
        pages.update({path: listing_page(channel, items, PAGERS.get(path, "")) for path, items in listings.items()})
    for url in [*ARTICLES, WIDGET_ONLY, UNDATED_WIDGET_ONLY]:
        pages[url] = article_page(url, None if url in (UNDATED_LISTED, UNDATED_WIDGET_ONLY) else 3)
    newest = "".join(f'<li><span>09-03</span><a href="{url}">{TITLES[url]}</a></li>' for url in ARTICLES[::6])
    pages["/"] = page(SITE, f'<div class="block"><h2>最新文章</h2><ul>{newest}</ul></div>')
    return pages


@pytest.fixture(scope="module")
def portal_url() -> Iterator[str]:
    pages = portal()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def crawl(start_url: str, db_url: str, *settings: str) -> list[dict[str, Any]]:
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={start_url}/",
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=WARNING", *loopback_arguments(), *settings],
        cwd=PROJECT, check=True, timeout=120,
    )  # fmt: skip
    return export(db_url)


def test_a_portal_of_unknown_url_forms_is_crawled_from_its_start_url(portal_url: str, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/generic.db"
    records = {record["url"].removeprefix(portal_url): record for record in crawl(portal_url, db_url)}
    # Every article (/news/?page=3 is linked by no page: 尾页 gives the range), and no listing or about page.
    assert sorted(records) == sorted([*ARTICLES, WIDGET_ONLY, UNDATED_WIDGET_ONLY])
    assert {url: record["title"] for url, record in records.items()} == TITLES
    assert {url for url, record in records.items() if record["date_source"] != "page"} == {
        UNDATED_LISTED,
        UNDATED_WIDGET_ONLY,
    }
    # An undated page is dated by the listing that lists it, relative to the crawl time...
    listed = records[UNDATED_LISTED]
    assert listed["date_source"] == "listing"
    age = datetime.fromisoformat(listed["crawled_at"]) - datetime.fromisoformat(listed["published_at"])
    assert abs(age - timedelta(hours=3)) < timedelta(minutes=2)
    # ... not by a widget's date beside its link: a widget is no main list (3小时前 there too).
    assert (records[UNDATED_WIDGET_ONLY]["date_source"], records[UNDATED_WIDGET_ONLY]["published_at"]) == (
        "url",
        "2024-09-01T00:00:00+08:00",
    )
    [stats] = run_stats(db_url)
    assert stats["finnews/classified/article"] == len(ARTICLES) + 1  # all but the one of a known URL form
    assert stats["finnews/classified/listing"] == 4  # the 3 channels and 关于我们
    assert "log_count/ERROR" not in stats


def test_max_listing_pages_stops_at_the_channels(portal_url: str, tmp_path: Path) -> None:
    """The home page's links to the 3 channels use up FINNEWS_MAX_LISTING_PAGES=3: no page 2, no widget
    link of unknown kind, only the articles of the home page and of each channel's first page."""
    records = crawl(portal_url, f"sqlite:///{tmp_path}/limited.db", "-s", "FINNEWS_MAX_LISTING_PAGES=3")
    first_pages = [url for pages in CHANNELS.values() for url, _ in next(iter(pages.values()))]
    expected = {*first_pages, *ARTICLES[::6], UNDATED_WIDGET_ONLY}
    assert {record["url"].removeprefix(portal_url) for record in records} == expected
