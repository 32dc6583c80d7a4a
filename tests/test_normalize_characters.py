"""fold_width, normalize_space and repair_entities: full-width folding, whitespace, HTML entities
(also without their "&")."""

from __future__ import annotations

import pytest

from crawler.normalize import (
    fold_width,
    normalize_space,
    repair_entities,
)

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
