"""clean_source and canonical_source: the 来源 field, and the alias table crawler/normalize/outlets.toml."""

from __future__ import annotations

import logging
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import crawler.normalize.outlets
import crawler.normalize.titles
from crawler.normalize import (
    canonical_source,
    clean_source,
    load_source_aliases,
)

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
# canonical_source / load_source_aliases (crawler/normalize/outlets.toml)
# --------------------------------------------------------------------------------------------------

SHIPPED_OUTLETS: dict[str, list[str]] = tomllib.loads(
    resources.files("crawler.normalize").joinpath("outlets.toml").read_text(encoding="utf-8")
)["outlets"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("中证网", "中国证券报·中证网"),
        ("中国证券报", "中国证券报·中证网"),
        ("中国证券报·中证网", "中国证券报·中证网"),
        ("中证网(中国证券报)", "中国证券报·中证网"),
        ("中证网（中国证券报）", "中国证券报·中证网"),
        ("中国证券报-中证网", "中国证券报·中证网"),  # any joiner between the two names
        ("中国证券报 — 中证网", "中国证券报·中证网"),
        ("中国证券报•中证网", "中国证券报·中证网"),
        ("中国证券报・中证网", "中国证券报·中证网"),
        ("新华社", "新华社"),
        ("新华网", "新华社"),
        ("新华社客户端", "新华社"),
        ("新华财经", "新华社"),
        ("人民网", "人民日报"),
        ("人民日报", "人民日报"),
        ("人民日报客户端", "人民日报"),
        ("人民网-人民日报", "人民日报"),
        ("中新网", "中国新闻社"),
        ("中国新闻网", "中国新闻社"),
        ("中新社", "中国新闻社"),
        ("央广网", "中央广播电视总台"),
        ("中国之声", "中央广播电视总台"),
        ("央视新闻", "中央广播电视总台"),
        ("央视财经", "中央广播电视总台"),
        ("CCTV", "中央广播电视总台"),
        ("cctv", "中央广播电视总台"),  # case
        ("ＣＣＴＶ", "中央广播电视总台"),  # width
        ("证券时报网", "证券时报"),
        ("e公司", "证券时报"),
        ("Ｅ公司", "证券时报"),
        ("上证报", "上海证券报"),
        ("中国证券网", "上海证券报"),
        ("经济参考网", "经济参考报"),
        ("一财网", "第一财经"),
        ("21财经", "21世纪经济报道"),
        ("２１世纪经济网", "21世纪经济报道"),
        ("每经网", "每日经济新闻"),
        ("财联社", "财联社"),
        ("界面", "界面新闻"),
        ("澎湃新闻客户端", "澎湃新闻"),
        ("中国经济网", "经济日报"),
        ("经济日报-中国经济网", "经济日报"),
        ("中国金融新闻网", "金融时报"),
        ("北京商报网", "北京商报"),
        ("华夏时报网", "华夏时报"),
        ("中国资本证券网", "证券日报"),
        ("《证券日报》", "证券日报"),  # 《》 ignored
        ("中国基金报", "中国基金报"),
        ("贝壳财经", "新京报"),
        ("千龙网·中国首都网", "千龙网"),
        ("千龙网", "千龙网"),
        ("  新华网  ", "新华社"),  # surrounding spaces
        ("\u3000新华网\u3000", "新华社"),
        ("新 华 网", "新华社"),  # spaces inside
        ("the paper", "澎湃新闻"),
        ("英国《金融时报》", "FT中文网"),
    ],
)
def test_canonical_source(raw: str, expected: str) -> None:
    assert canonical_source(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "某某财经网",  # unknown names map to themselves
        "人民日报海外版",  # another edition, not an alias
        "人民网(北京)",  # no rule cuts a bureau or channel: only listed names match
        "新华",  # a prefix of an alias is not the alias
        "新华网站",
        "中国证券",
        "金融时报",  # the People's Bank paper, not the Financial Times
        "经济参考报",  # a 新华社 paper, but an outlet of its own
        "中新经纬",  # a 中新社 brand, an outlet of its own
        "网络",  # "no source" values are clean_source's business, not this table's
        "ft.com",
        "人民日报编辑部",
    ],
)
def test_canonical_source_leaves_unlisted_names(raw: str) -> None:
    assert canonical_source(raw) == raw


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "\u200b"])
def test_canonical_source_nothing(raw: str | None) -> None:
    assert canonical_source(raw) is None


def test_canonical_source_after_clean_source() -> None:
    assert canonical_source(clean_source("来源：中证网（中国证券报） 作者:张三")) == "中国证券报·中证网"
    assert canonical_source(clean_source("来源:新华社记者 王磊")) == "新华社"
    assert canonical_source(clean_source("来源:网络")) is None


def test_source_table_shape() -> None:
    table = load_source_aliases()
    outlets = set(table.values())
    assert outlets == set(SHIPPED_OUTLETS)
    assert len(outlets) >= 25
    assert len(table) >= len(outlets) + 100  # canonical names and their aliases


@pytest.mark.parametrize(("canonical", "aliases"), sorted(SHIPPED_OUTLETS.items()))
def test_source_table_entries(canonical: str, aliases: list[str]) -> None:
    for name in [canonical, *aliases]:
        assert clean_source(name) == name  # written as clean_source leaves it
        assert canonical_source(name) == canonical
        assert canonical_source(" " + name.upper() + " ") == canonical


def test_source_table_ships_as_package_data() -> None:
    assert resources.files("crawler.normalize").joinpath("outlets.toml").is_file()


def test_load_source_aliases_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[outlets]\n"示例报" = ["示例网", "示例报·示例网"]\n"空表" = []\n', encoding="utf-8")
    table = load_source_aliases(path)
    assert set(table.values()) == {"示例报", "空表"}
    assert len(table) == 4


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[outlets]\n"甲报" = ["甲网"]\n"乙报" = ["甲网"]\n', "listed for both"),
        ('[outlets]\n"甲报" = ["乙报"]\n"乙报" = []\n', "listed for both"),  # an alias is another outlet
        ('[outlets]\n"甲报" = ["甲 网"]\n"乙报" = ["《甲网》"]\n', "listed for both"),  # equal once matched
        ('[outlets]\n"甲报" = "甲网"\n', "list of strings"),
        ('[outlets]\n"甲报" = ["甲网", 3]\n', "list of strings"),
        ('[outlets]\n"甲报" = [" "]\n', "empty name"),
        ('"甲报" = ["甲网"]\n', "no \\[outlets\\]"),
        ("outlets = 3\n", "no \\[outlets\\]"),
        ("[outlets\n", "not valid TOML"),
    ],
)
def test_load_source_aliases_rejects(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_source_aliases(path)


def test_unreadable_shipped_table_is_logged_and_maps_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(path: object = None) -> dict[str, str]:
        raise ValueError("broken on purpose")

    shipped = crawler.normalize.outlets._shipped_source_aliases
    monkeypatch.setattr(crawler.normalize.outlets, "load_source_aliases", broken)
    shipped.cache_clear()
    try:
        with caplog.at_level(logging.ERROR, logger="crawler.normalize.outlets"):
            assert canonical_source("中证网") == "中证网"
        assert "broken on purpose" in caplog.text
    finally:
        shipped.cache_clear()
    monkeypatch.undo()
    assert canonical_source("中证网") == "中国证券报·中证网"
