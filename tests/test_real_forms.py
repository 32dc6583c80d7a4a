"""The article-field forms real portals write (issue 14), one table per class of form: each row a case that
must be read, and rows that must not be. The forms are paraphrased, never a real page's text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from parsel import Selector

from crawler.cli.extraction import extract_record
from crawler.extract.headline import find_headline
from crawler.normalize import clean_person, clean_source
from crawler.vocabulary import SHANGHAI

# --------------------------------------------------------------------------------------------------
# Authors: names only, any number, in their order
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("记者 张三 李四", "张三、李四"),
        ("文/张三", "张三"),
        ("本报记者 张三 发自北京", "张三"),
        ("张三 实习生 李四", "张三、李四"),
        ("作者：张三（北京）", "张三"),
        ("作者：张三(上海) 李四", "张三、李四"),
        ("记者 张三 3分钟", "张三"),  # a reading time is no name
        ("作者：张三 我来说两句", "张三"),
        ("张三 2024-09-03 11:54", "张三"),
        ("责任编辑：张三 报料热线：4000-00-0000 未经授权不得转载", "张三"),
        ("张三 推荐0", "张三"),
        ("张三 分享到", "张三"),
        # must not: a role in brackets is not a place to drop, a bracketed name stays a name
        ("张三（实习生）李四", "张三、李四"),
        ("张三（见习记者）", "张三"),
        ("李四（" * 100, "李四"),  # brackets never closed (8,000 of them took 2.7 s once); one name, repeated
        ("(责任编辑:孙悦)", "孙悦"),
        ("我来说两句", None),
        ("发自北京", None),
    ],
)
def test_author_names_only(raw: str, expected: str | None) -> None:
    assert clean_person(raw) == expected


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("本报记者 张三 实习记者 李四", "张三、李四"),  # a second role label before the second name
        ("作者:张三 记者:李四", "张三、李四"),
        ("撰文：张三 来源：新华社", "张三"),
        ("记者：张三 编辑：李四", "张三"),  # the editor is none
    ],
)
def test_every_author_of_the_meta_line(meta: str, expected: str) -> None:
    assert article(f"<h1>{HEADLINE}</h1><div class='info'>2024-09-03 11:54 {meta}</div>")["author"] == expected


# --------------------------------------------------------------------------------------------------
# 来源 without the page's buttons after it
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("来源：某某财富网 阅读全文", "某某财富网"),
        ("来源：某某日报网 字号 大 中 小", "某某日报网"),
        ("来源：某某晚报 分享到", "某某晚报"),
        ("来源：某某新闻云4人参与2评论", "某某新闻云"),
        ("来源: 某某快报 举报", "某某快报"),
        ("来源丨某某经济报道", "某某经济报道"),  # a bar for the label's colon
        ("来源｜某某财经 作者：张三", "某某财经"),
        ("来源: 某某财经（记者 张三）", "某某财经"),  # the bracket that held the reporter, cut
        # must not: a UI word inside the outlet's name stays
        ("来源：某某报评论", "某某报评论"),
        ("来源：某某推荐网", "某某推荐网"),
    ],
)
def test_source_without_trailing_ui_words(raw: str, expected: str) -> None:
    assert clean_source(raw) == expected


# --------------------------------------------------------------------------------------------------
# Article pages: headline, meta line, dates, views, category (extracted and normalised as `finnews extract`)
# --------------------------------------------------------------------------------------------------

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
HEADLINE = "央行开展逆回购操作稳定流动性"
TEXT = "<div class='content'><p>央行今日开展1000亿元逆回购操作，中标利率持平，市场流动性保持合理充裕。</p></div>"


def article(body: str, head: str = "", title: str = f"{HEADLINE}_某某财经网") -> dict[str, Any]:
    html = f"<html><head><title>{title}</title>{head}</head><body>{body}{TEXT}</body></html>"
    return extract_record(html.encode(), "http://www.example.com/news/5007.html", NOW)


@pytest.mark.parametrize(
    "headline",
    [
        f"<div class='title'>{HEADLINE}</div>",
        f"<div class='tit2'><b>{HEADLINE}</b></div>",
        f"<table><tr><td class='bt'>{HEADLINE}</td></tr></table>",
        f"<h1><img alt='某某财经网'></h1><h2>{HEADLINE}</h2>",
    ],
)
def test_a_headline_not_in_h1_and_its_meta_line(headline: str) -> None:
    found = article(f"{headline}<div class='info'>2024-09-03 11:54 来源：某某日报 作者：张三</div>")
    assert (found["title"], found["source"], found["authors"]) == (HEADLINE, "某某日报", ["张三"])
    assert found["published_at"].isoformat() == "2024-09-03T11:54:00+08:00"


@pytest.mark.parametrize(
    "headline",
    [
        f"<h2>{HEADLINE}</h2>",
        f"<h1><a href='/'>某某财经网首页</a></h1><h1>{HEADLINE}</h1>",  # a logo's <h1> first
        f"<h1>新闻中心</h1><h2><a href='/1.html'>推荐阅读的另一篇文章标题</a></h2><h2>{HEADLINE}</h2>",
        # no heading reads as one: the text above the meta line
        f"<div class='n1'><a href='/'>首页</a> &gt; <a href='/news/'>新闻中心</a></div><div class='n2'>{HEADLINE}</div>",
        f"<table><tr><td><span>{HEADLINE}</span></td></tr></table>",
    ],
)
@pytest.mark.parametrize("title", ["新闻详情", "某某财经网", ""])
def test_a_title_that_is_no_headline_gives_way_to_a_heading_of_one(title: str, headline: str) -> None:
    """A `<title>` that names the site or the page type only: the headline is the first `<h1>` or `<h2>` that
    reads as one (a headline's letters, no link), else the text above the meta line, and the meta line is read."""
    text = (
        "<div class='n3'>"
        + "<p>市场人士表示，央行通过公开市场操作保持流动性合理充裕，资金面总体平稳，利率运行在合理区间。</p>" * 4
    )
    found = article(
        f"{headline}<div class='info'>2024-09-03 11:54 来源：某某日报 作者：张三</div>{text}</div>", title=title
    )
    assert (found["title"], found["source"], found["authors"]) == (HEADLINE, "某某日报", ["张三"])
    assert found["published_at"].isoformat() == "2024-09-03T11:54:00+08:00"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (f"{HEADLINE} 某某办事处_某某网", HEADLINE),  # a unit name after a space, the headline shown alone
        (f"{HEADLINE} 某某医院", HEADLINE),
        # must not: a head shorter than a headline is a word the page shows elsewhere
        ("央行 开展逆回购操作稳定流动性", "央行 开展逆回购操作稳定流动性"),
    ],
)
def test_the_headline_is_the_title_head_before_a_space_the_page_shows(title: str, expected: str) -> None:
    found = article(f"<div><a>央行</a></div><div class='title'>{HEADLINE}</div>", title=title)
    assert found["title"] == expected


def test_the_headline_shown_outside_links_is_taken_before_a_link_showing_it() -> None:
    """A breadcrumb's last step shows the headline as a link, before the page shows it (a forum thread's `<h1>`
    that holds a tag's link besides): the headline is the text shown outside links, the meta line under it."""
    page = Selector(text=f"<html><head><title>{HEADLINE} - 论坛</title></head><body>"
                         f"<div class='crumb'><a href='/'>首页</a> &gt; <a href='/t/5007.html'>{HEADLINE}</a></div>"
                         f"<h1><a href='/tag/12.html'>[经验分享]</a> <span>{HEADLINE}</span></h1></body></html>")  # fmt: skip
    title, headline = find_headline(page, {})
    assert title == HEADLINE and headline is not None and headline.root.tag == "span"


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("<div class='time'><span>2022-02-13 20:04:17</span></div>", "2022-02-13T20:04:17+08:00"),  # bare, no label
        ("<div>2005-04-27 14:32更新 来源：某某新闻网</div>", "2005-04-27T14:32:00+08:00"),
        ("<div>发表于 2021-03-04</div>", "2021-03-04T00:00:00+08:00"),
        ("<p><b>作者：</b><a>张三</a> <b>时间：</b>2005-08-22 19:13:18</p>", "2005-08-22T19:13:18+08:00"),
        ("<div><span>发布时间：18-03-08</span><span>23:16</span></div>", "2018-03-08T23:16:00+08:00"),  # two-digit year
        ("<div>2024年9月3日 下午3:05 来源：新华社</div>", "2024-09-03T15:05:00+08:00"),  # a 12-hour clock
        ("<div>09-03 晚上8:15 来源：新华社</div>", "2024-09-03T20:15:00+08:00"),
        ("<div>2024-09-03 3:05 PM | Source: Xinhua</div>", "2024-09-03T15:05:00+08:00"),
        # must not: a date in the body's sentences is not the page's date
        ("", None),
    ],
)
def test_meta_line_date_forms(meta: str, expected: str | None) -> None:
    found = article(f"<h1>{HEADLINE}</h1>{meta}")
    assert (found["published_at"].isoformat() if found["published_at"] else None) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("<meta name='publishdate' content='2024-09-03 08:05'>", "2024-09-03T08:05:00+08:00"),
        ("<meta name='pubdate' content='2024-09-03T08:05:00+08:00'>", "2024-09-03T08:05:00+08:00"),
        ("<meta name='PubDate' content='2024-09-03 08:05'>", "2024-09-03T08:05:00+08:00"),
        ("<meta property='article:published_time' content='2024-09-03T00:05:00Z'>", "2024-09-03T08:05:00+08:00"),
        ('<script type="application/ld+json">{"datePublished": "2024-09-03T08:05:00+08:00"}</script>',
         "2024-09-03T08:05:00+08:00"),
        ("<script>window.DATA = {\"pubtime\": \"2024-09-03 08:05:26\"}</script>", "2024-09-03T08:05:26+08:00"),
        ("<script>var info = {publish_time: '2024-09-03 08:05:26'}</script>", "2024-09-03T08:05:26+08:00"),
        # must not: a modification time is no publication time
        ("<script>var info = {\"updateTime\": \"2024-09-04 08:05:26\"}</script>", None),
    ],
)  # fmt: skip
def test_dates_in_page_metadata_when_the_page_shows_none(head: str, expected: str | None) -> None:
    found = article(f"<h1>{HEADLINE}</h1>", head=head)
    assert (found["published_at"].isoformat() if found["published_at"] else None) == expected


@pytest.mark.parametrize(
    ("meta", "head", "expected"),
    [
        # the year of a machine-readable date of the page on the same month and day
        ("<span>发布时间：10-08</span><span>12:00</span>", "<meta itemprop='dateUpdate' content='2019-10-08 12:00:57'>",
         "2019-10-08T12:00:00+08:00"),
        ("<span>09月03日 11:54</span>", "<script>var data = {\"pubtime\": \"2021-09-03 11:54:08\"}</script>",
         "2021-09-03T11:54:00+08:00"),
        # must not: a date of another day gives no year; the latest year not after the crawl does
        ("<span>发布时间：10-08</span><span>12:00</span>", "<meta itemprop='dateUpdate' content='2019-10-09 12:00:57'>",
         "2023-10-08T12:00:00+08:00"),
    ],
)  # fmt: skip
def test_a_year_less_date_takes_its_year_from_a_same_day_date_of_the_page(meta: str, head: str, expected: str) -> None:
    found = article(f"<h1>{HEADLINE}</h1><div class='info'>{meta}</div>", head=head)
    assert found["published_at"].isoformat() == expected


@pytest.mark.parametrize(
    ("title", "headline", "expected"),
    [
        (HEADLINE, f"<h2>{HEADLINE}</h2>", HEADLINE),  # the whole <title>, shown in an <h2>
        (f"某某财经网--{HEADLINE}", f"<div class='title-text'>{HEADLINE}</div>", HEADLINE),  # the site's name first
        # must not: a site name after the headline is no headline, even when the page shows it and not the headline
        (f"{HEADLINE}_某某财经网频道首页", "<div>某某财经网频道首页</div>", f"{HEADLINE}_某某财经网频道首页"),
    ],
)
def test_the_headline_is_the_title_or_its_longer_tail_the_page_shows(title: str, headline: str, expected: str) -> None:
    found = article(
        f"<div><a href='/'>首页</a></div>{headline}<div class='info'>2024-09-03 11:54 来源：某某日报</div>", title=title
    )
    assert found["title"] == expected


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        (
            "<p>某某网9月3日讯（记者 张三 李四）央行今日开展逆回购操作。</p><p>市场流动性保持合理充裕。</p>",
            ["张三", "李四"],
        ),
        ("<p>央行今日开展逆回购操作。</p><p>市场流动性保持合理充裕。（张三）</p>", ["张三"]),
        ("<p>央行今日开展逆回购操作。</p><p>市场流动性保持合理充裕。(文/图 张三 李四)</p>", ["张三", "李四"]),
        ("<p>央行今日开展逆回购操作。</p><p>市场流动性保持合理充裕。</p><p>采写：某某见习记者 张三</p>", ["张三"]),
        # must not: an outlet, a photo credit or an end mark in brackets is no author
        ("<p>央行今日开展逆回购操作。</p><p>市场流动性保持合理充裕。（某某社）</p>", []),
        ("<p>央行今日开展逆回购操作。（张三摄）</p>", []),
        ("<p>央行今日开展逆回购操作。（完）</p>", []),
    ],
)
def test_a_byline_in_brackets_at_the_texts_start_or_end_names_the_authors(text: str, authors: list[str]) -> None:
    html = f"<html><head><title>{HEADLINE}</title></head><body><h1>{HEADLINE}</h1><div>2024-09-03 11:54</div>"
    found = extract_record(
        f"{html}<div class='content'>{text}</div></body></html>".encode(), "http://x.cn/a/1.html", NOW
    )
    assert found["authors"] == authors


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("<p>张三/某某青年报</p><p>2024-09-03 09:10</p>", ["张三"]),
        ("<p>张三 李四／某某日报 2024-09-03 09:10</p>", ["张三", "李四"]),
        # must not: a photo credit, a path
        ("<p>图/视觉中国</p><p>2024-09-03 09:10</p>", []),
        ("<p>首页/新闻中心/财经</p><p>2024-09-03 09:10</p>", []),
    ],
)
def test_a_name_and_outlet_line_under_the_headline_names_the_authors(byline: str, authors: list[str]) -> None:
    assert article(f"<h1>{HEADLINE}</h1>{byline}")["authors"] == authors


def test_the_shown_date_outweighs_page_metadata_of_another_day_and_takes_its_time_on_the_same_day() -> None:
    other_day = article(f"<h1>{HEADLINE}</h1><div>2024-09-03</div>", "<meta name='pubdate' content='2024-09-01 08:05'>")
    same_day = article(
        f"<h1>{HEADLINE}</h1><div>2024-09-03</div>",
        "<meta property='article:published_time' content='2024-09-03T08:05:00+08:00'>",
    )
    assert other_day["published_at"].isoformat() == "2024-09-03T00:00:00+08:00"
    assert same_day["published_at"].isoformat() == "2024-09-03T08:05:00+08:00"


@pytest.mark.parametrize(
    ("meta", "expected", "source"),
    [
        ("3小时前 来源:某某财经", "2024-09-05T09:00:00+08:00", "relative"),
        ("昨天 14:20 来源:某某日报", "2024-09-04T14:20:00+08:00", "relative"),
        ("刚刚 来源:某某日报", "2024-09-05T12:00:00+08:00", "relative"),
        ("2024-09-03 11:54 来源:某某日报", "2024-09-03T11:54:00+08:00", "page"),
        # must not: a day word without its time is no date ("今日热点" is a channel)
        ("今日热点 来源:某某日报", None, None),
    ],
)
def test_relative_dates_in_the_meta_line_resolve_against_the_crawl_time(
    meta: str, expected: str | None, source: str | None
) -> None:
    found = article(f"<h1>{HEADLINE}</h1><div class='info'>{meta}</div>")
    assert (found["published_at"].isoformat() if found["published_at"] else None, found["date_source"]) == (
        expected,
        source,
    )


@pytest.mark.parametrize(
    ("meta", "views", "counter"),
    [
        ('浏览次数:<span id="hits">0</span><script src="/ajax/hits.ashx?id=5007&act=add"></script>', None,
         "http://www.example.com/ajax/hits.ashx?id=5007&act=add"),
        ('点击：<span id="click"></span><script src="/api/click.php?aid=5007"></script>', None,
         "http://www.example.com/api/click.php?aid=5007"),
        ('浏览次数:<span id="hits">45</span><script src="/ajax/hits.ashx?id=5007&act=add"></script>', 45, None),
        # must not: a script without an id or a counter word is no counter; a 0 without a script is shown as is
        ('浏览次数:<span>0</span><script src="/js/jquery.js?v=3"></script>', 0, None),
        ('阅读:<span>0</span><script src="/stat.js?id=9"></script>', 0, None),
    ],
)  # fmt: skip
def test_a_placeholder_count_is_no_count(meta: str, views: int | None, counter: str | None) -> None:
    found = article(f"<h1>{HEADLINE}</h1><div class='info'>2024-09-03 11:54 {meta}</div>")
    assert (found["views"], found["counter_url"]) == (views, counter)


@pytest.mark.parametrize(
    ("crumb", "category"),
    [
        ("<div class='path'><div class='channel-path'><a>财经</a><span>&gt;</span><span>正文</span></div>"
         "<form><select><option>新闻</option><option>图片</option></select></form></div>", "财经"),
        ("<div class='crumb'><a>首页</a> &gt; <a>要闻</a> &gt; 正文 <a class='reg'>申请入驻</a></div>", "要闻"),
        ("<div class='pathway'>当前位置：<a>首页</a> &gt; <a>科学</a> &gt; <a>航天</a> &gt; 文章详情</div>", "航天"),
        ("<ol class='breadcrumb'><li><a>首页</a></li><li><a>基金</a></li><li>资讯正文</li></ol>", "基金"),
        ("<div class='crumbs'><a>首页</a> &gt; <a>公报</a> &gt; <a>第23号</a> <div>字号：默认 大 超大 | 打印</div></div>",
         "第23号"),
        ("<ul class='path'><li><a>首页</a></li><li class='path-cur'><span>&gt;</span><a>要闻</a></li></ul>", "要闻"),
        ("<div>当前位置：<a>首页</a> → <a>财经</a> → 正文</div>", "财经"),  # arrows, dashes between names
        ("<div>当前位置：<a>首页</a> - <a>股票</a> - 正文</div>", "股票"),
        # links and separators alone (Discuz's "#pt"): the separator a text of its own, its element or parent
        # holding the links
        ("<div id='pt'><a>论坛</a> › <a>财经论坛</a> › <a>基金交流</a> › 某帖</div>", "基金交流"),
        ("<div><a>首页</a><em>»</em><a>理财</a><em>»</em><span>正文</span></div>", "理财"),
        # must not: the site's own name, a hidden keyword list, a sentence with 位置, a widget's text
        ("<div class='news-position'><a>某某财经网</a> 正文</div>", None),
        ("<div style='display:none'>位置 邓某 某某 店铺 门户网 热点</div>", None),
        ("<p>用户的地理位置、资产收入等数据信息，将是这次核查的重点。</p>", None),
        ("<div class='ad-location'><a>by 某某推荐</a></div>", None),
        ("<div><a class='attribution_position_top'>by 某某推荐</a><a>广告</a></div>", None),
        ("<div class='pages'><a>&lt;</a> <a>1</a> <a>2</a> <a>&gt;</a></div>", None),  # a pager's arrow links
    ],
)  # fmt: skip
def test_category_from_a_breadcrumb_only(crumb: str, category: str | None) -> None:
    assert article(f"{crumb}<h1>{HEADLINE}</h1>")["category"] == category
