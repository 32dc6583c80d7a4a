"""The article-field forms real portals write (issue 14), one table per class of form: each row a case that
must be read, and rows that must not be. The forms are paraphrased, never a real page's text."""

from __future__ import annotations

import pytest

from crawler.normalize import clean_person, clean_source

# --------------------------------------------------------------------------------------------------
# Authors: names only, any number, in their order
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("记者 张三 李四", "张三、李四"),
        ("文/张三", "张三"),
        ("本报记者 张三 发自北京", "张三"),
        ("张三 实习生 李四", "张三、李四"),
        ("作者：张三（北京）", "张三"),
        ("作者：张三(上海) 李四", "张三、李四"),
        ("记者 张三 3分钟", "张三"),  # a reading time is no name
        ("作者：张三 我来说两句", "张三"),
        ("张三 2024-09-03 11:54", "张三"),
        ("责任编辑：张三 报料热线：4000-00-0000 未经授权不得转载", "张三"),
        ("张三 推荐0", "张三"),
        ("张三 分享到", "张三"),
        # must not: a role in brackets is not a place to drop, a bracketed name stays a name
        ("张三（实习生）李四", "张三、李四"),
        ("(责任编辑:孙悦)", "孙悦"),
        ("我来说两句", None),
        ("发自北京", None),
    ],
)
def test_author_names_only(raw: str, expected: str | None) -> None:
    assert clean_person(raw) == expected


# --------------------------------------------------------------------------------------------------
# 来源 without the page's buttons after it
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("来源：某某财富网 阅读全文", "某某财富网"),
        ("来源：某某日报网 字号 大 中 小", "某某日报网"),
        ("来源：某某晚报 分享到", "某某晚报"),
        ("来源：某某新闻云4人参与2评论", "某某新闻云"),
        ("来源: 某某快报 举报", "某某快报"),
        # must not: a UI word inside the outlet's name stays
        ("来源：某某报评论", "某某报评论"),
        ("来源：某某推荐网", "某某推荐网"),
    ],
)
def test_source_without_trailing_ui_words(raw: str, expected: str) -> None:
    assert clean_source(raw) == expected
