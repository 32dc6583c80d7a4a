"""The portal spider's routing on saved responses (no sockets): what it follows, what it yields."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import profiles
from crawler import settings as project_settings
from crawler.items import Article
from crawler.spiders.portal import PortalSpider

LISTING = """<html><body>
<ul class="nav"><li><a href="/news/">财经</a></li><li><a href="/stock/">股票</a></li><li><a href="/bank/">银行</a></li></ul>
<ul><li><span>09-03</span><a href="/a/20240903/1.html">第一条</a></li>
<li><span>3小时前</span><a href="/a/20240903/2.html">第二条</a></li>
<li><a href="/a/20240903/1.html">第一条 (again)</a></li><li><a href="/member/login.html">登录</a></li>
<li><a href="/uploads/report.pdf">报告</a></li><li><a href="http://other.cn/a/20240903/3.html">外站</a></li></ul>
<div class="pages"><a href="list_5_2.html">2</a><a href="list_5_2.html">下一页</a></div></body></html>"""


PROJECT_SETTINGS = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}


def spider(**settings: Any) -> PortalSpider:
    crawler = get_crawler(PortalSpider, settings_dict={**PROJECT_SETTINGS, **settings})
    crawler.stats.open_spider()  # type: ignore[union-attr]
    return PortalSpider.from_crawler(crawler, site="dede", start_url="http://x.cn/")  # type: ignore[no-any-return]


def listing_requests(spider: PortalSpider) -> list[Request]:
    response = HtmlResponse("http://x.cn/news/", body=LISTING.encode(), encoding="utf-8")
    return list(spider.parse_listing(response, profiles.load("dede")))


def test_a_listing_yields_its_articles_once_with_their_dates_and_its_listings() -> None:
    requests = listing_requests(spider())
    articles = [(r.url, r.cb_kwargs["listing_date"]) for r in requests if r.callback.__name__ == "parse_article"]
    assert articles == [("http://x.cn/a/20240903/1.html", "09-03"), ("http://x.cn/a/20240903/2.html", "3小时前")]
    listings = [r.url for r in requests if r.callback.__name__ == "parse_listing"]
    assert listings == [
        "http://x.cn/news/",
        "http://x.cn/stock/",
        "http://x.cn/bank/",
        "http://x.cn/news/list_5_2.html",
    ]


def test_max_listing_pages_counts_distinct_pages() -> None:
    requests = listing_requests(spider(FINNEWS_MAX_LISTING_PAGES=2))
    assert [r.url for r in requests if r.callback.__name__ == "parse_listing"] == [
        "http://x.cn/news/",
        "http://x.cn/stock/",
    ]


ARTICLE = """<html><head><title>央行开展逆回购_财经快讯网</title></head><body>
<div class="position">当前位置:<a href="/">主页</a> > <a href="/news/">财经</a> > </div>
<h1>央行开展逆回购</h1>
<div class="info">时间:2024-09-03 11:54 来源:千龙网 点击:<script src="/plus/count.php?view=yes&aid=1&mid=1"></script></div>
<div class="content"><p>央行今日开展1000亿元逆回购操作。</p></div>
<ul><li>上一篇:<a href="/a/20240902/7.html">昨天的新闻</a></li></ul></body></html>"""


def test_an_article_page_asks_for_its_read_count_then_yields_the_item() -> None:
    s = spider()
    response = HtmlResponse("http://x.cn/a/20240903/1.html", body=ARTICLE.encode(), encoding="utf-8")
    outputs = list(s.parse_article(response, profiles.load("dede"), "09-03"))
    related, counter = outputs
    assert related.url == "http://x.cn/a/20240902/7.html" and related.cb_kwargs["listing_date"] is None
    assert counter.url == "http://x.cn/plus/count.php?view=yes&aid=1&mid=1"
    script = HtmlResponse(counter.url, body=b"document.write('11003');", encoding="utf-8", request=counter)
    [article] = s.parse_counter(script, **counter.cb_kwargs)
    assert isinstance(article, Article)
    assert (article.title, article.date_raw, article.views_raw) == (
        "央行开展逆回购",
        "2024-09-03 11:54",
        "document.write('11003');",
    )
    assert article.source_raw.startswith("来源:千龙网") and article.category == "财经"
    assert article.listing_date_raw == "09-03" and article.site_name == "财经快讯网"


def test_a_page_with_a_wrong_declared_charset_is_repaired() -> None:
    s = spider()
    body = ARTICLE.replace("<head>", '<head><meta charset="utf-8">').encode("gbk")
    response = HtmlResponse(
        "http://x.cn/a/20240903/1.html", body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    *_, counter = s.parse_article(response, profiles.load("dede"), None)
    assert counter.cb_kwargs["article"].title == "央行开展逆回购"
    assert s.crawler.stats.get_value("finnews/charset_repaired") == 1


def test_a_portal_known_by_its_url_only_is_named_by_its_home_page() -> None:
    crawler = get_crawler(PortalSpider, settings_dict=PROJECT_SETTINGS)
    crawler.stats.open_spider()  # type: ignore[union-attr]
    s = PortalSpider.from_crawler(crawler, start_url="http://x.cn/")
    [generic] = s.profiles
    home = LISTING.replace("<body>", "<head><title>天下金融网 - 专业财经资讯门户</title></head><body>")
    response = HtmlResponse("http://x.cn/", body=home.encode(), encoding="utf-8")
    requests = list(s.parse_listing(response, generic))
    assert {r.cb_kwargs["profile"].site_name for r in requests} == {"天下金融网"}
