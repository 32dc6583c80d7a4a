"""Every normaliser of crawler.normalize: garbage in never raises, pathological input stays fast, and
property tests (arbitrary input never raises; normalising twice changes nothing)."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from importlib import resources

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
    normalize_space,
    parse_published_at,
    parse_views,
    repair_entities,
    split_people,
)
from crawler.normalize import patterns as P
from crawler.vocabulary import SHANGHAI

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
PARA_A = "1994年,中央第三次西藏工作座谈会作出对口援藏、分片负责、定期轮换重大决策。"
PARA_B = "新质生产力引领医疗援藏,远程手术示范教学越来越多地在西藏落地应用。"
PARA_C = "清洁能源开发助力民生援藏,越来越多的清洁能源项目落户西藏。"
PARA_D = "电商直播兴起推动产业援藏,相互促进。"
GARBAGE: list[object] = [None, 0, 12.5, b"2024-09-03", ["来源:千龙网"], {1: "a"}, object()]


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


SEP3 = date(2024, 9, 3)
SHIPPED_OUTLETS: dict[str, list[str]] = tomllib.loads(
    resources.files("crawler.normalize").joinpath("outlets.toml").read_text(encoding="utf-8")
)["outlets"]
SITE = ["天下金融网"]
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
@pytest.mark.timeout(30)  # each case takes well under a second; catastrophic backtracking takes forever
def test_pathological_input_stays_fast(raw: str) -> None:
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
