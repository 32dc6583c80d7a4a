"""parse_views: the read counts portals show, and numbers that are no read count."""

from __future__ import annotations

import pytest

from crawler.normalize import (
    parse_views,
)

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
        ('{"code":0,"data":{"hits":11003}}', (11003, False)),  # counters answering in JSON, JSONP or a variable
        ('jQuery18305({"status":1,"viewCount":"523"})', (523, False)),
        ('{"id":5007,"click_num":45}', (45, False)),
        ("var hits = 523; document.getElementById('hits').innerHTML = hits;", (523, False)),
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
