"""Pattern tables of article-page extraction, compiled once. Each names a real example it matches.

The label words, relative times and title separators come from `crawler.vocabulary`, shared with the
normalisers.
"""

from __future__ import annotations

import re

from crawler import vocabulary as V

# The labels of the 来源 field, as an alternation: "文章来源", "来源", "稿源", "转载自", "转自", "出处".
_SOURCE_WORDS = rf"(?:{V.words(V.SOURCE_LABEL_LEADS)})?来源|{V.words(V.SOURCE_LABELS)}"
# The labels of a read count: "阅读量", "点击", "浏览次数", "人气", "访问量", "观看人数" (`vocabulary.VIEWS_LABELS`).
_VIEWS_WORDS = rf"(?:{V.words(V.VIEWS_LABELS)})(?:{V.words(V.VIEWS_LABEL_ENDINGS)})?"

# Between a date and its time of day, a weekday and a 12-hour clock's half of the day: "2024/9/3 星期二 11:54",
# "2024年9月3日 下午3:05" (`vocabulary.AFTERNOON_WORDS`...); after it, "3:05 PM".
_WEEKDAY_AND_HALF = (
    rf"(?:(?:星期|周)[一二三四五六日天]\s*)?(?:(?:{V.words((*V.AFTERNOON_WORDS, *V.MORNING_WORDS, V.NOON_WORD))})\s*)?"
)
_AMPM = r"(?:\s*[AaPp]\.?[Mm]\.?(?![A-Za-z]))?"

# A date in a meta line: "2024-09-03 11:54:03", "2024年09月03日 11:54", "2024/9/3", full-width digits
# "２０２４－０９－０３ １１：５４", ISO "2024-09-03T11:54:03+08:00", and a date whose year stands in a
# <span> of its own ("2024  09-03  11:54:03", "202409/04 08:15:26": `SPLIT_YEAR` joins it). Not "2024  09"
# (no day), "20240903".
DATE_TEXT = re.compile(
    r"[12０-２][0-9０-９]{3}(?:\s*[-/.年－／]\s*|\s+|(?=[0-9]{2}[-/]))"
    r"[0-9０-９]{1,2}\s*[-/.月－／]\s*[0-9０-９]{1,2}(?![0-9０-９])"
    rf"(?:\s*日)?(?:(?:\s*|T){_WEEKDAY_AND_HALF}[0-9０-９]{{1,2}}\s*[:：时]\s*[0-9０-９]{{1,2}}"
    rf"(?:\s*[:：分]\s*[0-9０-９]{{1,2}})?{_AMPM}(?:Z|[+-]\d\d:?\d\d)?)?"
)
# A date under its label, in a meta line after an article's text: "发布日期：2019-03-06", "时间：2024-09-03 11:54",
# "发表于 2021-03-04", "更新于2024年9月3日". Not a date in a sentence ("于2024年9月3日召开"), a bare date (a list's).
LABELLED_DATE = re.compile(rf"(?:日期|时间|发布于|发表于|更新于)\s*[:：]?\s*{DATE_TEXT.pattern}")
# A year standing alone before its month and day (the date split over <span>s): "2024  09-03", "202409/04".
SPLIT_YEAR = re.compile(r"^([12][0-9]{3})\s*([0-9]{1,2})\s*([-/.])")

# A year-less date with a time of day, in a meta line: "09月03日 11:54", "09-03 11:54" (mobile pages; the
# normaliser gives it a year, `crawler.normalize.dates`: the URL's, else the latest not after the crawl).
# Not "9月3日" alone (a date in a summary) or "比分3-1".
YEARLESS_DATE_TEXT = re.compile(
    r"(?<![0-9０-９年/.-])[0-9０-９]{1,2}\s*(?:月\s*[0-9０-９]{1,2}\s*日|[-/][0-9０-９]{1,2})\s*"
    rf"{_WEEKDAY_AND_HALF}[0-9０-９]{{1,2}}\s*[:：]\s*[0-9０-９]{{2}}{_AMPM}"
)

# A date with a two-digit year and its time of day, in a meta line: "18-03-08 23:16", "19/09/26 10:09:11", and run
# together from two elements "18-03-0823:16" (`meta` writes the century: 20YY). Not "3-1" (a score), "10-08 12:00" (a year-less date:
# `YEARLESS_DATE_TEXT`), "2018-03-08" (`DATE_TEXT`), a date without its time.
SHORT_YEAR_DATE_TEXT = re.compile(
    r"(?<![0-9０-９/.-])([0-9]{2})([-/.])([01]?[0-9])\2([0-3]?[0-9])\s*([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)(?![0-9])"
)

# A time of day in a date's raw text: "11:54", "11时54分", "T11:54:03".
CLOCK = re.compile(r"[0-9０-９]{1,2}\s*[:：时]\s*[0-9０-９]{1,2}")
# The month and day of a year-less date: "10-08 12:00" -> (10, 8), "9月3日 11:54" -> (9, 3).
MONTH_DAY = re.compile(r"([0-9]{1,2})\s*[-/月]\s*([0-9]{1,2})")
# The day of a date: "2024-09-03", "2024年9月3日", "2024/09/03T..." -> (year, month, day)
DAY = re.compile(r"([12][0-9]{3})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})")

# What ends a labelled field: the next label, maybe outlet-prefixed ("方舟 新财编辑：程雪"), or the line's end.
_NEXT_LABEL = (
    r"(?=\s+[^\s:：]{1,6}(?:编辑|记者)\s*[:：|｜]|\s*(?:"
    rf"{_SOURCE_WORDS}|作者|记者|{V.words(V.EDITOR_LABELS)}|分析师|{V.words(V.VIEWS_LABELS)}|{V.VIEWS_LABEL_BEFORE_COLON}"
    r"|时间|发布|$))"
)

# "来源:千龙网 作者:张三", "稿源: 新华网", "文章来源：中国证券报·中证网", "转载自新浪财经", "Source: Reuters"
# (the normaliser cuts what follows).
SOURCE_LABEL = re.compile(rf"(?:{_SOURCE_WORDS}|\b(?i:{V.SOURCE_LABEL_LATIN})\b)\s*[:：]?\s*\S.*")

# "作者:张三 点击:", "记者 王磊", "文/王磊", "撰文：王磊", "分析师：孙启航（执业证书编号：S1230521040002）", and the
# authors after it, whatever their role ("本报记者 张三 实习记者 李四", "作者:张三 记者:李四": the normaliser keeps
# the names). Not the forum button "只看该作者".
AUTHOR_LABEL = re.compile(
    r"(?:(?<![该看])作者|记者|文\s*/|撰文|分析师|研究员)\s*[:：]?\s*(.+?)"
    r"(?=\s+[^\s:：]{1,6}编辑\s*[:：|｜]|\s*(?:"
    rf"{_SOURCE_WORDS}|{V.words(V.EDITOR_LABELS)}|{V.words(V.VIEWS_LABELS)}|{V.VIEWS_LABEL_BEFORE_COLON}"
    r"|时间|发布|$))"
)

# "责任编辑:孙悦", "责编：孙悦", "编辑：孙悦"
EDITOR_LABEL = re.compile(rf"(?:{V.words(V.EDITOR_LABELS)})\s*[:：]\s*(.+?)" + _NEXT_LABEL)

# "阅读量:11003", "点击：1.2万", "浏览次数 45", "人气:10万+", "阅读(123)", "访问量:88", "查看: 3521" (forum threads)
VIEWS_LABEL = re.compile(
    rf"(?:{_VIEWS_WORDS}|{V.VIEWS_LABEL_BEFORE_COLON}(?=\s*[:：]))\s*[:：(（]?\s*"
    r"[0-9０-９][0-9０-９,，.]*\s*[万亿wW]?\+?"
)

# Read-count scripts: DedeCMS "/plus/count.php?view=yes&aid=123&mid=1", PHPCMS
# "/api.php?op=count&id=123&modelid=1", EmpireCMS "/e/public/ViewClick/?classid=2&id=123", ASP portals
# (动易) "/Article/GetHits.asp?ArticleID=3187".
# Any other counter: a script whose URL sits right after a views label, "点击：<script src=...>", "阅读量:
# <span><script src=...></span>": the end of the text just before the script (the text node before it, then the
# one before its parent, whitespace collapsed). Not "点击查看大图" (no label at the end).
VIEWS_LABEL_END = re.compile(rf"(?:{_VIEWS_WORDS})\s*[:：]?$")

# Any other counter whose URL names the article's id and a counter word (hits, click, count, view, pv) in its path:
# "/ajax/hits.ashx?id=5007&act=add", "/api/click.php?aid=123", "/pv.js?articleid=88". Not "/js/jquery.js?v=3",
# "/count/site.js" (no id), "/stat.js?id=9" (no counter word).
COUNTER_SCRIPT = re.compile(
    r"count\.php|[?&]op=count\b|/ViewClick|[?&]action=hits\b|GetHits\.asp"
    r"|(?:hits?|clicks?|count(?:er)?|views?|pv)[^/?]*\?(?:[^#]*&)?[a-z_]*id=\d+",
    re.IGNORECASE,
)
# A word every COUNTER_SCRIPT match holds, in an ASCII URL lower-cased: a test before the regex, which costs as much
# as a whole page's other script tests ("https://pos.baidu.com/auto_dup?di=0&uuid=...&dri=0&dis=0&...").
COUNTER_WORDS = ("count", "click", "hit", "view", "pv")
# A views count that is a placeholder a script fills: "0", "", "--" ("浏览次数:<span id="hits">0</span>").
VIEWS_PLACEHOLDER = re.compile(r"^\D*?0?\D*$")

# A meta line without a date still names its fields: "来源：第一财经", "记者 | 周琳", "作者:张三", "转自：新华网".
# Not "对记者表示" or "来源于" in a summary (a label needs its colon or bar).
META_LABEL = re.compile(rf"(?:{V.words(V.SOURCE_LABELS)}|作者|记者|{V.words(V.EDITOR_LABELS)})\s*[:：|｜]")

# A byline after the body: "责任编辑：李桐", "责编：李桐", "本文来源：中国证券报 作者：周亮 责任编辑：王晓_NF5619".
# Not "编辑部" or "作者认为" (no colon).
BYLINE_LABEL = re.compile(rf"(?:{V.words(V.EDITOR_LABELS)}|作者)\s*[:：]")
# The last characters of its labels ("辑", "编", "者"): a text holding none of them holds no byline label.
BYLINE_LABEL_ENDS = frozenset(word[-1] for word in (*V.EDITOR_LABELS, "作者"))

# The publication time in page metadata, for pages whose visible time is written by a script:
# <meta property="article:published_time" content="2024-09-03T08:05:12+08:00">, <meta name="PubDate"
# content="2024-09-03 16:20"> and <meta name="firstpublishedtime" content="2007-08-20-23:59:59"> (government
# sites), <time itemprop="datePublished" datetime="...">.
DATE_META = (
    "/descendant::meta[@property='article:published_time' or @name='article:published_time'"
    " or @property='og:release_date' or @name='PubDate' or @name='pubdate' or @name='publishdate'"
    " or @name='firstpublishedtime']/@content",
    "//@itemprop[. = 'datePublished']/../@*[name() = 'content' or name() = 'datetime']",
    "/descendant::time[contains(@class, 'published')]/@datetime",
)
# The structured publication time that may give a shown date its time of day: article:published_time,
# itemprop datePublished, <time class="entry-date published" datetime="...">. Not the government CMSs'
# <meta name="PubDate">: it stamps the upload, and the page's time is the date it shows.
PRECISE_DATE_META = (
    "/descendant::meta[@property='article:published_time' or @name='article:published_time']/@content",
    *DATE_META[1:],
)
# The publication time in JSON-LD or an inline state object: "datePublished":"2024-09-01T18:42:00+08:00",
# "publishTime":"2024-09-03 07:30", "pubDate": "2024-09-03 11:54:03", "pubtime": "2024-09-03 19:02:26", and a
# script's object literal `publish_time: '2024-09-03 11:42:03'`. Not "updateTime", "modifiedTime", a date
# without a time of day.
DATE_JSON = re.compile(
    r"""["']?(?i:datePublished|publishTime|publish_time|pubDate|pubTime|publishDate)["']?\s*:\s*["']"""
    r"""([12][0-9]{3}[-/][0-9]{1,2}[-/][0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}[^"']{0,12})["']"""
)
# A script that may hold such a time (a cheap test before the pattern, in its text lowered): "datePublished",
# "pubtime", "publish_time". Substring tests on the lowered text take an eighth of a case-blind search's time.
DATE_JSON_HINTS = ("ublish", "pubdate", "pubtime")

# A relative time standing for a meta line's date: "3小时前", "刚刚", "昨天 14:20", "前天 08:00" (resolved against
# the crawl time by the normaliser). Not a day word alone ("今日热点", "昨日收盘"): it needs its time of day.
RELATIVE_DATE_TEXT = re.compile(
    rf"{V.words(V.JUST_NOW)}|(?:\d+|{V.AGO_HALF})\s*(?:{V.words(V.AGO_UNITS)})\s*之?前"
    rf"|(?:{V.words(V.DAY_WORDS)})\s*\d{{1,2}}:\d{{2}}"
)
# Any machine-readable time of the page: <time datetime="2024-09-03T11:54:03+08:00">.
TIME_DATETIME = "//time/@datetime"

# A link to the poster's profile, on forums and blogs, by its href: Discuz "home.php?mod=space&uid=90215",
# "space-uid-90215.html", WordPress "/author/linxiaoxi/"; or by rel: <a rel="author">.
PROFILE_HREFS = ("mod=space&uid=", "space-uid-", "/author/")
PROFILE_REL = "author"

# A byline line may open with the writing role's label: "采写：南都见习记者 林子沛", "撰文｜张三", "执笔：李四".
_WRITING_LABEL = r"(?:(?:采写|撰文|执笔|文字)\s*[|｜:：]\s*)?"

# A byline line at the top or bottom of the body: "潮头新闻记者 | 宋立凯", "本报记者  陆 洋", "新财编辑：程雪",
# "文/王磊", "作者：周亮", "采写：南都见习记者 林子沛", "执笔/张三、李四&王五". Not a sentence ("记者从有关部门获悉，……":
# punctuation), a long line or "作者简介：张三 北京大学教授".
BYLINE_LINE = re.compile(
    rf"^[(（【\[]?\s*{_WRITING_LABEL}[^\s，。,！？；:：|｜]{{0,10}}?"
    r"(?:记者|编辑|责编|作者|文\s*[/|｜:：]|(?:采写|撰文|执笔)\s*[/|｜:：])(?!简介|单位)\s*[|｜:：/]?\s*"
    r"[\u4e00-\u9fffA-Za-z·\s、&＆|｜:：]{2,40}[)）】\]]?$"
)

# A dateline's reporter in brackets, at the start of an article's first lines: "长江网10月4日讯（记者陈智 整合）",
# "新华社巴黎12月9日电（记者唐霁）", "新京报快讯（记者 裴剑飞）" -> the bracket's text. Not "（原标题：……）", a
# bracket without 记者, one after a sentence ("……他说。（记者 张三）" is a closing byline).
DATELINE_REPORTER = re.compile(
    r"^[^（(。，,！？]{0,30}?(?:讯|电|消息)\s*[（(]\s*([^（()）]{0,8}?记者[^（()）]{1,30}?)\s*[）)]"
)

# A byline in brackets closing an article's last sentence: "……正式启动。（张巨峰）", "……需要。(文/图 刘玺东 易赛楠)",
# "……合作。（记者 张三 李四）" -> the bracket's text. Not "（完）", "（待续）", "（原题为《……》）", "（资料来源：……）",
# "（刘通摄）" (a photo credit), "（新华社）" (an outlet: `CLOSING_NOT_NAME`).
CLOSING_BYLINE = re.compile(
    r"[。！？!?”\"]\s*[（(]\s*((?:(?:文/图|图/文|文|记者|作者|通讯员)\s*[/／:：]?\s*)?"
    r"[\u4e00-\u9fff]{2,4}(?:[\s、][\u4e00-\u9fff]{2,4}){0,3})\s*[）)]$"
)
# What closes a text in brackets but names no one: an end mark, a photo credit, an outlet or a unit ("新华社", "省发改局").
CLOSING_NOT_NAME = re.compile(
    r"^(?:全文完|未完|待续|未完待续|组图|图片|完)$|摄$|^\S{2,}(?:社|网|报|台|局|部|委|办|院|厅|中心)$"
)

# An author and the outlet she writes for, on a line of their own near the headline: "张三/某某青年报",
# "张三 李四／某某日报", "张三/某某网" -> the names. Not a date "2024/09/03", a path, "图/视觉中国" (no outlet word),
# a sentence.
NAME_OUTLET_LINE = re.compile(
    r"(?:^|\s)([\u4e00-\u9fff·]{2,4}(?:[、\s][\u4e00-\u9fff·]{2,4}){0,3})\s*[/／]\s*"
    r"[\u4e00-\u9fff]{1,10}(?:报|网|社|台|刊|杂志|新闻|客户端)(?=\s|$)"
)

# A link to a document: kept in the body though it is a link ("附件：年报.pdf").
DOC_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|zip|rar)(?:$|\?)", re.IGNORECASE)

# The article's own channel label near the headline, when there is no breadcrumb:
# <a class="article-category">医药</a>, WordPress <a rel="category tag">基金</a>.
CATEGORY_LABEL = "descendant::a[contains(@class, 'categ') or contains(@rel, 'category')]"

# A breadcrumb written as links and separators without a class or label (Discuz "#pt"): a separator that is a
# text of its own (outside links, under 24 characters), whose parent (or grandparent) holds the links.
CRUMB_SEPARATORS = frozenset({"›", "»", ">", ">>"})

# What separates a headline from the rest of a <title> (`vocabulary.TITLE_SEPARATORS`): "标题_站名",
# "标题 - 栏目 - 站名", "标题|站名", "标题--宁波财经网", "标题——站名", "标题–站名", "标题＿站名". The headline
# is a head of the <title> that the page shows as a text of its own.
TITLE_SEPARATOR = re.compile(
    r"\s*(?:["
    + re.escape("".join(c for c in V.TITLE_SEPARATORS if c not in V.DOUBLED_TITLE_SEPARATORS))
    + "]|"
    + "|".join(re.escape(c) + "{1,2}" for c in V.DOUBLED_TITLE_SEPARATORS)
    + r")\s*"
)

# A space in a <title> where a site or unit name may follow the headline: "标题 某某办事处_某某网", "标题 某某医院".
TITLE_SPACE = re.compile(r"[ \t\u3000]+")

# Page furniture by class or id, left out of the body and never its text block: comment lists
# ("comment-list", "pinglun"), share bars ("bdshare", "share-wrap"), related lists ("related",
# "recommend"), QR codes ("appendQr_wrap", "qrcode", "ewm"), "footer", "copyright", "pagination"/"pager",
# "toolbar", report links ("post_jubao"). Not "content", "article", "main", "text"; <body> is never
# checked (WeChat's carries "comment_feature discuss_tab"). The two-letter marks only as a word or a camelCase
# part ("qrcode", "js_qr", "appendQr_wrap"), not inside a generated class name ("summary___3oqrM").
FURNITURE = re.compile(
    r"(?i:comment|pinglun|reply|share|related|recommend|footer|copyright|pagination|pager|toolbar|jubao)"
    r"|(?<![A-Za-z])(?i:qr|ewm)|Qr|QR|Ewm|EWM"
)
# A share mark on the article's own text, for a share-on-select or share-an-image script ("BSHARE_POP
# blkContainerSblkCon", "js_img_share_area"): furniture only while the block holds no paragraph (`<p>`), or no more
# text than a share bar ("分享到：微信 微博 QQ空间 ...") does.
SHARE_MARK = re.compile(r"share", re.IGNORECASE)
SHARE_BAR_MAX_CHARS = 200

# The marks of a page's footer in its text, whatever its class: a copyright line ("Copyright©和讯网 All Rights
# Reserved 版权所有 复制必究"), a licence number ("京ICP备10021077号", "京公网安备 11010502..."), the report hotline
# ("违法和不良信息举报电话"). A text block holding FOOTER_MARKS of them, distinct, and under FOOTER_MAX_CHARS is a
# footer (an article's text may name one: "本文版权所有，转载请注明出处").
FOOTER_MARK = re.compile(
    r"(?i:copyright|all rights reserved)|©|版权所有|ICP[备证]|公网安备|举报(?:电话|邮箱|中心)|不良信息举报"
)
FOOTER_MARKS = 2
FOOTER_MAX_CHARS = 1000

# A line opening with a speaker's name and a colon: "股海老船长：合并是大势所趋……", "网友2019: ……" (not a time: no digit first).
# A text block of COMMENT_LINES such lines or more, of distinct names, with times, is readers' comments.
SPEAKER = re.compile(r"([^\d\s:：,，。!！?？][^\s:：,，。!！?？]{0,11})\s*[:：]")
COMMENT_LINES = 5

# Hidden by inline style: <span style="display:none">本站版权所有</span> (anti-scraping text),
# <p data-role="original-title" style="display:none">原标题：...</p>. Not "display: block".
HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)

# Known main-text containers, tried in order before the text-density fallback (a container holding
# the headline is the whole page's wrapper, not a text container, and is passed over).
BODY_CONTAINERS = (
    "#article_content", ".article-content", ".article_content", "#content .content", ".content_text",
    "#text", ".TRS_Editor", "#zoom", ".newsContent", ".news_content", ".news-content", "#newsContent",
    ".art_content", ".detail-content", ".article-body", "#js_content", ".entry-content",
    ".t_f", "article",
)  # fmt: skip

# The breadcrumb's candidates: the elements of a "位置" label's text (maybe a `<strong>当前位置:</strong>` of its
# own; read from the page's running texts, `pagefacts.running_texts`) and those of a breadcrumb class: "position",
# "crumbs", "breadcrumb", "location", "channel-path", "pathway" (a query of attribute nodes: a predicate on every
# element of the page would cost several times more). `category.find_category` keeps a label starting its text,
# outside hidden blocks, the innermost.
CRUMB_CLASS_WORDS = ("position", "crumb", "location", "path")
# The elements whose class holds a breadcrumb word, the words' tests joined by "or" in place of {}: the query is
# run for the words some class name of the page holds only (each test costs on every class of the page).
CRUMB_CLASS_QUERY = "//@class[{}]/.."
# Breadcrumb lead-ins: "您现在的位置:", "当前位置：".
CRUMB_LABEL = re.compile(r"^.*?(?:当前位置|现在的位置|所在位置|位置)\s*[:：]?")
# A "位置" label that starts its text: "当前位置：", "您现在的位置是:", "位置:". Not "用户地理位置" in a sentence.
CRUMB_LABEL_START = re.compile(r"^\s*(?:您)?(?:当前|现在的|所在的?)?位置")
# Between the names of a breadcrumb: "首页 > 资讯", "首页 >> 财经新闻", "首页 » 保险", "首页 / 公司", "首页 → 财经",
# a dash between spaces "首页 - 财经" (not the hyphen of a name: "A-H股").
CRUMB_SPLIT = re.compile(r"[>»›/→]|&gt;|\s[-－—–]+\s")
# A breadcrumb name that is the page itself, not its channel: "正文", "文章详情", "资讯正文", "详细内容", "内容页".
CRUMB_PAGE_ITSELF = re.compile(r"(?:正文|详情|内容|详细|全文)(?:页)?$")
# A channel is short, without sentence punctuation: not "比对等数据信息，将是..." nor a hidden keyword list.
CRUMB_NAME = re.compile(r"^[^，。！？；,!?;]{1,16}$")
CRUMB_SKIP = frozenset({"首页", "主页", "网站首页", "正文", "正文内容", "内容", "详情", "本站"})
