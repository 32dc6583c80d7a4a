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

# Known main-text containers, tried in order before the text-density fallback.
BODY_CONTAINERS = (
    "#article_content", ".article-content", ".article_content", "#content .content", ".content_text",
    "#text", ".TRS_Editor", "#zoom", ".newsContent", ".news_content", ".news-content", "#newsContent",
    ".art_content", ".detail-content", ".article-body", "article",
)  # fmt: skip

# Breadcrumb lead-ins: "您现在的位置:", "当前位置：".
CRUMB_LABEL = re.compile(r"^.*?(?:当前位置|现在的位置|所在位置|位置)\s*[:：]?")
CRUMB_SKIP = frozenset({"首页", "主页", "网站首页", "正文", "正文内容", "内容", "详情", "本站"})
