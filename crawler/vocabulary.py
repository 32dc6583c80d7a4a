"""The words Chinese finance portals write around their fields, in one place: the labels (来源, 作者, 编辑,
阅读量 ...), the relative-time forms (刚刚, 5分钟前, 昨天 ...), the title separators and the portals' timezone.

Extraction (`crawler.extract.patterns`, listing dates in `crawler.extract.mainlist`) and normalisation
(`crawler.normalize.patterns`) build their patterns from these tables, so a word added here is read by every
stage. The tables are plain strings, tuples and dicts; `words` turns one into a regex alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

# The portals' clock: a time written without an offset ("2024-09-03 11:54") is Beijing time.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def words(table: Iterable[str]) -> str:
    """A regex alternation of the literal words of `table`, longest first (so "分钟" is tried before "分").

    >>> words(["分", "分钟", "秒"])
    '分钟|分|秒'
    >>> re.fullmatch(words(["a.b"]), "axb") is None
    True
    """
    return "|".join(re.escape(word) for word in sorted(table, key=lambda word: (-len(word), word)))


# --------------------------------------------------------------------------------------------------
# Field labels
# --------------------------------------------------------------------------------------------------

# The 来源 label: "来源:千龙网", "稿源: 新华网", "转自:人民网", "转载自新浪财经", "出处:中证网".
SOURCE_LABELS: tuple[str, ...] = ("来源", "稿源", "转载自", "转自", "出处")
# What may stand before 来源: "文章来源:", "新闻来源：", "信息来源：办公室", "稿件来源", "本文来源：", "内容来源",
# "资料来源：某某报".
SOURCE_LABEL_LEADS: tuple[str, ...] = ("文章", "新闻", "信息", "稿件", "本文", "内容", "资料")
# The English label: "Source: Reuters" (matched case-insensitively, as a whole word).
SOURCE_LABEL_LATIN = "source"

# The 责任编辑 label and its short forms: "责任编辑:孙悦", "责编：孙悦", "编辑:孙悦".
EDITOR_LABELS: tuple[str, ...] = ("责任编辑", "责编", "编辑")

# The words a read count follows: "阅读量:11003", "点击：123", "浏览次数 45", "人气:9", "访问量:88", "观看 1.2万",
# "播放:3万", "围观 45", "热度:99".
VIEWS_LABELS: tuple[str, ...] = ("阅读", "点击", "浏览", "人气", "访问", "观看", "播放", "围观", "热度")
# What a views label may carry before its count: "阅读量", "阅读数", "浏览次数", "观看人数".
VIEWS_LABEL_ENDINGS: tuple[str, ...] = ("量", "数", "次数", "人数")
# A views label only before its colon: "查看: 3521" (forum threads); "点击查看" is a button.
VIEWS_LABEL_BEFORE_COLON = "查看"
# English views labels, as whole words: "views: 12", "hits 45", "PV: 3000".
VIEWS_LABELS_LATIN: tuple[str, ...] = ("view", "views", "hit", "hits", "click", "clicks", "read", "reads", "pv")

# --------------------------------------------------------------------------------------------------
# Relative times
# --------------------------------------------------------------------------------------------------

# "刚刚", "刚才"
JUST_NOW: tuple[str, ...] = ("刚刚", "刚才")
# The units of "<n><unit>前" and their seconds: "30秒前", "30秒钟前", "5分前", "5分钟前", "5分鐘前", "3小时前",
# "3 个小时前", "3小時前", "2钟头前", "2个钟头前", "2天前", "2日前", "1周前", "1星期前"; also "半小时前", "5天之前".
AGO_UNITS: dict[str, int] = {
    "秒": 1, "秒钟": 1, "分": 60, "分钟": 60, "分鐘": 60, "小时": 3600, "个小时": 3600, "小時": 3600,
    "钟头": 3600, "个钟头": 3600, "天": 86400, "日": 86400, "周": 604800, "星期": 604800,
}  # fmt: skip
# "<n>" of "<n><unit>前" may also be 半: "半小时前".
AGO_HALF = "半"
# Day words and how many days back they are: "今天 09:30", "今日", "昨天 14:20", "昨日", "前天 08:00".
DAY_WORDS: dict[str, int] = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}

# A 12-hour clock's half of the day, before its time: "下午3:05", "上午 10:20", "晚上8:15" (Latin AM/PM come after
# it: `normalize.patterns.TIME_AFTER`). An afternoon or evening hour under 12 is 12 more; noon's ("中午1:30") too
# under 11; 12 in the morning ("凌晨12:30") is 0.
AFTERNOON_WORDS: tuple[str, ...] = ("下午", "午后", "傍晚", "晚上", "晚间", "夜间", "夜里")
MORNING_WORDS: tuple[str, ...] = ("上午", "早上", "早晨", "清晨", "凌晨", "午前")
NOON_WORD = "中午"

# Any relative time, as listings and meta lines show it: "刚刚", "刚才", "5分钟前", "3 个小时前", "半小时前",
# "2天之前", "昨天 14:20", "昨日", "前天". Not "5分钟" (no 前), "日前" (no count), "第3天".
RELATIVE_TIME = re.compile(
    rf"{words(JUST_NOW)}"
    rf"|(?:\d+|{AGO_HALF})\s*(?:{words(AGO_UNITS)})\s*之?前"
    rf"|(?:{words(DAY_WORDS)})(?:\s*\d{{1,2}}:\d{{2}})?"
)

# --------------------------------------------------------------------------------------------------
# Title separators
# --------------------------------------------------------------------------------------------------

# What separates a headline from a site name in a <title>: "标题_站名", "标题-站名", "标题|站名", "标题｜站名",
# "标题丨站名", "标题—站名", "标题–站名", "标题－站名", "标题＿站名", "标题 - 站名".
TITLE_SEPARATORS = "_-|｜丨—–－＿"
# The separators a <title> may double: "标题--宁波财经网", "标题——千龙网", "标题––站名".
DOUBLED_TITLE_SEPARATORS = "-—–"

# --------------------------------------------------------------------------------------------------
# Page furniture beside the fields
# --------------------------------------------------------------------------------------------------

# Buttons and counters a page writes right after a field's value, never part of it: "东方财富网 阅读全文",
# "千龙网 字号 大 中 小", "新京报 分享到", "东森新闻云 4人参与 2评论", "韩保林 推荐0", "张珺 澎湃新闻报料：...",
# "未经授权不得转载", "新京报 举报", "张三 我来说两句".
TRAILING_UI_WORDS: tuple[str, ...] = (
    "阅读全文", "全文阅读", "查看全文", "查看更多", "字号", "字体", "分享到", "分享", "举报", "收藏", "打印", "关闭",
    "纠错", "评论", "我来说两句", "人参与", "推荐", "报料", "未经授权", "返回", "点赞", "关注", "订阅",
)  # fmt: skip

# Words a date in a meta line carries: "发表于 2021-03-04", "发布于2024-09-03", "2005-04-27 14:32更新",
# "发布时间：2024-09-03", "更新时间 2024-09-03".
DATE_LABELS: tuple[str, ...] = ("发表于", "发布于", "发表时间", "发布时间", "更新时间", "更新于", "时间", "日期")

# --------------------------------------------------------------------------------------------------
# Pages that are gone
# --------------------------------------------------------------------------------------------------

# What a portal's "not found" page (answered 200 where an article was: 删稿) says in its <title> or heading:
# "文章不存在", "您访问的页面不存在", "该文章已被删除", "信息已删除", "页面找不到了", "页面未找到", "404 Not Found",
# "内容已下线", "404错误". Only on a page with almost no text (`crawler.extract.kind.is_gone`): "风险并不存在"
# heads articles. Not a bare "404": "营收增长404%" heads a 快讯.
NOT_FOUND_WORDS: tuple[str, ...] = (
    "不存在",
    "已被删除",
    "已删除",
    "找不到",
    "未找到",
    "已下线",
    "Not Found",
    "404错误",
)
NOT_FOUND = re.compile(words(NOT_FOUND_WORDS))
