"""Tables of cases for every text normaliser in crawler.normalize (forms it must read, and text it must
leave alone), property tests (arbitrary input never raises; normalising twice changes nothing) and the
reference page from /work/shared/reference."""

from __future__ import annotations

import logging
import time
import tomllib
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crawler.normalize.outlets
import crawler.normalize.titles
from crawler.normalize import (
    TitleSuffixLearner,
    canonical_source,
    clean_body,
    clean_person,
    clean_source,
    clean_title,
    collapse_repeat,
    common_title_suffix,
    date_from_url,
    dates_disagree,
    find_editor,
    fold_width,
    is_boilerplate,
    load_source_aliases,
    normalize_space,
    parse_published_at,
    parse_views,
    repair_entities,
    split_people,
)
from crawler.normalize import patterns as P
from crawler.vocabulary import SHANGHAI

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
REFERENCE_DIR = Path("/work/shared/reference")
GARBAGE: list[object] = [None, 0, 12.5, b"2024-09-03", ["来源:千龙网"], {1: "a"}, object()]


# --------------------------------------------------------------------------------------------------
# fold_width / normalize_space
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("２０２４－０９－０３", "2024-09-03"),
        ("１１：５４", "11:54"),
        ("２０２４／９／３", "2024/9/3"),
        ("阅读\u3000１１，００３", "阅读 11,003"),
        ("ＡＢＣｘｙｚ！？（）", "ABCxyz!?()"),
        ("中文，。、不变“”", "中文,。、不变“”"),  # only the FFxx block and U+3000 change
        ("plain ascii 123", "plain ascii 123"),
        ("", ""),
    ],
)
def test_fold_width(raw: str, expected: str) -> None:
    assert fold_width(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u3000\u3000西藏自治区位于祖国的西南边陲", "西藏自治区位于祖国的西南边陲"),
        ("a\xa0\xa0b", "a b"),
        ("a\t\tb\r\nc", "a b c"),
        ("零\u200b宽\u200c字\u200d符\ufeff", "零宽字符"),
        ("  lots   of    space  ", "lots of space"),
        ("e\u0301", "é"),  # NFC
        ("", ""),
        (" \u3000\xa0\t\n", ""),
        ("控制\x00字符\x07", "控制字符"),
    ],
)
def test_normalize_space(raw: str, expected: str) -> None:
    assert normalize_space(raw) == expected


# --------------------------------------------------------------------------------------------------
# parse_published_at / date_from_url
# --------------------------------------------------------------------------------------------------


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-09-03 11:54:03", sh(2024, 9, 3, 11, 54, 3)),
        ("2024-09-03 11:54", sh(2024, 9, 3, 11, 54)),
        ("2024-09-03", sh(2024, 9, 3)),
        ("2024/9/3", sh(2024, 9, 3)),
        ("2024.09.03", sh(2024, 9, 3)),
        ("2024年9月3日 11:54", sh(2024, 9, 3, 11, 54)),
        ("2024年09月03日11时54分", sh(2024, 9, 3, 11, 54)),
        ("2024年09月03日 11:54:03", sh(2024, 9, 3, 11, 54, 3)),
        ("2024年9月3日 星期二 11:54", sh(2024, 9, 3, 11, 54)),
        ("2024年09月03日11时54分03秒", sh(2024, 9, 3, 11, 54, 3)),
        ("09-03 11:54", sh(2024, 9, 3, 11, 54)),
        ("9/3 08:00", sh(2024, 9, 3, 8, 0)),
        ("2024-9-3 8:05", sh(2024, 9, 3, 8, 5)),
        ("9月3日", sh(2024, 9, 3)),
        ("09月03日 11:54", sh(2024, 9, 3, 11, 54)),
        ("12-31 23:00", sh(2023, 12, 31, 23, 0)),  # this year's 12-31 is in the future of NOW
        ("10月1日", sh(2023, 10, 1)),
        ("昨天 14:20", sh(2024, 9, 4, 14, 20)),
        ("前天 08:00", sh(2024, 9, 3, 8, 0)),
        ("今天 09:30", sh(2024, 9, 5, 9, 30)),
        ("刚刚", NOW),
        ("5分钟前", NOW - timedelta(minutes=5)),
        ("3小时前", NOW - timedelta(hours=3)),
        ("2天前", NOW - timedelta(days=2)),
        ("半小时前", NOW - timedelta(minutes=30)),
        ("２０２４－０９－０３　１１：５４", sh(2024, 9, 3, 11, 54)),
        ("2024-09-03T03:54:03Z", sh(2024, 9, 3, 11, 54, 3)),
        ("2024-09-03T03:54:03.123Z", sh(2024, 9, 3, 11, 54, 3)),
        ("2024-09-03T11:54:03+08:00", sh(2024, 9, 3, 11, 54, 3)),
        ("2024-09-02T22:54:03-05:00", sh(2024, 9, 3, 11, 54, 3)),
        ("2024-09-03T11:54:03", sh(2024, 9, 3, 11, 54, 3)),
        ("时间:2024-09-03 11:54 来源:千龙网", sh(2024, 9, 3, 11, 54)),
        ("发布时间：2024-09-03", sh(2024, 9, 3)),
        ("2024-09-03 11:54:03      来源:千龙网   阅读量:11003", sh(2024, 9, 3, 11, 54, 3)),
        ("2024-09-03 09:00-10:00", sh(2024, 9, 3, 9, 0)),  # a range, not a UTC-10 offset
        ("2024-09-03 25:61", sh(2024, 9, 3)),  # an impossible time keeps the date
        ("1995-01-01", sh(1995, 1, 1)),
        ("2024-09-06 08:00", sh(2024, 9, 6, 8, 0)),  # less than a day ahead of NOW: a clock skew
    ],
)
def test_parse_published_at(raw: str, expected: datetime) -> None:
    found = parse_published_at(raw, now=NOW)
    assert found == expected
    assert found is not None and found.utcoffset() == timedelta(hours=8)
    assert found.microsecond == 0


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "2024",
        "公司2024营收增长",  # a bare year in a sentence
        "2024年",
        "2024年报",
        "010-65123456",
        "13812345678",
        "400-810-2024",
        "13:00",
        "1.2.3",
        "v2.10.3",
        "12.5%",
        "同比增长89.7%",
        "3-1",  # a score, no time
        "1994-12-31",  # before 1995
        "2030-01-01",  # after now + 1 day
        "2024-09-07",
        "2024-13-03",
        "2024-02-30",
        "阅读全文",
    ],
)
def test_parse_published_at_rejects(raw: str) -> None:
    assert parse_published_at(raw, now=NOW) is None


def test_parse_published_at_year_from_url() -> None:
    url = "http://www.example.com/html/2023/finance_0903/123.html"
    assert parse_published_at("09-03 11:54", now=NOW, url=url) == sh(2023, 9, 3, 11, 54)
    assert parse_published_at("9月3日", now=NOW, url="http://x.cn/a/20220903/1.html") == sh(2022, 9, 3)
    assert parse_published_at("9月3日", now=NOW, url="http://x.cn/a/123.html") == sh(2024, 9, 3)


def test_parse_published_at_now_in_other_zone_or_naive() -> None:
    utc_now = NOW.astimezone(UTC)
    assert parse_published_at("刚刚", now=utc_now) == NOW
    assert parse_published_at("刚刚", now=NOW.replace(tzinfo=None)) == NOW
    assert parse_published_at("昨天 14:20", now=utc_now) == sh(2024, 9, 4, 14, 20)


def test_parse_published_at_feb_29_without_year() -> None:
    assert parse_published_at("02-29 10:00", now=sh(2025, 3, 1)) == sh(2024, 2, 29, 10, 0)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.example.com/20240903/123.html", date(2024, 9, 3)),
        ("http://www.people.com.cn/n1/2024/0903/c1004-40312345.html", date(2024, 9, 3)),
        ("https://www.gov.cn/xinwen/2024-09/03/content_6972345.htm", date(2024, 9, 3)),
        ("http://www.example.com/202409/03/123.html", date(2024, 9, 3)),
        ("http://www.example.com/2024/09/03/123.html", date(2024, 9, 3)),
        ("http://www.example.com/2024/9/3/123.html", date(2024, 9, 3)),
        ("http://www.example.com/html/2024/finance_0903/123.html", date(2024, 9, 3)),
        ("http://www.example.com/zx/202409/t20240903_123.html", date(2024, 9, 3)),
        ("//www.example.com/news/20240903/", date(2024, 9, 3)),
        ("/news/2024-09-03/123.html", date(2024, 9, 3)),
    ],
)
def test_date_from_url(url: str, expected: date) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.com/123456789.html",
        "http://www.example.com/a/20241399/",
        "http://www.example.com/a/20240230/1.html",
        "http://www.20240903.com/a/1.html",  # in the host, not the path
        "http://www.example.com/html/finance_0903/123.html",  # no year segment
        "http://www.example.com/article/120240903000.html",
        "http://www.example.com/",
        "",
        "not a url",
    ],
)
def test_date_from_url_rejects(url: str) -> None:
    assert date_from_url(url) is None


SEP3 = date(2024, 9, 3)


@pytest.mark.parametrize(
    ("page", "url_day", "tolerance", "expected"),
    [
        (sh(2024, 9, 3, 11, 54), SEP3, 1, False),  # same day
        (sh(2024, 9, 4, 23, 59), SEP3, 1, False),  # exactly 1 day after: within tolerance
        (sh(2024, 9, 2, 0, 0), SEP3, 1, False),  # exactly 1 day before
        (sh(2024, 9, 5, 0, 0), SEP3, 1, True),  # 2 days after
        (sh(2024, 9, 1, 23, 59), SEP3, 1, True),  # 2 days before
        (sh(2024, 9, 4), SEP3, 0, True),  # tolerance 0: any other day
        (sh(2024, 9, 3, 23, 59), SEP3, 0, False),
        (sh(2024, 9, 6), SEP3, 3, False),
        (sh(2024, 9, 7), SEP3, 3, True),
        (sh(2024, 12, 31, 23, 0), date(2025, 1, 1), 1, False),  # across a year
        (sh(2024, 2, 28), date(2024, 3, 1), 1, True),  # 2024 is a leap year: 2 days
        (sh(2023, 2, 28), date(2023, 3, 1), 1, False),
        # aware times are compared in Shanghai: 16:00 UTC is 00:00 the next day there
        (datetime(2024, 9, 2, 16, 0, tzinfo=UTC), SEP3, 0, False),
        (datetime(2024, 9, 2, 15, 59, tzinfo=UTC), SEP3, 0, True),
        (datetime(2024, 9, 1, 16, 0, tzinfo=UTC), SEP3, 1, False),  # Shanghai 09-02 00:00
        (datetime(2024, 9, 1, 15, 59, tzinfo=UTC), SEP3, 1, True),  # Shanghai 09-01 23:59
        (datetime(2024, 9, 3, 20, 0, tzinfo=timezone(timedelta(hours=-5))), SEP3, 0, True),  # 09-04 09:00 Shanghai
        (datetime(2024, 9, 1, 23, 59), SEP3, 1, True),  # naive is Shanghai time, not UTC
        (datetime(2024, 9, 2, 0, 0), SEP3, 1, False),
        (date(2024, 9, 5), SEP3, 1, True),  # a plain date is its own day
        (sh(2024, 9, 3), datetime(2024, 9, 5, 1, 0, tzinfo=SHANGHAI), 1, True),  # a datetime url_day: its day
        (sh(2024, 9, 3), SEP3 + timedelta(days=3650), 1, True),
    ],
)
def test_dates_disagree(page: datetime, url_day: date, tolerance: int, expected: bool) -> None:
    assert dates_disagree(page, url_day, tolerance_days=tolerance) is expected
    assert dates_disagree(page, url_day, tolerance_days=tolerance + 9999) is False


@pytest.mark.parametrize(
    ("page", "url_day"),
    [
        (None, SEP3),
        (sh(2024, 9, 3), None),
        (None, None),
        ("2024-09-30", SEP3),  # not parsed here: callers pass parse_published_at's result
        (sh(2024, 9, 30), "20240903"),
        (datetime.max.replace(tzinfo=UTC), SEP3),  # out of range in Shanghai
    ],
)
def test_dates_disagree_unknown_means_agreement(page: object, url_day: object) -> None:
    assert dates_disagree(page, url_day) is False  # type: ignore[arg-type]


def test_dates_disagree_default_and_bad_tolerance() -> None:
    assert dates_disagree(sh(2024, 9, 4), SEP3) is False
    assert dates_disagree(sh(2024, 9, 5), SEP3) is True
    assert dates_disagree(sh(2024, 9, 5), SEP3, tolerance_days="7") is True  # type: ignore[arg-type]
    assert dates_disagree(sh(2024, 9, 5), SEP3, tolerance_days=None) is True  # type: ignore[arg-type]
    assert dates_disagree(sh(2024, 9, 3), SEP3, tolerance_days=-5) is False  # negative counts as 0
    assert dates_disagree(sh(2024, 9, 4), SEP3, tolerance_days=-5) is True
    assert dates_disagree(sh(2024, 9, 5), SEP3, tolerance_days=1.5) is True  # type: ignore[arg-type]


def test_dates_disagree_with_the_parsers() -> None:
    url = "http://www.example.com/a/20240903/123.html"
    assert not dates_disagree(parse_published_at("2024-09-03 11:54", now=NOW), date_from_url(url))
    assert dates_disagree(parse_published_at("2024-08-03 11:54", now=NOW), date_from_url(url))
    assert not dates_disagree(parse_published_at("2024-08-03 11:54", now=NOW), date_from_url("http://x.cn/a/1.html"))


# --------------------------------------------------------------------------------------------------
# parse_views
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11003", (11003, False)),
        ("11,003", (11003, False)),
        ("1.2万", (12000, False)),
        ("3.5w", (35000, False)),
        ("3.5W", (35000, False)),
        ("2k", (2000, False)),
        ("1.1亿", (110_000_000, False)),
        ("10万+", (100_000, True)),
        ("1000+", (1000, True)),
        ("阅读(123)", (123, False)),
        ("阅读（123）", (123, False)),
        ("阅读量:11003", (11003, False)),
        ("阅读量：11003", (11003, False)),
        ("阅读 1.2万", (12000, False)),
        ("123次", (123, False)),
        ("10万+阅读", (100_000, True)),
        ("1.2万人阅读", (12000, False)),
        ("点击：123", (123, False)),
        ("点击数:7", (7, False)),
        ("浏览次数: 45", (45, False)),
        ("人气:9", (9, False)),
        ("views: 12", (12, False)),
        ("document.write('11003');", (11003, False)),
        ('document.write("11003")', (11003, False)),
        ("$('#hits').html('11003');", (11003, False)),
        ("$('#hits2').html('45');", (45, False)),
        ("document.getElementById('hits_9').innerHTML = '45';", (45, False)),
        ("１１００３", (11003, False)),
        ("阅读：１１，００３", (11003, False)),
        ("0", (0, False)),
        ("10亿", (1_000_000_000, False)),
        ("2024-09-03 11:54 阅读量:11003", (11003, False)),
        ("阅读量10万+", (100_000, True)),
        ("阅读 3.5万", (35000, False)),
        ("查看: 3521", (3521, False)),
        ("浏览次数：1,024", (1024, False)),
    ],
)
def test_parse_views(raw: str, expected: tuple[int, bool]) -> None:
    assert parse_views(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "阅读全文",
        "点击查看",
        "点击查看2024年报",
        "没有数字",
        "-5",
        "阅读:-5",
        "11亿",  # more than 10 亿 is a counter bug
        "99999999999",
        "点击率 35%",
        "12.5",  # a fraction without a unit is not a count
        "1,2345",
        "2024-09-03 11:54",
        "<script src='/plus/count.php?aid=123&mid=1'></script>",
    ],
)
def test_parse_views_rejects(raw: str) -> None:
    assert parse_views(raw) == (None, False)


# --------------------------------------------------------------------------------------------------
# clean_source
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("千龙网", "千龙网"),
        ("来源:千龙网", "千龙网"),
        ("来源：千龙网", "千龙网"),
        ("来源 :千龙网", "千龙网"),
        ("来源 ： 千龙网", "千龙网"),
        ("稿源:新华社", "新华社"),
        ("转自:人民网", "人民网"),
        ("文章来源:经济日报", "经济日报"),
        ("出处:中国新闻网", "中国新闻网"),
        ("来源于新华社", "新华社"),
        ("来源:中国证券报·中证网", "中国证券报·中证网"),
        ("来源:千龙网 作者:张三", "千龙网"),
        ("来源:千龙网 编辑:孙悦", "千龙网"),
        ("来源：千龙网 责任编辑：孙悦", "千龙网"),
        ("来源:新华社记者 王磊", "新华社"),
        ("来源:千龙网 阅读:88", "千龙网"),
        ("来源:千龙网 点击:88", "千龙网"),
        ("来源:千龙网 时间:2024-09-03", "千龙网"),
        ("来源:千龙网 发布时间:2024-09-03 11:54", "千龙网"),
        ("来源:千龙网 2024-09-03 11:54", "千龙网"),
        ("来源:千龙网   阅读量:11003", "千龙网"),
        ("来源:千龙网  其它文字", "千龙网"),
        ("时间:2024-09-03 11:54 来源:千龙网", "千龙网"),
        ("2024-09-03 11:54:03\u3000\u3000来源:千龙网\u3000\u3000阅读量:11003", "千龙网"),
        ('来源:<a href="http://www.qianlong.com/" target="_blank">千龙网</a>', "千龙网"),
        ("<a href='http://www.qianlong.com/'>千龙网</a>", "千龙网"),
        ("来源:[千龙网]", "千龙网"),
        ("来源:[ ]千龙网", "千龙网"),
        ("来源:【千龙网】", "千龙网"),
        ("来源:(千龙网)", "千龙网"),
        ("（来源：千龙网）", "千龙网"),
        ("来源:“千龙网”", "千龙网"),
        ('来源:"千龙网"', "千龙网"),
        ("来源:千龙网。", "千龙网"),
        ("来源:千龙网,", "千龙网"),
        ("来源:&nbsp;千龙网", "千龙网"),
        ("来源:中新网 文/孙杰", "中新网"),
        ("来源:中国经济网文/冯雪", "中国经济网"),
        ("稿源:财联社 图/李四", "财联社"),
        ("来源:人民网(北京)", "人民网(北京)"),
        ("来源:人民日报编辑部", "人民日报编辑部"),
        ("来源:《财经》杂志", "《财经》杂志"),
        ("Source: Reuters", "Reuters"),
    ],
)
def test_clean_source(raw: str, expected: str) -> None:
    assert clean_source(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "来源:",
        "来源:网络",
        "网络",
        "本站",
        "来源：本站",
        "互联网",
        "佚名",
        "未知",
        "原创",
        "本站原创",
        "来源: ()",
        "作者:张三",  # no source at all
        "2024-09-03 11:54",
        "来源:天下金融网",  # the portal's own name
        "来源:天下金融网 作者:张三",
    ],
)
def test_clean_source_means_none(raw: str) -> None:
    assert clean_source(raw, own_names=["天下金融网"]) is None


def test_clean_source_own_names_accepts_a_single_string_and_any_width() -> None:
    assert clean_source("来源:ＳＭＧ", own_names="SMG") is None
    assert clean_source("来源:千龙网", own_names=("天下金融网",)) == "千龙网"


# --------------------------------------------------------------------------------------------------
# canonical_source / load_source_aliases (crawler/normalize/outlets.toml)
# --------------------------------------------------------------------------------------------------

SHIPPED_OUTLETS: dict[str, list[str]] = tomllib.loads(
    resources.files("crawler.normalize").joinpath("outlets.toml").read_text(encoding="utf-8")
)["outlets"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("中证网", "中国证券报·中证网"),
        ("中国证券报", "中国证券报·中证网"),
        ("中国证券报·中证网", "中国证券报·中证网"),
        ("中证网(中国证券报)", "中国证券报·中证网"),
        ("中证网（中国证券报）", "中国证券报·中证网"),
        ("中国证券报-中证网", "中国证券报·中证网"),  # any joiner between the two names
        ("中国证券报 — 中证网", "中国证券报·中证网"),
        ("中国证券报•中证网", "中国证券报·中证网"),
        ("中国证券报・中证网", "中国证券报·中证网"),
        ("新华社", "新华社"),
        ("新华网", "新华社"),
        ("新华社客户端", "新华社"),
        ("新华财经", "新华社"),
        ("人民网", "人民日报"),
        ("人民日报", "人民日报"),
        ("人民日报客户端", "人民日报"),
        ("人民网-人民日报", "人民日报"),
        ("中新网", "中国新闻社"),
        ("中国新闻网", "中国新闻社"),
        ("中新社", "中国新闻社"),
        ("央广网", "中央广播电视总台"),
        ("中国之声", "中央广播电视总台"),
        ("央视新闻", "中央广播电视总台"),
        ("央视财经", "中央广播电视总台"),
        ("CCTV", "中央广播电视总台"),
        ("cctv", "中央广播电视总台"),  # case
        ("ＣＣＴＶ", "中央广播电视总台"),  # width
        ("证券时报网", "证券时报"),
        ("e公司", "证券时报"),
        ("Ｅ公司", "证券时报"),
        ("上证报", "上海证券报"),
        ("中国证券网", "上海证券报"),
        ("经济参考网", "经济参考报"),
        ("一财网", "第一财经"),
        ("21财经", "21世纪经济报道"),
        ("２１世纪经济网", "21世纪经济报道"),
        ("每经网", "每日经济新闻"),
        ("财联社", "财联社"),
        ("界面", "界面新闻"),
        ("澎湃新闻客户端", "澎湃新闻"),
        ("中国经济网", "经济日报"),
        ("经济日报-中国经济网", "经济日报"),
        ("中国金融新闻网", "金融时报"),
        ("北京商报网", "北京商报"),
        ("华夏时报网", "华夏时报"),
        ("中国资本证券网", "证券日报"),
        ("《证券日报》", "证券日报"),  # 《》 ignored
        ("中国基金报", "中国基金报"),
        ("贝壳财经", "新京报"),
        ("千龙网·中国首都网", "千龙网"),
        ("千龙网", "千龙网"),
        ("  新华网  ", "新华社"),  # surrounding spaces
        ("\u3000新华网\u3000", "新华社"),
        ("新 华 网", "新华社"),  # spaces inside
        ("the paper", "澎湃新闻"),
        ("英国《金融时报》", "FT中文网"),
    ],
)
def test_canonical_source(raw: str, expected: str) -> None:
    assert canonical_source(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "某某财经网",  # unknown names map to themselves
        "人民日报海外版",  # another edition, not an alias
        "人民网(北京)",  # no rule cuts a bureau or channel: only listed names match
        "新华",  # a prefix of an alias is not the alias
        "新华网站",
        "中国证券",
        "金融时报",  # the People's Bank paper, not the Financial Times
        "经济参考报",  # a 新华社 paper, but an outlet of its own
        "中新经纬",  # a 中新社 brand, an outlet of its own
        "网络",  # "no source" values are clean_source's business, not this table's
        "ft.com",
        "人民日报编辑部",
    ],
)
def test_canonical_source_leaves_unlisted_names(raw: str) -> None:
    assert canonical_source(raw) == raw


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "\u200b"])
def test_canonical_source_nothing(raw: str | None) -> None:
    assert canonical_source(raw) is None


def test_canonical_source_after_clean_source() -> None:
    assert canonical_source(clean_source("来源：中证网（中国证券报） 作者:张三")) == "中国证券报·中证网"
    assert canonical_source(clean_source("来源:新华社记者 王磊")) == "新华社"
    assert canonical_source(clean_source("来源:网络")) is None


def test_source_table_shape() -> None:
    table = load_source_aliases()
    outlets = set(table.values())
    assert outlets == set(SHIPPED_OUTLETS)
    assert len(outlets) >= 25
    assert len(table) >= len(outlets) + 100  # canonical names and their aliases


@pytest.mark.parametrize(("canonical", "aliases"), sorted(SHIPPED_OUTLETS.items()))
def test_source_table_entries(canonical: str, aliases: list[str]) -> None:
    for name in [canonical, *aliases]:
        assert clean_source(name) == name  # written as clean_source leaves it
        assert canonical_source(name) == canonical
        assert canonical_source(" " + name.upper() + " ") == canonical


def test_source_table_ships_as_package_data() -> None:
    assert resources.files("crawler.normalize").joinpath("outlets.toml").is_file()


def test_load_source_aliases_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[outlets]\n"示例报" = ["示例网", "示例报·示例网"]\n"空表" = []\n', encoding="utf-8")
    table = load_source_aliases(path)
    assert set(table.values()) == {"示例报", "空表"}
    assert len(table) == 4


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[outlets]\n"甲报" = ["甲网"]\n"乙报" = ["甲网"]\n', "listed for both"),
        ('[outlets]\n"甲报" = ["乙报"]\n"乙报" = []\n', "listed for both"),  # an alias is another outlet
        ('[outlets]\n"甲报" = ["甲 网"]\n"乙报" = ["《甲网》"]\n', "listed for both"),  # equal once matched
        ('[outlets]\n"甲报" = "甲网"\n', "list of strings"),
        ('[outlets]\n"甲报" = ["甲网", 3]\n', "list of strings"),
        ('[outlets]\n"甲报" = [" "]\n', "empty name"),
        ('"甲报" = ["甲网"]\n', "no \\[outlets\\]"),
        ("outlets = 3\n", "no \\[outlets\\]"),
        ("[outlets\n", "not valid TOML"),
    ],
)
def test_load_source_aliases_rejects(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_source_aliases(path)


def test_unreadable_shipped_table_is_logged_and_maps_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(path: object = None) -> dict[str, str]:
        raise ValueError("broken on purpose")

    shipped = crawler.normalize.outlets._shipped_source_aliases
    monkeypatch.setattr(crawler.normalize.outlets, "load_source_aliases", broken)
    shipped.cache_clear()
    try:
        with caplog.at_level(logging.ERROR, logger="crawler.normalize.outlets"):
            assert canonical_source("中证网") == "中证网"
        assert "broken on purpose" in caplog.text
    finally:
        shipped.cache_clear()
    monkeypatch.undo()
    assert canonical_source("中证网") == "中国证券报·中证网"


# --------------------------------------------------------------------------------------------------
# clean_person / find_editor
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("王磊", "王磊"),
        ("记者 王磊", "王磊"),
        ("记者王磊", "王磊"),
        ("作者:张三 李四", "张三、李四"),
        ("作者：张三", "张三"),
        ("文/王磊", "王磊"),
        ("文／王磊", "王磊"),
        ("文/本报记者 王磊", "王磊"),
        ("(责任编辑:孙悦)", "孙悦"),
        ("【责任编辑：孙悦】", "孙悦"),
        ("本报记者 张三 通讯员 李四", "张三、李四"),
        ("新华社记者王磊", "王磊"),
        ("经济日报记者 王磊 实习生 赵六", "王磊、赵六"),
        ("记者王磊 通讯员李四", "王磊、李四"),
        ("张三,李四", "张三、李四"),
        ("张三，李四", "张三、李四"),
        ("张三、李四", "张三、李四"),
        ("张三 李四", "张三、李四"),
        ("张三/李四", "张三、李四"),
        ("作者:张三 来源:新华社", "张三"),
        ("作者:张三 时间:2024-09-03", "张三"),
        ("作者:张三 2024-09-03 11:54", "张三"),
        ("作者:张三 点击:88", "张三"),
        ("作者:张三 阅读:88", "张三"),
        ("来源:新华社 作者:张三", "张三"),
        ("作者:张三 编辑:李四", "张三"),  # another role ends the list
        ("责任编辑:孙悦 审核:王五", "孙悦"),
        ("本报记者 张三 北京报道", "张三"),
        ("记者 张三 摄", "张三"),
        ("作者:买买提·艾力", "买买提·艾力"),
        ("文静", "文静"),  # "文" is a label only before "/" or ":"
        ("作者:<a href='/author/1'>张三</a>", "张三"),
        ("John Smith", "John Smith"),
        ("John Smith, Mary Jones", "John Smith、Mary Jones"),
        ("作者:張三", "張三"),
        # page UI words after a name end it; staff codes and certificate numbers are no names
        ("张燕北 评论 收藏", "张燕北"),
        ("王堃 评论", "王堃"),
        ("王轶辰 字号:大 中 小", "王轶辰"),
        ("王永 版面 刘珊", "王永"),
        ("刘文丽 PF117", "刘文丽"),
        ("[责任编辑：刘文丽 PF117]", "刘文丽"),
        # a two-character name spaced out; two names stay two
        ("本报记者 韩 鑫", "韩鑫"),
        ("本报记者 陆\u3000洋", "陆洋"),
        ("记者 秦燕玲 贺觉渊", "秦燕玲、贺觉渊"),
        ("杨 帆、吕欣", "杨帆、吕欣"),
        # outlet-prefixed labels and outlets before a name
        ("每经记者：李星 每经编辑：王五", "李星"),
        ("方舟 新财编辑：程雪", "方舟"),
        ("潮头新闻编辑 | 丁文娜", "丁文娜"),
        ("界面新闻记者 | 李科文", "李科文"),
        ("澎湃新闻记者 王蕊 实习生 陈思", "王蕊、陈思"),
        ("作者：第一财经 杜川", "杜川"),
        ("分析师：张明远（执业证书编号：S0570520080001）", "张明远"),
        ("分析师：孙启航（执业证书编号：S1230521040002）、唐 蕊（执业证书编号：S1230523070011）", "孙启航、唐蕊"),
        ("王建社", "王建社"),  # a three-character name ending with 社 is a name
    ],
)
def test_clean_person(raw: str, expected: str) -> None:
    assert clean_person(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "佚名", "未知", "admin", "Admin", "本站", "作者:", "记者", "作者:佚名", "来源:新华社", "2024-09-03",
     "文章", "佚名 文章", "本站原创"],
)  # fmt: skip
def test_clean_person_means_none(raw: str) -> None:
    assert clean_person(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(责任编辑:孙悦)", "孙悦"),
        ("（责任编辑：孙悦）", "孙悦"),
        ("【责任编辑:孙悦】", "孙悦"),
        ("责任编辑：孙悦", "孙悦"),
        ("责编:孙悦", "孙悦"),
        ("编辑:孙悦", "孙悦"),
        ("编辑：孙悦", "孙悦"),
        ("……照亮新天地。(责任编辑:孙悦)", "孙悦"),
        ("来源:千龙网 作者:张三 责任编辑:孙悦", "孙悦"),
        ("责任编辑:孙悦 来源:新华社", "孙悦"),
        ("编辑:张三 责任编辑:李四", "李四"),  # the 责任编辑 label wins
        ("(责任编辑:孙悦 王五)", "孙悦、王五"),
    ],
)
def test_find_editor(raw: str, expected: str) -> None:
    assert find_editor(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "孙悦", "编辑部主任孙悦", "编辑孙悦", "本报编辑部", "作者:张三", "责任编辑:", "(责任编辑:佚名)"],
)
def test_find_editor_needs_a_label_and_a_name(raw: str) -> None:
    assert find_editor(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三、李四", ["张三", "李四"]),
        ("张三", ["张三"]),
        ("张三、李四、王五", ["张三", "李四", "王五"]),
        ("John Smith、Mary Jones", ["John Smith", "Mary Jones"]),
        ("买买提·艾力", ["买买提·艾力"]),
        ("张三、张三", ["张三", "张三"]),  # as clean_person leaves it: no de-duplication
        # raw fields are cleaned first
        ("本报记者 张三 通讯员 李四", ["张三", "李四"]),
        ("张三,李四", ["张三", "李四"]),
        ("张三 李四", ["张三", "李四"]),
        ("作者:张三 编辑:李四", ["张三"]),
        ("(责任编辑:孙悦)", ["孙悦"]),
        ("John Smith, Mary Jones", ["John Smith", "Mary Jones"]),
    ],
)
def test_split_people(raw: str, expected: list[str]) -> None:
    assert split_people(raw) == expected
    assert split_people(clean_person(raw)) == expected
    assert "、".join(expected) == clean_person(raw)


@pytest.mark.parametrize("raw", [None, "", "   ", "、", "、、", "佚名", "记者", "作者:", "来源:新华社", "2024-09-03"])
def test_split_people_nothing(raw: str | None) -> None:
    assert split_people(raw) == []


# --------------------------------------------------------------------------------------------------
# clean_title / common_title_suffix
# --------------------------------------------------------------------------------------------------

SITE = ["天下金融网"]


@pytest.mark.parametrize(
    ("raw", "names", "expected"),
    [
        ("对口援藏30年|援藏路上的坚守与创新_天下金融网", SITE, "对口援藏30年|援藏路上的坚守与创新"),
        ("标题-天下金融网", SITE, "标题"),
        ("标题|天下金融网", SITE, "标题"),
        ("标题—天下金融网", SITE, "标题"),
        ("标题——天下金融网", SITE, "标题"),
        ("标题–天下金融网", SITE, "标题"),
        ("标题 - 天下金融网", SITE, "标题"),
        ("标题丨天下金融网", SITE, "标题"),
        ("标题＿天下金融网", SITE, "标题"),
        ("标题_资讯_天下金融网", SITE, "标题_资讯"),
        ("标题_资讯_天下金融网", ["_资讯_天下金融网"], "标题"),
        ("标题_天下金融网", ["_天下金融网"], "标题"),
        ("标题 - 新浪财经", [" - 新浪财经"], "标题"),
        ("标题_天下金融网_天下金融网", SITE, "标题"),
        ("标题_天下金融网", "天下金融网", "标题"),
        ("【快讯】A股三大指数收涨_天下金融网", SITE, "【快讯】A股三大指数收涨"),
        ("  【快讯】  A股\u3000三大指数\n收涨  ", [], "【快讯】 A股 三大指数 收涨"),
        ("标题&amp;副题mdash;mdash;解读", [], "标题&副题——解读"),
        ("e\u0301", [], "é"),
    ],
)
def test_clean_title(raw: str, names: list[str] | str, expected: str) -> None:
    assert clean_title(raw, names) == expected


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("对口援藏30年|援藏路上的坚守与创新", SITE),  # a "|" inside the headline is kept
        ("关于天下金融网", SITE),  # the name without a separator before it is part of the headline
        ("标题_天下金融网", ["-天下金融网"]),  # a different separator than the one given
        ("标题_其他网", SITE),
        ("天下金融网", SITE),  # never emptied
        ("标题_天下金融网", []),  # no site names: nothing is guessed
        ("C919承运旅客突破50万-新华网", SITE),
    ],
)
def test_clean_title_keeps(raw: str, names: list[str]) -> None:
    assert clean_title(raw, names) == raw


def test_clean_title_never_truncates_long_titles() -> None:
    long = "国家能源集团" * 60
    assert clean_title(long + "_天下金融网", SITE) == long


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "_天下金融网"[:0]])
def test_clean_title_empty(raw: str) -> None:
    assert clean_title(raw, SITE) is None


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["援藏30年_天下金融网", "C919承运旅客突破50万_天下金融网", "巴黎残奥会|冠军_天下金融网"], "_天下金融网"),
        (["A股收涨_资讯_天下金融网", "基金净值_基金_天下金融网", "B股收跌_资讯_天下金融网"], "_天下金融网"),
        (["A股收涨_资讯_天下金融网", "B股收跌_资讯_天下金融网"], "_资讯_天下金融网"),
        (["A股收涨 - 新浪财经", "B股收跌 - 新浪财经", "瑶光C-DM实测 - 新浪财经", "首页"], "- 新浪财经"),
        (["A股收涨—千龙网", "B股收跌—千龙网", "没有后缀的标题"], "—千龙网"),
    ],
)
def test_common_title_suffix(titles: list[str], expected: str) -> None:
    suffix = common_title_suffix(titles)
    assert suffix == expected
    assert all(clean_title(t, [suffix]) != t for t in titles if t.endswith(expected))


@pytest.mark.parametrize(
    "titles",
    [
        [],
        ["只有一个标题_天下金融网"],
        ["甲_乙", "丙_丁"],
        ["A_站一", "B_站一", "C_站二", "D_站三", "E_站四"],  # 2 of 5 is not "most"
        ["没有分隔符", "也没有"],
    ],
)
def test_common_title_suffix_none(titles: list[str]) -> None:
    assert common_title_suffix(titles) is None


# --------------------------------------------------------------------------------------------------
# TitleSuffixLearner
# --------------------------------------------------------------------------------------------------

HEADLINES = [
    "对口援藏30年|援藏路上的坚守与创新",
    "C919承运旅客突破50万人次",
    "巴黎残奥会:中国队再夺一金",
    "A股三大指数集体收涨",
    "央行:保持流动性合理充裕",
    "国家能源集团西藏风储项目开工",
    "前8个月全国铁路发送旅客31亿人次",
    "【快讯】金价再创新高",
]
NEW_HEADLINE = "9月LPR维持不变"


def learner_fed(titles: list[str], **options: float) -> TitleSuffixLearner:
    learner = TitleSuffixLearner(**options)  # type: ignore[arg-type]
    for title in titles:
        learner.observe("site", title)
    return learner


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        ([h + "-金融观察网" for h in HEADLINES[:5]], "-金融观察网"),
        ([h + "_财经快讯网" for h in HEADLINES], "_财经快讯网"),
        ([h + "|天下金融网" for h in HEADLINES], "|天下金融网"),
        ([h + " - 新浪财经" for h in HEADLINES], "- 新浪财经"),
        ([h + "——千龙网" for h in HEADLINES], "——千龙网"),
        ([h + "_资讯_天下金融网" for h in HEADLINES], "_资讯_天下金融网"),  # the whole shared tail
        ([h + c + "_天下金融网" for h, c in zip(HEADLINES, ["_资讯", "_基金"] * 4, strict=True)], "_天下金融网"),
        ([h + "_天下金融网" for h in HEADLINES[:6]] + HEADLINES[6:], "_天下金融网"),  # 6 of 8 have it
        ([h + "&nbsp;-&nbsp;新浪财经" for h in HEADLINES], "- 新浪财经"),  # titles are cleaned first
        ([h + "＿财经快讯网" for h in HEADLINES], "＿财经快讯网"),  # a full-width separator
    ],
)
def test_title_suffix_learner_learns(titles: list[str], expected: str) -> None:
    learner = learner_fed(titles)
    assert learner.suffix("site") == expected
    assert learner.suffix("site") == common_title_suffix(titles)
    for title in titles:
        stripped = learner.strip("site", title)
        assert stripped == clean_title(title, [expected])
        assert stripped in HEADLINES or (stripped or "")[:-3] in HEADLINES  # "…_资讯" stays
    assert learner.strip("site", NEW_HEADLINE + expected) == NEW_HEADLINE
    assert learner.strip("site", NEW_HEADLINE) == NEW_HEADLINE


def test_title_suffix_learner_learns_after_min_titles() -> None:
    learner = TitleSuffixLearner()
    for count, headline in enumerate(HEADLINES[:5], start=1):
        learner.observe("site", headline + "-金融观察网")
        assert learner.suffix("site") == ("-金融观察网" if count == 5 else None)
    assert learner.strip("site", NEW_HEADLINE + "-金融观察网") == NEW_HEADLINE


@pytest.mark.parametrize(
    "titles",
    [
        [],
        [h + "_天下金融网" for h in HEADLINES[:4]],  # fewer than 5 titles
        [HEADLINES[0] + "_天下金融网"] * 20,  # one title seen many times counts once
        ["A股收涨", "港股收涨", "美股收涨", "债市收涨", "黄金收涨", "原油收涨"],  # a shared last character/word
        ["券商板块大涨利好股市", "央行降准利好股市", "减税降费利好股市", "外资流入利好股市", "降息落地利好股市"],
        ["央行降准_利好", "央行降息-利好", "减税降费|利好", "外资流入—利好", "政策加码丨利好"],  # mixed separators
        HEADLINES[:5] + [h + "-专家解读" for h in HEADLINES[5:8]],  # a common tail on 3 of 8
        [h + "-专家解读" for h in HEADLINES[:4]] + HEADLINES[4:8],  # on half: not most
        [h + "_2" for h in HEADLINES],  # page numbers of paginated articles are no site name
        [h + "-A" for h in HEADLINES],  # nor is one letter
        [h + "_" for h in HEADLINES],  # a dangling separator
        HEADLINES,  # only separators inside the headlines
    ],
)
def test_title_suffix_learner_learns_nothing(titles: list[str]) -> None:
    learner = learner_fed(titles)
    assert learner.suffix("site") is None
    for title in titles:
        assert learner.strip("site", title) == clean_title(title)


def test_title_suffix_learner_never_strips_a_real_part_of_a_headline() -> None:
    learner = learner_fed([h + "-金融观察网" for h in HEADLINES])
    assert learner.suffix("site") == "-金融观察网"
    for kept in [
        "关于金融观察网的报道",  # the name without the separator
        "对口援藏30年|援藏路上的坚守与创新",  # a separator inside the headline
        "数字金融-观察",
        "新三板-金融观察网研究院发布报告",  # the suffix not at the end
        "评论_金融观察网",  # another separator than the learnt one
        "金融观察网",  # never emptied
    ]:
        assert learner.strip("site", kept) == kept
        assert learner.strip("site", kept + "-金融观察网") == kept


def test_title_suffix_learner_sites_are_separate() -> None:
    learner = TitleSuffixLearner()
    for headline in HEADLINES:
        learner.observe("a", headline + "_甲网")
        learner.observe("b", headline + "_乙网")
        learner.observe("c", headline)
    assert (learner.suffix("a"), learner.suffix("b"), learner.suffix("c"), learner.suffix("d")) == (
        "_甲网",
        "_乙网",
        None,
        None,
    )
    assert learner.strip("a", "标题_乙网") == "标题_乙网"
    assert learner.strip("b", "标题_乙网") == "标题"


def test_title_suffix_learner_memory_is_bounded_and_follows_a_change() -> None:
    learner = TitleSuffixLearner(max_titles=20)
    for number in range(1000):
        learner.observe("site", f"第{number}条新闻_旧站名")
    assert learner.suffix("site") == "_旧站名"
    assert len(learner._titles["site"]) == 20
    assert sum(learner._counts["site"].values()) <= 20
    for number in range(12):  # 12 of the 20 kept titles now end with the new name: 60% is not "more than"
        learner.observe("site", f"新版第{number}条新闻_新站名")
    assert learner.suffix("site") is None
    learner.observe("site", "新版第12条新闻_新站名")
    assert learner.suffix("site") == "_新站名"
    assert learner.strip("site", "标题_旧站名") == "标题_旧站名"


def test_title_suffix_learner_a_repeated_title_is_refreshed_not_recounted() -> None:
    learner = TitleSuffixLearner(max_titles=5)
    for headline in HEADLINES[:4]:
        learner.observe("site", headline + "_甲网")
    for _ in range(10):
        learner.observe("site", HEADLINES[0] + "_甲网")
    assert learner.suffix("site") is None  # 4 distinct titles
    learner.observe("site", HEADLINES[4] + "_甲网")
    assert learner.suffix("site") == "_甲网"


def test_title_suffix_learner_strip_with_site_names() -> None:
    learner = learner_fed([h + "_资讯_天下金融网" for h in HEADLINES])
    assert learner.strip("site", "标题_天下金融网", site_names=["天下金融网"]) == "标题"
    assert learner.strip("site", "标题_资讯_天下金融网", site_names="天下金融网") == "标题"
    assert learner.strip("other", "标题|天下金融网", site_names=["天下金融网"]) == "标题"
    assert learner.strip("site", "标题", site_names=3) == "标题"  # type: ignore[arg-type]


def test_title_suffix_learner_garbage_never_raises() -> None:
    learner = TitleSuffixLearner()
    for site, title in [
        (None, "标题_甲网"),
        ("site", None),
        ("site", 3),
        (["site"], "标题"),
        ("site", ""),
        ("site", " "),
    ]:
        learner.observe(site, title)  # type: ignore[arg-type]
    assert learner.suffix(None) is None  # type: ignore[arg-type]
    assert learner.suffix(["site"]) is None  # type: ignore[arg-type]
    assert learner.strip(None, "标题") == "标题"  # type: ignore[arg-type]
    assert learner.strip("site", None) is None
    assert learner.strip("site", 3) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [{"min_titles": 1}, {"min_titles": 10, "max_titles": 5}, {"min_share": 0.3}, {"min_share": 1.0}],
)
def test_title_suffix_learner_rejects_nonsense_settings(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="min_"):
        TitleSuffixLearner(**options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# repair_entities
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("&mdash;", "—"),
        ("mdash;", "—"),
        ("项目mdash;mdash;西藏", "项目——西藏"),
        ("hellip;hellip;", "……"),
        ("&hellip;", "…"),
        ("ldquo;援藏rdquo;", "“援藏”"),
        ("lsquo;援藏rsquo;", "‘援藏’"),
        ("&ldquo;援藏&rdquo;", "“援藏”"),
        ("a&nbsp;b", "a b"),
        ("anbsp;b", "a b"),  # no English word ends in "nbsp": a lost "&" even after a letter
        ("中nbsp;文", "中 文"),
        ("9nbsp;月 1nbsp;日", "9 月 1 日"),  # after a digit: "9&nbsp;月" that lost its "&"
        ("2.65nbsp;亿元", "2.65 亿元"),
        ("Anbsp;股 Hnbsp;股", "A 股 H 股"),  # after a letter, for names no English word ends with
        ("Bmdash;C", "B—C"),
        ("&amp;", "&"),
        ("AT&amp;T", "AT&T"),
        ("amp;", "&"),
        ("&amp;amp;", "&"),
        ("&amp;nbsp;", " "),
        ("&amp;mdash;", "—"),
        ("&#38;mdash;", "—"),
        ("quot;援藏quot;", '"援藏"'),
        ("&quot;", '"'),
        ("&lt;p&gt;", "<p>"),
        ("middot;", "·"),
        ("中国证券报&middot;中证网", "中国证券报·中证网"),
        ("&#8212;", "—"),
        ("#8212;", "—"),
        ("&#x2014;", "—"),
        ("&#X2014;", "—"),
        ("&copy;", "©"),
        ("&#8203;", ""),  # zero-width space decodes to nothing
        ("&#12288;", " "),  # ideographic space decodes to a space
    ],
)
def test_repair_entities(raw: str, expected: str) -> None:
    assert repair_entities(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "http://www.example.com/?nbsp=1",
        "http://www.example.com/nbsp/page",
        "amp",
        "an amp and a quote",
        "quote;",
        "a;b",
        "salt; pepper",
        "camp; site",
        "make a copy; then",  # bare "copy;" is not repaired: an English word
        "lt;gt;",  # bare lt/gt stay: they would turn text into markup
        "&nbsp",  # no ";"
        "&unknownentity;",
        "#1;",
        "C#12;",
        "中文；全角分号",
        "",
    ],
)
def test_repair_entities_leaves_alone(raw: str) -> None:
    assert repair_entities(raw) == raw


# --------------------------------------------------------------------------------------------------
# is_boilerplate / collapse_repeat / clean_body
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "声明:以上内容为本网站转自其它媒体,相关信息仅为传递更多企业信息之目的,不代表本网观点。",
        "声明：投资有风险",
        "免责声明：本文仅供参考",
        "免责声明",
        "版权声明:本文版权归原作者所有",
        "(责任编辑:孙悦)",
        "（责任编辑：孙悦）",
        "【责任编辑:孙悦】",
        "责任编辑:孙悦",
        "编辑:孙悦",
        "上一篇:大力弘扬教育家精神|吴瑞玲:植根乡村甘为孩子提灯引路",
        "下一篇:返回列表",
        "相关推荐",
        "     相关推荐",
        "相关阅读：",
        "扫一扫,分享到朋友圈",
        "分享到:",
        "点击进入专题:援藏30年",
        "返回列表",
        "关注我们",
        "本文来源:千龙网",
        "来源：千龙网",
        "【打印】【关闭】",
        "[打印] [关闭窗口]",
        "【字体:大 中 小】",
        "栏目排行",
        "第1页/共2页 首页 上一页 1 2 下一页 尾页",
        "第 2 页 / 共 3 页",
        "本帖最后由 慢慢变富的阿成 于 2024-9-3 08:05 编辑",
    ],
)
def test_is_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "公司发布声明称将回购股份。",
        "声明称将回购股份。",
        "该公司声明:将回购股份。",
        "记者从编辑部了解到,相关推荐名单已经公布。",
        "读者可以扫一扫二维码参与。",
        "返回列表中的第一项是什么?",
        "来源：记者从北京市发展和改革委员会获悉，今年前八个月全市固定资产投资同比增长较快。",
        "编辑:孙悦认为这篇文章非常好而且值得反复阅读的原因有三个",
        "新质生产力引领医疗援藏",
        "hellip;hellip;",
        "……",
        "1. “中国七家博物馆上榜”带来的启示",
        "第1页的内容共有两部分。",
        "本帖最后由于篇幅所限，删去了部分内容。",
        "",
    ],
)
def test_is_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


PARA_A = "1994年,中央第三次西藏工作座谈会作出对口援藏、分片负责、定期轮换重大决策。"
PARA_B = "新质生产力引领医疗援藏,远程手术示范教学越来越多地在西藏落地应用。"
PARA_C = "清洁能源开发助力民生援藏,越来越多的清洁能源项目落户西藏。"
PARA_D = "电商直播兴起推动产业援藏,相互促进。"


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        ([PARA_A, PARA_B, PARA_C, PARA_A, PARA_B, PARA_C], [PARA_A, PARA_B, PARA_C]),
        ([PARA_A, PARA_B, PARA_C, PARA_B, PARA_C], [PARA_A, PARA_B, PARA_C]),
        ([PARA_A, PARA_A], [PARA_A]),
        ([PARA_A, PARA_B, PARA_A, PARA_B, PARA_A, PARA_B], [PARA_A, PARA_B]),
        ([PARA_A, PARA_B, PARA_C, PARA_A, PARA_B, PARA_C, PARA_D], [PARA_A, PARA_B, PARA_C, PARA_D]),
        # compared after normalize_space
        ([PARA_A, PARA_B, "\u3000" + PARA_A, PARA_B + "  "], [PARA_A, PARA_B]),
        # not repeats: a short line repeated, non-adjacent copies, table cells
        ([PARA_A, "……", PARA_B, "……", PARA_C], [PARA_A, "……", PARA_B, "……", PARA_C]),
        ([PARA_A, "图片", "图片", PARA_B], [PARA_A, "图片", "图片", PARA_B]),
        ([PARA_A, PARA_B, PARA_C, PARA_A], [PARA_A, PARA_B, PARA_C, PARA_A]),
        (["收入", "同比", "收入", "同比"], ["收入", "同比", "收入", "同比"]),
        ([], []),
    ],
)
def test_collapse_repeat(paragraphs: list[str], expected: list[str]) -> None:
    assert collapse_repeat(paragraphs) == expected


def test_clean_body_pipeline() -> None:
    raw = [
        "\u3000\u3000" + PARA_A,
        "",
        "   ",
        "世界上海拔最高的风电场mdash;mdash;哲古风电场。",
        "hellip;hellip;",
        PARA_B + "(责任编辑:孙悦)",
        "声明:以上内容为本网站转自其它媒体。",
        "(责任编辑:孙悦)",
        "上一篇:别的新闻",
        "1. 栏目里的另一条新闻",
    ]
    assert clean_body(raw) == "\n".join([PARA_A, "世界上海拔最高的风电场——哲古风电场。", "……", PARA_B])


def test_clean_body_splits_lines_and_keeps_full_width_punctuation() -> None:
    assert clean_body(["第一段，全角标点。\n第二段：保持原样！"]) == "第一段，全角标点。\n第二段：保持原样！"


@pytest.mark.parametrize("raw", [[], [""], ["  ", "\u3000"], ["声明:仅供参考", "相关推荐"], [None, 3]])
def test_clean_body_nothing_left(raw: list[str]) -> None:
    assert clean_body(raw) is None


def test_clean_body_footer_at_the_top_is_only_dropped() -> None:
    assert clean_body(["上一篇:旧闻", PARA_A]) == PARA_A


def reference_paragraphs() -> list[str]:
    page = sorted(REFERENCE_DIR.glob("*.txt"))[0].read_text(encoding="utf-8")
    lines = page.split("\n")
    meta = next(i for i, line in enumerate(lines) if "来源:" in line and "阅读量" in line)
    return lines[meta + 1 :]


@pytest.mark.skipif(not REFERENCE_DIR.is_dir(), reason="reference pages not available")
def test_clean_body_reference_page() -> None:
    paragraphs = reference_paragraphs()
    body = clean_body(paragraphs)
    assert body is not None
    assert "mdash;" not in body and "hellip;" not in body
    assert "风储项目——西藏公司" in body and "——" in body
    assert "……" in body.split("\n")
    assert body.count("1994年,中央第三次西藏工作座谈会") == 1  # not doubled
    assert body.count("照亮新天地") == 1
    assert not any(line.startswith("声明") for line in body.split("\n"))
    assert "上一篇" not in body and "栏目排行" not in body and "中国七家博物馆" not in body
    lines = body.split("\n")
    assert lines[0].startswith("1994年,中央第三次西藏工作座谈会") and lines[-1].endswith("照亮新天地。")
    assert len(lines) == len(set(lines)) + 1  # only "……" appears twice (legitimately, as on the page)
    assert clean_body(lines) == body


@pytest.mark.skipif(not REFERENCE_DIR.is_dir(), reason="reference pages not available")
def test_reference_page_header_fields() -> None:
    page = sorted(REFERENCE_DIR.glob("*.txt"))[0].read_text(encoding="utf-8")
    meta = next(line for line in page.split("\n") if "来源:" in line and "阅读量" in line)
    assert parse_published_at(meta, now=NOW) == sh(2024, 9, 3, 11, 54, 3)
    assert clean_source(meta, own_names=["天下金融网"]) == "千龙网"
    assert parse_views(meta) == (11003, False)


# --------------------------------------------------------------------------------------------------
# Robustness: garbage in never raises; pathological input stays fast
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_never_raises(value: object) -> None:
    v: object = value
    assert parse_published_at(v, now=NOW) is None  # type: ignore[arg-type]
    assert parse_published_at("2024-09-03", now=v) is not None  # type: ignore[arg-type]
    assert date_from_url(v) is None  # type: ignore[arg-type]
    assert parse_views(v) == (None, False)  # type: ignore[arg-type]
    assert clean_source(v) is None  # type: ignore[arg-type]
    assert clean_source("千龙网", own_names=v) == "千龙网"  # type: ignore[arg-type]
    assert clean_person(v) is None  # type: ignore[arg-type]
    assert find_editor(v) is None  # type: ignore[arg-type]
    assert clean_title(v) is None  # type: ignore[arg-type]
    assert clean_title("标题", site_names=v) == "标题"  # type: ignore[arg-type]
    assert fold_width(v) == ""  # type: ignore[arg-type]
    assert repair_entities(v) == ""  # type: ignore[arg-type]
    assert normalize_space(v) == ""  # type: ignore[arg-type]
    assert is_boilerplate(v) is False  # type: ignore[arg-type]
    assert clean_body(v) is None  # type: ignore[arg-type]
    assert common_title_suffix(v) is None  # type: ignore[arg-type]
    assert isinstance(collapse_repeat(v), list)  # type: ignore[arg-type]
    assert canonical_source(v) is None  # type: ignore[arg-type]
    assert split_people(v) == []  # type: ignore[arg-type]
    assert dates_disagree(v, SEP3) is False  # type: ignore[arg-type]
    assert dates_disagree(NOW, v) is False  # type: ignore[arg-type]
    assert dates_disagree(NOW, date(2024, 1, 1), tolerance_days=v) is True  # type: ignore[arg-type]


def test_extreme_now_and_counts_never_raise() -> None:
    for now in (datetime.min, datetime.max, datetime.max.replace(tzinfo=UTC)):
        parse_published_at("99999周前 刚刚 昨天 12-31 23:59 9月3日", now=now)
    assert parse_views("9" * 5000) == (None, False)
    assert parse_published_at("99999周前", now=NOW) is None


@pytest.mark.parametrize(
    "raw",
    [
        "2024-" * 20_000,
        "1" * 100_000,
        "来源:" * 20_000,
        "记者" * 20_000,
        "mdash" * 20_000 + ";",
        "&amp;" * 20_000 + "mdash;",
        "a" * 100_000 + ";",
        " " * 100_000 + "x",
        "9月" * 20_000,
        "_天下金融网" * 10_000,
        "<a " * 20_000,
    ],
)
def test_pathological_input_stays_fast(raw: str) -> None:
    started = time.perf_counter()
    parse_published_at(raw, now=NOW, url=raw)
    date_from_url(raw)
    parse_views(raw)
    clean_source(raw)
    clean_person(raw)
    find_editor(raw)
    clean_title(raw, SITE)
    common_title_suffix([raw, raw])
    is_boilerplate(raw)
    clean_body([raw, raw])
    canonical_source(raw)
    split_people(raw)
    learner = TitleSuffixLearner()
    for _ in range(3):
        learner.observe("site", raw)
    learner.strip("site", raw)
    assert time.perf_counter() - started < 2.0


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

# Fragments real pages are made of, so generated text exercises the patterns, not only random noise.
FRAGMENTS = [
    "来源", "来源:", "：", ":", " ", "  ", "\u3000", "\xa0", "\u200b", "\n", "作者", "记者", "编辑", "责任编辑",
    "文/", "(", ")", "【", "】", "[", "]", "<a href='x'>", "</a>", "&", ";", "amp;", "&amp;", "mdash;",
    "hellip;", "nbsp;", "#8212;", "&#x2014;", "lt;", "2024", "-", "09", "/", ".", "年", "月", "日", "03",
    "11:54", "昨天", "刚刚", "前", "分钟", "万", "+", "阅读", "点击", "(123)", "1.2", ",", "、", "千龙网",
    "网络", "佚名", "张三", "李四", "_", "|", "—", "天下金融网", "声明", "上一篇", "相关推荐", "e\u0301",
    "\u037e", "Ｋ", "１", "A", "b",
]  # fmt: skip
portal_text = st.lists(st.sampled_from(FRAGMENTS), max_size=24).map("".join)
any_text = st.one_of(st.text(), portal_text)


@given(any_text, st.one_of(st.none(), any_text))
@settings(max_examples=400)
def test_parse_published_at_property(text: str, url: str | None) -> None:
    found = parse_published_at(text, now=NOW, url=url)
    if found is not None:
        assert found.tzinfo is SHANGHAI
        assert sh(1995, 1, 1) <= found <= NOW + timedelta(days=1)


@given(any_text)
@settings(max_examples=400)
def test_date_from_url_property(url: str) -> None:
    found = date_from_url(url)
    assert found is None or found.year >= 1995


@given(any_text)
@settings(max_examples=400)
def test_parse_views_property(text: str) -> None:
    count, lower_bound = parse_views(text)
    if count is None:
        assert lower_bound is False
    else:
        assert 0 <= count <= 1_000_000_000


@given(any_text)
@settings(max_examples=400)
def test_fold_width_property(text: str) -> None:
    folded = fold_width(text)
    assert len(folded) == len(text)
    assert not any(0xFF01 <= ord(c) <= 0xFF5E or c == "\u3000" for c in folded)
    assert fold_width(folded) == folded


@given(any_text)
@settings(max_examples=400)
def test_normalize_space_idempotent(text: str) -> None:
    once = normalize_space(text)
    assert normalize_space(once) == once
    assert once == once.strip() and "  " not in once and "\n" not in once


@given(any_text)
@settings(max_examples=400)
def test_repair_entities_idempotent(text: str) -> None:
    once = repair_entities(text)
    assert repair_entities(once) == once
    assert len(once) <= len(text)


@given(any_text, st.lists(st.one_of(any_text, st.sampled_from(["天下金融网", "_天下金融网", " - 新浪财经"]))))
@settings(max_examples=400)
def test_clean_title_idempotent(text: str, names: list[str]) -> None:
    once = clean_title(text, names)
    if once is not None:
        assert clean_title(once, names) == once
        assert once == normalize_space(once)


@given(any_text, st.lists(any_text, max_size=3))
@settings(max_examples=400)
def test_clean_source_idempotent(text: str, own: list[str]) -> None:
    once = clean_source(text, own)
    if once is not None:
        assert clean_source(once, own) == once


@given(any_text)
@settings(max_examples=400)
def test_clean_person_idempotent(text: str) -> None:
    once = clean_person(text)
    if once is not None:
        assert clean_person(once) == once


@given(any_text)
@settings(max_examples=400)
def test_find_editor_property(text: str) -> None:
    editor = find_editor(text)
    assert editor is None or clean_person(editor) == editor


@given(any_text)
@settings(max_examples=400)
def test_is_boilerplate_property(line: str) -> None:
    assert isinstance(is_boilerplate(line), bool)


@given(st.lists(any_text, max_size=12))
@settings(max_examples=400)
def test_clean_body_idempotent(paragraphs: list[str]) -> None:
    once = clean_body(paragraphs)
    if once is not None:
        assert clean_body(once.split("\n")) == once
        assert all(line and line == normalize_space(line) for line in once.split("\n"))


@given(st.lists(st.sampled_from([PARA_A, PARA_B, PARA_C, PARA_D, "……", "图片"]), max_size=10))
@settings(max_examples=400)
def test_collapse_repeat_property(paragraphs: list[str]) -> None:
    kept = collapse_repeat(paragraphs)
    assert collapse_repeat(kept) == kept
    remaining = iter(paragraphs)
    assert all(any(p == q for q in remaining) for p in kept)  # a subsequence of the input
    assert set(kept) == set(paragraphs)  # only copies are dropped


@given(st.lists(any_text, max_size=6))
@settings(max_examples=200)
def test_common_title_suffix_property(titles: list[str]) -> None:
    suffix = common_title_suffix(titles)
    assert suffix is None or suffix[0] in P.TITLE_SEPARATORS


SOURCE_NAMES = sorted({name for canonical, aliases in SHIPPED_OUTLETS.items() for name in [canonical, *aliases]})
source_text = st.one_of(
    any_text,
    st.sampled_from(SOURCE_NAMES),
    st.tuples(
        st.sampled_from(["", " ", "\u3000", "《"]), st.sampled_from(SOURCE_NAMES), st.sampled_from(["", " ", "》"])
    ).map("".join),
)


@given(source_text)
@settings(max_examples=400)
def test_canonical_source_property(name: str) -> None:
    canonical = canonical_source(name)
    assert (canonical is None) == (normalize_space(name) == "")
    if canonical is not None:
        assert canonical_source(canonical) == canonical
        assert canonical == normalize_space(name) or canonical in SHIPPED_OUTLETS


@given(any_text)
@settings(max_examples=400)
def test_split_people_agrees_with_clean_person(text: str) -> None:
    people = split_people(text)
    cleaned = clean_person(text)
    assert "、".join(people) == (cleaned or "")
    assert split_people(cleaned) == people
    assert all(name and name == name.strip() and "、" not in name for name in people)


aware_or_naive = st.datetimes(timezones=st.one_of(st.none(), st.timezones(), st.just(UTC)))


@given(st.one_of(st.none(), aware_or_naive), st.one_of(st.none(), st.dates()), st.integers(-3, 400))
@settings(max_examples=400)
def test_dates_disagree_property(page: datetime | None, url_day: date | None, tolerance: int) -> None:
    disagree = dates_disagree(page, url_day, tolerance_days=tolerance)
    assert isinstance(disagree, bool)
    if page is None or url_day is None:
        assert not disagree
        return
    try:
        day = page.astimezone(SHANGHAI).date() if page.tzinfo else page.date()
    except (OverflowError, ValueError):
        assert not disagree
        return
    assert disagree == (abs((day - url_day).days) > max(tolerance, 0))
    assert dates_disagree(page, day, tolerance_days=tolerance) is False  # a day agrees with itself


# Titles a portal may serve: a headline (sometimes with inner separators), maybe a site suffix.
headline_text = st.lists(st.sampled_from([*HEADLINES, "_", "-", "|", " - ", "甲", "2"]), min_size=1, max_size=3).map(
    "".join
)
site_suffix = st.sampled_from(["", "", "_天下金融网", "-金融观察网", " - 新浪财经", "_资讯_天下金融网", "_2", "|快讯"])
portal_titles = st.lists(st.tuples(headline_text, site_suffix).map("".join), max_size=40)


@given(portal_titles, st.integers(5, 12))
@settings(max_examples=300)
def test_title_suffix_learner_property(titles: list[str], max_titles: int) -> None:
    learner = TitleSuffixLearner(max_titles=max_titles)
    twin = TitleSuffixLearner(max_titles=max_titles)
    for title in titles:
        learner.observe("site", title)
        twin.observe("site", title)
    learnt = learner.suffix("site")
    assert learnt == twin.suffix("site")  # deterministic
    kept: dict[str, None] = {}  # the distinct recent titles, as the learner keeps them
    for title in titles:
        clean = normalize_space(repair_entities(normalize_space(title)))
        if clean:
            kept.pop(clean, None)
            kept[clean] = None
    recent = list(kept)[-max_titles:]
    found = common_title_suffix(recent, min_share=0.6)
    if len(recent) < 5 or found is None:
        assert learnt is None
    elif learnt is not None:
        assert sum(t.endswith(learnt) for t in recent) > 0.6 * len(recent)
        if crawler.normalize.titles._names_a_site(found):
            assert learnt == found
    for title in titles:
        once = learner.strip("site", title)
        assert once is None or learner.strip("site", once) == once


@given(st.one_of(any_text, portal_titles.map("".join), st.text(alphabet="_-| 甲—", max_size=200)))
@settings(max_examples=400)
def test_suffix_candidates_scan_only_the_tail(text: str) -> None:
    title = normalize_space(text)
    naive = set()
    for match in P.TITLE_SEPARATOR_RUN.finditer(title):
        suffix = title[match.start() :].strip()
        if match.start() > 0 and match.end() < len(title) and len(suffix) <= crawler.normalize.titles.MAX_SUFFIX_CHARS:
            naive.add(suffix)
    assert crawler.normalize.titles._suffix_candidates(title) == naive
