"""Paragraph keys: reprint drift keeps them, different figures change them."""

from __future__ import annotations

import pytest

from pipelines.fingerprint import Matching, body_hash, paragraph_keys, strip_dateline

ORIGINAL = "\n".join([
    "央行9月3日开展了1000亿元7天期逆回购操作,中标利率维持1.70%不变。",
    "市场人士表示,近期资金面总体平稳,跨月因素影响有限,流动性合理充裕。",
    "分析师认为,四季度货币政策仍有适度宽松空间,降准降息均有可能落地。",
    "此外,多家银行下调了存款利率,以缓解净息差持续收窄带来的经营压力。",
])  # fmt: skip


@pytest.mark.parametrize(
    "copy",
    [
        pytest.param("中新网9月3日电 " + ORIGINAL, id="dateline"),
        pytest.param("新华社北京9月3日电(记者 王磊)" + ORIGINAL, id="dateline-with-reporter"),
        pytest.param(ORIGINAL + "\n(责任编辑:孙悦)", id="editor-line"),
        pytest.param(ORIGINAL.rsplit("\n", 1)[0], id="last-paragraph-dropped"),
        pytest.param(ORIGINAL.replace(",", ",").replace("1000亿元", "1000 亿元"), id="punctuation-and-spacing"),
    ],
)
def test_reprint_drift_keeps_the_keys(copy: str) -> None:
    similarity = Matching().compare(paragraph_keys(copy), paragraph_keys(ORIGINAL))
    assert similarity is not None and similarity >= 0.75


def test_templated_reports_with_other_figures_share_no_keys() -> None:
    day1 = "9月3日A股收盘:沪指涨0.52%报2802.98点,深成指涨0.81%报8405.12点。\n两市成交额合计6512亿元,较上一交易日放量312亿元。"
    day2 = "9月4日A股收盘:沪指涨0.15%报2807.21点,深成指跌0.22%报8386.40点。\n两市成交额合计5988亿元,较上一交易日缩量524亿元。"
    assert not set(paragraph_keys(day1)) & set(paragraph_keys(day2))
    assert Matching().compare(paragraph_keys(day1), paragraph_keys(day2)) is None
    assert body_hash(day1) != body_hash(day2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中新网9月3日电 央行今日开展逆回购。", "央行今日开展逆回购。"),
        ("新华社北京9月3日电(记者 王磊)央行今日开展逆回购。", "央行今日开展逆回购。"),
        ("本报讯 央行今日开展逆回购。", "央行今日开展逆回购。"),
        # must NOT be cut: a date that starts the news itself
        ("9月3日A股收盘:沪指涨0.52%", "9月3日A股收盘:沪指涨0.52%"),
        ("9月3日,央行开展逆回购。", "9月3日,央行开展逆回购。"),
        ("公司于9月3日电话会议中表示看好前景。", "公司于9月3日电话会议中表示看好前景。"),
    ],
)
def test_strip_dateline(text: str, expected: str) -> None:
    assert strip_dateline(text) == expected


def test_short_paragraphs_and_repeats_give_no_extra_keys() -> None:
    body = "援藏路上的坚守\n" + ORIGINAL + "\n" + ORIGINAL.split("\n")[0]
    assert len(paragraph_keys(body)) == 4


def test_body_hash_ignores_spacing_and_punctuation_only() -> None:
    assert body_hash("沪指涨0.52%,报2802点。") == body_hash("沪指涨0.52% ,报 2802点")
    assert body_hash("沪指涨0.52%") != body_hash("沪指涨0.53%")
