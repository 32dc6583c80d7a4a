"""Pattern tables of the normalisers in `crawler.normalize`, compiled once at import.

Each pattern is commented with real text it matches (and, where it matters, text it must not).
Patterns that read numbers use `re.ASCII` so `\\d` is `[0-9]` and `\\s` is ASCII whitespace: the
callers fold full-width characters and normalise whitespace before matching.
"""

from __future__ import annotations

import re

from crawler import vocabulary as V

# --------------------------------------------------------------------------------------------------
# Character tables
# --------------------------------------------------------------------------------------------------

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space -> half-width: "２０２４－０９－０３　１１：５４"
WIDTH_TABLE: dict[int, int] = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}

# Invisible characters deleted before collapsing whitespace: zero-width space/joiners, word joiner,
# BOM, soft hyphen, bidi marks and embeddings, Mongolian vowel separator, C0/C1 controls that are not
# whitespace (str.split() already treats \t \n \v \f \r \x1c-\x1f \x85 as whitespace).
INVISIBLE_CHARS: str = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u180e"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    + "".join(map(chr, range(0x00, 0x09)))
    + "".join(map(chr, range(0x0E, 0x1C)))
    + "\x7f"
    + "".join(chr(c) for c in range(0x80, 0xA0) if c != 0x85)
)
INVISIBLE_TABLE: dict[int, None] = dict.fromkeys(map(ord, INVISIBLE_CHARS))
# Any one whitespace character (Unicode): "\u3000", "\xa0", "\t" -> " " where runs must be kept
ANY_SPACE = re.compile(r"\s")
# Cheap presence checks: str.translate with a dict is slow on CJK text, so translate only when needed.
HAS_WIDE = re.compile("[\uff01-\uff5e\u3000]")
HAS_INVISIBLE = re.compile("[" + re.escape(INVISIBLE_CHARS) + "]")
# What no stored text may hold: lone surrogates ("\ud800", from a bad \u escape in a script or JSON; no
# UTF-8 encoder takes them, so one would fail the writer's whole batch) and control characters (C0 but tab
# and newline, DEL, C1 incl. U+0085): "标题\x00" -> "标题", "\x1b[31m" -> "[31m". Not: "\t", "\n", "\u2028".
UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

# --------------------------------------------------------------------------------------------------
# HTML entities, with or without their "&"
# --------------------------------------------------------------------------------------------------

# "&mdash;", "mdash;mdash;", "&amp;nbsp;" / "&#38;mdash;" (double-escaped), "amp;quot;", "&#8212;", "#8212;", "&#x2014;".
# The bare form (no "&") must not follow an ASCII letter, so "salt;" is never read as "lt;" and
# "camp;" never as "amp;"; "nbsp" without ";" and "a;b" (one letter) never match. A digit may precede
# it: "9nbsp;月" is "9&nbsp;月" that lost its "&".
ENTITY = re.compile(
    r"(?:(?P<amp>&(?:amp;|\#0*38;|\#[xX]0*26;)*)|(?<![A-Za-z&#])(?:amp;)*)"
    r"(?:(?P<name>[A-Za-z][A-Za-z0-9]{1,31})|\#(?P<dec>[0-9]{1,7})|\#[xX](?P<hex>[0-9A-Fa-f]{1,6}));"
)

# A bare entity glued to a Latin letter: "Anbsp;股" is "A&nbsp;股", "Hnbsp;股" is "H&nbsp;股". Only names
# no English word ends with (so not "amp" as in "camp;", not "quot" as in "aliquot;").
GLUED_ENTITY = re.compile(r"(?<=[A-Za-z])(nbsp|ensp|emsp|thinsp|mdash|ndash|hellip|ldquo|rdquo|lsquo|rsquo|middot);")

# Entity names repaired without their "&" (the CMS ate the "&"). Deliberately not: lt/gt (would turn
# text into markup), and names that are English words before a ";" ("copy; ", "times; ", "bull; ").
BARE_ENTITIES: dict[str, str] = {
    "mdash": "\u2014",
    "ndash": "\u2013",
    "hellip": "\u2026",
    "ldquo": "\u201c",
    "rdquo": "\u201d",
    "lsquo": "\u2018",
    "rsquo": "\u2019",
    "laquo": "\u00ab",
    "raquo": "\u00bb",
    "middot": "\u00b7",
    "amp": "&",
    "quot": '"',
    "apos": "'",
    "permil": "\u2030",
    "nbsp": " ",
    "ensp": " ",
    "emsp": " ",
    "thinsp": " ",
}
# Entities that decode to a space of some width: all become one ASCII space.
SPACE_ENTITIES: frozenset[str] = frozenset({"nbsp", "ensp", "emsp", "thinsp", "emsp13", "emsp14", "numsp"})

# --------------------------------------------------------------------------------------------------
# Dates (input already width-folded and whitespace-normalised)
# --------------------------------------------------------------------------------------------------

# "2024-09-03", "2024/9/3", "2024.09.03", "2024-09-03T03:54:03Z" (the date part; the separator repeats).
# Not: "1.2.3", "0755-8888-1234" (year must be 19xx/20xx), "2024-09/03" (mixed separators).
DATE_NUMERIC = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)", re.ASCII
)

# "2024年9月3日", "2024年09月03日11时54分", "2024 年 9 月 3 号". Not: "2024年" alone, "2024年报".
DATE_CJK = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})(?:\s*[日号]|(?!\d))", re.ASCII
)

# A time right after a date: " 11:54:03", "T03:54:03.000Z", "T11:54:03+08:00", "11时54分", " 9点30分",
# " 星期二 11:54", "11时54分03秒", a 12-hour clock's " 下午3:05" (`vocabulary.AFTERNOON_WORDS`...) or
# " 3:05 PM". The offset only counts after "T" (the caller checks), so the range in "2024-09-03 09:00-10:00" is
# not read as UTC-10.
TIME_AFTER = re.compile(
    r"(?P<t>T|\s*(?:(?:星期|周)[一二三四五六日天]\s*)?"
    rf"(?:(?P<half>{V.words((*V.AFTERNOON_WORDS, *V.MORNING_WORDS, V.NOON_WORD))})\s*)?)"
    r"(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})(?:\s*分)?"
    r"(?:\s*:\s*(?P<S>\d{1,2})|\s*(?P<S2>\d{1,2})\s*秒)?"
    r"(?P<frac>\.\d{1,9})?"
    r"(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?(?![A-Za-z]))?"
    r"(?P<tz>Z|[+-]\d\d(?::?\d\d)?)?"
    r"(?!\d)",
    re.ASCII,
)

# Year-less "09-03 11:54", "9/3 08:00" (the caller wants a time after it, or the date to be the whole text,
# "[09-03]" in a listing: "比分3-1" is a score).
# Not inside a full date ("2024-09-03": preceded by "-"), not in "010-65123456".
MONTH_DAY_NUMERIC = re.compile(r"(?<![\d/.:年-])(?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?![\d/.:-])", re.ASCII)

# Year-less "9月3日", "09月03日 11:54". Not the tail of "2024年9月3日".
MONTH_DAY_CJK = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]", re.ASCII)

# "刚刚", "刚才" (`vocabulary.JUST_NOW`)
JUST_NOW = re.compile(V.words(V.JUST_NOW))

# "5分钟前", "3 小时前", "2天前", "30秒前", "半小时前", "1周前" (units: `vocabulary.AGO_UNITS`).
# Not: "5分钟" (no 前), "前天", the tail of another number: "1e308小时前", "0x10天前", "1.5天前".
AGO = re.compile(
    rf"(?<![\w.,])(?P<n>\d{{1,5}}|{V.AGO_HALF})\s*(?P<unit>{V.words(V.AGO_UNITS)})\s*之?前",
    re.ASCII,
)

# "今天 09:30", "昨天 14:20", "前天 08:00", "昨日" (`vocabulary.DAY_WORDS`)
DAY_WORD = re.compile(V.words(V.DAY_WORDS))

# --------------------------------------------------------------------------------------------------
# Dates in URLs (scheme and host removed first)
# --------------------------------------------------------------------------------------------------

# "https://www.example.com" / "//example.com" before the path
URL_HOST = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*")

URL_DATES: tuple[re.Pattern[str], ...] = (
    # "/20240903/", "/t20240903_123.html", "/art_20240903-1.html". Not "/a/123456789.html".
    re.compile(r"(?:^|[/_=t-])(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?=[/_.?#-]|$)", re.ASCII),
    # "/n1/2024/0903/c1004-123.html"
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d\d)(?P<d>\d\d)(?=[/_.?#]|$)", re.ASCII),
    # "/2024-09/03/123.html", "/202409/03/123.html"
    re.compile(r"/(?P<y>(?:19|20)\d\d)-?(?P<m>\d\d)/(?P<d>\d\d)/", re.ASCII),
    # "/2024/09/03/", "/2024/9/3/", "/2024-09-03/", "/2024_09_03.html"
    re.compile(r"/(?P<y>(?:19|20)\d\d)([/_-])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?=[/_.?#]|$)", re.ASCII),
    # "/html/2024/finance_0903/123.html": a 4-digit year segment, then a "<word>_MMDD" segment
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?:[\w-]{1,40}/){0,3}?[\w-]{0,40}?_(?P<m>\d\d)(?P<d>\d\d)/", re.ASCII),
)

# --------------------------------------------------------------------------------------------------
# View counts (input already width-folded)
# --------------------------------------------------------------------------------------------------

# A count: "11003", "11,003", "1.2万", "3.5w", "1.1亿", "10万+", "-5" (negative: rejected by the caller).
# Not a percentage: "点击率 35%".
_NUM = (
    r"(?<![\d.,])(?<!\d[eExX])(?<!\d[eE][+-])"  # not the tail of "1e308", "1e+5", "0x10"
    r"(?P<neg>-\s*)?(?P<num>\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?)(?!\s*[%‰])"
    r"(?!\.?\d|[eE][+-]?\d|[xX][\dA-Fa-f])"  # and whole: "12e5" gives neither 12 nor 1
    r"\s*(?P<unit>万|亿|千|[wWkK](?![A-Za-z]))?\s*(?P<plus>\+)?"
)
VIEWS_PATTERNS: tuple[re.Pattern[str], ...] = (
    # CMS counter scripts: "document.write('11003');", "$('#hits').html('11003');", "el.innerHTML='45'"
    re.compile(
        r"(?:write|html|text|innerHTML|innerText|textContent)\s*(?:\(|=)\s*['\"]?\s*(?:<[^<>]*>\s*)*" + _NUM,
        re.ASCII,
    ),
    # Labelled (`vocabulary.VIEWS_LABELS`): "阅读量:11003", "阅读(123)", "点击：123", "浏览次数: 45", "人气:9",
    # "views: 12", "查看: 3521". Not: "阅读全文", "点击查看".
    re.compile(
        rf"(?:{V.words(V.VIEWS_LABELS)}|{V.VIEWS_LABEL_BEFORE_COLON}(?=\s*:)|\b(?:{V.words(V.VIEWS_LABELS_LATIN)})\b)"
        rf"\s*(?:{V.words(V.VIEWS_LABEL_ENDINGS)})?\s*[:(\[]?\s*" + _NUM,
        re.ASCII | re.IGNORECASE,
    ),
    # A counter's answer as data: a key or variable named for views ("hits", "viewCount", "click_num":
    # `vocabulary.VIEWS_LABELS_LATIN` in its name) given a number: '{"code":0,"data":{"hits":11003}}',
    # 'jQuery18305({"viewCount":"523"})', "var hits = 523;".
    re.compile(
        rf"[A-Za-z_]*(?:{V.words(V.VIEWS_LABELS_LATIN)})[A-Za-z_]*[\"']?\s*[:=]\s*[\"']?" + _NUM,
        re.ASCII | re.IGNORECASE,
    ),
    # Counted: "123次", "10万+阅读", "1.2万人阅读", "45 views"
    re.compile(_NUM + r"\s*(?:次|人次|人(?:阅读|浏览|看过)|阅读|浏览|\b(?:views?|hits?)\b)", re.ASCII | re.IGNORECASE),
    # The whole text is the number: "11003", "1.2万", "10万+"
    re.compile(r"^\s*" + _NUM + r"\s*$", re.ASCII),
)
VIEWS_UNITS: dict[str, int] = {"": 1, "千": 1000, "k": 1000, "万": 10_000, "w": 10_000, "亿": 100_000_000}

# --------------------------------------------------------------------------------------------------
# Inline residue shared by source / person fields
# --------------------------------------------------------------------------------------------------

# '<a href="http://www.qianlong.com/">' , "</a>", "<br/>", and an unclosed '<a href="...' at the end
TAG = re.compile(r"</?[A-Za-z][^<>]*>|</?[A-Za-z][^<>]*$")

# Punctuation and quotes trimmed from both ends of a source or a name: '"千龙网"', "：千龙网。", "-张三-"
EDGE_CHARS = " \"'“”‘’:：,，.。;；、|/\\-—–_·•*#@!！?？~=+…"

# Brackets with nothing inside, left when a link was dropped: "[ ]", "【】", "()", "（ ）"
EMPTY_BRACKETS = re.compile(r"[(\[【（〔「『]\s*[)\]】）〕」』]")

# --------------------------------------------------------------------------------------------------
# Source (来源) field
# --------------------------------------------------------------------------------------------------

# "来源:千龙网", "来源：千龙网" (folded), "来源 :", "文章来源:", "稿源:", "转自:", "出处:", "来源于新华社", "Source: Reuters",
# a bar for the colon ("来源丨21世纪经济报道", "来源｜第一财经", "来源 | 券商中国"), and stuttering labels at once:
# "来源:来源:千龙网" (`vocabulary.SOURCE_LABELS`)
SOURCE_LABEL = re.compile(
    rf"(?:(?:(?:{V.words(V.SOURCE_LABEL_LEADS)})?来源(?:于|自)?|{V.words(V.SOURCE_LABELS)}|\b{V.SOURCE_LABEL_LATIN}\b)"
    r"\s*[:|｜丨]?\s*)+",
    re.IGNORECASE,
)

# Where a source ends: "千龙网 作者:张三", "千龙网 编辑:孙悦", "新华社记者 王磊", "千龙网   阅读量:11003",
# "千龙网 2024-09-03", "千龙网 时间:...", "千龙网|...", "中新网 文/孙杰", "中国经济网文/冯雪".
# Not "编辑" without colon ("人民日报编辑部" stays whole).
SOURCE_STOP = re.compile(
    r"\s{2,}|[|｜丨]|(?:责任)?编辑\s*:|责编|作者|记者|通讯员|[文图]\s*/"
    rf"|(?:{V.words(V.VIEWS_LABELS)})(?:{V.words(V.VIEWS_LABEL_ENDINGS)})?\s*(?:[:(\[]|\d|$)|人气"
    r"|(?:发布|更新)?时间|日期\s*:|发布于"
    r"|(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}|(?<!\d)\d{1,2}:\d\d"
    # page buttons after the outlet (`vocabulary.TRAILING_UI_WORDS`), after a space or a count: "东方财富网 阅读全文",
    # "千龙网 字号 大 中 小", "新京报 分享到", "东森新闻云4人参与2评论". Not inside a name: "新京报评论" stays.
    rf"|(?:(?<=\s)|(?<!\d)\d{{1,6}})(?:{V.words(V.TRAILING_UI_WORDS)})"
)

# Whole-value "no external source" markers (compared case-folded).
NULL_SOURCES: frozenset[str] = frozenset(
    {"网络", "本站", "本网", "互联网", "佚名", "未知", "原创", "本站原创", "本网原创", "网络整理", "网络转载",
     "本站整理", "转载", "不详", "综合", "网友", "admin", "匿名", "未署名", "无", "暂无", "其他", "none", "null"}
)  # fmt: skip

# Canonical outlet keys (`canonical_source`; input already width-folded, whitespace-normalised and
# case-folded). The joiner between two names of one outlet, read as "·": "中国证券报·中证网",
# "中国证券报•中证网", "中国证券报・中证网" (katakana dot), "中国证券报-中证网", "中国证券报—中证网",
# "经济日报 - 中国经济网". Not the "." of a domain ("ft.com" stays).
SOURCE_KEY_JOINER = re.compile(r"\s*(?:[·•・‧∙⋅･]|[-‐‑–—―]+)\s*")
# Dropped from the key: spaces and book-title marks: "《证券日报》" -> "证券日报", "The Paper" -> "thepaper".
SOURCE_KEY_DROP = re.compile(r"[\s《》〈〉]+")

# --------------------------------------------------------------------------------------------------
# Person (author / editor) fields
# --------------------------------------------------------------------------------------------------

# Role labels removed from person fields (replaced by a name separator):
# "本报记者 张三", "新华社记者王磊", "通讯员 李四", "作者:张三", "文/王磊", "文：王磊", "图/李四",
# "(责任编辑:孙悦)", "责编：孙悦", "编辑:孙悦", outlet-prefixed "潮头新闻编辑 | 丁文娜", "每经编辑：王五",
# "分析师：孙启航". "文" / "图" / "摄" count only with "/" or ":".
PERSON_LABEL = re.compile(
    r"[^\s、,，;；/|:：()（）【】\[\]]{0,10}?(?:记者|通讯员|实习生|特约撰稿人?|撰稿人?)\s*:?"
    r"|(?:作者|撰文|采写|口述|整理|编译|译者|分析师|研究员|联系人)\s*:?"
    r"|(?:文图|图文|文|图|摄影?|译)\s*[/:]"
    r"|[^\s、,，;；/|:：()（）【】\[\]]{0,8}?(?:(?:责任|值班|本文|文字)?编辑|责编|主编)\s*:?"
)
# The text is an editor mention: "(责任编辑:孙悦)", "【责任编辑：孙悦】", "编辑:孙悦", "潮头新闻编辑 | 丁文娜"
EDITOR_LEAD = re.compile(
    r"^[\s(\[【（〔]*[^\s、,，;；/|:：()（）【】\[\]]{0,8}?(?:(?:责任|值班|本文|文字)?编辑|责编|主编)"
)
# Where an author list ends (an editor label follows): "张三 (责任编辑:孙悦)", "作者:张三 编辑:李四",
# an outlet-prefixed label after a space: "方舟 新财编辑:程雪" (ends before "新财").
EDITOR_MARK = re.compile(
    r"(?:(?<=[\s|｜])[^\s、,，;；/|:：()（）【】\[\]]{1,6}?(?=编辑\s*[:|｜]))?(?:(?:责任|值班|本文|文字)?编辑|责编|主编)"
)
# Where an editor list ends (an author label follows): "责任编辑:孙悦 记者:王磊"
AUTHOR_MARK = re.compile(r"记者|通讯员|作者|撰文|文\s*/")
# Where any person list ends: other roles ("审核:王五", "校对:李六", "监制"), 来源/时间/阅读/点击 labels, dates.
# Page UI words after a name stop it too: "张燕北 评论 收藏", "王轶辰 字号:大 中 小", "王永 版面 刘珊".
PERSON_STOP = re.compile(
    r"审核|审校|校对|终审|监制|美编|编审|出品人?|策划"
    rf"|{V.words(V.TRAILING_UI_WORDS)}|版面|(?<!\d)\d{{1,3}}\s*分钟"
    rf"|{V.words(V.SOURCE_LABELS)}|(?:发布|更新)?时间|日期|发布于|{V.words(V.VIEWS_LABELS)}"
    r"|(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}|\d{1,2}:\d\d"
)
# Where a name was written from, in brackets after it: "作者：张三（北京）", "李四(上海)". Not a bracket holding a
# role ("张三（实习生）"), an editor mention "(责任编辑:孙悦)" or more than four characters. (The role is looked for
# in the first four characters only: an open bracket never closed, "李四（" * 8,000, took 2.7 s.)
PERSON_PLACE = re.compile(
    r"(?<=[\u4e00-\u9fff])\s*[(（](?![^)）]{0,3}(?:记者|编辑|实习|通讯员|摄))[\u4e00-\u9fff]{2,4}[)）]"
)
# Brackets around names become separators: "(责任编辑:孙悦)", "【孙悦】"
PERSON_BRACKETS = re.compile(r"[()（）【】\[\]〔〕<>《》「」『』]")
# Name separators (kept in the split so only space-separated Latin words are re-joined): "张三,李四",
# "张三、李四", "张三 李四", "张三/李四", "张三;李四"
NAME_SPLIT = re.compile(r"([\s、,，;；/|]+)")
# Tokens that are not names: "张三 摄", "北京报道", "发自北京", "综合报道", "记者陈智 整合", a column ("某某网专栏作者 王文")
# and outlets before a name ("作者:第一财经 杜川": "第一财经", "中原日报", "新华社"), certificate numbers
# ("执业证书编号:S1230521040002").
NAME_DROP = re.compile(
    r"^(?:摄|摄影|供图|图|文|实习|实习生|特约|综合|联合|编译|整理|整合|报道)$|报道$|专栏$|^发自|证书|编号"
    r"|^\S{2,}(?:财经|新闻|日报|晚报|早报|时报|周刊|杂志|电视台|客户端)$|^\S{3,}[网社]$"
)
# A staff code standing alone after a name: "[责任编辑：刘文丽 PF117]", "苏可 SF023". Not "John", "A股".
STAFF_TOKEN = re.compile(r"^[A-Za-z]{1,4}\d{2,6}$", re.ASCII)
# One Chinese character: "陆 洋" is one two-character name spaced out ("本报记者 陆 洋").
ONE_HAN = re.compile("^[\u4e00-\u9fff]$")
# A staff code glued to a name by the portal's CMS: "王晓_NF5619", "钟齐鸣_NBJ11279", "李明_B11414" (网易).
# Not "王晓_" alone or a Latin name part ("Smith_Jr").
STAFF_CODE = re.compile(r"_[A-Za-z]{1,4}\d{3,6}$", re.ASCII)
# "John", "O'Neil", "J.-P." : Latin words that are re-joined with a space when only spaces separated them
LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z.'-]*$")
NULL_PERSONS: frozenset[str] = frozenset(
    {"佚名", "未知", "admin", "administrator", "本站", "本网", "网络", "匿名", "管理员", "小编", "编辑部",
     "本报", "本刊", "不详", "无", "暂无", "未署名", "网友", "转载", "原创", "综合", "记者", "作者", "编辑",
     "责任编辑", "文章", "本站原创", "本网原创", "none", "null", "unknown"}
)  # fmt: skip

# 责任编辑 mentions anywhere: "(责任编辑:孙悦)", "【责任编辑:孙悦】", "责任编辑：孙悦", "责编 孙悦"
EDITOR_MENTION = re.compile(r"(?:责任编辑|责编)\s*:?\s*(?P<name>[^()（）【】\[\]<>\n]{1,40})")
# The weaker label, only with its colon: "编辑:孙悦". Not "编辑部" or "编辑孙悦".
EDITOR_PLAIN = re.compile(r"编辑\s*:\s*(?P<name>[^()（）【】\[\]<>\n]{1,40})")

# --------------------------------------------------------------------------------------------------
# Titles
# --------------------------------------------------------------------------------------------------

# Characters that separate a headline from a site-name suffix: "标题_站名", "标题-站名", "标题|站名",
# "标题—站名", "标题–站名", "标题 - 站名", "标题丨站名", "标题｜站名", "标题＿站名".
TITLE_SEPARATORS = V.TITLE_SEPARATORS
# A separator run inside a <title>, where a site suffix may start: "_天下金融网", " - 新浪财经", "——千龙网"
# (an ASCII "-" takes the spaces around it only with a space before: "A-B" is one word, "A - B" two parts).
TITLE_SEPARATOR_RUN = re.compile(rf"\s*[{re.escape(TITLE_SEPARATORS.replace('-', ''))}]+\s*|\s+-+\s*|-+")

# --------------------------------------------------------------------------------------------------
# Body lines (input already width-folded and whitespace-normalised)
# --------------------------------------------------------------------------------------------------

# Lines that are page furniture, anchored at the line start:
# "声明:以上内容为本网站转自其它媒体...", "免责声明：...", "版权声明:", "(责任编辑:孙悦)", "责任编辑:孙悦",
# "编辑:孙悦", "上一篇:...", "下一篇:返回列表", "扫一扫分享本页", "分享到:", "点击进入专题:...",
# "本文来源:千龙网", "来源:千龙网", "稿源:新华网", "信息来源:办公室" (the 来源 labels of `vocabulary`), "【字体:大 中 小】".
# Editors' notes and credits around an article's text: "(原标题:……)", "本文原标题:《……》", "(原题为《……》)";
# "图片来自网络,如有侵权请联系删除", "信息来源于网络", "(综合整理自某某网、某某网等)", "(资料来源:某某报)",
# "(实习生某某对此文亦有贡献)", "某某党支部、某某科供稿 摄影/某某", "转载请注明出处:某某网", "- THE END -",
# "(本文来自某某新闻,更多原创资讯请下载某某APP)", "相关资讯请关注:某某专区", "此前报道:……", a reprint ban ("本文为某某
# 原创文章,未经允许不得转载"); tags and buttons.
# Not: "公司发布声明称将回购股份。" (声明 not at the start), "声明称..." (no colon), label lines that go on
# as a sentence ("来源：记者从...获悉，..." has sentence punctuation after the label), "原标题党" in a sentence,
# "图片来自网络的说法不实。", "综合自身优势……".
BOILERPLATE_LINE = re.compile(
    r"^(?:【[^】]{1,4}】\s*)?[(\[【]?\s*(?:"  # a short button before the label: "【纠错】 责任编辑:张三"
    r"(?:本文)?原标?题\s*(?:为|:)|(?:图片|图文|信息|内容)(?:均|皆)?来(?:自|源于)网络(?:$|[,，。(])"
    r"|(?:本文)?综合(?:整理|编译)?自(?!身|己)|[^,，。!！?？]{0,20}对(?:此|本)文亦?有贡献|[^,，。!！?？]{0,24}供稿(?:\s|$)"
    r"|转载请注明|(?i:-?\s*the\s+end\s*-?$)|本文来自[^,，。!！?？]{1,20}(?:$|[,，)）])"
    # a reprint ban: "本文为某某原创文章，未经允许不得转载", "未经授权，禁止转载"
    r"|(?:本文|此文)(?:系|为)[^,，。!！?？]{0,20}原创|[^,，。!！?？]{0,30}未经(?:允许|授权|许可|同意)\s*[,，]?\s*(?:不得|禁止|严禁|请勿)(?:转载|复制|摘编)"
    r"|(?:相关|此前|延伸)(?:资讯|报道|阅读|新闻)\s*(?:请关注)?\s*:"
    r"|(?:文章)?(?:关键[词字]|标签)\s*:"  # the article's tags: "文章关键词: 苹果 新品", "关键字 : 香港"
    r"|[^|｜,，。]{1,12}(?:\s*[|｜]\s*[^|｜,，。]{1,12}){2,}$"  # "20190926|国贸|增长率|全球经济": tags, a nav bar
    r"|\+\d{1,3}$"  # a like button's count: "+1"
    r"|(?:免责|版权|特别|郑重)?声明\s*:|免责声明|版权声明"
    r"|(?:责任编辑|责编)\s*:?[^,，。!！?？]{0,40}$|编辑\s*:[^,，。!！?？]{0,20}$"
    r"|上一篇|下一篇|上一条|下一条|扫一扫|分享到|点击进入专题"
    rf"|(?:{V.words(V.SOURCE_LABEL_LEADS)})?(?:{V.words(V.SOURCE_LABELS)})\s*:[^,，。!！?？]{{0,40}}$"
    r"|(?:字体|字号)\s*:"
    r"|第\s*\d+\s*页\s*[/,]?\s*共\s*\d+\s*页"  # a pager: "第1页/共2页 首页 上一页 1 2 下一页 尾页"
    r"|本帖最后由\s*\S.{0,40}编辑$"  # a forum note: "本帖最后由 阿成 于 2024-9-3 08:05 编辑"
    r")"
)
# Lines made only of navigation words: "【打印】【关闭】", "返回列表", "相关推荐", "关注我们", "栏目排行".
NAV_SPLIT = re.compile(r"[\s【】\[\]()|｜:,，、·/]+")
NAV_WORDS: frozenset[str] = frozenset(
    {"相关推荐", "相关阅读", "相关新闻", "相关文章", "相关链接", "推荐阅读", "热点推荐", "猜你喜欢",
     "延伸阅读", "扩展阅读", "往期回顾", "往期推荐", "精彩推荐",
     "返回列表", "返回首页", "返回顶部", "关注我们", "栏目排行", "栏目热点", "热门排行", "热点排行",
     "打印", "打印本页", "打印此文", "关闭", "关闭窗口", "收藏", "加入收藏", "设为首页", "分享", "分享到",
     "扫一扫", "我要纠错", "纠错", "发表评论", "网友评论", "查看评论", "顶部", "TOP", "图集"}
)  # fmt: skip
NAV_LINE_MAX = 40  # navigation lines are short; longer lines skip the word check
# The page footer starts: nothing after it is article text. "上一篇:...", "下一篇:...", "栏目排行"
FOOTER_START = re.compile(r"^(?:上一篇|下一篇|上一条|下一条)|^(?:栏目排行|栏目热点|热门排行|热点排行)$")
# A credits line after an article's text (as written, not width-folded): "编辑|张三", "校对｜李四", "责任编辑：王五",
# "美编:赵六". What follows it, in
# short lines only, is the page's (a public account's menu: "回复【社保】查询……", "点【在看】试试"). Not "编辑部地址：……"
# (no name), "编辑认为，……".
CREDITS_LINE = re.compile(
    r"^(?:责任编辑|责编|编辑|校对|审核|审校|美编|排版|监制|统筹)\s*[|｜:：]\s*[^\s,，。!！?？]{1,20}$"
)
CREDITS_TAIL_MAX = 40  # the longest line of such a tail

# A 责任编辑 mark or an end mark closing a paragraph: "……照亮新天地。(责任编辑:孙悦)", "…新天地。（编辑：孙悦）",
# "……重启量化宽松。（完）". Not "（完整版）", "(待续)".
BRACKET_CLOSERS = (")", "）", "】", "]")  # a line can only end with such a mark if it ends with one of these
TRAILING_MARK = re.compile(
    r"(?:\s*[(（【\[]\s*(?:(?:责任编辑|责编|编辑)\s*[:：][^()（）【】\[\]]{0,40}|全文完|完)[)）】\]])+\s*$"
)

# A digit anywhere (cheap pre-check)
DIGIT = re.compile(r"\d", re.ASCII)
