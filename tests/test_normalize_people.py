"""clean_person, find_editor, split_people: author and editor names out of their fields."""

from __future__ import annotations

import pytest

from crawler.normalize import (
    clean_person,
    find_editor,
    split_people,
)

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
        ("记者 张三 李四 张三", "张三、李四"),  # a name repeated (the byline and its signature) is one name
        ("作者：李四、李四", "李四"),
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
        # page UI words after a name end it; staff codes and certificate numbers are no names
        ("张燕北 评论 收藏", "张燕北"),
        ("王堃 评论", "王堃"),
        ("王轶辰 字号:大 中 小", "王轶辰"),
        ("王永 版面 刘珊", "王永"),
        ("刘文丽 PF117", "刘文丽"),
        ("[责任编辑：刘文丽 PF117]", "刘文丽"),
        # a two-character name spaced out; two names stay two
        ("本报记者 韩 鑫", "韩鑫"),
        ("本报记者 陆\u3000洋", "陆洋"),
        ("记者 秦燕玲 贺觉渊", "秦燕玲、贺觉渊"),
        ("杨 帆、吕欣", "杨帆、吕欣"),
        # outlet-prefixed labels and outlets before a name
        ("每经记者：李星 每经编辑：王五", "李星"),
        ("方舟 新财编辑：程雪", "方舟"),
        ("潮头新闻编辑 | 丁文娜", "丁文娜"),
        ("界面新闻记者 | 李科文", "李科文"),
        ("澎湃新闻记者 王蕊 实习生 陈思", "王蕊、陈思"),
        ("作者：第一财经 杜川", "杜川"),
        ("分析师：张明远（执业证书编号：S0570520080001）", "张明远"),
        ("分析师：孙启航（执业证书编号：S1230521040002）、唐 蕊（执业证书编号：S1230523070011）", "孙启航、唐蕊"),
        ("王建社", "王建社"),  # a three-character name ending with 社 is a name
        ("记者张三 整合", "张三"),  # "整合" (compiled by) is no name
        ("某某网专栏作者 王文", "王文"),  # a column is no name
    ],
)
def test_clean_person(raw: str, expected: str) -> None:
    assert clean_person(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "佚名", "未知", "admin", "Admin", "本站", "作者:", "记者", "作者:佚名", "来源:新华社", "2024-09-03",
     "文章", "佚名 文章", "本站原创"],
)  # fmt: skip
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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三、李四", ["张三", "李四"]),
        ("张三", ["张三"]),
        ("张三、李四、王五", ["张三", "李四", "王五"]),
        ("John Smith、Mary Jones", ["John Smith", "Mary Jones"]),
        ("买买提·艾力", ["买买提·艾力"]),
        ("张三、张三", ["张三"]),  # a name repeated is one name (clean_person)
        # raw fields are cleaned first
        ("本报记者 张三 通讯员 李四", ["张三", "李四"]),
        ("张三,李四", ["张三", "李四"]),
        ("张三 李四", ["张三", "李四"]),
        ("作者:张三 编辑:李四", ["张三"]),
        ("(责任编辑:孙悦)", ["孙悦"]),
        ("John Smith, Mary Jones", ["John Smith", "Mary Jones"]),
    ],
)
def test_split_people(raw: str, expected: list[str]) -> None:
    assert split_people(raw) == expected
    assert split_people(clean_person(raw)) == expected
    assert "、".join(expected) == clean_person(raw)


@pytest.mark.parametrize("raw", [None, "", "   ", "、", "、、", "佚名", "记者", "作者:", "来源:新华社", "2024-09-03"])
def test_split_people_nothing(raw: str | None) -> None:
    assert split_people(raw) == []
