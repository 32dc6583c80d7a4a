"""URL canonical forms and the page URL an article is stored under."""

from __future__ import annotations

import pytest

from crawler import profiles
from crawler.extract.page import page_url
from crawler.extract.urls import canonical_url, same_site
from sampleportals import PROFILE_DIR


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.cn/a/20240903/1.html", "http://x.cn/a/20240903/1.html"),
        ("http://x.cn/a/1.html#comments", "http://x.cn/a/1.html"),
        ("http://x.cn/a/1.html?utm_source=wechat&utm_medium=social", "http://x.cn/a/1.html"),
        ("http://x.cn/a/1.html?from=timeline&isappinstalled=0", "http://x.cn/a/1.html"),
        ("http://x.cn/show.php?id=5&spm=a2c4g.1", "http://x.cn/show.php?id=5"),
        ("http://x.cn/list.php?page=2&catid=6", "http://x.cn/list.php?catid=6&page=2"),
        ("http://x.cn/news/index.html", "http://x.cn/news/"),
        ("http://x.cn/news/default.aspx", "http://x.cn/news/"),
        ("http://x.cn/%e8%b4%a2%e7%bb%8f/1.html", "http://x.cn/%E8%B4%A2%E7%BB%8F/1.html"),
        ("http://x.cn/财经/1.html", "http://x.cn/%E8%B4%A2%E7%BB%8F/1.html"),
        # must NOT change: a page that is no directory index, a parameter that picks the article
        ("http://x.cn/news/index_2.html", "http://x.cn/news/index_2.html"),
        ("http://x.cn/news/index.html?page=2", "http://x.cn/news/index.html?page=2"),
        ("http://x.cn/view.php?aid=1128", "http://x.cn/view.php?aid=1128"),
        ("http://x.cn/view.php?id=1&fromage=3", "http://x.cn/view.php?fromage=3&id=1"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("http://www.x.cn/a", "http://x.cn/b", True),
        ("https://x.cn/a", "http://x.cn:80/b", True),
        ("http://x.cn/", "http://news.x.cn/", False),
        ("http://x.cn/", "http://y.cn/", False),
    ],
)
def test_same_site(a: str, b: str, same: bool) -> None:
    assert same_site(a, b) is same


DEDE = profiles.load("dede", PROFILE_DIR)


@pytest.mark.parametrize(
    ("fetched", "declared", "expected"),
    [
        ("http://x.cn/a/20240903/1.html?utm_source=x", None, "http://x.cn/a/20240903/1.html"),
        ("http://x.cn/plus/view.php?aid=1", "http://x.cn/a/20240903/1.html", "http://x.cn/a/20240903/1.html"),
        # not trusted: another site, or no article URL (a CMS pointing every canonical at the home page)
        ("http://x.cn/a/20240903/1.html", "http://y.cn/a/20240903/9.html", "http://x.cn/a/20240903/1.html"),
        ("http://x.cn/a/20240903/1.html", "http://x.cn/", "http://x.cn/a/20240903/1.html"),
    ],
)
def test_page_url_trusts_rel_canonical_only_for_an_article_of_the_site(
    fetched: str, declared: str | None, expected: str
) -> None:
    assert page_url(fetched, declared, DEDE) == expected


@pytest.mark.parametrize(
    ("url", "host", "expected"),
    [
        ("http://m.x.cn/a/1.html", "www.x.cn", "http://www.x.cn/a/1.html"),
        ("https://wap.x.cn/a/1.html?utm_source=app", "www.x.cn", "https://www.x.cn/a/1.html"),
        ("http://www.x.cn/a/1.html", "x.cn", "http://x.cn/a/1.html"),
        ("http://3g.finance.x.cn/a/1.html", "finance.x.cn", "http://finance.x.cn/a/1.html"),
        # must NOT move: another site, another subdomain, another port, a host that is only a suffix
        ("http://m.y.cn/a/1.html", "www.x.cn", "http://m.y.cn/a/1.html"),
        ("http://news.x.cn/a/1.html", "www.x.cn", "http://news.x.cn/a/1.html"),
        ("http://m.x.cn:8080/a/1.html", "www.x.cn", "http://m.x.cn:8080/a/1.html"),
        ("http://www.cn/a/1.html", "cn", "http://www.cn/a/1.html"),
    ],
)
def test_a_page_on_a_host_variant_is_put_on_the_sites_host(url: str, host: str, expected: str) -> None:
    assert canonical_url(url, host) == expected


def test_a_page_reached_on_the_mobile_site_is_stored_under_the_portals_host() -> None:
    profile = profiles.generic("www.x.cn", ["http://www.x.cn/"])
    assert page_url("http://m.x.cn/a/20240903/1.html", None, profile) == "http://www.x.cn/a/20240903/1.html"
    declared = "https://wap.x.cn/a/20240903/1.html"
    assert page_url("http://m.x.cn/a/20240903/1.html", declared, profile) == "https://www.x.cn/a/20240903/1.html"
