"""End to end: a portal whose pages declare `<base href>` (an old CMS: pages under `/news/`, links written from
the site's root, "a/20240903/1.html") is crawled as a browser reads it: listing links, related links, images and
the read-count script resolve against the base, not against the page's own URL. One read-count script answers
in JSON, as newer counters do; one related link is a page fetched already, spelled with https."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawls import crawl_portal, run_stats
from tests.loopback import QuietHandler, serving

pytestmark = pytest.mark.e2e

TITLES = {1: "央行开展1000亿元逆回购操作", 2: "沪指涨0.52%报2802.98点", 3: "新能源汽车销量同比增长30%"}
FILLER = "市场人士表示，近期资金面总体平稳，跨月因素影响有限，流动性合理充裕，政策仍有空间。"


def article_page(number: int) -> str:
    body = "".join(f"<p>{TITLES[number]}。{FILLER}</p>" for _ in range(3))
    related = (  # and the second article again, under https (HOST: the server's, when served)
        '<div class="related">相关阅读：<a href="a/20240903/3.html">新能源汽车销量同比增长30%</a>'
        '<a href="https://HOST/a/20240903/2.html">沪指涨0.52%报2802.98点</a></div>'
    )
    return (
        f"<html><head><meta charset='utf-8'><title>{TITLES[number]}_测试财经网</title><base href='/'></head><body>"
        f"<h1>{TITLES[number]}</h1><div class='info'>2024-09-03 11:54 来源:新华社 点击：<script "
        f"src='plus/count.php?aid={number}'></script></div><div class='content'>{body}"
        f"<p><img src='uploads/{number}.jpg'></p></div>{related if number == 1 else ''}</body></html>"
    )


@pytest.fixture
def portal() -> Iterator[tuple[str, list[str]]]:
    """The portal's listing URL and the paths it was asked for."""
    asked: list[str] = []
    listing = "".join(f'<li><a href="a/20240903/{n}.html">{TITLES[n]}</a> <span>2024-09-03</span></li>' for n in (1, 2))
    pages = {
        "/news/index.html": "<html><head><title>新闻_测试财经网</title><base href='/'></head>"
        f"<body><ul class='list'>{listing}</ul></body></html>",
        **{f"/a/20240903/{n}.html": article_page(n) for n in TITLES},
    }

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            if self.path == "/plus/count.php?aid=2":  # a counter answering in JSON
                status, body, kind = 200, '{"code":0,"data":{"hits":1002}}', "application/json"
            elif self.path.startswith("/plus/count.php?aid="):
                status, body, kind = 200, f"document.write('{1000 + int(self.path[-1])}');", "application/javascript"
            elif self.path == "/robots.txt":
                status, body, kind = 200, "User-agent: *\nAllow: /\n", "text/plain"
            else:
                status, kind = 200, "text/html; charset=utf-8"
                body = pages.get(self.path, "").replace("HOST", self.headers["Host"])
                if self.path not in pages:
                    status, body = 404, "<html><title>404 Not Found</title></html>"
            self.answer(status, body, kind)

    with serving(Handler) as base:
        yield base + "/news/index.html", asked


def test_links_images_and_counters_resolve_against_the_base(portal: tuple[str, list[str]], tmp_path: Path) -> None:
    listing, asked = portal
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    records = crawl_portal(listing, db_url)
    site = listing.removesuffix("news/index.html")
    assert set(records) == {f"{site}a/20240903/{n}.html" for n in TITLES}  # 3: a related link of 1
    for number, title in TITLES.items():
        record = records[f"{site}a/20240903/{number}.html"]
        assert (record["title"], record["views"]) == (title, 1000 + number)
        assert record["images"] == [f"{site}uploads/{number}.jpg"]
    assert not [path for path in asked if path.startswith("/news/a/")]  # nothing resolved against the page's URL
    # the https spelling of a page fetched already is that page: not fetched (this server speaks no TLS)
    assert "finnews/failed/article" not in run_stats(db_url)[-1]
