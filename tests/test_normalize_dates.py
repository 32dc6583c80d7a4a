"""parse_published_at, date_from_url, dates_disagree: every date form portals write, and the ones
that are no date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from crawler.normalize import (
    date_from_url,
    dates_disagree,
    parse_published_at,
)
from crawler.vocabulary import SHANGHAI

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)


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
        ("2024年9月3日 下午3:05", sh(2024, 9, 3, 15, 5)),  # a 12-hour clock
        ("2024-09-03 晚上 8:15", sh(2024, 9, 3, 20, 15)),
        ("2024-09-03 上午10:20", sh(2024, 9, 3, 10, 20)),
        ("2024-09-03 中午12:30", sh(2024, 9, 3, 12, 30)),
        ("2024-09-03 中午1:30", sh(2024, 9, 3, 13, 30)),
        ("2024-09-03 凌晨12:30", sh(2024, 9, 3, 0, 30)),
        ("2024-09-03 3:05 PM", sh(2024, 9, 3, 15, 5)),
        ("2024-09-03 12:05 a.m.", sh(2024, 9, 3, 0, 5)),
        ("2024-09-03 下午15:05", sh(2024, 9, 3, 15, 5)),  # already 24-hour
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
        "1e308小时前",  # the tail of a number is no count of hours
        "0x10天前",
        "1.5天前",
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
