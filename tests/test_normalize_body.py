"""is_boilerplate, collapse_repeat, clean_body: the article text without page furniture, and the
reference page from /work/shared/reference."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crawler.normalize import (
    body,
    clean_body,
    clean_source,
    collapse_repeat,
    is_boilerplate,
    parse_published_at,
    parse_views,
)
from crawler.vocabulary import SHANGHAI

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
REFERENCE_DIR = Path("/work/shared/reference")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


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
        "稿源：新华网",  # every 来源 label of the vocabulary, with every lead (the union of two drifted lists)
        "信息来源：办公室",
        "转自：人民网",
        "【打印】【关闭】",
        "[打印] [关闭窗口]",
        "【字体:大 中 小】",
        "栏目排行",
        "第1页/共2页 首页 上一页 1 2 下一页 尾页",
        "第 2 页 / 共 3 页",
        "本帖最后由 慢慢变富的阿成 于 2024-9-3 08:05 编辑",
        # editors' notes and credits around the text (issue 14: real pages)
        "（原标题：某市出台新规 进一步优化营商环境）",
        "原标题：快讯！某公司发布三季报",
        "本文原标题：《定了！某某港即将开通》",
        "（原题为《是“收割”还是“回归理性”》）",
        "图片来自网络，如有侵权，请联系删除。",
        "图片均来自网络",
        "信息来源于网络",
        "(综合整理自某某新闻、某某网等)",
        "（资料来源：某某消息、某某网等）",
        "（实习生某某对此文亦有贡献）",
        "某某党支部、某某科供稿 摄影/张三 编辑/李四",
        "转载请注明出处：某某网",
        "- THE END -",
        "(本文来自某某新闻，更多原创资讯请下载“某某新闻”APP)",
        "相关资讯请关注:某某专区",
        "此前报道：某某出狱前首受访",
        "图集",
        # tags, buttons
        "文章关键词： 苹果新品 新iPhone",
        "关键字 : 香港",
        "20190926|国贸|增长率|全球经济",
        "+1",
        "【纠错】 责任编辑： 张三",
        # a related section's heading alone; a reprint ban
        "延伸阅读",
        "本文为某某原创文章，未经允许不得转载，如需转载请联系service#example.cn(#换成@)",
        "未经授权，禁止转载。",
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
        "网友调侃原标题党又出新招，引来围观。",
        "图片来自网络的说法不实，记者已向当事人核实。",
        "综合自身优势，公司将继续拓展海外市场。",
        "此前，有报道指出，数据服务机构将转型。",
        "他对此文的观点有不同看法。",
        "A股|港股联动，沪指收涨1.2%，成交额超过万亿元。",
        "+1.2%的涨幅创下年内新高。",
        "关键字的搜索量增长了三倍。",
        "延伸阅读材料显示，该政策已实施三年。",
        "本文为读者梳理了三个要点。",
        "未经允许进入现场的人员将被劝离。",
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


def test_clean_body_ends_at_a_credits_block_followed_by_short_lines_only() -> None:
    tail = [
        "编辑|张三",
        "校对|李四",
        "来源|某某参考、某某发布",
        "1、回复【社保】查询缴纳记录",
        "看都看完了，点【在看】试试",
    ]
    assert clean_body([PARA_A, PARA_B, *tail]) == "\n".join([PARA_A, PARA_B])
    assert clean_body([PARA_A, "编辑：张三", PARA_B]) == "\n".join([PARA_A, PARA_B])  # text after it: a line only


def test_a_credits_tail_is_found_in_one_pass() -> None:
    """A body of many credits-like lines and a long line last keeps them all, and each line's length is read once
    (it was read again for each such line before it: 20,000 of them took 20 s)."""
    measured = []

    class Line(str):
        def __len__(self) -> int:
            measured.append(self)
            return super().__len__()

    lines: list[str] = [Line(line) for line in [PARA_A, *["编辑|张三"] * 5000, PARA_A + PARA_B]]  # a long line last
    assert body._without_credits_tail(lines) == lines
    assert len(measured) <= len(lines)
    assert body._without_credits_tail([PARA_A, "编辑" + " " * 50 + "|张三", "校对|李四"]) == [PARA_A]  # a long one


def test_repeats_are_looked_for_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each removal of a repeated block reads the whole body again: at most MAX_COLLAPSES removals, and none in a
    body of more than MAX_COLLAPSE_LINES lines (50,000 repeated lines took 6 s)."""
    looks = []
    largest = body._largest_repeat

    def counted(keys: list[str]) -> tuple[int, int] | None:
        looks.append(len(keys))
        return largest(keys)

    monkeypatch.setattr(body, "_largest_repeat", counted)
    doubled = [f"{PARA_A}{n // 2}" for n in range(2 * (body.MAX_COLLAPSES + 10))]
    assert collapse_repeat(doubled) == doubled[: 2 * body.MAX_COLLAPSES : 2] + doubled[2 * body.MAX_COLLAPSES :]
    assert len(looks) == body.MAX_COLLAPSES
    looks.clear()
    many = [PARA_A] * (body.MAX_COLLAPSE_LINES + 1)
    assert collapse_repeat(many) == many and not looks
    assert collapse_repeat([PARA_A] * body.MAX_COLLAPSE_LINES) == [PARA_A]


def test_clean_body_drops_an_end_mark_closing_the_text() -> None:
    assert clean_body([PARA_A, PARA_B + "（完）"]) == "\n".join([PARA_A, PARA_B])
    assert clean_body([PARA_A, "（完）"]) == PARA_A
    assert clean_body([PARA_A + "（完整版）"]) == PARA_A + "（完整版）"


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
