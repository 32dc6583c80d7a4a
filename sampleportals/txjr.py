"""天下金融网: shaped like the real page in /work/shared/reference (UTF-8).

URLs: articles `/zixun/2024/0903/30123.html`; listings `/zixun/`, `/zixun/list-2.html`; old links
`/article/30123.html` 301 -> `/article/30123/` 302 -> the article. The read count is inline.

Article markup (the 声明 disclaimer is the last paragraph *inside* the body container)::

    <div class="weizhi">您现在的位置:<a href="/">首页</a> &gt; <a href="/zixun/">资讯</a> &gt; 正文</div>
    <h1 class="title">标题</h1>
    <div class="info">2024-09-03 11:54:03&nbsp;x6来源:千龙网&nbsp;x3阅读量:11003&nbsp;x3</div>
    <div class="content" id="article-content"><p>...</p><p class="statement">声明:...</p></div>
"""

from __future__ import annotations

import re

from sampleportals import dates
from sampleportals.copies import Copy, Slot
from sampleportals.markup import (
    body_html,
    clock,
    editor_meta_html,
    esc,
    label,
    meta_author_html,
    page_window,
    relative_date,
    source_html,
    truncate,
)
from sampleportals.site import Entry, Page, Site
from sampleportals.sites import TXJR

_ARTICLE = re.compile(r"^/([a-z]+)/\d{4}/\d{4}/(\d+)\.html$")
_LIST = re.compile(r"^/([a-z]+)/(?:list-(\d+)\.html)?$")
_OLD = re.compile(r"^/article/(\d+)(\.html|/)$")
NAV_ORDER: tuple[str, ...] = (
    "zixun",
    "caijing",
    "licai",
    "xiaofei",
    "chanye",
    "jijin",
    "gupiao",
    "waihui",
    "qihuo",
    "yinhang",
    "qiye",
    "hangqing",
)
STATEMENT = (
    "声明:以上内容为本网站转自其它媒体,相关信息仅为传递更多企业信息之目的,不代表本网观点,"
    "亦不代表本网站赞同其观点或证实其内容的真实性。投资有风险,需谨慎。"
)
_NBSP = "&nbsp;"
_ON = ' class="on"'


class TxjrSite(Site):
    """The 天下金融网-like portal."""

    spec = TXJR
    robots_disallow = ("/private/", "/admin/", "/search/")

    # -- URL scheme -------------------------------------------------------------------------------

    def article_path(self, slot: Slot) -> str:
        """`/zixun/2024/0903/30123.html`."""
        year, month, day = dates.fields(slot.time)
        return f"/{self.spec.channels[slot.channel].key}/{year}/{month}{day}/{slot.aid}.html"

    def image_path(self, slot: Slot) -> str:
        """`/uploads/image/20240903/30123_1.jpg`."""
        return f"/uploads/image/{dates.compact(slot.time)}/{slot.aid}_1.jpg"

    def listing_path(self, channel: int, page: int) -> str:
        """`/zixun/` for page 1, `/zixun/list-2.html` after."""
        key = self.spec.channels[channel].key
        return f"/{key}/" if page == 1 else f"/{key}/list-{page}.html"

    def redirect_chain(self, aid: int) -> tuple[str, str]:
        """`/article/30123.html` -> `/article/30123/`."""
        return f"/article/{aid}.html", f"/article/{aid}/"

    def match_article(self, path: str) -> int | None:
        """The aid of `/<channel>/<yyyy>/<mmdd>/<aid>.html`."""
        found = _ARTICLE.match(path)
        return int(found.group(2)) if found else None

    def match_listing(self, path: str, query: dict[str, str]) -> tuple[int, int] | None:
        """`/<channel>/` and `/<channel>/list-<n>.html` (n >= 2)."""
        found = _LIST.match(path)
        if not found or found.group(2) == "1":
            return None
        for channel, spec in enumerate(self.spec.channels):
            if spec.key == found.group(1):
                return channel, int(found.group(2) or 1)
        return None

    def match_redirect(self, path: str, query: dict[str, str]) -> tuple[int, int] | None:
        """`/article/<aid>.html` (hop 1) and `/article/<aid>/` (hop 2)."""
        found = _OLD.match(path)
        return (int(found.group(1)), 1 if found.group(2) == ".html" else 2) if found else None

    def extra_route(self, path: str, query: dict[str, str]) -> Page | None:
        """Nav channels without articles answer an empty listing."""
        for key, name in self.spec.nav_only:
            if path == f"/{key}/":
                body = (
                    f'<div class="main w1200 clearfix"><div class="main-left fl">{self._weizhi(name, key)}'
                    '<div class="list-box"><p class="empty">暂无内容</p></div></div></div>\n'
                )
                return self.html_page(self._page(f"{name}_{self.spec.site_name}", key, body))
        return None

    # -- templates --------------------------------------------------------------------------------

    def render_home(self) -> str:
        """Headline, one block per channel with relative dates, rankings."""
        blocks = []
        for channel, spec in enumerate(self.spec.channels):
            items = "".join(
                f'<li><span class="time">{relative_date(entry.time)}</span><a href="{entry.href}" target="_blank">'
                f"{esc(entry.title)}</a></li>\n"
                for entry in map(self.side_entry, self.index.listing(channel, 1)[:8])
            )
            blocks.append(
                f'<div class="index-block"><div class="hd"><h2><a href="/{spec.key}/">{spec.name}</a></h2>'
                f'<a class="more" href="/{spec.key}/">更多</a></div>\n<ul>\n{items}</ul></div>\n'
            )
        body = (
            f'<div class="main w1200 clearfix">\n<div class="main-left fl">\n{"".join(blocks)}</div>\n'
            f'<div class="main-right fr">{self._rank_box(0)}</div>\n</div>\n'
        )
        return self._page(f"{self.spec.site_name}-财经资讯门户", "", body)

    def render_listing(self, channel: int, page: int, entries: list[Entry]) -> str:
        """`ul.news-list` items (title, summary, relative date), then the `.pages` block."""
        spec = self.spec.channels[channel]
        items = "".join(
            f'<li><h3><a href="{entry.href}" target="_blank">{esc(entry.title)}</a></h3>\n'
            f'<p class="desc">{esc(truncate(entry.summary, 60))}...</p>\n'
            f'<div class="meta"><span class="time">{relative_date(entry.time)}</span>'
            f'<span class="lm">{spec.name}</span></div></li>\n'
            for entry in entries
        )
        body = (
            f'<div class="main w1200 clearfix">\n<div class="main-left fl">\n{self._weizhi(spec.name)}'
            f'<div class="list-box"><ul class="news-list">\n{items}</ul>\n{self._pagination(channel, page)}</div>\n'
            f'</div>\n<div class="main-right fr">{self._rank_box(channel)}</div>\n</div>\n'
        )
        title = spec.name if page == 1 else f"{spec.name}_第{page}页"
        return self._page(f"{title}_{self.spec.site_name}", spec.key, body)

    def render_article(self, copy: Copy, charset: str) -> str:
        """The article like the reference page: weizhi, h1, inline meta, body + 声明, prev/next, lists."""
        slot = copy.slot
        spec = self.spec.channels[slot.channel]
        older, newer = self.index.neighbour(slot.local, 1), self.index.neighbour(slot.local, -1)
        related = "".join(
            f'<li><a href="{entry.href}" target="_blank">{esc(entry.title)}</a></li>'
            for entry in self.related_entries(slot.local, 6)
        )
        body = (
            f'<div class="main w1200 clearfix">\n<div class="main-left fl">\n'
            f'{self._weizhi(spec.name, spec.key, "正文")}<div class="article">\n'
            f'<h1 class="title">{esc(copy.title)}</h1>\n<div class="info">{self._meta(copy)}</div>\n'
            f'<div class="content" id="article-content">\n{body_html(copy, self.image_path(slot), copy.title)}'
            f'<p class="statement">{STATEMENT}</p>\n</div>\n'
            '<div class="share">分享到:<a href="#" class="weixin">微信</a><a href="#" class="weibo">微博</a>'
            '<a href="#" class="qzone">QQ空间</a></div>\n'
            f'<div class="prenext"><p>上一篇:{self._context_link(older, spec.key)}</p>\n'
            f"<p>下一篇:{self._context_link(newer, spec.key)}</p></div>\n</div>\n"
            f'<div class="xgtj"><div class="hd"><h3>相关推荐</h3></div><ul>{related}</ul></div>\n</div>\n'
            f'<div class="main-right fr">{self._rank_box(slot.channel)}{self._hot_box(slot.channel)}'
            f'<div class="ewm"><img src="/static/img/ewm.jpg" alt="" /><p>扫一扫,关注{self.spec.site_name}</p></div>'
            "</div>\n</div>\n"
        )
        description = esc(truncate(copy.paragraphs[0], 70))
        return self._page(f"{copy.title}|{self.spec.site_name}", spec.key, body, charset, description)

    # -- pieces -----------------------------------------------------------------------------------

    def _meta(self, copy: Copy) -> str:
        width = copy.damage.meta_width
        parts = [source_html(copy), meta_author_html(copy), editor_meta_html(copy)]
        if copy.views_shown:
            parts.append(label("阅读量", width) + str(copy.views))
        tail = "".join(part + _NBSP * 3 for part in parts if part)
        return clock(copy.slot.time, True, width) + _NBSP * 6 + tail

    def _weizhi(self, name: str, key: str = "", leaf: str = "") -> str:
        channel = f'<a href="/{key}/">{name}</a>' if key else name
        return f'<div class="weizhi">您现在的位置:<a href="/">首页</a> &gt; {channel}{" &gt; " + leaf if leaf else ""}</div>\n'

    def _context_link(self, local: int | None, key: str) -> str:
        if local is None:
            return f'<a href="/{key}/">返回列表</a>'
        entry = self.side_entry(local)
        return f'<a href="{entry.href}">{esc(entry.title)}</a>'

    def _rank_box(self, channel: int) -> str:
        return self.fragment(self._build_rank_box, channel)

    def _build_rank_box(self, channel: int) -> str:
        items = "".join(
            f'<li><i>{number}</i><a href="{entry.href}" target="_blank" title="{esc(entry.title)}">'
            f"{esc(truncate(entry.title, 17))}</a></li>"
            for number, entry in enumerate(self.hot_entries(channel, 10), 1)
        )
        return f'<div class="lmph"><div class="hd"><h3>栏目排行</h3></div><ol>{items}</ol></div>\n'

    def _hot_box(self, channel: int) -> str:
        return self.fragment(self._build_hot_box, channel)

    def _build_hot_box(self, channel: int) -> str:
        items = "".join(
            f'<li><a href="{entry.href}" target="_blank">{esc(truncate(entry.title, 17))}</a></li>'
            for entry in self.hot_entries(channel, 16)[10:]
        )
        return f'<div class="lmrd"><div class="hd"><h3>栏目热点</h3></div><ul>{items}</ul></div>\n'

    def _pagination(self, channel: int, page: int) -> str:
        total = self.index.page_count(channel)

        def link(number: int, text: str) -> str:
            return f'<a href="{self.listing_path(channel, number)}">{text}</a>'

        items = [link(1, "首页")]
        if page > 1:
            items.append(link(page - 1, "上一页"))
        items += [
            f"<b>{number}</b>" if number == page else link(number, str(number)) for number in page_window(page, total)
        ]
        if page < total:
            items.append(link(page + 1, "下一页"))
        items.append(link(total, "尾页"))
        return '<div class="pages">' + "".join(items) + "</div>\n"

    def _nav(self, active: str) -> str:
        names = {spec.key: spec.name for spec in self.spec.channels} | dict(self.spec.nav_only)
        return "".join(
            f'<li{_ON if key == active else ""}><a href="/{key}/">{names[key]}</a></li>' for key in NAV_ORDER
        )

    def _page(self, title: str, active: str, body: str, charset: str | None = None, description: str = "") -> str:
        """The full document: top bar, logo, nav, `body`, footer."""
        nav = self.fragment(self._nav, active)
        return (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            f'<meta charset="{charset or self.spec.charset}">\n'
            f"<title>{esc(title)}</title>\n"
            f'<meta name="keywords" content="天下金融网,财经,资讯">\n<meta name="description" content="{description}">\n'
            '<link rel="stylesheet" href="/static/css/common.css">\n<link rel="stylesheet" href="/static/css/article.css">\n'
            '<script src="/static/js/jquery.min.js"></script>\n</head>\n<body>\n'
            f'<div class="topbar"><div class="w1200"><span class="fl">{self.spec.site_name}</span><span class="fr">'
            '<a href="javascript:void(0)" onclick="AddFavorite(window.location,document.title)">加入收藏</a>'
            "&nbsp;&nbsp;&nbsp;&nbsp;"
            '<a href="javascript:void(0)" onclick="SetHome(this,window.location)">设为首页</a></span></div></div>\n'
            f'<div class="header w1200"><div class="logo"><a href="/" title="{self.spec.site_name}">'
            f"{self.spec.site_name}</a></div>"
            '<div class="hd-ad"><a href="#"><img src="/static/img/ad-760x90.jpg" alt="" /></a></div></div>\n'
            f'<div class="nav"><ul class="w1200"><li><a href="/">首页</a></li>{nav}</ul></div>\n'
            f"{body}"
            '<div class="footer"><p><a href="#">关于我们</a> | <a href="#">联系我们</a> | <a href="#">免责条款</a></p>'
            f"<p>Copyright &copy; 2024 {self.spec.site_name} All Rights Reserved 京ICP备00000000号</p></div>\n"
            "</body>\n</html>\n"
        )
