"""Fingerprints: reprint drift keeps bodies matching, different figures keep them apart."""

from __future__ import annotations

import pickle
import re
from datetime import datetime

import pytest

from crawler.items import Article
from crawler.reprints import fingerprint as fp
from crawler.reprints.fingerprint import fingerprint, strip_dateline
from crawler.reprints.matching import Matching
from crawler.vocabulary import SHANGHAI

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
        pytest.param("21世纪经济报道9月3日讯 " + ORIGINAL, id="dateline-of-an-outlet-with-digits"),
        pytest.param(ORIGINAL + "\n(责任编辑:孙悦)", id="editor-line"),
        pytest.param(ORIGINAL.rsplit("\n", 1)[0], id="last-paragraph-dropped"),
        pytest.param(ORIGINAL.replace(",", ",").replace("1000亿元", "1000 亿元"), id="punctuation-and-spacing"),
        pytest.param(ORIGINAL.replace("\n", ""), id="paragraph-breaks-lost"),
        pytest.param(ORIGINAL.replace("。", "。\n"), id="paragraphs-split"),
        pytest.param(ORIGINAL.replace("适度宽松", "一定宽松").replace("持续收窄", "不断收窄"), id="words-edited"),
    ],
)
def test_reprint_drift_keeps_the_story(copy: str) -> None:
    copied, original = fingerprint(copy), fingerprint(ORIGINAL)
    similarity = Matching().compare(copied, original)
    assert similarity is not None and similarity >= 0.75
    assert set(copied.bands) & set(original.bands)  # the index finds it


def test_templated_reports_with_other_figures_are_other_articles() -> None:
    day1 = "9月3日A股收盘:沪指涨0.52%报2802.98点,深成指涨0.81%报8405.12点。\n两市成交额合计6512亿元,较上一交易日放量312亿元。"
    day2 = "9月4日A股收盘:沪指涨0.15%报2807.21点,深成指跌0.22%报8386.40点。\n两市成交额合计5988亿元,较上一交易日缩量524亿元。"
    assert Matching().compare(fingerprint(day1), fingerprint(day2)) is None
    one_figure = day1.replace("312亿元", "313亿元")
    assert Matching().compare(fingerprint(day1), fingerprint(one_figure)) is None
    assert fingerprint(day1).body_hash != fingerprint(day2).body_hash


def test_copies_stating_the_same_figures_share_the_figures_key() -> None:
    """The last key is the figures': a copy a sentence longer (no figure in it) keeps it, a report with one
    figure changed does not, and a body stating fewer than MIN_FIGURES figures has none."""
    longer = fingerprint(ORIGINAL + "\n又一段。")
    assert fingerprint(ORIGINAL).bands[-1] == longer.bands[-1]
    assert fingerprint(ORIGINAL.replace("1.70", "1.75")).bands[-1] != longer.bands[-1]
    few = fingerprint(re.sub(r"\d", "", ORIGINAL) + "同比增长5.8%。")
    assert len(few.figures) < fp.MIN_FIGURES and len(few.bands) == fp.BANDS + fp.HEAD_BANDS


def test_a_paragraph_of_a_story_is_not_a_copy_of_it() -> None:
    assert Matching().compare(fingerprint(ORIGINAL.split("\n")[0] * 2), fingerprint(ORIGINAL)) is None


def test_unrelated_bodies_share_no_band() -> None:
    other = "\n".join([
        "国家统计局今日发布数据显示,前三季度全国规模以上工业增加值同比增长5.8%。",
        "其中,高技术制造业增加值增长9.1%,装备制造业增加值增长7.5%,增速均快于全部规上工业。",
        "分项看,新能源汽车、工业机器人和集成电路产量分别增长31.5%、16.2%和22.4%。",
    ])  # fmt: skip
    assert not set(fingerprint(other).bands) & set(fingerprint(ORIGINAL).bands)
    assert Matching().compare(fingerprint(other), fingerprint(ORIGINAL)) is None


DATELINED = "中新网9月3日电 " + ORIGINAL


def _spaced(text: str) -> str:
    """An ASCII space between CJK and Latin letters or digits, the way some editors "fix" reprints."""
    return re.sub(r"(?<=[\u4e00-\u9fff])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%])(?=[\u4e00-\u9fff])", " ", text)


def _full_width(text: str) -> str:
    """ASCII digits, letters and punctuation as their full-width forms (U+FF01..U+FF5E)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(_spaced(DATELINED), id="spaced"),
        pytest.param(DATELINED.replace(",", "，").replace("(", "（").replace(")", "）"), id="full-width-punctuation"),
        pytest.param(_full_width(DATELINED), id="full-width-digits-and-punctuation"),
        pytest.param(_spaced(_full_width(DATELINED)), id="spaced-full-width"),
        pytest.param(_spaced(DATELINED).replace("中新网 9 月 3 日电", "中新网　9 月 3 日 电"), id="ideographic-space"),
        pytest.param(DATELINED.replace("1.70%", "1 . 70 %").replace("1000", "1, 000"), id="spaces-inside-numbers"),
        pytest.param(ORIGINAL, id="no-dateline"),
    ],
)
def test_spacing_and_width_leave_the_fingerprint_unchanged(variant: str) -> None:
    """Every step sees the folded text: the dateline is cut however it is spaced, and the hash, the figures
    and the band keys are those of the plain body."""
    plain, other = fingerprint(DATELINED), fingerprint(variant)
    assert (other.body_hash, other.figures, other.bands) == (plain.body_hash, plain.figures, plain.bands)


def test_a_copy_cut_short_shares_head_keys_with_its_story() -> None:
    """The story's last paragraphs dropped: the whole-body sets overlap by little more than half, the heads
    are equal (a copy of story g007331 of a 20,000-story network shared no whole-body band)."""
    long = ORIGINAL + "\n" + "\n".join(ORIGINAL.split("\n")[::-1]).replace("1000", "2000").replace("1.70", "1.90")
    short, full = fingerprint(ORIGINAL), fingerprint(long)
    head = slice(fp.BANDS, fp.BANDS + fp.HEAD_BANDS)
    assert len(short.bands) == len(full.bands) == fp.BANDS + fp.HEAD_BANDS + 1  # and the figures key
    assert set(short.bands[head]) == set(full.bands[head])
    assert Matching().compare(short, full) == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中新网9月3日电 央行今日开展逆回购。", "央行今日开展逆回购。"),
        ("中新网 9 月 3 日电 央行今日开展逆回购。", "央行今日开展逆回购。"),
        ("新华社北京 9 月 3 日 电 (记者 王磊) 央行今日开展逆回购。", "央行今日开展逆回购。"),
        ("新华社北京9月3日电(记者 王磊)央行今日开展逆回购。", "央行今日开展逆回购。"),
        ("本报讯 央行今日开展逆回购。", "央行今日开展逆回购。"),
        # must NOT be cut: a date that starts the news itself
        ("9月3日A股收盘:沪指涨0.52%", "9月3日A股收盘:沪指涨0.52%"),
        ("9月3日,央行开展逆回购。", "9月3日,央行开展逆回购。"),
        ("公司于9月3日电话会议中表示看好前景。", "公司于9月3日电话会议中表示看好前景。"),
        ("隆基绿能 2 月 28 日盘中股价创出年内新高", "隆基绿能 2 月 28 日盘中股价创出年内新高"),
        ("公司于 9 月 3 日 电话会议中表示看好前景。", "公司于 9 月 3 日 电话会议中表示看好前景。"),
    ],
)
def test_strip_dateline(text: str, expected: str) -> None:
    assert strip_dateline(text) == expected


def test_short_bodies_have_no_band_keys_and_match_only_when_equal() -> None:
    short = fingerprint("央行今日开展逆回购。")
    assert short.bands == ()
    assert Matching().compare(short, fingerprint("央行今日开展逆回购")) == 1.0
    assert Matching().compare(short, fingerprint("央行今日开展逆回购操作")) is None


def test_body_hash_ignores_spacing_and_punctuation_only() -> None:
    assert fingerprint("沪指涨0.52%,报2802点。").body_hash == fingerprint("沪指涨0.52% ,报 2802点").body_hash
    assert fingerprint("沪指涨0.52%").body_hash != fingerprint("沪指涨0.53%").body_hash


def test_a_fingerprint_a_worker_computed_is_the_one_the_crawl_uses() -> None:
    """NormalizePipeline has an extraction worker normalise an article and fingerprint its body; the fingerprint
    comes back pickled, and DedupePipeline, storage and the writer then ask `fingerprint` for it."""
    article = Article(url="https://example.com/a.html", site="example", title="央行开展逆回购", body=ORIGINAL + "\n\n")
    _, normalized, computed = pickle.loads(
        pickle.dumps(fp.normalized_and_fingerprinted(article, datetime(2024, 9, 3, tzinfo=SHANGHAI), None))
    )
    assert normalized.body == ORIGINAL  # cleaned before it was fingerprinted
    fingerprint.cache_clear()
    fp.given(normalized.body, computed)
    assert fingerprint(normalized.body) is computed
    assert fingerprint(normalized.body) is computed  # cached from then on
    assert (computed.body_hash, computed.bands, computed.figures) == (
        (expected := fp.compute(ORIGINAL)).body_hash, expected.bands, expected.figures
    )  # fmt: skip
    assert (computed.shingles == expected.shingles).all()
