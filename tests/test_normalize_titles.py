"""clean_title, common_title_suffix and TitleSuffixLearner: headlines without their site suffix."""

from __future__ import annotations

import pytest

from crawler.normalize import (
    TitleSuffixLearner,
    clean_title,
    common_title_suffix,
)

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
