"""The portal spider's routing on saved responses (no sockets): what it follows, what it yields."""

from __future__ import annotations

import asyncio
import gc
import time
from types import SimpleNamespace
from typing import Any

import pytest
from parsel import Selector
from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.exceptions import DontCloseSpider, DropItem, IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import Article, Gone
from crawler.middlewares import PORTAL
from crawler.spiders.articles import SCHEDULED_ARTICLES
from crawler.spiders.portal import PortalSpider
from crawler.workers import WorkerLost
from pipelines.normalize import NormalizePipeline
from tests.crawls import PROJECT_SETTINGS, normalized

LISTING = """<html><body>
<ul class="nav"><li><a href="/news/">财经</a></li><li><a href="/stock/">股票</a></li><li><a href="/bank/">银行</a></li></ul>
<ul><li><span>09-03</span><a href="/a/20240903/1.html">央行开展逆回购操作</a></li>
<li><span>3小时前</span><a href="/a/20240903/2.html">沪指收涨成交放量</a></li>
<li><a href="/a/20240903/1.html">央行开展逆回购操作 (again)</a></li><li><a href="/member/login.html">登录</a></li>
<li><a href="/uploads/report.pdf">二季度货币政策报告</a></li><li><a href="http://other.cn/a/20240903/3.html">外站的文章标题</a></li></ul>
<div class="side"><h3>热点内容</h3><ol><li><i>1</i><a href="/a/20240901/7.html">一则热门文章的标题</a><span>09-01</span></li>
<li><i>2</i><a href="/a/20240903/2.html">沪指收涨成交放量</a></li><li><i>3</i><a href="/a/20240901/8.html">又一则热门文章</a></li></ol></div>
<div class="pages"><a href="list_5_2.html">2</a><a href="list_5_2.html">下一页</a><a href="list_5_4.html">末页</a></div>
</body></html>"""


def spider(site: str | None = "dede", **settings: Any) -> PortalSpider:
    """A spider crawling http://x.cn/ with the profile `site` (None: the generic profile)."""
    crawler = get_crawler(PortalSpider, settings_dict={**PROJECT_SETTINGS, **settings})
    crawler.stats.open_spider()
    return PortalSpider.from_crawler(crawler, site=site, start_url="http://x.cn/")


def callback(request: Request) -> str:
    """The name of the spider method `request` goes to ("parse_article" for an article page, "parse_listing" for a
    listing, read in the crawl's process or, FINNEWS_EXTRACTION_PROCESSES, in a worker: `parse_article_in_worker`,
    `parse_listing_in_worker`)."""
    assert request.callback is not None
    return request.callback.__name__.removesuffix("_in_worker")


def listing_requests(spider: PortalSpider) -> list[Request]:
    response = HtmlResponse("http://x.cn/news/", body=LISTING.encode(), encoding="utf-8")
    return list(spider.parse_listing(response, spider.profiles[0]))


def test_a_listing_yields_its_articles_once_with_their_dates_and_its_listings() -> None:
    requests = listing_requests(spider())
    articles = [(r.url, r.cb_kwargs["listing_date"]) for r in requests if callback(r) == "parse_article"]
    assert articles == [
        ("http://x.cn/a/20240903/1.html", "09-03"),
        ("http://x.cn/a/20240903/2.html", "3小时前"),
        ("http://x.cn/a/20240901/7.html", None),  # a widget's link: followed, its date not taken
        ("http://x.cn/a/20240901/8.html", None),
    ]
    listings = [r.url for r in requests if callback(r) == "parse_listing"]
    assert listings == [
        "http://x.cn/news/",
        "http://x.cn/stock/",
        "http://x.cn/bank/",
        "http://x.cn/news/list_5_2.html",
        "http://x.cn/news/list_5_4.html",
        "http://x.cn/news/list_5_3.html",  # between the last page and the pages linked
    ]


def test_max_listing_pages_counts_distinct_pages() -> None:
    requests = listing_requests(spider(FINNEWS_MAX_LISTING_PAGES=2))
    assert [r.url for r in requests if callback(r) == "parse_listing"] == [
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
    outputs = list(s.parse_article(response, s.profiles[0], "09-03"))
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
    assert (article.source_raw or "").startswith("来源:千龙网") and article.category == "财经"
    assert article.listing_date_raw == "09-03" and article.site_name == "财经快讯网"


def test_a_page_with_a_wrong_declared_charset_is_repaired() -> None:
    s = spider()
    body = ARTICLE.replace("<head>", '<head><meta charset="utf-8">').encode("gbk")
    response = HtmlResponse(
        "http://x.cn/a/20240903/1.html", body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    *_, counter = s.parse_article(response, s.profiles[0], None)
    assert counter.cb_kwargs["article"].title == "央行开展逆回购"
    assert s.crawler.stats.get_value("finnews/charset_repaired") == 1


def test_a_utf8_page_declared_gbk_is_read_as_utf8_where_gbk_would_read_it_without_an_error() -> None:
    """A site moved to UTF-8 with its old declaration: these words' UTF-8 bytes are also GB18030 ("央行" -> "澶"),
    so its text decoded as declared holds no U+FFFD to tell the error by."""
    page = """<html><head><title>央行公告_财经新闻</title></head><body><h1>央行公告</h1>
<div class="info">2024-09-03 11:54 来源:新闻</div><div class="content"><p>央行公告,利率下行,债券基金股票数据增长.</p>
<p>企业公司业绩发布,政策改革.</p></div></body></html>"""
    response = HtmlResponse(
        "http://x.cn/a/20240903/1.html", body=page.encode(), headers={"Content-Type": "text/html; charset=gbk"}
    )
    assert "\ufffd" not in response.text and "央行" not in response.text  # Scrapy's decoding, as declared
    s = spider()
    [article] = [output for output in s.parse_article(response, s.profiles[0], None) if isinstance(output, Article)]
    assert article.title == "央行公告"
    assert article.body == "央行公告,利率下行,债券基金股票数据增长.\n企业公司业绩发布,政策改革."
    assert s.crawler.stats.get_value("finnews/charset_repaired") == 1


@pytest.mark.parametrize(
    "body",
    [
        b"\xef\xbb\xbf" + ARTICLE.encode(),  # a byte-order mark, which the response's text leaves out
        b"\n  " + ARTICLE.encode() + b"\n",  # spaces around the page
        ARTICLE.replace("<body>", "<body>\x00").encode(),  # a NUL byte
    ],
    ids=["bom", "spaces", "nul"],
)
def test_a_utf8_pages_bytes_read_as_its_text(body: bytes) -> None:
    """The spider parses a UTF-8 page's bytes as they are where they are its text: the same item either way."""

    def item(page: bytes) -> dict[str, Any]:
        s = spider()
        response = HtmlResponse("http://x.cn/a/20240903/1.html", body=page, headers={"Content-Type": "text/html"})
        *_, counter = s.parse_article(response, s.profiles[0], None)
        article = counter.cb_kwargs["article"]
        return {name: getattr(article, name) for name in ("title", "date_raw", "source_raw", "body", "category")}

    expected = item(ARTICLE.encode())
    assert expected["title"] == "央行开展逆回购" and expected["body"]
    assert item(body) == expected


def test_a_portal_known_by_its_url_only_is_named_by_its_home_page() -> None:
    s = spider(site=None)
    [generic] = s.profiles
    home = LISTING.replace("<body>", "<head><title>天下金融网 - 专业财经资讯门户</title></head><body>")
    response = HtmlResponse("http://x.cn/", body=home.encode(), encoding="utf-8")
    requests = list(s.parse_listing(response, generic))
    assert {r.cb_kwargs["profile"].site_name for r in requests} == {"天下金融网"}


# A listing of a portal whose URLs match no article pattern: its content tells what each page is.
UNUSUAL_LISTING = """<html><body>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/company/">公司</a></li></ul>
<ul class="list"><li><a href="/news/show?id=1">央行开展逆回购操作</a><span>昨天 14:20</span></li>
<li><a href="/content/20240903/abc.shtml">沪指收涨成交放量</a><span>2天前</span></li></ul>
<div><h3>相关推荐</h3><ul><li><a href="/p/98765">一则推荐文章的标题</a></li><li><a href="/p/98766">又一则推荐文章</a></li></ul></div>
<div class="pages"><a href="/news/?page=2">下一页</a></div></body></html>"""

UNUSUAL_ARTICLE = """<html><head><title>央行开展逆回购操作_测试财经网</title></head><body>
<h1>央行开展逆回购操作</h1><div class="info">来源:新华社</div>
<div class="text"><p>央行今日开展1000亿元7天期逆回购操作，中标利率持平于1.70%。</p>
<p>因今日有500亿元逆回购到期，当日实现净投放500亿元。</p></div>
<div><h3>相关推荐</h3><ul><li><a href="/p/98765">一则推荐文章的标题</a></li><li><a href="/p/98766">又一则推荐文章</a></li></ul></div>
</body></html>"""


def test_a_generic_listing_sends_pages_of_unknown_urls_to_be_classified() -> None:
    s = spider(site=None)
    response = HtmlResponse("http://x.cn/news/", body=UNUSUAL_LISTING.encode(), encoding="utf-8")
    requests = list(s.parse_listing(response, s.profiles[0]))
    assert [
        (r.url, callback(r), r.cb_kwargs.get("listing_date"), getattr(r.errback, "__name__", None)) for r in requests
    ] == [
        ("http://x.cn/company/", "parse_page", None, "listing_failed"),  # "/" is the start URL, requested already
        ("http://x.cn/news/show?id=1", "parse_page", "昨天 14:20", "article_failed"),  # the main list: articles, dated
        ("http://x.cn/content/20240903/abc.shtml", "parse_page", "2天前", "article_failed"),
        ("http://x.cn/p/98765", "parse_page", None, "listing_failed"),  # a widget: followed, as any other page
        ("http://x.cn/p/98766", "parse_page", None, "listing_failed"),
        ("http://x.cn/news/?page=2", "parse_listing", None, "listing_failed"),
    ]


def test_a_page_of_unknown_url_is_an_article_or_a_listing_by_its_content() -> None:
    s = spider(site=None)
    [generic] = s.profiles
    article_page = HtmlResponse("http://x.cn/news/show?id=1", body=UNUSUAL_ARTICLE.encode(), encoding="utf-8")
    [article] = s.parse_page(article_page, generic, "昨天 14:20")  # related links of unknown URLs: not followed
    assert isinstance(article, Article)
    assert (article.url, article.title, article.date_raw, article.listing_date_raw) == (
        "http://x.cn/news/show?id=1",
        "央行开展逆回购操作",
        None,
        "昨天 14:20",
    )
    undated = [r.url for r in s.parse_page(article_page, generic)]  # undated and listed nowhere: a listing
    assert undated == ["http://x.cn/p/98765", "http://x.cn/p/98766"]
    listing = HtmlResponse("http://x.cn/company/", body=UNUSUAL_LISTING.encode(), encoding="utf-8")
    assert {r.url for r in s.parse_page(listing, generic)} >= {"http://x.cn/news/show?id=1"}
    stats = s.crawler.stats.get_stats()
    assert (stats["finnews/classified/article"], stats["finnews/classified/listing"]) == (1, 2)


def test_an_article_waiting_in_the_pipelines_keeps_no_parsed_page() -> None:
    """An article waits in the pipelines for the writer's commit while its page's callback is suspended (Scrapy
    takes a callback's outputs one at a time): the page's parsed tree must be freed by then, not held by the
    callback's frames, or every article waiting for the writer holds one (~75 KB a sample page)."""
    s = spider(site=None)
    [generic] = s.profiles
    page = HtmlResponse("http://x.cn/news/show?id=1", body=UNUSUAL_ARTICLE.encode(), encoding="utf-8")
    for outputs in (s.parse_page(page, generic, "昨天 14:20"), s.parse_article(page, generic, "昨天 14:20")):
        gc.collect()
        before = sum(isinstance(thing, Selector) for thing in gc.get_objects())
        article = next(output for output in outputs if isinstance(output, Article))
        gc.collect()
        assert article.title == "央行开展逆回购操作"
        assert sum(isinstance(thing, Selector) for thing in gc.get_objects()) == before
        assert list(outputs) == []


# A listing whose dated links share a URL shape no generic pattern knows; a side list shows one more of that shape.
SHAPED_LISTING = (
    """<html><body>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/company/">公司</a></li></ul>
<ul class="list">"""
    + "".join(
        f'<li><a href="/news/show?id={n}">第{n}条新闻的标题文字</a><span>09-0{n}</span></li>' for n in range(1, 5)
    )
    + """</ul>
<div><h3>相关推荐</h3><ul><li><a href="/news/show?id=90">一则推荐文章的标题</a></li>
<li><a href="/p/98765">又一则推荐文章</a></li></ul></div></body></html>"""
)


def test_the_url_shape_of_a_listings_dated_links_makes_other_links_of_that_shape_articles() -> None:
    s = spider(site=None)
    [generic] = s.profiles
    response = HtmlResponse("http://x.cn/news/", body=SHAPED_LISTING.encode(), encoding="utf-8")
    routed = {r.url: callback(r) for r in s.parse_listing(response, generic)}
    assert routed == {
        "http://x.cn/company/": "parse_page",
        **{f"http://x.cn/news/show?id={n}": "parse_article" for n in (1, 2, 3, 4, 90)},  # listed or not: the shape
        "http://x.cn/p/98765": "parse_page",  # another shape: its content will tell
    }
    assert s.crawler.stats.get_value("finnews/links/by_url_shape") == 5
    # a page of that shape reached another way is an article by its URL (undated, its content alone says listing)
    page = HtmlResponse("http://x.cn/news/show?id=91", body=UNUSUAL_ARTICLE.encode(), encoding="utf-8")
    [article] = s.parse_page(page, generic)
    assert isinstance(article, Article) and article.url == "http://x.cn/news/show?id=91"
    assert s.crawler.stats.get_value("finnews/classified/by_url_shape") == 1


def test_a_page_robots_txt_forbids_is_skipped_not_lost() -> None:
    s = spider()
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = Request("http://x.cn/private/1.html")  # type: ignore[attr-defined]
    assert list(s.article_failed(failure)) == []
    stats = s.crawler.stats.get_stats()
    assert stats.get("finnews/skipped/ignored") == 1 and "finnews/failed/article" not in stats


@pytest.mark.parametrize("status", [404, 410])
def test_a_dead_article_link_is_a_gone_page(status: int) -> None:
    s = spider()
    request = Request("http://x.cn/a/20240903/1.html", meta={PORTAL: "dede"})
    failure = Failure(HttpError(HtmlResponse(request.url, status=status, request=request), "Ignoring"))
    failure.request = request  # type: ignore[attr-defined]
    [gone] = s.article_failed(failure)
    assert isinstance(gone, Gone) and (gone.url, gone.site, gone.status) == (request.url, "dede", status)
    assert s.crawler.stats.get_value("finnews/dead_link") == 1


def test_a_not_found_page_where_an_article_was_is_a_gone_page() -> None:
    s = spider()
    [profile] = s.profiles
    page = "<title>文章不存在 - 财经网</title><p>您要查看的文章不存在或已被删除。</p>"
    response = HtmlResponse("http://x.cn/a/20240903/1.html", body=page.encode(), encoding="utf-8")
    [gone] = s.parse_article(response, profile, None)
    assert isinstance(gone, Gone) and gone.status == 200
    assert s.crawler.stats.get_value("finnews/gone_page") == 1


def paged_listing(number: int, last: int) -> bytes:
    """Page `number` of a listing of `last` pages (1: its first, http://x.cn/news/), one article on each."""
    links = f'<a href="/a/20240903/{number}.html">第{number}页的一则新闻标题</a>'
    if number > 1:
        links += f'<a href="list_5_{number - 1}.html">上一页</a>' if number > 2 else '<a href="/news/">上一页</a>'
    if number < last:
        links += f'<a href="list_5_{number + 1}.html">下一页</a>'
    return f'<html><body><div class="pages">{links}<a href="list_5_{last}.html">末页</a></div></body></html>'.encode()


def page_number(url: str) -> int:
    return int(url.rpartition("_")[2].partition(".")[0])


def test_a_listings_pages_are_queued_a_few_at_a_time_each_once_a_lost_one_too() -> None:
    s = spider()
    [profile] = s.profiles
    s.requested.add("http://x.cn/news/")  # as a link of the home page
    first = HtmlResponse("http://x.cn/news/", body=paged_listing(1, 12), encoding="utf-8")
    queue = [r for r in s.parse_listing(first, profile) if callback(r) == "parse_listing"]
    assert [r.url for r in queue] == [f"http://x.cn/news/list_5_{n}.html" for n in (2, 12, 3)]  # 2 and 末页: linked
    fetched, most = [], len(queue)
    while queue:  # last in, first out, as Scrapy's scheduler
        request = queue.pop()
        fetched.append(request.url)
        if page_number(request.url) == 7:  # lost after Scrapy's retries: its series goes on
            failure = Failure(HttpError(HtmlResponse(request.url, status=500, request=request), "Ignoring"))
            failure.request = request  # type: ignore[attr-defined]
            outputs = list(s.listing_failed(failure))
        else:
            body = paged_listing(page_number(request.url), 12)
            response = HtmlResponse(request.url, body=body, encoding="utf-8", request=request)
            outputs = list(s.parse_listing(response, **request.cb_kwargs))
        queue += [r for r in outputs if callback(r) == "parse_listing"]
        most = max(most, len(queue))
    assert sorted(fetched, key=page_number) == [f"http://x.cn/news/list_5_{n}.html" for n in range(2, 13)]
    assert most == 3  # never every page at once
    assert s.crawler.stats.get_value("finnews/failed/listing") == 1


def related_page(number: int, links: range) -> bytes:
    """Article page `number`, linking to the article pages numbered `links` (相关推荐)."""
    related = "".join(f'<li><a href="/a/20240902/{n}.html">相关的第{n}篇文章</a></li>' for n in links)
    return (
        f"<html><body><h1>第{number}篇文章</h1><div class='content'><p>第{number}篇文章的正文。</p></div>"
        f"<div class='related'><h3>相关推荐</h3><ul>{related}</ul></div></body></html>"
    ).encode()


def test_an_article_pages_related_links_wait_in_the_spider_and_are_all_fetched_once() -> None:
    s = spider(SCHEDULER_PRIORITY_QUEUE="scrapy.pqueues.ScrapyPriorityQueue")  # the default's, with no downloader
    [profile] = s.profiles
    scheduler = Scheduler.from_crawler(s.crawler)  # Scrapy's own, last in first out, in memory
    s.crawler.spider = s
    scheduler.open(s)
    engine = SimpleNamespace(scheduler=scheduler, crawl=scheduler.enqueue_request)
    s.crawler.crawling, s.crawler.engine = True, engine  # type: ignore[assignment]
    first = HtmlResponse("http://x.cn/a/20240903/1.html", body=related_page(1, range(1, 301)), encoding="utf-8")
    for output in s.parse_article(first, profile, None):
        if isinstance(output, Request):
            scheduler.enqueue_request(output)
    fetched, most = [], len(scheduler)
    while (request := scheduler.next_request()) is not None:
        s.left_scheduler(request)  # the downloader took it
        fetched.append(request.url)
        number = int(request.url.rsplit("/", 1)[1].split(".")[0])
        body = related_page(number, range(1 + number * 7 % 296, 6 + number * 7 % 296))  # links seen before
        response = HtmlResponse(request.url, body=body, encoding="utf-8", request=request)
        for output in s.parse_article(response, **request.cb_kwargs):
            if isinstance(output, Request):
                scheduler.enqueue_request(output)
        most = max(most, len(scheduler))
        if len(fetched) == 200:  # the crawl's other pages are done: the spider would be idle
            with pytest.raises(DontCloseSpider):
                s.idle()
    assert sorted(fetched) == sorted(f"http://x.cn/a/20240902/{n}.html" for n in range(1, 301))
    assert most == SCHEDULED_ARTICLES  # 300 links, never more than 64 requests of them waiting in the queue
    s.idle()  # nothing waits: the crawl may end


class _DeadWorkers:
    """Extraction workers whose every task dies with its worker (`crawler.workers.WorkerLost`)."""

    ready = True

    async def run(self, *_: Any) -> Any:
        raise WorkerLost("extraction worker process 4242 ended (took over 60 s: killed)")


def test_a_page_whose_worker_died_is_an_article_lost_counted_and_said(caplog: pytest.LogCaptureFixture) -> None:
    s = spider(FINNEWS_EXTRACTION_PROCESSES=1)
    s._extraction = _DeadWorkers()  # type: ignore[assignment]
    response = HtmlResponse("http://x.cn/a/20240903/1.html", body=ARTICLE.encode(), encoding="utf-8")

    async def outputs() -> list[Any]:
        return [output async for output in s.parse_article_in_worker(response, s.profiles[0], "09-03")]

    assert asyncio.run(outputs()) == []
    assert s.crawler.stats.get_value("finnews/failed/article") == 1
    assert s.incomplete == {s.profiles[0].name}  # its portal not crawled completely: no removal judged from it
    assert "article lost: http://x.cn/a/20240903/1.html (extraction worker process 4242 ended" in caplog.text


def test_an_article_whose_worker_died_while_normalising_it_is_lost_counted_and_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    s = spider(FINNEWS_EXTRACTION_PROCESSES=1)
    s._extraction = _DeadWorkers()  # type: ignore[assignment]
    s.crawler.spider = s
    article = Article(url="http://x.cn/a/20240903/1.html", site=s.profiles[0].name, title="标题", body="正文")
    with pytest.raises(DropItem):
        normalized(NormalizePipeline.from_crawler(s.crawler), article)
    assert s.crawler.stats.get_value("finnews/failed/article") == 1
    assert s.incomplete == {s.profiles[0].name}
    assert "article lost: http://x.cn/a/20240903/1.html (extraction worker process 4242 ended" in caplog.text


def test_a_listing_read_in_a_worker_process_yields_what_it_yields_read_in_the_crawls() -> None:
    s = spider(FINNEWS_EXTRACTION_PROCESSES=1)
    response = HtmlResponse("http://x.cn/news/", body=LISTING.encode("gbk"), headers={"Content-Type": "text/html"})

    async def outputs() -> list[Request]:
        workers = s.start_extraction()
        try:
            deadline = time.monotonic() + 60
            while not workers.ready and time.monotonic() < deadline:  # a spawned Python takes a while to import
                await asyncio.sleep(0.01)
            return [request async for request in s.parse_listing_in_worker(response, s.profiles[0])]
        finally:
            s.stop_extraction()

    requests = asyncio.run(outputs())
    assert s.crawler.stats.get_value("finnews/listings/read_in_worker") == 1
    in_process = listing_requests(spider())
    assert [(r.url, callback(r), r.cb_kwargs.get("listing_date")) for r in requests] == [
        (r.url, callback(r), r.cb_kwargs.get("listing_date")) for r in in_process
    ]
    assert {callback(r) for r in requests} == {"parse_article", "parse_listing"} and len(requests) == 10


def test_a_listing_whose_worker_died_is_a_listing_lost_counted_and_said(caplog: pytest.LogCaptureFixture) -> None:
    s = spider(FINNEWS_EXTRACTION_PROCESSES=1)
    s._extraction = _DeadWorkers()  # type: ignore[assignment]
    response = HtmlResponse("http://x.cn/news/", body=LISTING.encode(), encoding="utf-8")

    async def outputs() -> list[Request]:
        return [request async for request in s.parse_listing_in_worker(response, s.profiles[0])]

    assert asyncio.run(outputs()) == []
    assert s.crawler.stats.get_value("finnews/failed/listing") == 1
    assert s.incomplete == {s.profiles[0].name}  # what it lists is not seen: no complete crawl
    assert "listing lost: http://x.cn/news/ (extraction worker process 4242 ended" in caplog.text
