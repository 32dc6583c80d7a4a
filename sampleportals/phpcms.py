"""金融观察网: a PHPCMS-v9-like portal serving GBK bytes declared `gb2312`.

URLs: articles `/html/2024/finance_0903/5123.html`; static listings `/html/finance/index.html`,
`/html/finance/index_2.html`; dynamic listings `/list.php?catid=6`, `/list.php?catid=6&page=2`;
hits script `/api.php?op=count&id=5123&modelid=1`; old links
`/index.php?m=content&c=index&a=show&catid=11&id=5123` 301 -> `/show-11-5123-1.html` 302 -> the article.

Article markup (as PHPCMS v9's default template, the meta line sits *inside* the h1)::

    <div class="crumbs"><a href="/">首页</a><span> &gt; </span><a href="/html/finance/">金融</a> &gt;  正文</div>
    <div id="Article"><h1>标题<br />
    <span>2024年09月03日 11:54&nbsp;&nbsp;&nbsp;来源:千龙网&nbsp;&nbsp;&nbsp;点击:<span id="hits"></span>
    <script src="/api.php?op=count&id=5123&modelid=1"></script></span></h1>
    <div class="content"><p>　　...</p></div>
"""

from __future__ import annotations

import re

from sampleportals import dates
from sampleportals.copies import Copy, Slot
from sampleportals.markup import (
    body_html,
    editor_meta_html,
    esc,
    label,
    meta_author_html,
    page_window,
    source_html,
    truncate,
    widen,
)
from sampleportals.site import Entry, Page, Site
from sampleportals.sites import PHPCMS

_ARTICLE = re.compile(r"^/html/\d{4}/[a-z]+_\d{4}/(\d+)\.html$")
_STATIC_LIST = re.compile(r"^/html/([a-z]+)/(?:index(?:_(\d+))?\.html)?$")
_SHOW = re.compile(r"^/show-\d+-(\d+)-1\.html$")
DYNAMIC_CHANNELS = frozenset({"licai"})  # listed through /list.php?catid=...
_SEP = "&nbsp;&nbsp;&nbsp;"


class PhpcmsSite(Site):
    """The PHPCMS-like portal."""

    spec = PHPCMS
    robots_disallow = ("/private/", "/caches/", "/phpsso_server/", "/phpcms/")

    # -- URL scheme -------------------------------------------------------------------------------

    def article_path(self, slot: Slot) -> str:
        """`/html/2024/finance_0903/5123.html`."""
        year, month, day = dates.fields(slot.time)
        return f"/html/{year}/{self.spec.channels[slot.channel].key}_{month}{day}/{slot.aid}.html"

    def image_path(self, slot: Slot) -> str:
        """`/uploadfile/2024/0903/20240903115403123.jpg`."""
        year, month, day = dates.fields(slot.time)
        clock = dates.hms(slot.time).replace(":", "")
        return f"/uploadfile/{year}/{month}{day}/{year}{month}{day}{clock}{slot.aid % 1000:03d}.jpg"

    def listing_path(self, channel: int, page: int) -> str:
        """`/html/finance/index_2.html` or `/list.php?catid=6&page=2` (page 1 without suffix)."""
        spec = self.spec.channels[channel]
        if spec.key in DYNAMIC_CHANNELS:
            return f"/list.php?catid={spec.number}" + (f"&page={page}" if page > 1 else "")
        return f"/html/{spec.key}/index.html" if page == 1 else f"/html/{spec.key}/index_{page}.html"

    def redirect_chain(self, aid: int) -> tuple[str, str]:
        """`/index.php?m=content&c=index&a=show&catid=11&id=5123` -> `/show-11-5123-1.html`."""
        local = self.index.local_of_aid(aid)
        catid = self.spec.channels[self.index.channels[local]].number if local is not None else 0
        return f"/index.php?m=content&c=index&a=show&catid={catid}&id={aid}", f"/show-{catid}-{aid}-1.html"

    def match_article(self, path: str) -> int | None:
        """The aid of `/html/<yyyy>/<channel>_<mmdd>/<aid>.html`."""
        found = _ARTICLE.match(path)
        return int(found.group(1)) if found else None

    def match_listing(self, path: str, query: dict[str, str]) -> tuple[int, int] | None:
        """Static `/html/<key>/[index[_n].html]` and dynamic `/list.php?catid=&page=`."""
        if path == "/list.php":
            for channel, spec in enumerate(self.spec.channels):
                if query.get("catid") == str(spec.number):
                    number = query.get("page", "1")
                    return (channel, int(number)) if number.isdigit() else None
            return None
        found = _STATIC_LIST.match(path)
        if not found:
            return None
        for channel, spec in enumerate(self.spec.channels):
            if spec.key == found.group(1) and spec.key not in DYNAMIC_CHANNELS:
                page = int(found.group(2) or 1)
                return (channel, page) if found.group(2) != "1" else None
        return None

    def match_redirect(self, path: str, query: dict[str, str]) -> tuple[int, int] | None:
        """`/index.php?m=content&...&a=show&id=` (hop 1) and `/show-<catid>-<aid>-1.html` (hop 2)."""
        if path == "/index.php" and query.get("a") == "show" and query.get("id", "").isdigit():
            return int(query["id"]), 1
        found = _SHOW.match(path)
        return (int(found.group(1)), 2) if found else None

    def extra_route(self, path: str, query: dict[str, str]) -> Page | None:
        """`/api.php?op=count&id=5123&modelid=1` answers `$('#hits').html('11003');`."""
        if path != "/api.php" or query.get("op") != "count":
            return None
        local = self.index.local_of_aid(int(query["id"])) if query.get("id", "").isdigit() else None
        views = self.views(local) if local is not None else 0
        return self.script(f"$('#hits').html('{views}');")

    # -- templates --------------------------------------------------------------------------------

    def render_home(self) -> str:
        """Nav, a headline block, one box per channel."""
        boxes = []
        for channel, spec in enumerate(self.spec.channels):
            items = "".join(
                f'<li>·<a href="{entry.href}" target="_blank">{esc(truncate(entry.title, 28))}</a></li>\n'
                for entry in map(self.side_entry, self.index.listing(channel, 1)[:8])
            )
            boxes.append(
                f'<div class="box cat-area"><h5 class="title-2"><span class="more">'
                f'<a href="{self._channel_home(channel)}">更多&gt;&gt;</a></span>{spec.name}</h5>\n'
                f'<ul class="content list f14 lh24">\n{items}</ul></div>\n'
            )
        newest = self.side_entry(0) if len(self.index) else None
        headline = f'<h2 class="blue f20"><a href="{newest.href}">{esc(newest.title)}</a></h2>\n' if newest else ""
        body = (
            f'<div class="main">\n<div class="col-left">\n<div class="news-hot">{headline}</div>\n'
            f'{"".join(boxes)}</div>\n<div class="col-auto">{self._rank_box(0)}</div>\n</div>\n'
        )
        return self._page(self.spec.site_name, -1, body)

    def render_listing(self, channel: int, page: int, entries: list[Entry]) -> str:
        """`<ul class="list lh24 f14">` with dates, then the `#pages` block."""
        items = "".join(
            f'<li><span class="rt">{_ymd(entry.time)}</span>·<a href="{esc(entry.href)}" target="_blank">'
            f"{esc(entry.title)}</a></li>\n"
            for entry in entries
        )
        body = (
            f'<div class="main">\n<div class="col-left">\n{self._crumbs(channel, "列表")}'
            f'<div class="box"><ul class="list lh24 f14">\n{items}</ul>\n'
            f"{self._pagination(channel, page)}</div>\n</div>\n"
            f'<div class="col-auto">{self._rank_box(channel)}</div>\n</div>\n'
        )
        spec = self.spec.channels[channel]
        title = spec.name if page == 1 else f"{spec.name}-第{page}页"
        return self._page(f"{title}-{self.spec.site_name}", channel, body)

    def render_article(self, copy: Copy, charset: str) -> str:
        """`#Article`: h1 with the meta span inside, `.content`, prev/next, tools, related box."""
        slot = copy.slot
        older, newer = self.index.neighbour(slot.local, 1), self.index.neighbour(slot.local, -1)
        related = "".join(
            f'<li>·<a href="{entry.href}" target="_blank">{esc(entry.title)}</a><span>({_ymd(entry.time)})</span></li>\n'
            for entry in self.related_entries(slot.local, 6)
        )
        body = (
            f'<div class="main">\n<div class="col-left">\n{self._crumbs(slot.channel, "正文")}'
            f'<div id="Article">\n<h1>{esc(copy.title)}<br />\n<span>{self._meta(copy)}</span></h1>\n'
            f'<div class="content">\n{body_html(copy, self.image_path(slot), copy.title)}</div>\n'
            '<div id="pages" class="text-c"></div>\n'
            f'<p style="margin-bottom:10px"><strong>相关热词搜索:</strong>'
            f'<a href="/index.php?m=content&amp;c=tag&amp;a=lists&amp;tag={slot.channel}">'
            f"{self.spec.channels[slot.channel].name}</a></p>\n"
            f'<p class="f14"><strong>上一篇:</strong>{self._context_link(older)}<br />\n'
            f"<strong>下一篇:</strong>{self._context_link(newer)}</p>\n</div>\n"
            '<div class="Article-Tool">分享到:<a href="#" class="bds_qzone">QQ空间</a> <a href="#" class="bds_tsina">'
            '新浪微博</a> <a href="#" class="bds_weixin">微信</a> <img src="/statics/images/v9/qrcode.png" alt="" />'
            "扫一扫,手机阅读</div>\n"
            f'<div class="box"><h5 class="title-2">相关阅读</h5><ul class="list blue lh24 f14">\n{related}</ul></div>\n'
            f'</div>\n<div class="col-auto">{self._rank_box(slot.channel)}</div>\n</div>\n'
        )
        description = esc(truncate(copy.paragraphs[0], 70))
        return self._page(f"{copy.title}-{self.spec.site_name}", slot.channel, body, charset, description)

    # -- pieces -----------------------------------------------------------------------------------

    def _meta(self, copy: Copy) -> str:
        width = copy.damage.meta_width
        year, month, day = dates.fields(copy.slot.time)
        stamp = widen(f"{year}年{month}月{day}日 {dates.hm(copy.slot.time)}", width)
        parts = [stamp, source_html(copy), meta_author_html(copy), editor_meta_html(copy)]
        if copy.views_shown:
            parts.append(
                label("点击", width)
                + f'<span id="hits"></span><script src="/api.php?op=count&id={copy.slot.aid}&modelid=1"></script>'
            )
        return _SEP.join(part for part in parts if part)

    def _channel_home(self, channel: int) -> str:
        spec = self.spec.channels[channel]
        return self.listing_path(channel, 1) if spec.key in DYNAMIC_CHANNELS else f"/html/{spec.key}/"

    def _crumbs(self, channel: int, leaf: str) -> str:
        spec = self.spec.channels[channel]
        return (
            f'<div class="crumbs"><a href="/">首页</a><span> &gt; </span>'
            f'<a href="{self._channel_home(channel)}">{spec.name}</a> &gt;  {leaf}</div>\n'
        )

    def _context_link(self, local: int | None) -> str:
        if local is None:
            return "没有了"
        entry = self.side_entry(local)
        return f'<a href="{entry.href}">{esc(entry.title)}</a>'

    def _rank_box(self, channel: int) -> str:
        return self.fragment(self._build_rank_box, channel)

    def _build_rank_box(self, channel: int) -> str:
        items = "".join(
            f'<li><a href="{entry.href}" target="_blank">{esc(truncate(entry.title, 20))}</a></li>'
            for entry in self.hot_entries(max(channel, 0), 10)
        )
        return f'<div class="box"><h5 class="title-2">频道总排行</h5><ul class="content digg">{items}</ul></div>\n'

    def _pagination(self, channel: int, page: int) -> str:
        total = self.index.page_count(channel)

        def href(number: int) -> str:
            return esc(self.listing_path(channel, number))

        items = [
            f'<a class="a1">{len(self.index.members[channel])}条</a>',
            f'<a href="{href(max(1, page - 1))}" class="a1">上一页</a>',
        ]
        items += [
            f"<span>{number}</span>" if number == page else f'<a href="{href(number)}">{number}</a>'
            for number in page_window(page, total, 10)
        ]
        items.append(f'<a href="{href(min(total, page + 1))}" class="a1">下一页</a>')
        return '<div id="pages" class="text-c">' + " ".join(items) + "</div>\n"

    def _nav(self) -> str:
        return "".join(
            f'<li class="line">|</li><li><a href="{self._channel_home(number)}"><span>{spec.name}</span></a></li>'
            for number, spec in enumerate(self.spec.channels)
        )

    def _page(self, title: str, channel: int, body: str, charset: str | None = None, description: str = "") -> str:
        """The full document: head, login bar, header, nav, `body`, footer."""
        nav = self.fragment(self._nav)
        return (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            f'<meta charset="{charset or self.spec.charset}">\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=7" />\n'
            f"<title>{esc(title)}</title>\n"
            f'<meta name="keywords" content="金融,理财,股市">\n<meta name="description" content="{description}">\n'
            '<link href="/statics/css/reset.css" rel="stylesheet" type="text/css" />\n'
            '<link href="/statics/css/default_blue.css" rel="stylesheet" type="text/css" />\n'
            '<script type="text/javascript" src="/statics/js/jquery.min.js"></script>\n'
            "</head>\n<body>\n"
            '<div class="body-top"><div class="content"><div class="login lh24 blue">'
            '<a href="/index.php?m=member&amp;c=index&amp;a=register">注册</a> | '
            '<a href="/index.php?m=member">登录</a></div>'
            '<span class="rt"><a href="/index.php?m=content&amp;c=rss">RSS</a></span></div></div>\n'
            f'<div class="header"><div class="logo"><a href="/"><img src="/statics/images/v9/logo.jpg" '
            f'alt="{self.spec.site_name}" /></a></div>\n'
            '<div class="search"><form action="/index.php" method="get"><input type="hidden" name="m" value="search"/>'
            '<input type="text" name="q" id="q"/><input type="submit" value="搜 索"/></form></div>\n'
            '<div class="banner"><a href="#"><img src="/uploadfile/ad/banner-728x90.jpg" alt="" /></a></div></div>\n'
            f'<div class="nav-bar"><map><ul class="nav-site"><li><a href="/"><span>首页</span></a></li>{nav}'
            "</ul></map></div>\n"
            f"{body}"
            '<div class="footer"><p class="info"><a href="#">关于我们</a> | <a href="#">联系方式</a> | '
            '<a href="#">版权声明</a> | <a href="#">广告服务</a><br />'
            f"Powered by <strong>PHPCMS</strong> &copy; 2024 {self.spec.site_name}</p></div>\n</body>\n</html>\n"
        )


def _ymd(timestamp: int) -> str:
    return dates.ymd(timestamp)
