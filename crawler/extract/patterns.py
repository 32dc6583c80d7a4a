"""Pattern tables of article-page extraction, compiled once. Each names a real example it matches."""

from __future__ import annotations

import re

# A date in a meta line: "2024-09-03 11:54:03", "2024年09月03日 11:54", "2024/9/3", full-width digits
# "２０２４－０９－０３ １１：５４". The whole meta line is kept as the date's raw text: the normaliser
# finds the date inside it.
DATE_TEXT = re.compile(
    r"[12０-２][0-9０-９]{3}\s*[-/.年－／]\s*[0-9０-９]{1,2}\s*[-/.月－／]\s*[0-9０-９]{1,2}"
    r"(?:\s*日)?(?:\s*[0-9０-９]{1,2}\s*[:：时]\s*[0-9０-９]{1,2}(?:\s*[:：分]\s*[0-9０-９]{1,2})?)?"
)

_NEXT_LABEL = r"(?=\s*(?:来源|稿源|作者|记者|编辑|责任编辑|阅读|点击|浏览|人气|时间|发布|$))"

# "来源:千龙网 作者:张三", "稿源: 新华网", "文章来源：中国证券报·中证网" (the normaliser cuts what follows)
SOURCE_LABEL = re.compile(r"(?:文章来源|来源|稿源|转自|出处)\s*[:：]?\s*\S.*")

# "作者:张三 点击:", "记者 王磊", "文/王磊"
AUTHOR_LABEL = re.compile(r"(?:作者|记者|文\s*/)\s*[:：]?\s*(.+?)" + _NEXT_LABEL)

# "责任编辑:孙悦", "编辑：孙悦"
EDITOR_LABEL = re.compile(r"(?:责任编辑|编辑)\s*[:：]\s*(.+?)" + _NEXT_LABEL)

# "阅读量:11003", "点击：1.2万", "浏览次数 45", "人气:10万+", "阅读(123)"
VIEWS_LABEL = re.compile(
    r"(?:阅读量|阅读数|阅读|点击量|点击数|点击|浏览次数|浏览量|浏览|人气)\s*[:：(（]?\s*"
    r"[0-9０-９][0-9０-９,，.]*\s*[万亿wW]?\+?"
)

# Read-count scripts: DedeCMS "/plus/count.php?view=yes&aid=123&mid=1", PHPCMS
# "/api.php?op=count&id=123&modelid=1", EmpireCMS "/e/public/ViewClick/?classid=2&id=123".
COUNTER_SCRIPT = re.compile(r"count\.php|[?&]op=count\b|/ViewClick|[?&]action=hits\b", re.IGNORECASE)

# A meta line without a date still names its fields: "来源：第一财经", "记者 | 周琳", "作者:张三".
# Not "对记者表示" or "来源于" in a summary (a label needs its colon or bar).
META_LABEL = re.compile(r"(?:来源|稿源|作者|记者|编辑)\s*[:：|｜]")

# A byline after the body: "责任编辑：李桐", "本文来源：中国证券报 作者：周亮 责任编辑：王晓_NF5619".
# Not "编辑部" or "作者认为" (no colon).
BYLINE_LABEL = re.compile(r"(?:责任编辑|编辑|作者)\s*[:：]")

# The publication time in page metadata, for pages whose visible time is written by a script:
# <meta property="article:published_time" content="2024-09-03T08:05:12+08:00">, <meta name="PubDate"
# content="2024-09-03 16:20"> (government sites), <time itemprop="datePublished" datetime="...">.
DATE_META = (
    "//meta[@property='article:published_time' or @name='article:published_time'"
    " or @property='og:release_date' or @name='PubDate' or @name='pubdate' or @name='publishdate']/@content",
    "//@itemprop[. = 'datePublished']/../@*[name() = 'content' or name() = 'datetime']",
)

# What separates a headline from the rest of a <title>: "标题_站名", "标题 - 栏目 - 站名", "标题|站名",
# "标题--宁波财经网", "标题——站名". The headline is a head of the <title> that the page shows as a
# text of its own.
TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜丨]|-{1,2}|—{1,2}|－)\s*")

# Page furniture by class or id, left out of the body and never its text block: comment lists
# ("comment-list", "pinglun"), share bars ("bdshare", "share-wrap"), related lists ("related",
# "recommend"), QR codes ("appendQr_wrap", "qrcode", "ewm"), "footer", "copyright", "pagination"/"pager",
# "toolbar", report links ("post_jubao"). Not "content", "article", "main", "text"; <body> is never
# checked (WeChat's carries "comment_feature discuss_tab").
FURNITURE = re.compile(
    r"comment|pinglun|reply|share|related|recommend|qr|ewm|footer|copyright|pagination|pager|toolbar|jubao",
    re.IGNORECASE,
)

# Hidden by inline style: <span style="display:none">本站版权所有</span> (anti-scraping text),
# <p data-role="original-title" style="display:none">原标题：...</p>. Not "display: block".
HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)

# Known main-text containers, tried in order before the text-density fallback (a container holding
# the headline is the whole page's wrapper, not a text container, and is passed over).
BODY_CONTAINERS = (
    "#article_content", ".article-content", ".article_content", "#content .content", ".content_text",
    "#text", ".TRS_Editor", "#zoom", ".newsContent", ".news_content", ".news-content", "#newsContent",
    ".art_content", ".detail-content", ".article-body", "#js_content", "article",
)  # fmt: skip

# The breadcrumb: the first element with a "位置" label (maybe a `<strong>当前位置:</strong>` of its own) or
# a breadcrumb class: "position", "crumbs", "breadcrumb", "location", "channel-path". Written with text
# and attribute nodes: a predicate on every element of the page would cost several times more.
CRUMB_QUERY = (
    "(//text()[contains(., '位置')]/parent::*[not(self::script or self::style or self::title)]"
    " | //@class[contains(., 'position') or contains(., 'crumb') or contains(., 'location')"
    " or contains(., 'path')]/..)[1]"
)
# Breadcrumb lead-ins: "您现在的位置:", "当前位置：".
CRUMB_LABEL = re.compile(r"^.*?(?:当前位置|现在的位置|所在位置|位置)\s*[:：]?")
# Between the names of a breadcrumb: "首页 > 资讯", "首页 >> 财经新闻", "首页 » 保险", "首页 / 公司".
CRUMB_SPLIT = re.compile(r"[>»›/]|&gt;")
CRUMB_SKIP = frozenset({"首页", "主页", "网站首页", "正文", "正文内容", "内容", "详情", "本站"})
