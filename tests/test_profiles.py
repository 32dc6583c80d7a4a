"""Portal profiles: found by name in the profile folders only; the sample portals' ones load and classify
their portal's URLs; bad ones say why."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler import profiles
from crawler import settings as project_settings
from crawler.spiders.portal import PortalSpider
from sampleportals import PROFILE_DIR

SAMPLE = str(PROFILE_DIR)  # the FINNEWS_PROFILE_DIRS value of the tests: the sample portals' profiles


def test_sample_portal_profiles() -> None:
    assert profiles.available(SAMPLE) == ["dede", "phpcms", "txjr"]
    for name, port in (("dede", 8601), ("phpcms", 8602), ("txjr", 8603)):
        profile = profiles.load(name, SAMPLE)
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
    profile = profiles.load(name, SAMPLE)
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
        "http://finance.x.cn/china/2019-08-28/doc-ihytcitn2817.shtml",
        "http://x.cn/n1/2019/0828/c1004-31321.html",
        "https://news.x.cn/20/0802/16/FJ1P0UTC0001899O.html",
        "https://new.x.cn/omn/20200704/20200704A04HVX00.html",
        "http://x.cn/a/202112081234567890.html",
        "http://x.cn/main/a/20200709/12323944.shtml",
        "http://x.cn/gov/t20240903_123.html",
    ],
)
def test_generic_article_patterns(url: str) -> None:
    assert profiles.generic("x.cn", ["http://x.cn/"]).is_article(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://x.cn/", "http://x.cn/news/", "http://x.cn/news/list_5_2.html", "http://x.cn/about.html",
        "http://x.cn/2024/", "http://x.cn/2024-09-03/", "http://x.cn/news/index_2.html", "http://x.cn/20240903/",
        "http://x.cn/n1/2019/0828/", "http://x.cn/china/2019-08-28/", "http://x.cn/special/2020chunyun/",
        "http://x.cn/photoview/4TM10005/167904.html",
    ],
)  # fmt: skip
def test_generic_profile_treats_other_pages_as_listings(url: str) -> None:
    profile = profiles.generic("x.cn", ["http://x.cn/"])
    assert not profile.is_article(url) and profile.is_listing(url)


def test_only_a_profile_without_url_patterns_classifies_pages_by_their_content() -> None:
    """The generic profile lets a page of no known URL form (/news/show?id=123) tell what it is; a profile's
    own patterns are its author's word."""
    assert profiles.generic("x.cn", ["http://x.cn/"]).classify_by_content
    assert not any(profiles.load(name, SAMPLE).classify_by_content for name in profiles.available(SAMPLE))
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


def test_missing_profile_lists_the_available_ones_and_the_folders() -> None:
    with pytest.raises(profiles.ProfileError, match=r"no profile 'nope'.*dede, phpcms, txjr.*" + PROFILE_DIR.name):
        profiles.load("nope", SAMPLE)


def test_the_product_ships_no_profile_and_finds_none_without_profile_folders() -> None:
    """The built-in folder (crawler/profiles, through importlib.resources) is searched first and is empty today;
    the sample portals' profiles are found only where FINNEWS_PROFILE_DIRS names their folder."""
    assert profiles.available() == []
    with pytest.raises(profiles.ProfileError, match=r"no profile 'dede' \(available: none;"):
        profiles.load("dede")


def test_profile_folders_are_searched_in_order_and_the_first_holding_a_name_wins(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "dede.toml").write_text('site_name = "我的网"\nstart_urls = ["http://mine.cn/"]\n', encoding="utf-8")
    (mine / "own-site_2.toml").write_text('start_urls = ["http://own.cn/"]\n', encoding="utf-8")
    (mine / "not a name.toml").write_text('start_urls = ["http://x.cn/"]\n', encoding="utf-8")  # never listed
    (mine / "notes.txt").write_text("not a profile", encoding="utf-8")
    both = os.pathsep.join([str(mine), SAMPLE, str(tmp_path / "missing")])  # a missing folder is skipped
    assert profiles.available(both) == ["dede", "own-site_2", "phpcms", "txjr"]
    assert profiles.load("dede", both).site_name == "我的网"
    assert profiles.load("dede", [SAMPLE, mine]).site_name == "财经快讯网"
    assert profiles.load("own-site_2", both).start_urls == ("http://own.cn/",)


@pytest.mark.parametrize(
    "name",
    [
        "../x",  # -a site=../x
        "../../etc/passwd",  # --profile ../../etc/passwd
        "../../../somewhere",
        "..",
        "/etc/passwd",  # an absolute path
        str(PROFILE_DIR / "dede"),  # the absolute path of a real profile, without .toml
        "dede.toml",
        "sub/dede",
        "sub\\dede",
        "dede\x00",
        " dede",
        "",
        "~root",
        "dédé",
    ],
)
def test_a_profile_loads_by_name_only_never_by_path(name: str) -> None:
    with pytest.raises(profiles.ProfileError, match="bad profile name"):
        profiles.load(name, SAMPLE)


def test_a_path_as_site_stops_the_spider(tmp_path: Path) -> None:
    """`-a site=../x` with a real x.toml one folder up: refused, not loaded."""
    (tmp_path / "x.toml").write_text('start_urls = ["http://x.cn/"]\n', encoding="utf-8")
    (tmp_path / "profiles").mkdir()
    for site in ("../x", f"dede,{tmp_path / 'x'}", str(tmp_path / "x.toml")):
        with pytest.raises(profiles.ProfileError, match="bad profile name"):
            PortalSpider(site=site, profile_dirs=os.pathsep.join([str(tmp_path / "profiles"), SAMPLE]))


def test_spider_arguments() -> None:
    assert [p.name for p in PortalSpider(site="all", profile_dirs=SAMPLE).profiles] == ["dede", "phpcms", "txjr"]
    [mirror] = PortalSpider(site="dede", start_url="http://127.0.0.1:9000/", profile_dirs=SAMPLE).profiles
    assert mirror.start_urls == ("http://127.0.0.1:9000/",) and mirror.site_name == "财经快讯网"
    pair = PortalSpider(site="dede,txjr", start_url="http://h1/,http://h2/", profile_dirs=SAMPLE).profiles
    assert [(p.name, p.start_urls) for p in pair] == [("dede", ("http://h1/",)), ("txjr", ("http://h2/",))]
    [generic] = PortalSpider(start_url="http://news.example.cn/finance/").profiles
    assert generic.name == "news.example.cn" and generic.site_name is None
    with pytest.raises(ValueError, match="one URL per profile"):
        PortalSpider(site="dede,txjr", start_url="http://h1/", profile_dirs=SAMPLE)
    with pytest.raises(ValueError, match="give -a site"):
        PortalSpider()
    with pytest.raises(profiles.ProfileError, match=r"no profile found.*FINNEWS_PROFILE_DIRS"):
        PortalSpider(site="all")


def test_the_spider_finds_profiles_in_the_finnews_profile_dirs_setting() -> None:
    pages = {"FINNEWS_MAX_PAGINATION": project_settings.FINNEWS_MAX_PAGINATION}
    crawler = get_crawler(PortalSpider, settings_dict={"FINNEWS_PROFILE_DIRS": SAMPLE, **pages})
    spider = PortalSpider.from_crawler(crawler, site="all")
    assert [p.name for p in spider.profiles] == ["dede", "phpcms", "txjr"]
    with pytest.raises(profiles.ProfileError, match="no profile 'dede'"):
        PortalSpider.from_crawler(get_crawler(PortalSpider, settings_dict=pages), site="dede")
