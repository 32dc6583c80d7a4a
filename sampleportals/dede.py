"""财经快讯网: a DedeCMS-like portal (UTF-8).

URLs: articles `/a/20240903/1234.html`; listings `/news/`, `/news/list_5_2.html` (typeid 5);
count script `/plus/count.php?view=yes&aid=1234&mid=1`; old links `/plus/view.php?aid=1234` 301 ->
`/a/1234.html` 302 -> the article.

Article markup::

    <div class="position">当前位置:<a href="/">主页</a> > <a href="/news/">财经</a> > </div>
    <div class="title"><h1>标题</h1></div>
    <div class="info">时间:2024-09-03 11:54 来源:千龙网 作者:张三 点击:<script
      src="/plus/count.php?view=yes&aid=1234&mid=1"></script></div>
    <div class="content"><table width='100%'><tr><td> <p>...</p> </td></tr></table></div>
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
    source_html,
    truncate,
)
from sampleportals.site import Entry, Page, Site
from sampleportals.sites import DEDE

_ARTICLE = re.compile(r"^/a/\d{8}/(\d+)\.html$")
_LIST_PAGE = re.compile(r"^/(\w+)/list_(\d+)_(\d+)\.html$")
_SHORT_ARTICLE = re.compile(r"^/a/(\d+)\.html$")
_HOVER = " class='hover'"


class DedeSite(Site):
    """The DedeCMS-like portal."""

    spec = DEDE
    robots_disallow = ("/private/", "/data/", "/member/", "/dede/")

    # -- URL scheme -------------------------------------------------------------------------------

    def article_path(self, slot: Slot) -> str:
        """`/a/20240903/1234.html`."""
        return f"/a/{dates.compact(slot.time)}/{slot.aid}.html"

    def image_path(self, slot: Slot) -> str:
        """`/uploads/allimg/240903/1234-1.jpg`."""
        return f"/uploads/allimg/{dates.short(slot.time)}/{slot.aid}-1.jpg"

    def listing_path(self, channel: int, page: int) -> str:
        """`/news/` for page 1, `/news/list_5_2.html` after."""
        spec = self.spec.channels[channel]
        return f"/{spec.key}/" if page == 1 else f"/{spec.key}/list_{spec.number}_{page}.html"

    def redirect_chain(self, aid: int) -> tuple[str, str]:
        """`/plus/view.php?aid=1234` -> `/a/1234.html`."""
        return f"/plus/view.php?aid={aid}", f"/a/{aid}.html"

    def match_article(self, path: str) -> int | None:
        """The aid of `/a/<date>/<aid>.html`."""
        found = _ARTICLE.match(path)
        return int(found.group(1)) if found else None

    def match_listing(self, path: str, query: dict[str, str]) -> tuple[int, int] | None:
        """`/news/` and `/news/list_5_<n>.html` (list_5_1.html is page 1 again, as in DedeCMS)."""
        for channel, spec in enumerate(self.spec.channels):
            if path == f"/{spec.key}/":
                return channel, 1
        found = _LIST_PAGE.match(path)
        if found:
            for channel, spec in enumerate(self.spec.channels):
                if found.group(1) == spec.key and int(found.group(2)) == spec.number:
                    return channel, int(found.group(3))
        return None

    def match_redirect(self, path: str, query: dict[str, str]) -> tuple[int, int] | None:
        """`/plus/view.php?aid=` (hop 1) and `/a/<aid>.html` (hop 2)."""
        if path == "/plus/view.php" and query.get("aid", "").isdigit():
            return int(query["aid"]), 1
        found = _SHORT_ARTICLE.match(path)
        return (int(found.group(1)), 2) if found else None

    def extra_route(self, path: str, query: dict[str, str]) -> Page | None:
        """`/plus/count.php?view=yes&aid=1234&mid=1` answers `document.write('11003');`."""
        if path != "/plus/count.php":
            return None
        local = self.index.local_of_aid(int(query["aid"])) if query.get("aid", "").isdigit() else None
        if local is None:
            return self.script("document.write('0');")
        return self.script(f"document.write('{self.views(local)}');")

    # -- templates --------------------------------------------------------------------------------

    def render_home(self) -> str:
        """Nav, a focus story, one block per channel, friend links."""
        newest = self.side_entry(0) if len(self.index) else None
        focus = f'<div class="focus"><h2><a href="{newest.href}">{esc(newest.title)}</a></h2></div>\n' if newest else ""
        blocks = []
        for channel, spec in enumerate(self.spec.channels):
            items = "".join(
                f'<li><span>{_md(entry.time)}</span><a href="{entry.href}" title="{esc(entry.title)}">'
                f"{esc(truncate(entry.title, 30))}</a></li>\n"
                for entry in map(self.side_entry, self.index.listing(channel, 1)[:8])
            )
            blocks.append(
                f'<dl class="tbox"><dt><strong><a href="/{spec.key}/">{spec.name}</a></strong>'
                f'<span class="more"><a href="/{spec.key}/">更多...</a></span></dt>\n'
                f'<dd><ul class="d1 ico3">\n{items}</ul></dd></dl>\n'
            )
        body = (
            f'<div class="index w960 center clear">\n<div class="pleft">\n{focus}{"".join(blocks)}</div>\n'
            f'<div class="pright">{self._hot_box(0)}</div>\n'
            '<div class="flink"><strong>友情链接:</strong><a href="#">财经日报</a> <a href="#">理财周刊</a> '
            '<a href="#">证券导航</a></div>\n</div>\n'
        )
        return self._page(f"{self.spec.site_name}_财经资讯门户", -1, body)

    def render_listing(self, channel: int, page: int, entries: list[Entry]) -> str:
        """`<ul class="e2">` items with date and intro, then the `dede_pages` block."""
        spec = self.spec.channels[channel]
        items = "".join(
            f'<li>[<b><a href="/{spec.key}/">{spec.name}</a></b>] '
            f'<a href="{entry.href}" class="title">{esc(entry.title)}</a>\n'
            f'<span class="info"><small>日期:</small>{_md(entry.time)}</span>\n'
            f'<p class="intro">{esc(truncate(entry.summary, 80))}...</p></li>\n'
            for entry in entries
        )
        body = (
            f'<div class="w960 center clear mt1">\n<div class="pleft">\n{self._position(channel)}'
            f'<div class="listbox"><ul class="e2">\n{items}</ul></div>\n'
            f"{self._pagination(channel, page)}</div>\n"
            f'<div class="pright">{self._hot_box(channel)}</div>\n</div>\n'
        )
        title = f"{spec.name}_{self.spec.site_name}" if page == 1 else f"{spec.name}_第{page}页_{self.spec.site_name}"
        return self._page(title, channel, body)

    def render_article(self, copy: Copy, charset: str) -> str:
        """The article page (`viewbox`), with side lists and share bar."""
        slot = copy.slot
        older, newer = self.index.neighbour(slot.local, 1), self.index.neighbour(slot.local, -1)
        body = (
            f'<div class="w960 center clear mt1">\n<div class="pleft">\n{self._position(slot.channel)}'
            '<div class="viewbox">\n'
            f'<div class="title"><h1>{esc(copy.title)}</h1></div>\n'
            f'<div class="info">{self._meta(copy)}</div>\n'
            "<div class=\"content\"><table width='100%'><tr><td>\n"
            '<div id="contentMidPicAD" style="float:right; clear:both; top:0; vertical-align:top;"></div>\n'
            f"{body_html(copy, self.image_path(slot), copy.title)}</td></tr></table></div>\n"
            '<div class="boxoff"><strong>------分隔线----------------------------</strong></div>\n'
            '<div class="handle"><div class="context"><ul>\n'
            f"<li>上一篇:{self._context_link(older)}</li>\n<li>下一篇:{self._context_link(newer)}</li>\n"
            "</ul></div>\n"
            f'<div class="actbox"><ul><li id="act-fav"><a href="/plus/stow.php?aid={slot.aid}">收藏</a></li>'
            f'<li id="act-pus"><a href="/plus/recommend.php?aid={slot.aid}">推荐</a></li>'
            '<li id="act-pnt"><a href="#" onclick="window.print();">打印</a></li></ul></div></div>\n'
            '<div class="share">分享到:<a href="#" class="bds_qzone">QQ空间</a><a href="#" class="bds_tsina">'
            '新浪微博</a><a href="#" class="bds_weixin">微信</a></div>\n</div>\n'
            '<div class="commentbox"><h4>发表评论</h4><p>请自觉遵守互联网相关的政策法规。</p></div>\n</div>\n'
            f'<div class="pright">{self._recommend_box(slot.local)}{self._hot_box(slot.channel)}'
            '<div class="qrcode"><img src="/templets/default/images/qrcode.jpg" alt="" />'
            f"<p>扫一扫 关注{self.spec.site_name}微信公众号</p></div></div>\n</div>\n"
        )
        description = esc(truncate(copy.paragraphs[0], 70))
        return self._page(f"{copy.title}_{self.spec.site_name}", slot.channel, body, charset, description)

    # -- pieces -----------------------------------------------------------------------------------

    def _meta(self, copy: Copy) -> str:
        width = copy.damage.meta_width
        parts = [
            label("时间", width) + clock(copy.slot.time, False, width),
            source_html(copy),
            meta_author_html(copy),
            editor_meta_html(copy),
        ]
        if copy.views_shown:
            parts.append(
                label("点击", width) + f'<script src="/plus/count.php?view=yes&aid={copy.slot.aid}&mid=1"></script>'
            )
        return " ".join(part for part in parts if part)

    def _position(self, channel: int) -> str:
        spec = self.spec.channels[channel]
        return (
            f'<div class="position">当前位置:<a href="/">主页</a> > <a href="/{spec.key}/">{spec.name}</a> > </div>\n'
        )

    def _context_link(self, local: int | None) -> str:
        if local is None:
            return "没有了 "
        entry = self.side_entry(local)
        return f"<a href='{entry.href}'>{esc(entry.title)}</a> "

    def _recommend_box(self, local: int) -> str:
        items = "".join(
            f'<li><a href="{entry.href}">{esc(truncate(entry.title, 16))}</a></li>'
            for entry in self.related_entries(local, 5)
        )
        return f'<dl class="tbox light"><dt class="light"><strong>推荐内容</strong></dt><dd><ul class="d4">{items}</ul></dd></dl>\n'

    def _hot_box(self, channel: int) -> str:
        return self.fragment(self._build_hot_box, channel)

    def _build_hot_box(self, channel: int) -> str:
        items = "".join(
            f'<li><a href="{entry.href}">{esc(truncate(entry.title, 16))}</a></li>'
            for entry in self.hot_entries(max(channel, 0), 10)
        )
        return f'<dl class="tbox light"><dt class="light"><strong>热点内容</strong></dt><dd><ul class="c1 ico2">{items}</ul></dd></dl>\n'

    def _pagination(self, channel: int, page: int) -> str:
        spec = self.spec.channels[channel]
        total = self.index.page_count(channel)

        def link(number: int, text: str) -> str:
            return f"<li><a href='list_{spec.number}_{number}.html'>{text}</a></li>"

        items = [link(1, "首页") if page > 1 else "<li><a>首页</a></li>"]
        if page > 1:
            items.append(link(page - 1, "上一页"))
        items += [
            f'<li class="thisclass">{number}</li>' if number == page else link(number, str(number))
            for number in page_window(page, total)
        ]
        if page < total:
            items += [link(page + 1, "下一页"), link(total, "末页")]
        count = len(self.index.members[channel])
        items.append(f'<li><span class="pageinfo">共 <strong>{total}</strong>页<strong>{count}</strong>条</span></li>')
        return '<div class="dede_pages"><ul class="pagelist">\n' + "\n".join(items) + "\n</ul></div>\n"

    def _nav(self, channel: int) -> str:
        return "".join(
            f"<li{_HOVER if number == channel else ''}><a href='/{spec.key}/'><span>{spec.name}</span></a></li>"
            for number, spec in enumerate(self.spec.channels)
        )

    def _page(self, title: str, channel: int, body: str, charset: str | None = None, description: str = "") -> str:
        """The full document: head, top bar, header with banner ad and nav, `body`, footer."""
        nav = self.fragment(self._nav, channel)
        return (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset or self.spec.charset}" />\n'
            f"<title>{esc(title)}</title>\n"
            f'<meta name="keywords" content="财经,股票,银行,理财" />\n<meta name="description" content="{description}" />\n'
            '<link href="/templets/default/style/dedecms.css" rel="stylesheet" media="screen" type="text/css" />\n'
            '<script language="javascript" type="text/javascript" src="/include/dedeajax2.js"></script>\n'
            '</head>\n<body class="articleview">\n'
            '<div class="header_top"><div class="w960 center"><span id="time" class="time">'
            f"{self.spec.site_name} - 财经资讯门户</span>"
            '<div class="toplinks"><a href="/plus/heightsearch.php">高级搜索</a>|<a href="/data/sitemap.html">'
            '网站地图</a>|<a href="/tags.php">TAG标签</a>|<a href="/data/rssmap.html" class="rss">RSS订阅</a>'
            "</div></div></div>\n"
            '<div class="header"><div class="top w960 center">'
            f'<div class="logo"><a href="/"><img src="/templets/default/images/logo.gif" alt="{self.spec.site_name}" />'
            "</a></div>"
            '<div class="banner"><a href="#"><img src="/uploads/allimg/ad/banner-468x60.jpg" alt="" /></a></div>'
            "</div>\n"
            '<div class="module blue mT10 wrapper w963"><div id="navMenu"><ul>\n'
            f"<li><a href='/'><span>主页</span></a></li>{nav}"
            "<li><a href='/member/'><span>会员中心</span></a></li>\n</ul></div>\n"
            '<div class="search"><form name="formsearch" action="/plus/search.php"><input name="q" type="text" '
            'value="在这里搜索..." /><button type="submit">搜索</button></form></div></div></div>\n'
            f"{body}"
            '<div class="footer w960 center mt1 clear"><div class="footer_body">\n'
            f'<p class="powered">Powered by <a href="#">DedeCMS</a> &copy; 2004-2024 {self.spec.site_name} 版权所有'
            " 京ICP备12345678号</p>\n"
            '<div class="copyright">本站所载文章均来自互联网,不代表本站立场。</div>\n</div></div>\n</body>\n</html>\n'
        )


def _md(timestamp: int) -> str:
    """DedeCMS's listing date: `MyDate('m-d')`."""
    return dates.month_day(timestamp)
