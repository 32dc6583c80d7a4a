"""The crawl's seen set (`crawler.seen`): the spider's requested URLs and the dupefilter in one set, kept in JOBDIR."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.seen import SeenDupeFilter, SeenUrls, recorded
from crawler.spiders.portal import PortalSpider
from tests.crawls import PROJECT_SETTINGS


def test_the_dupefilter_lets_a_request_the_spider_recorded_through_and_filters_the_rest() -> None:
    crawler = get_crawler(PortalSpider, settings_dict=PROJECT_SETTINGS)
    spider = PortalSpider.from_crawler(crawler, site="dede", start_url="http://x.cn/")
    crawler.spider = spider
    dupefilter = SeenDupeFilter.from_crawler(crawler)
    dupefilter.open()
    assert dupefilter.seen is spider.requested  # one set for both
    url = "http://x.cn/a/20240903/1.html"
    spider.requested.add(url)
    request = recorded(Request(url))
    assert not dupefilter.request_seen(request)  # recorded by the spider: through, once
    redirected = request.replace(url="http://x.cn/a/20240903/2.html")  # a redirect copies the meta
    assert not dupefilter.request_seen(redirected)
    assert dupefilter.request_seen(redirected.replace())  # its target seen now
    assert "http://x.cn/a/20240903/2.html" in spider.requested  # and the spider will not link it again
    assert dupefilter.request_seen(Request(url))  # not recorded: the page was requested already
    assert dupefilter.request_seen(Request("http://x.cn/list.php?b=2&a=1#top")) is False
    assert dupefilter.request_seen(Request("http://x.cn/list.php?a=1&b=2"))  # the same page, as Scrapy's filter says
    assert not dupefilter.request_seen(Request(url, method="POST", body=b"q=1"))  # by its fingerprint
    assert dupefilter.request_seen(Request(url, method="POST", body=b"q=1"))


def test_the_seen_set_is_kept_in_jobdir_and_read_back(tmp_path: Path) -> None:
    dupefilter = SeenDupeFilter(str(tmp_path))
    dupefilter.open()
    assert not dupefilter.request_seen(Request("http://x.cn/a/1.html"))
    dupefilter.seen.add("http://x.cn/a/2.html")  # as the spider records a URL
    dupefilter.close("shutdown")
    with (tmp_path / "requests.seen").open("ab") as journal:
        journal.write(b"\x00\x08\x01\x02")  # an entry cut short by an unclean stop
    resumed = SeenDupeFilter(str(tmp_path))
    resumed.open()
    assert len(resumed.seen) == 2 and "http://x.cn/a/2.html" in resumed.seen
    assert resumed.request_seen(Request("http://x.cn/a/1.html")) and resumed.request_seen(
        Request("http://x.cn/a/2.html")
    )
    assert "http://x.cn/a/3.html" not in SeenUrls(["http://x.cn/a/1.html"])


def test_a_url_is_seen_under_either_of_http_and_https() -> None:
    seen = SeenUrls(["http://x.cn/a/1.html"])
    assert "https://x.cn/a/1.html" in seen and "http://x.cn/a/1.html" in seen
    assert "https://x.cn/a/2.html" not in seen and "ftp://x.cn/a/1.html" not in seen
