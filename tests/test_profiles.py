"""Portal profiles: the shipped ones load and classify their portal's URLs; bad ones say why."""

from __future__ import annotations

from typing import Any

import pytest

from crawler import profiles
from crawler.spiders.portal import PortalSpider


def test_shipped_profiles() -> None:
    assert profiles.available() == ["dede", "phpcms", "txjr"]
    for name, port in (("dede", 8601), ("phpcms", 8602), ("txjr", 8603)):
        profile = profiles.load(name)
        assert profile.start_urls == (f"http://127.0.0.1:{port}/",)  # the sample portals' default ports
        assert profile.site_name


@pytest.mark.parametrize(
    ("name", "url", "kind"),
    [
        ("dede", "http://127.0.0.1:8601/a/20240903/1128.html", "article"),
        ("dede", "http://127.0.0.1:8601/news/", "listing"),
        ("dede", "http://127.0.0.1:8601/news/list_5_2.html", "listing"),
        ("dede", "http://127.0.0.1:8601/plus/view.php?aid=1128", "article"),  # redirects to the static page
        ("dede", "http://127.0.0.1:8601/plus/search.php?q=x", "denied"),
        ("dede", "http://127.0.0.1:8601/member/", "denied"),
        ("phpcms", "http://127.0.0.1:8602/html/2024/finance_0903/5159.html", "article"),
        ("phpcms", "http://127.0.0.1:8602/html/finance/index_2.html", "listing"),
        ("phpcms", "http://127.0.0.1:8602/list.php?catid=6&page=2", "listing"),
        ("phpcms", "http://127.0.0.1:8602/show-11-5159-1.html", "article"),
        ("phpcms", "http://127.0.0.1:8602/index.php?a=show&c=index&catid=11&id=5159&m=content", "article"),
        ("phpcms", "http://127.0.0.1:8602/index.php?m=member", "denied"),
        ("txjr", "http://127.0.0.1:8603/zixun/2024/0903/30123.html", "article"),
        ("txjr", "http://127.0.0.1:8603/zixun/", "listing"),
        ("txjr", "http://127.0.0.1:8603/zixun/list-2.html", "listing"),
        ("txjr", "http://127.0.0.1:8603/article/30123.html", "article"),
        ("txjr", "http://127.0.0.1:8603/static/css/common.css", "other"),
    ],
)
def test_profiles_classify_their_portals_urls(name: str, url: str, kind: str) -> None:
    profile = profiles.load(name)
    found = (
        "denied" if profile.is_denied(url)
        else "article" if profile.is_article(url)
        else "listing" if profile.is_listing(url)
        else "other"
    )  # fmt: skip
    assert found == kind


@pytest.mark.parametrize(
    "url",
    [
        "http://x.cn/a/20240903/123.html",
        "http://x.cn/zixun/2024/0903/123.html",
        "http://x.cn/html/2024/finance_0903/123.html",
        "http://x.cn/2024-09/03/c_1130.htm",
        "http://x.cn/news/t20240903_123.html",
        "http://x.cn/article/123.html",
    ],
)
def test_generic_article_patterns(url: str) -> None:
    assert profiles.generic("x.cn", ["http://x.cn/"]).is_article(url)


@pytest.mark.parametrize(
    "url", ["http://x.cn/", "http://x.cn/news/", "http://x.cn/news/list_5_2.html", "http://x.cn/about.html"]
)
def test_generic_profile_treats_other_pages_as_listings(url: str) -> None:
    profile = profiles.generic("x.cn", ["http://x.cn/"])
    assert not profile.is_article(url) and profile.is_listing(url)


def test_only_a_profile_without_url_patterns_classifies_pages_by_their_content() -> None:
    """The generic profile lets a page of no known URL form (/news/show?id=123) tell what it is; a profile's
    own patterns are its author's word."""
    assert profiles.generic("x.cn", ["http://x.cn/"]).classify_by_content
    assert not any(profiles.load(name).classify_by_content for name in profiles.available())
    own = profiles.from_dict("own", {"start_urls": ["http://x.cn/"], "article_urls": [r"/show\?id=\d+$"]})
    assert own.is_article("http://x.cn/news/show?id=123") and not own.classify_by_content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "start_urls is required"),
        ({"start_urls": ["http://x/"], "article_url": []}, "unknown keys"),
        ({"start_urls": ["http://x/"], "article_urls": ["(unclosed"]}, "bad URL pattern"),
        ({"start_urls": ["http://x/"], "fields": {"bdoy": "div"}}, "unknown fields"),
    ],
)
def test_bad_profiles_say_why(data: dict[str, Any], message: str) -> None:
    with pytest.raises(profiles.ProfileError, match=message):
        profiles.from_dict("bad", data)


def test_missing_profile_lists_the_available_ones() -> None:
    with pytest.raises(profiles.ProfileError, match=r"no profile 'nope'.*dede, phpcms, txjr"):
        profiles.load("nope")


def test_spider_arguments() -> None:
    assert [p.name for p in PortalSpider(site="all").profiles] == ["dede", "phpcms", "txjr"]
    [mirror] = PortalSpider(site="dede", start_url="http://127.0.0.1:9000/").profiles
    assert mirror.start_urls == ("http://127.0.0.1:9000/",) and mirror.site_name == "财经快讯网"
    pair = PortalSpider(site="dede,txjr", start_url="http://h1/,http://h2/").profiles
    assert [(p.name, p.start_urls) for p in pair] == [("dede", ("http://h1/",)), ("txjr", ("http://h2/",))]
    [generic] = PortalSpider(start_url="http://news.example.cn/finance/").profiles
    assert generic.name == "news.example.cn" and generic.site_name is None
    with pytest.raises(ValueError, match="one URL per profile"):
        PortalSpider(site="dede,txjr", start_url="http://h1/")
    with pytest.raises(ValueError, match="give -a site"):
        PortalSpider()
