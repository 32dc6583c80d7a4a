"""Listing pages, offline: the main list and the dates beside its links, article vs listing by content,
pagination in every common form, and how a listing's date text becomes an article's date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from parsel import Selector
from scrapy.utils.test import get_crawler

from crawler.extract import mainlist, pagination
from crawler.extract.kind import ARTICLE, LISTING, page_kind
from crawler.extract.links import site_links
from crawler.extract.mainlist import LISTING_DATE, MainList, main_list
from crawler.extract.pagination import PageUrl, page_url
from crawler.items import Article
from crawler.vocabulary import SHANGHAI
from pipelines.normalize import NormalizePipeline
from tests.crawls import normalized

URL = "http://x.cn/news/"


def links_of(html: str, url: str = URL) -> list[tuple[str, Selector]]:
    return list(site_links(Selector(text=html), url))


# --- the page's links ------------------------------------------------------------------------------

# A relative href (`links._plain_relative`) is appended to the page's directory without urljoin: the same URL
# as urljoin's, and the forms urljoin rewrites (dot and empty segments, an empty ";params") still go through it.
RELATIVE_HREFS = [
    ("http://x.cn/news/list.html", "a/1.html", "http://x.cn/news/a/1.html"),
    ("http://x.cn/news/list.html", "show.php?id=2&t=3", "http://x.cn/news/show.php?id=2&t=3"),
    ("http://x.cn", "a.html", "http://x.cn/a.html"),
    ("http://x.cn/a/b;p?q=1", "c.html", "http://x.cn/a/c.html"),
    ("http://x.cn/news/", "jpg", "http://x.cn/news/jpg"),  # no extension: a page, not an image
    ("http://x.cn/news/", "a/../b.html", "http://x.cn/news/b.html"),
    ("http://x.cn/news/", "a//b.html", "http://x.cn/news/a/b.html"),
    ("http://x.cn/news/", "a.html;", "http://x.cn/news/a.html"),
    ("http://x.cn/news/./list/", "a.html", "http://x.cn/news/list/a.html"),
    ("http://x.cn/news//list/", "a.html", "http://x.cn/news/list/a.html"),
    ("http://x.cn/news/", "a/1.jpg", None),
]


@pytest.mark.parametrize(("page", "href", "url"), RELATIVE_HREFS)
def test_relative_links(page: str, href: str, url: str | None) -> None:
    assert [found for found, _ in links_of(f'<a href="{href}">x</a>', page)] == ([url] if url else [])


# --- the main list ---------------------------------------------------------------------------------

NAV = '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/news/">财经要闻</a></li><li><a href="/stock/">股票</a></li></ul>'
HOT = (
    '<div class="side"><div class="hd"><h3>栏目排行</h3></div><ol>'
    + "".join(f'<li><i>{n}</i><a href="/a/2024090{n}/9{n}.html">排行第{n}的文章标题</a></li>' for n in range(1, 6))
    + "</ol></div>"
)


@pytest.mark.parametrize(
    ("html", "dates"),
    [
        pytest.param(  # DedeCMS: the date before the link
            '<ul><li><span>09-03</span><a href="/a/1.html">央行开展逆回购操作</a></li>'
            '<li><span>09-02</span><a href="/a/2.html">沪指收涨成交放量</a></li></ul>',
            {"http://x.cn/a/1.html": "09-03", "http://x.cn/a/2.html": "09-02"},
            id="date-before",
        ),
        pytest.param(  # title in an <h3>, a summary, then the date: the whole item is searched
            '<ul class="news-list"><li><h3><a href="/p/1">央行开展逆回购操作</a></h3><p>央行今日开展1000亿元逆回购,'
            '2024年9月3日到期。</p><div class="meta"><span class="time">3小时前</span><span>资讯</span></div></li>'
            '<li><h3><a href="/p/2">沪指收涨成交放量</a></h3><p>摘要。</p><div><span>昨天 14:20</span></div></li></ul>',
            {"http://x.cn/p/1": "3小时前", "http://x.cn/p/2": "昨天 14:20"},
            id="summary-then-date",
        ),
        pytest.param(
            '<table><tr><td><a href="/show?id=1">央行开展逆回购操作</a></td><td>[2024-09-03]</td></tr>'
            '<tr><td><a href="/show?id=2">沪指收涨成交放量</a></td><td>[2024-09-02]</td></tr></table>',
            {"http://x.cn/show?id=1": "[2024-09-03]", "http://x.cn/show?id=2": "[2024-09-02]"},
            id="table-rows",
        ),
        pytest.param(
            '<div class="list"><a href="/p/1">央行开展逆回购操作</a><span>(09-03)</span><br/>'
            '<a href="/p/2">沪指收涨成交放量</a> 2天前<br/><a href="/p/3">银行下调存款利率</a><br/></div>',
            {"http://x.cn/p/1": "(09-03)", "http://x.cn/p/2": "2天前", "http://x.cn/p/3": None},
            id="flat-links",
        ),
        pytest.param(  # the image link and the title link of one item are one link
            '<ul><li><a href="/p/1"><img src="/1.jpg"/></a><a href="/p/1">央行开展逆回购操作</a><em>刚刚</em></li>'
            '<li><a href="/p/2"><img src="/2.jpg"/></a><a href="/p/2">沪指收涨成交放量</a></li></ul>',
            {"http://x.cn/p/1": "刚刚", "http://x.cn/p/2": None},
            id="image-and-title",
        ),
        pytest.param(  # the last page: a widget with more links is still no main list
            NAV + '<ul><li><a href="/p/1">央行开展逆回购操作</a><span>09-03</span></li>'
            '<li><a href="/p/2">沪指收涨成交放量</a><span>09-02</span></li></ul>' + HOT,
            {"http://x.cn/p/1": "09-03", "http://x.cn/p/2": "09-02"},
            id="widget-outnumbers-list",
        ),
        pytest.param(NAV, {}, id="nav-only"),
        pytest.param(  # widgets only: an article page's 相关推荐 and 栏目排行
            '<div><h3>相关推荐</h3><ul><li><a href="/p/1">央行开展逆回购操作</a></li>'
            '<li><a href="/p/2">沪指收涨成交放量</a></li></ul></div>' + HOT,
            {},
            id="widgets-only",
        ),
        pytest.param(  # a widget headed inside its block
            '<div class="hot"><h4>热门文章</h4><a href="/p/1">央行开展逆回购操作</a><br/>'
            '<a href="/p/2">沪指收涨成交放量</a></div>',
            {},
            id="heading-inside",
        ),
        pytest.param('<p><a href="/p/1">央行开展逆回购操作</a></p>', {}, id="one-link-is-no-list"),
        pytest.param(  # one list cut into <ul>s of two: the parts are one list
            NAV
            + "".join(
                f'<ul class="list_txt"><li><a href="/p/{n}1">第{n}组的第一则新闻标题</a></li>'
                f'<li><a href="/p/{n}2">第{n}组的第二则新闻标题</a></li></ul>'
                for n in range(1, 4)
            ),
            {f"http://x.cn/p/{n}{m}": None for n in range(1, 4) for m in (1, 2)},
            id="list-in-parts",
        ),
        pytest.param(  # a feed: tag clouds and comment counts after each title are no entries
            '<div class="feed">'
            + "".join(
                f'<div class="row"><h3><a href="/p/{n}">第{n}则新闻的完整标题</a></h3>'
                f'<div class="tags"><a href="/tag/{n}">关键词标签第{n}个</a></div>'
                f'<div class="share"><a href="http://comment.x.cn/{n}.html">{n}0跟贴{n}0</a></div></div>'
                for n in range(1, 5)
            )
            + "</div>",
            {f"http://x.cn/p/{n}": None for n in range(1, 5)},
            id="feed-with-tags",
        ),
        pytest.param(  # another host of the domain, in the list: an entry; an ad's redirect: none
            '<ul><li><a href="/p/1">央行开展逆回购操作</a></li><li><a href="http://money.x.cn/p/2">沪指收涨成交放量</a></li>'
            '<li><a href="http://www.x.cn/ad.php?url=K0000">下载游戏就送大礼包</a></li></ul>',
            {"http://x.cn/p/1": None, "http://money.x.cn/p/2": None},
            id="other-host-and-redirect",
        ),
        pytest.param(  # tabs: only the one shown counts
            '<div class="tabs"><div class="tab active"><ul><li><a href="/p/1">央行开展逆回购操作</a></li>'
            '<li><a href="/p/2">沪指收涨成交放量</a></li></ul></div><div class="tab"><ul>'
            '<li><a href="/p/3">本周排行第一的文章</a></li><li><a href="/p/4">本周排行第二的文章</a></li></ul></div></div>',
            {"http://x.cn/p/1": None, "http://x.cn/p/2": None},
            id="hidden-tab",
        ),
        pytest.param(  # a flat list whose links are followed by comments and dates: a comment is no date
            '<div class="list">'
            + "".join(f'<a href="/p/{n}">第{n}则新闻的完整标题</a><!-- item {n} --><br/>' for n in range(1, 4))
            + '<a href="/p/4">第4则新闻的完整标题</a><span>09-03</span><br/></div>',
            {**{f"http://x.cn/p/{n}": None for n in range(1, 4)}, "http://x.cn/p/4": "09-03"},
            id="comment-after-link",
        ),
        pytest.param(  # a list cut into channel boxes (a DedeCMS home page): each link's date is its own entry's,
            # not the first of its box (the parts are the boxes, each holding one <dd> with the whole list)
            "".join(
                f'<dl class="tbox"><dt><a href="/{c}/">频道{c}</a></dt><dd><ul class="d1">'
                f'<li><span>09-03</span><a href="/a/{c}1.html">频道{c}第一则新闻的标题</a></li>'
                f'<li><span>09-01</span><a href="/a/{c}2.html">频道{c}第二则新闻的标题</a></li></ul></dd></dl>'
                for c in (1, 2, 3)
            ),
            {f"http://x.cn/a/{c}{n}.html": date for c in (1, 2, 3) for n, date in ((1, "09-03"), (2, "09-01"))},
            id="boxes",
        ),
        pytest.param(  # the same with more entries than boxes: a box's <ul> is the list chosen, the boxes its parts
            "".join(
                f'<dl class="tbox"><dt><a href="/{c}/">频道{c}</a></dt><dd><ul class="d1">'
                + "".join(
                    f'<li><span>09-0{5 - n}</span><a href="/a/{c}{n}.html">频道{c}第{n}则新闻的标题</a></li>'
                    for n in (1, 2, 3, 4)
                )
                + "</ul></dd></dl>"
                for c in (1, 2)
            ),
            {f"http://x.cn/a/{c}{n}.html": f"09-0{5 - n}" for c in (1, 2) for n in (1, 2, 3, 4)},
            id="boxes-of-longer-lists",
        ),
        pytest.param(  # items whose end tags are missing: the parser nests each in the one before
            '<div class="nav"><a href="/">首页</a><a href="/news/">新闻</a></div><div class="list">'
            + "".join(
                f'<div class="item"><a href="/a/{n}.html">第{n}则新闻的标题文字</a><span>09-0{n}</span>'
                for n in (1, 2, 3)
            )
            + "</div>",
            {f"http://x.cn/a/{n}.html": f"09-0{n}" for n in (1, 2, 3)},
            id="unclosed-items",
        ),
        pytest.param(  # ... and a list of unclosed plain <div>s, in a page whose other links are a nav bar's
            '<div><a href="/a/1.html">第一则新闻的标题文字</a> (09-01)<div><a href="/a/2.html">第二则新闻的标题文字</a> (09-02)',
            {"http://x.cn/a/1.html": "(09-01)", "http://x.cn/a/2.html": "(09-02)"},
            id="unclosed-plain-divs",
        ),
        pytest.param(  # list items without their end tag, each with an unclosed <span>: a browser's <li> ends both
            "<ul>"
            + "".join(f'<li><a href="/a/{n}.html">第{n}则新闻的标题文字</a><span>09-0{n}' for n in (1, 2, 3))
            + "</ul>",
            {f"http://x.cn/a/{n}.html": f"09-0{n}" for n in (1, 2, 3)},
            id="unclosed-items-and-spans",
        ),
        pytest.param(  # ... and table rows
            "<table>"
            + "".join(f'<tr><td><a href="/a/{n}.html">第{n}则新闻的标题文字</a><font>09-0{n}' for n in (1, 2, 3))
            + "</table>",
            {f"http://x.cn/a/{n}.html": f"09-0{n}" for n in (1, 2, 3)},
            id="unclosed-rows-and-fonts",
        ),
    ],
)
def test_main_list(html: str, dates: dict[str, str | None]) -> None:
    assert main_list(links_of(html)).dates == dates


@pytest.mark.parametrize(
    "text",
    ["2024-09-03", "2024-09-03 11:54", "[09-03]", "(09-03)", "日期:09-03", "9月3日", "09-03 11:54", "09/03",
     "3小时前", "5分钟前", "2天前", "刚刚", "昨天 14:20", "前天", "2024年9月3日", "【2024/09/03】",
     "[ 时间 : 09-03 ]", "[时间：2024-09-03]", "（ 日期 09-03）"],
)  # fmt: skip
def test_listing_date_forms(text: str) -> None:
    assert LISTING_DATE.fullmatch(text)


@pytest.mark.parametrize(
    "text",
    ["阅读 123", "123", "12.5%", "1.5", "第3期", "资讯", "2024年报", "3小时", "央行9月3日开展逆回购", "共5页",
     "[" + " " * 400 + "]", "时间" + " " * 400 + ":"],  # (spaces that each `\\s*` could share: 1.8 s once)
)  # fmt: skip
def test_listing_date_rejects(text: str) -> None:
    assert not LISTING_DATE.fullmatch(text)


@pytest.mark.parametrize(
    ("heading", "widget"),
    [("相关推荐", True), ("推荐阅读", True), ("热点内容", True), ("热门文章", True), ("栏目排行", True),
     ("频道总排行", True), ("猜你喜欢", True), ("大家都在看", True), ("24小时热读", True),
     ("财经要闻", False), ("最新文章", False), ("公司", False), (">", False), ("2024-09-03", False)],
)  # fmt: skip
def test_widget_headings(heading: str, widget: bool) -> None:
    assert bool(mainlist.WIDGET_HEADING.search(heading)) == widget


# --- article or listing ----------------------------------------------------------------------------


def paragraphs(count: int) -> str:
    return "".join(
        f"<p>央行今日开展{n}000亿元7天期逆回购操作，中标利率持平于1.70%，当日实现净投放。</p>" for n in range(count)
    )


BODY = paragraphs(5)
LIST_ITEMS = "".join(
    f'<li><a href="/p/{n}">第{n}条新闻的标题文字</a><p>这是第{n}条新闻的摘要，摘录正文的开头一段文字……</p><span>09-0{n}</span></li>'
    for n in range(1, 8)
)


@pytest.mark.parametrize(
    ("html", "listing_date", "kind"),
    [
        pytest.param(
            f'<div class="title"><h1>央行开展逆回购</h1></div><div class="info">时间:2024-09-03 11:54 来源:新华社</div>'
            f'<div class="content"><table><tr><td>{BODY}</td></tr></table></div>{HOT}',
            None,
            ARTICLE,
            id="dede-article",
        ),
        pytest.param(  # PHPCMS: the meta line inside the <h1>
            f"<div id='Article'><h1>央行开展逆回购<br/><span>2024年09月03日 11:54 来源:新华社</span></h1>"
            f"<div class='content'>{BODY}</div></div>",
            None,
            ARTICLE,
            id="meta-in-h1",
        ),
        pytest.param(
            "<h1>央行开展逆回购</h1><div>3小时前 来源:新华社</div><div>"
            + "<br/>".join("央行今日开展1000亿元7天期逆回购操作，中标利率持平于1.70%。" for _ in range(4))
            + "</div>",
            None,
            ARTICLE,
            id="br-lines-relative-date",
        ),
        pytest.param(
            f"<h1>央行开展逆回购</h1><div>来源:新华社</div><div>{BODY}</div>",
            "3小时前",
            ARTICLE,
            id="undated-but-listed-with-a-date",
        ),
        pytest.param(  # no <h1>, no class names anything: the headline in a <div> as the <title> starts, its meta line
            # further up than a lead paragraph of its own before the text
            "<title>央行开展逆回购操作_新闻中心_某某网</title><div class='n1'>央行开展逆回购操作</div>"
            "<div class='n2'>2024-09-03 11:54 来源:新华社</div>"
            f"<div class='n3'><p>{'导语：央行开展逆回购操作，中标利率持平，市场流动性保持合理充裕，机构预计资金面平稳。' * 6}</p></div>"
            f"<div class='n4'>{paragraphs(8)}</div>",
            None,
            ARTICLE,
            id="headline-in-a-div-meta-line-above-a-lead",
        ),
        pytest.param(  # ... and a short text beside a longer footer whose class says nothing
            "<title>央行开展逆回购操作_新闻中心_某某网</title><div class='n1'>央行开展逆回购操作</div>"
            f"<div class='n2'>2024-09-03 11:54 来源:新华社</div><div class='n3'>{'<p>分析人士认为，四季度政府债券发行节奏加快，央行将综合运用多种工具，保持流动性合理充裕。</p>' * 5}</div>"
            "<div class='n4'><p>股票频道恭候您的意见 - 联系我们 - 关于我们 - 广告服务</p><p>违法和不良信息举报电话：400-888-9999"
            " 客服电话：400-888-6666 传真：400-888-7777 邮箱：service@example.cn 地址：北京市朝阳区某某路某某大厦某某层"
            "</p><p>本站郑重声明：所载文章、数据仅供参考，不构成投资建议，据此操作风险自担。本站转载的文章不代表本站赞同其观点，如有侵权请联系本站删除，本站对文中陈述、观点判断保持中立，不对所包含内容的准确性提供任何保证。"
            "投资有风险，选择需谨慎。</p><p>Copyright© 某某网 All Rights Reserved 版权所有 复制必究</p></div>",
            None,
            ARTICLE,
            id="short-text-beside-a-longer-footer",
        ),
        pytest.param(  # no <h1>: the date shows just before the text
            '<table><tr><td class="bt">关于做好小微企业金融服务的通知</td></tr>'
            "<tr><td>发布时间：2024-09-03 来源：区政府办公室 字号：大 中 小</td></tr>"
            f'<tr><td><div id="zoom">{BODY}</div></td></tr></table>',
            None,
            ARTICLE,
            id="no-h1",
        ),
        pytest.param(  # the date is written by a script: the metadata says it
            f'<meta property="og:type" content="article"/><h1>央行开展逆回购</h1><div class="time"></div><div>{BODY}</div>',
            None,
            ARTICLE,
            id="og-type-article",
        ),
        pytest.param(  # a comment list longer than the body: its dates come after the headline's
            f"<h1>央行开展逆回购</h1><div>2024-09-03 来源:新华社</div><div>{paragraphs(2)}</div><div class='comments'>"
            + "".join(
                f"<p>网友{n}：这篇报道写得很好，央行的操作符合市场预期。<span>2024-09-04</span></p>" for n in range(9)
            )
            + "</div>",
            None,
            ARTICLE,
            id="comments-outweigh-body",
        ),
        pytest.param(  # unclosed <div>s nest each paragraph in the one before: one text, not nine
            "<h1>央行开展逆回购</h1><div>2024-09-03 来源:新华社</div><div class='text'>"
            + "".join(
                f"<div><p>央行今日开展{n}000亿元7天期逆回购操作，中标利率持平于1.70%，当日实现净投放。</p>"
                for n in range(9)
            )
            + "</div>" * 10
            + f"<ul>{LIST_ITEMS}</ul>",
            None,
            ARTICLE,
            id="unclosed-divs-nest-the-paragraphs",
        ),
        pytest.param(  # a short news item under its headline and dated meta line, a long related feed after it
            "<h1>央行今日开展一千亿元逆回购操作</h1><div>2024-09-03 11:54 来源:新华社</div>"
            "<div><p>央行今日以利率招标方式开展了1000亿元7天期逆回购操作，中标利率持平于1.70%。"
            "因今日有200亿元逆回购到期，当日实现净投放800亿元。市场人士认为，流动性保持合理充裕。</p></div>"
            f"<ul>{LIST_ITEMS}{LIST_ITEMS.replace('/p/', '/q/')}</ul>",
            None,
            ARTICLE,
            id="short-news-item-above-a-feed",
        ),
        pytest.param(  # a photo gallery: its caption under the headline, the time stamp after it, a feed after that
            "<div class='gallery'><div class='info'><h1>蒙古国风光摄影作品集第一组图片</h1><div>"
            "草原上的牧民正在转场，成群的牛羊沿着河谷缓缓移动，远处的雪山在晨光中闪耀。这里是世界上人口密度最低的国家之一，"
            "辽阔的草原一望无际。</div></div><div class='time'>2024-09-03 11:54:03</div></div>"
            f"<ul>{LIST_ITEMS}{LIST_ITEMS.replace('/p/', '/q/')}</ul>",
            None,
            ARTICLE,
            id="gallery-caption-time-stamp-after",
        ),
        pytest.param(  # ... without it, a short text under a headline above a feed is no article
            "<div class='gallery'><div class='info'><h1>蒙古国风光摄影作品集第一组图片</h1><div>"
            "草原上的牧民正在转场，成群的牛羊沿着河谷缓缓移动，远处的雪山在晨光中闪耀。这里是世界上人口密度最低的国家之一，"
            "辽阔的草原一望无际。</div></div><div class='views'>阅读 1234</div></div>"
            f"<ul>{LIST_ITEMS}{LIST_ITEMS.replace('/p/', '/q/')}</ul>",
            None,
            LISTING,
            id="undated-short-text-above-a-feed",
        ),
        pytest.param(  # ... but a listing's top story (its title a link, under a channel name) is no article
            "<h1>财经要闻</h1><h2><a href='/p/0'>央行今日开展一千亿元逆回购操作</a></h2><div>2024-09-03 11:54</div>"
            "<div><p>央行今日以利率招标方式开展了1000亿元7天期逆回购操作，中标利率持平于1.70%。"
            "因今日有200亿元逆回购到期，当日实现净投放800亿元。市场人士认为，流动性保持合理充裕。</p></div>"
            f"<ul>{LIST_ITEMS}{LIST_ITEMS.replace('/p/', '/q/')}</ul>",
            None,
            LISTING,
            id="listing-top-story",
        ),
        pytest.param(  # the meta line under the text, in a table layout: a labelled date dates the page
            f"<table><tr><td><b>关于做好小微企业金融服务的通知</b></td></tr><tr><td>{BODY}</td></tr>"
            "<tr><td><font>发布日期：</font><!-- d -->2024-09-03 <!-- e -->责任编辑：<!-- f -->张三</td></tr></table>",
            None,
            ARTICLE,
            id="labelled-date-after-the-text",
        ),
        pytest.param(  # ... an unlabelled date in a sentence after it does not
            f"<h1>关于我们</h1><div>{BODY}</div><div>本站于2024年9月3日全新改版</div>",
            None,
            LISTING,
            id="about-page-date-in-a-sentence-after",
        ),
        pytest.param(
            f"<h1>关于我们</h1><div>{BODY}</div><div>联系电话:010-65123456</div>",
            None,
            LISTING,
            id="about-page-undated",
        ),
        pytest.param(  # dates after the text (a widget) or far before it (the top bar) do not date a page
            "<div>今天是2024年9月3日 星期二</div>"
            + "".join(f'<a href="/c{n}/">栏目{n}</a>' for n in range(60))
            + f"<div class='title'>关于我们</div><div>{BODY}</div><ul><li>热点 2024-09-03</li></ul>",
            None,
            LISTING,
            id="about-page-dates-around",
        ),
        pytest.param(f"<h1>财经要闻</h1><ul>{LIST_ITEMS}</ul>{HOT}", None, LISTING, id="listing-with-summaries"),
        pytest.param(  # summaries beside the titles in one block: more text than titles, still a list
            '<h1>财经要闻</h1><div class="list">'
            + "".join(
                f'<h3><a href="/p/{n}">第{n}条新闻的标题文字</a></h3><p>2024-09-0{n} 这是第{n}条新闻的摘要，摘录正文开头一段文字……</p>'
                for n in range(1, 8)
            )
            + "</div>",
            "09-03",
            LISTING,
            id="summary-block",
        ),
        pytest.param(
            "".join(f'<div class="block"><h2>频道{c}</h2><ul>{LIST_ITEMS}</ul></div>' for c in range(3)),
            None,
            LISTING,
            id="home-page",
        ),
        pytest.param(  # a listing whose items' end tags are missing (each nested in the one before) and dated
            '<div class="list">'
            + "".join(
                f'<div class="item"><a href="/p/{n}">第{n}条新闻的标题文字</a><span>2024-09-0{n}</span>'
                for n in range(1, 8)
            )
            + "</div>",
            None,
            LISTING,
            id="unclosed-items",
        ),
    ],
)
def test_page_kind(html: str, listing_date: str | None, kind: str) -> None:
    sel = Selector(text=f"<html><body>{NAV}{html}</body></html>")
    assert page_kind(sel, main_list(site_links(sel, URL)), listing_date) == kind


def test_page_kind_weighs_the_text_against_the_main_list() -> None:
    sel = Selector(text=f"<h1>央行开展逆回购</h1><div>2024-09-03</div><div>{BODY}</div>")
    assert page_kind(sel, MainList({}, 0)) == ARTICLE
    assert page_kind(sel, MainList({"/p/1": None, "/p/2": None}, 10_000)) == LISTING


# --- pagination ------------------------------------------------------------------------------------


def pages_of(html: str, url: str = URL) -> list[str]:
    return [page.removeprefix("http://x.cn") for page in pagination.pagination(links_of(html, url), url, max_pages=500)]


@pytest.mark.parametrize(
    ("html", "url", "pages"),
    [
        pytest.param(  # DedeCMS: a run of numbers, 下一页 and 末页, whose number gives the range
            "<a>首页</a><span>1</span><a href='list_5_2.html'>2</a><a href='list_5_3.html'>3</a>"
            "<a href='list_5_2.html'>下一页</a><a href='list_5_6.html'>末页</a>",
            URL,
            [
                "/news/list_5_2.html",
                "/news/list_5_3.html",
                "/news/list_5_6.html",
                "/news/list_5_4.html",
                "/news/list_5_5.html",
            ],
            id="list_5_2.html-末页",
        ),
        pytest.param(
            "<a href='/news/?page=2'>下一页 &gt;</a><a href='/news/?page=4'>尾页</a>",
            URL,
            ["/news/?page=2", "/news/?page=4", "/news/?page=3"],
            id="?page=2-尾页",
        ),
        pytest.param(
            "<a href='/list.php?catid=6&page=2'>2</a><a href='/list.php?page=3&catid=6'>最后一页</a>",
            "http://x.cn/list.php?catid=6",
            ["/list.php?catid=6&page=2", "/list.php?catid=6&page=3"],
            id="?page-among-parameters",
        ),
        pytest.param(
            "<a href='index_2.html'>第2页</a><a href='index_3.html'>[第 3 页]</a>",
            URL,
            ["/news/index_2.html", "/news/index_3.html"],
            id="index_2.html-第N页",
        ),
        pytest.param(
            "<a href='/news/2/'>2</a><a href='/news/3/'>3</a><a href='/news/2/'>»</a>",
            URL,
            ["/news/2/", "/news/3/"],
            id="/2/-run",
        ),
        pytest.param(
            "<a href='/gn/news_2.shtml'>[2]</a><a href='/gn/news_9.shtml'>Last</a>",
            "http://x.cn/gn/news.shtml",
            ["/gn/news_2.shtml", "/gn/news_9.shtml", *(f"/gn/news_{n}.shtml" for n in range(3, 9))],
            id="_2.html-Last",
        ),
        pytest.param(
            "<a href='/zixun/list-3.html'>上一页</a><a href='/zixun/list-5.html'>下一页</a>"
            "<a href='/zixun/list-9.html'>尾页</a>",
            "http://x.cn/zixun/list-4.html",
            ["/zixun/list-3.html", "/zixun/list-5.html", "/zixun/list-9.html"],
            id="not-the-first-page-no-range",
        ),
        pytest.param(
            "<a href='/news/index.html'>上一页</a><a href='/news/index_2.html'>下一页</a>",
            "http://x.cn/news/index.html",
            ["/news/index_2.html"],
            id="not-itself",
        ),
        pytest.param(  # must not: the next article, the home page, a channel, numbers no page URL carries
            "<a href='/a/20240904/2.html'>下一篇</a><a href='/'>首页</a><a href='/news/'>更多</a>"
            "<a href='/a/20240903/1.html#comments'>12</a><a href='/2024/09/03/'>2024</a><a href='/news/list_5_2.html'>3</a>",
            URL,
            [],
            id="no-page-links",
        ),
    ],
)
def test_pagination(html: str, url: str, pages: list[str]) -> None:
    assert pages_of(html, url) == pages


@pytest.mark.parametrize(
    ("label", "page_link"),
    [("下一页", True), ("下页", True), ("上一页", True), ("下一页 >", True), ("« 上一页", True), ("尾页", True),
     ("末页", True), ("最后一页", True), ("第3页", True), ("[3]", True), ("3", True), (">>", True), ("»", True),
     ("Next", True), ("Last »", True),
     ("下一篇", False), ("上一篇", False), ("首页", False), ("更多", False), ("共5页", False), ("3条", False),
     ("第3期", False), ("央行开展逆回购", False)],
)  # fmt: skip
def test_page_labels(label: str, page_link: bool) -> None:
    assert bool(pagination.PAGE_LABEL.fullmatch(label)) == page_link


@pytest.mark.parametrize(
    ("url", "split"),
    [
        ("http://x.cn/news/list_5_2.html", PageUrl("http://x.cn/news/list_5_", 2, ".html")),
        ("http://x.cn/html/finance/index_12.html", PageUrl("http://x.cn/html/finance/index_", 12, ".html")),
        ("http://x.cn/zixun/list-2.html", PageUrl("http://x.cn/zixun/list-", 2, ".html")),
        ("http://x.cn/gn/news_2.shtml", PageUrl("http://x.cn/gn/news_", 2, ".shtml")),
        ("http://x.cn/news/index2.html", PageUrl("http://x.cn/news/index", 2, ".html")),
        ("http://x.cn/list.php?catid=6&page=2", PageUrl("http://x.cn/list.php?catid=6&page=", 2, "")),
        ("http://x.cn/news/?p=3&size=20", PageUrl("http://x.cn/news/?p=", 3, "&size=20")),
        ("http://x.cn/news/2/", PageUrl("http://x.cn/news/", 2, "/")),
        ("http://x.cn/news/page/2", PageUrl("http://x.cn/news/page/", 2, "")),
        ("http://x.cn/news/", None),
        ("http://x.cn/a/20240903/1128.html", None),
        ("http://x.cn/list.php?catid=6", None),
        ("http://x.cn/news/?cpage=2", None),
        ("http://x.cn/news/list_5_2.html?from=1", None),
    ],
)
def test_page_url_forms(url: str, split: PageUrl | None) -> None:
    """Where a URL carries its page number. (A page link is known by its label: `/p/98765` reads as page
    98765 here, but no link labelled 98765 points to it.)"""
    assert page_url(url) == split


# --- the listing's date as the article's date ------------------------------------------------------

CRAWLED = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)


def sh(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=SHANGHAI)


def published(listing_date: str, crawled_at: datetime = CRAWLED) -> tuple[datetime | None, str | None]:
    """What the normaliser makes of an undated article page listed with `listing_date`."""
    article = Article(
        url="http://x.cn/news/show?id=1", site="x.cn", title="央行开展逆回购", body="央行今日开展逆回购。",
        listing_date_raw=listing_date, crawled_at=crawled_at,
    )  # fmt: skip
    normalized(NormalizePipeline.from_crawler(get_crawler()), article)
    return article.published_at, article.date_source


@pytest.mark.parametrize(
    ("listing_date", "expected"),
    [
        ("3小时前", sh(9, 5, 9)),
        ("5分钟前", sh(9, 5, 11, 55)),
        ("刚刚", CRAWLED),
        ("2天前", sh(9, 3, 12)),
        ("昨天 14:20", sh(9, 4, 14, 20)),
        ("前天 08:00", sh(9, 3, 8)),
        ("09-03 11:54", sh(9, 3, 11, 54)),
        ("9月3日", sh(9, 3)),
        ("(2024-09-03)", sh(9, 3)),
        ("12-31 08:00", datetime(2023, 12, 31, 8, tzinfo=SHANGHAI)),  # this year's is after the crawl
        ("09-03", sh(9, 3)),
        ("[09-03]", sh(9, 3)),
    ],
)  # fmt: skip
def test_a_listing_date_dates_an_undated_article_against_the_crawl_time(listing_date: str, expected: datetime) -> None:
    assert published(listing_date) == (expected, "listing")


def test_a_listing_date_is_resolved_in_shanghai_time() -> None:
    """17:00 UTC on Sep 4 is 01:00 on Sep 5 in Shanghai: 昨天 is Sep 4 there."""
    assert published("昨天 14:20", datetime(2024, 9, 4, 17, 0, tzinfo=UTC)) == (sh(9, 4, 14, 20), "listing")


@pytest.mark.parametrize(
    ("url", "redirect"),
    [
        ("http://www.x.com/baidu.php?url=K00000KP_SD", True),
        ("http://x.cn/forum.php?mod=redirect&goto=lastpost&tid=2", True),
        ("http://x.cn/go?target=http%3A%2F%2Fy.cn%2F", True),
        ("http://x.cn/show?id=1", False),
        ("http://x.cn/a/1.html?curl=2", False),
        ("http://x.cn/a/url=1.html", False),
    ],
)
def test_redirect_links(url: str, redirect: bool) -> None:
    assert bool(mainlist.REDIRECT.search(url)) == redirect
