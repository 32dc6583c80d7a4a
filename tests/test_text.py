"""Tables of cases for every text normaliser in pipelines.text (forms it must read, and text it must
leave alone), property tests (arbitrary input never raises; normalising twice changes nothing) and the
reference page from /work/shared/reference."""

from __future__ import annotations

import doctest
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipelines.text
from pipelines.text import (
    SHANGHAI,
    clean_body,
    clean_person,
    clean_source,
    clean_title,
    collapse_repeat,
    common_title_suffix,
    date_from_url,
    find_editor,
    fold_width,
    is_boilerplate,
    normalize_space,
    parse_published_at,
    parse_views,
    repair_entities,
)

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
REFERENCE_DIR = Path("/work/shared/reference")
GARBAGE: list[object] = [None, 0, 12.5, b"2024-09-03", ["来源:千龙网"], {1: "a"}, object()]


def test_doctests() -> None:
    result = doctest.testmod(pipelines.text)
    assert result.attempted > 20
    assert result.failed == 0


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
    ],
)
def test_clean_person(raw: str, expected: str) -> None:
    assert clean_person(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "佚名", "未知", "admin", "Admin", "本站", "作者:", "记者", "作者:佚名", "来源:新华社", "2024-09-03"],
)
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
    assert suffix is None or suffix[0] in "_-|｜丨—–－"
