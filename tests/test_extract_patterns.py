"""The pattern tables of generic article extraction, case by case, and the rules built on them."""

from __future__ import annotations

import re

import pytest
from parsel import Selector

from crawler.extract import patterns
from crawler.extract.article import extract_article
from crawler.extract.body import read_body
from crawler.extract.dom import select
from crawler.normalize import patterns as normalize_patterns


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (patterns.META_LABEL, "来源：第一财经", True),
        (patterns.META_LABEL, "记者 | 周琳", True),
        (patterns.META_LABEL, "作者:张三", True),
        (patterns.META_LABEL, "编辑：周可", True),
        (patterns.META_LABEL, "公司相关负责人对记者表示", False),
        (patterns.META_LABEL, "资金来源于自有资金", False),
        # The labels of `crawler.vocabulary` (the union with the normaliser's): 转自, 出处, 责编 name a field too.
        (patterns.META_LABEL, "转自：新华网", True),
        (patterns.META_LABEL, "责编：孙悦", True),
        (patterns.META_LABEL, "据新华网转自外媒的报道", False),
        (patterns.BYLINE_LABEL, "责任编辑：李桐", True),
        (patterns.BYLINE_LABEL, "本文来源：中国证券报 作者：周亮", True),
        (patterns.BYLINE_LABEL, "（编辑：张婷）", True),
        (patterns.BYLINE_LABEL, "编辑部地址：北京市西城区", False),
        (patterns.BYLINE_LABEL, "作者认为，降准仍有空间", False),
        (patterns.BYLINE_LABEL, "责编：李桐", True),  # 责编 is an editor label (vocabulary.EDITOR_LABELS)
        (patterns.BYLINE_LABEL, "责编们认为", False),
        (patterns.TITLE_SEPARATOR, "标题_站名", True),
        (patterns.TITLE_SEPARATOR, "标题 - 栏目 - 站名", True),
        (patterns.TITLE_SEPARATOR, "标题--宁波财经网", True),
        (patterns.TITLE_SEPARATOR, "标题|站名", True),
        (patterns.TITLE_SEPARATOR, "标题——站名", True),
        (patterns.TITLE_SEPARATOR, "标题–站名", True),  # en dash and full-width low line: vocabulary.TITLE_SEPARATORS
        (patterns.TITLE_SEPARATOR, "标题＿站名", True),
        (patterns.TITLE_SEPARATOR, "央行：保持流动性合理充裕", False),
        (patterns.TITLE_SEPARATOR, "中国证券报·中证网", False),
        (patterns.FURNITURE, "comment-list", True),
        (patterns.FURNITURE, "bdshare bdsharebuttonbox", True),
        (patterns.FURNITURE, "appendQr_wrap", True),
        (patterns.FURNITURE, "post_jubao", True),
        (patterns.FURNITURE, "pagination", True),
        (patterns.FURNITURE, "article-content", False),
        (patterns.FURNITURE, "post_body", False),
        (patterns.FURNITURE, "main w1000", False),
        (patterns.FURNITURE, "qrcode-box", True),
        (patterns.FURNITURE, "js_pc_qr_code", True),
        (patterns.FURNITURE, "wx-ewm", True),
        (patterns.FURNITURE, "summary___3oqrM", False),  # a CSS-module class: "qr" inside its generated suffix
        (patterns.FURNITURE, "newsEwmbox", True),
        (patterns.HIDDEN_STYLE, "display:none", True),
        (patterns.HIDDEN_STYLE, "color:#fff; DISPLAY: none;", True),
        (patterns.HIDDEN_STYLE, "display:block", False),
        (patterns.HIDDEN_STYLE, "visibility: hidden;", False),
        (normalize_patterns.STAFF_CODE, "王晓_NF5619", True),
        (normalize_patterns.STAFF_CODE, "钟齐鸣_NBJ11279", True),
        (normalize_patterns.STAFF_CODE, "王晓_", False),
        (normalize_patterns.STAFF_CODE, "Smith_Jr", False),
        (normalize_patterns.STAFF_CODE, "报告_2024", False),
        (normalize_patterns.STAFF_TOKEN, "PF117", True),
        (normalize_patterns.STAFF_TOKEN, "SF023", True),
        (normalize_patterns.STAFF_TOKEN, "John", False),
        (normalize_patterns.STAFF_TOKEN, "A股", False),
        (patterns.DATE_TEXT, "2024-09-03T11:54:03+08:00", True),
        (patterns.DATE_TEXT, "2024  08-31  21:07:45", True),  # the year in a <span> of its own
        (patterns.DATE_TEXT, "2024年09月04日06:12", True),
        (patterns.DATE_TEXT, "202409/04 08:15:26", True),  # <span>2024</span><span>09/04</span>
        (patterns.DATE_TEXT, "13800138000", False),
        (patterns.DATE_TEXT, "2024年9月3日 下午3:05", True),
        (patterns.YEARLESS_DATE_TEXT, "09-03 下午3:05", True),
        (patterns.DATE_TEXT, "2024  09", False),
        (patterns.DATE_TEXT, "20240903", False),
        (patterns.YEARLESS_DATE_TEXT, "09月03日 11:54", True),
        (patterns.YEARLESS_DATE_TEXT, "09-03 11:54", True),
        (patterns.YEARLESS_DATE_TEXT, "9月3日，央行开展逆回购", False),
        (patterns.YEARLESS_DATE_TEXT, "2024-09-03 11:54", False),
        (patterns.SHORT_YEAR_DATE_TEXT, "发布时间：18-03-08 23:16", True),
        (patterns.SHORT_YEAR_DATE_TEXT, "19/09/26 10:09:11", True),
        (patterns.SHORT_YEAR_DATE_TEXT, "18-03-0823:16", True),  # <span>18-03-08</span><span>23:16</span>
        (patterns.SHORT_YEAR_DATE_TEXT, "18-03-08", False),  # no time: a code, a score, a version
        (patterns.SHORT_YEAR_DATE_TEXT, "09-03 11:54", False),
        (patterns.SHORT_YEAR_DATE_TEXT, "2018-03-08 23:16", False),
        (patterns.SHORT_YEAR_DATE_TEXT, "电话010-65-12 34:56", False),
        (patterns.LABELLED_DATE, "发布日期：2019-03-06 责任编辑：张三", True),
        (patterns.LABELLED_DATE, "发表于 2021-03-04", True),
        (patterns.LABELLED_DATE, "时间：2024年9月3日 11:54", True),
        (patterns.LABELLED_DATE, "本站于2024年9月3日全新改版", False),
        (patterns.LABELLED_DATE, "2024-09-03", False),
        (patterns.BYLINE_LINE, "潮头新闻记者 | 宋立凯", True),
        (patterns.BYLINE_LINE, "本报记者  陆 洋", True),
        (patterns.BYLINE_LINE, "（责任编辑：杨 帆、吕欣）", True),
        (patterns.BYLINE_LINE, "文/王磊", True),
        (patterns.BYLINE_LINE, "执笔/张三、李四&王五", True),  # a writing label alone, names joined by &
        (patterns.BYLINE_LINE, "执笔者认为，改革仍需时间。", False),
        (patterns.BYLINE_LINE, "记者从有关部门获悉，今年以来投资增长较快。", False),
        (patterns.BYLINE_LINE, "文章指出，降准仍有空间", False),
        (patterns.BYLINE_LINE, "作者简介：张三 北京大学教授", False),
        (patterns.BYLINE_LINE, "作者简介：张三，北京大学教授", False),
        (patterns.BYLINE_LINE, "21世纪经济报道记者 张望 北京报道 9月3日，央行开展了逆回购操作。", False),
        (patterns.BYLINE_LINE, "采写：南都见习记者 林子沛", True),
        (patterns.BYLINE_LINE, "采写：记者从有关部门获悉，今年以来投资增长较快。", False),
        (patterns.DATELINE_REPORTER, "某某网10月4日讯（记者张三 整合） 国庆长假过半", True),
        (patterns.DATELINE_REPORTER, "新华社巴黎12月9日电（记者张三）法国9日", True),
        (patterns.DATELINE_REPORTER, "某某报快讯（记者 张三）今日（12月28日）", True),
        (patterns.DATELINE_REPORTER, "（原标题：央行开展逆回购）", False),
        (patterns.DATELINE_REPORTER, "新华社北京9月3日电（央行今日开展逆回购）", False),  # no reporter
        (patterns.DATELINE_REPORTER, "央行今日开展逆回购，市场人士表示：“流动性充裕。”（记者 张三）", False),
        (patterns.CLOSING_BYLINE, "活动将在巴西、乌拉圭举行。（张三）", True),
        (patterns.CLOSING_BYLINE, "满足美好生活需要。(文/图 张三 李四)", True),
        (patterns.CLOSING_BYLINE, "双方将深化合作。（记者 张三 李四）", True),
        (patterns.CLOSING_BYLINE, "活动将在巴西举行。（完）", False),
        (patterns.CLOSING_BYLINE, "是“收割韭菜”还是“回归理性”。（原题为《某某》）", False),
        (patterns.CLOSING_BYLINE, "（资料来源：参考消息、海外网等）", False),
        (patterns.CLOSING_BYLINE, "央行（张三）今日开展逆回购。", False),  # not at the end
        (patterns.CLOSING_NOT_NAME, "待续", True),
        (patterns.CLOSING_NOT_NAME, "刘通摄", True),
        (patterns.CLOSING_NOT_NAME, "某某社", True),
        (patterns.CLOSING_NOT_NAME, "某某县发改局", True),
        (patterns.CLOSING_NOT_NAME, "张巨峰", False),
        (patterns.CLOSING_NOT_NAME, "文/图 张三 李四", False),
        (patterns.NAME_OUTLET_LINE, "张三/某某青年报", True),
        (patterns.NAME_OUTLET_LINE, "张三 李四／某某日报 2024-09-03 09:10", True),
        (patterns.NAME_OUTLET_LINE, "2024/09/03 09:10", False),
        (patterns.NAME_OUTLET_LINE, "图/视觉中国", False),  # a photo credit: no name, no outlet word
        (patterns.NAME_OUTLET_LINE, "首页/新闻中心/财经", False),
        (patterns.AUTHOR_LABEL, "作者：周亮", True),
        (patterns.AUTHOR_LABEL, "分析师：孙启航", True),
        (patterns.AUTHOR_LABEL, "发表于 2024-9-2 21:48|只看该作者楼主", False),
        (patterns.VIEWS_LABEL, "查看: 3521", True),
        (patterns.VIEWS_LABEL, "点击查看2024年报", False),
        (patterns.COUNTER_SCRIPT, "/Article/GetHits.asp?ArticleID=3187", True),
        (patterns.DOC_LINK, "/upload/report/20240902_yinhang.pdf", True),
        (patterns.DOC_LINK, "/module/download/downfile.jsp?filename=a1b2c3.docx", True),
        (patterns.DOC_LINK, "/pdf/index.html", False),
        (patterns.DOC_LINK, "/news/2024/0903/123.html", False),
        (patterns.DATE_JSON, '"datePublished":"2024-09-01T18:42:00+08:00"', True),
        (patterns.DATE_JSON, '"publishTime":"2024-09-03 07:30"', True),
        (patterns.DATE_JSON, '"publishTime":"1725320000"', False),
    ],
)
def test_pattern(pattern: re.Pattern[str], text: str, matches: bool) -> None:
    assert (pattern.search(text) is not None) is matches


@pytest.mark.parametrize(
    ("crumb", "names"),
    [
        ("首页 > 资讯 > 正文", ["首页", "资讯", "正文"]),
        ("首页 >> 财经新闻", ["首页", "", "财经新闻"]),
        ("首页 » 保险", ["首页", "保险"]),
        ("首页/公司", ["首页", "公司"]),
        ("中国证券报·中证网", ["中国证券报·中证网"]),
        ("首页 → 财经 → 正文", ["首页", "财经", "正文"]),
        ("首页 - 财经", ["首页", "财经"]),
        ("首页 > A-H股", ["首页", "A-H股"]),  # a name's hyphen is no separator
    ],
)
def test_crumb_split(crumb: str, names: list[str]) -> None:
    assert [name.strip() for name in patterns.CRUMB_SPLIT.split(crumb)] == names


def page(body: str, head: str = "") -> Selector:
    return Selector(text=f"<html><head>{head}</head><body>{body}</body></html>", type="html")


def test_the_meta_line_ends_where_the_body_starts() -> None:
    """A date in the text is not the page's date: that one is in the metadata here."""
    sel = page(
        "<h1>比亚迪半年报</h1><div class='info'>来源：第一财经</div>"
        "<div class='article-content'><p>截至2024年6月30日，公司总资产达到7158.42亿元，货币资金余额1022.58亿元。</p></div>",
        "<meta property='article:published_time' content='2024-09-03T08:05:12+08:00'>",
    )
    raw = extract_article(sel, "http://x.cn/a/1.html")
    assert (raw.date, raw.source) == ("2024-09-03T08:05:12+08:00", "来源：第一财经")


def test_a_meta_line_inside_the_body_container_before_its_paragraphs_counts() -> None:
    sel = page(
        "<h1>比亚迪半年报</h1><div class='article-content'><div class='info'>2024-09-03 08:05 来源：第一财经</div>"
        "<p>截至2024年6月30日，公司总资产达到7158.42亿元，货币资金余额1022.58亿元。</p></div>"
    )
    raw = extract_article(sel, "http://x.cn/a/1.html")
    assert (raw.date, raw.source, raw.paragraphs[0][:5]) == ("2024-09-03 08:05", "来源：第一财经", "截至202")


def test_a_text_block_holding_the_headline_and_meta_line_leaves_them_out_of_the_body() -> None:
    sel = page(
        "<div class='main'><h1>央行降准落地</h1><div class='info'>2024-09-03 11:54 来源：千龙网</div>"
        "<p>9月以来，随着降准资金陆续释放，银行间市场流动性保持合理充裕。</p><p>主要回购利率在政策利率附近平稳运行。</p></div>"
    )
    raw = extract_article(sel, "http://x.cn/a/1.html")
    assert (raw.title, raw.date, raw.paragraphs[0][:5]) == ("央行降准落地", "2024-09-03 11:54", "9月以来，")
    assert len(raw.paragraphs) == 2


def test_the_headline_is_the_title_head_the_page_shows_when_the_h1_is_a_logo() -> None:
    sel = page(
        "<h1><a href='/'><img src='logo.gif' alt='快讯网'></a></h1><div class='title'><h2>宁德时代半年报</h2></div>"
        "<div class='info'>时间:2024-07-27 08:31 来源:证券时报网</div>",
        "<title>宁德时代半年报_股票_快讯网</title>",
    )
    raw = extract_article(sel, "http://x.cn/a/1.html")
    assert (raw.title, raw.date) == ("宁德时代半年报", "2024-07-27 08:31")


def test_the_body_reads_lines_of_text_not_page_furniture() -> None:
    body = page(
        "<div id='text'>第一段<br><br>第二段<p align='center'><img src='/a.jpg'><br>图为码头。</p>"
        "<table><tr><td>公司</td><td>利润</td></tr></table><span style='display:none'>本站版权所有</span>"
        "<div class='share'>分享到：微信</div><p><a href='/'>返回首页，查看更多</a></p>"
        "<section><img data-src='https://mmbiz.qpic.cn/1.jpg' src='data:image/gif;base64,R0lG'></section></div>"
    ).css("#text")[0]
    assert read_body(body) == (
        ["第一段", "第二段", "图为码头。", "公司 利润"],
        ["/a.jpg", "https://mmbiz.qpic.cn/1.jpg"],
    )


@pytest.mark.parametrize(
    ("crumb", "category"),
    [
        ("<div class='position'>当前位置：<a>首页</a> &gt; <a>宏观</a> &gt; 正文</div>", "宏观"),
        ("<div class='place'><strong>当前位置:</strong> <a>主页</a> &gt; <a>股票</a> &gt; </div>", "股票"),
        ("<div class='wz'>位置：<a>首页</a> &gt; <a>一体化</a> &gt; 央行降准落地一周</div>", "一体化"),
        ("<div class='channel-path'><a>财经</a><span>&gt;</span><a>银行</a></div>", "银行"),
        ("<div class='nav'><a>首页</a><a>财经</a></div>", None),
    ],
)
def test_category_from_the_breadcrumb(crumb: str, category: str | None) -> None:
    sel = page(f"{crumb}<h1>央行降准落地一周</h1>", "<title>央行降准落地一周_财经网</title>")
    assert extract_article(sel, "http://x.cn/a/1.html").category == category


def test_a_shown_date_takes_its_time_from_structured_data_of_the_same_day() -> None:
    page = """<html><head><script type="application/ld+json">{"datePublished":"2024-09-01T18:42:00+08:00"}</script>
    </head><body><h1>标题</h1><div class="info">作者：黎嘉欣 2024年9月1日</div><div class="text"><p>%s</p></div>
    <time datetime="2024-08-30T09:00:00+08:00">8月30日</time></body></html>""" % ("正文" * 30)
    raw = extract_article(Selector(text=page), "https://example.cn/a.html")
    assert raw.date == "2024-09-01T18:42:00+08:00"
    other_day = page.replace("2024-09-01T18:42", "2024-08-31T18:42")
    assert extract_article(Selector(text=other_day), "https://example.cn/a.html").date == "2024年9月1日"


def test_bylines_at_the_top_and_bottom_of_the_body_leave_it_for_author_and_editor() -> None:
    page = """<html><body><h1>标题</h1><div class="info">2024-09-03 11:54</div><div class="text">
    <p>界面新闻记者 | 李科文</p><p>界面新闻编辑 | 许悦</p><p>%s</p><p>【责任编辑:张三】</p></div></body></html>""" % (
        "正文" * 30
    )
    raw = extract_article(Selector(text=page), "https://example.cn/a.html")
    assert (raw.author, raw.editor, raw.paragraphs) == ("界面新闻记者 | 李科文", "界面新闻编辑 | 许悦", ["正文" * 30])


def test_amp_images_and_forum_attachments_are_body_images() -> None:
    body = Selector(
        text="<div><amp-img src='a.jpg'><noscript><img src='a.jpg'></noscript></amp-img>"
        "<img src='none.gif' zoomfile='att/1.png' file='att/1.png'></div>"
    ).css("div")[0]
    assert read_body(body) == ([], ["a.jpg", "att/1.png"])


@pytest.mark.parametrize(
    ("meta", "counter"),
    [
        ('来源:新华网 点击：<script src="/e/hits.js?id=5"></script> 次', "http://x.cn/e/hits.js?id=5"),
        ('阅读量: <span><script src="/stat/view.php?aid=9"></script></span>', "http://x.cn/stat/view.php?aid=9"),
        (
            '浏览次数：<script src="/plus/count.php?view=yes&aid=7"></script>',
            "http://x.cn/plus/count.php?view=yes&aid=7",
        ),
        # must NOT be taken: a script that no views label precedes
        ("来源:新华网 作者:王磊", None),
        ('来源:新华网</div><p>点击查看大图</p><script src="/js/app.js"></script><div>', None),
    ],
)
def test_the_read_counter_is_a_known_cms_script_or_any_script_beside_a_views_label(
    meta: str, counter: str | None
) -> None:
    page = f'<html><body><h1>央行开展逆回购操作</h1><div class="info">2024-09-03 11:54 {meta}</div><script src="/js/jquery.js"></script>'
    page += (
        "<div class='content'><p>" + "央行今日开展了逆回购操作,市场流动性合理充裕。" * 4 + "</p></div></body></html>"
    )
    assert extract_article(Selector(text=page, type="html"), "http://x.cn/a/1.html").counter_url == counter


@pytest.mark.parametrize(
    ("body", "notice"),
    [
        ("<p>声明:以上内容为本网站转自其它媒体,相关信息仅为传递更多信息之目的。</p>", True),
        ("<p>本文转载自微信公众号某某财经。</p>", True),
        ("<p>（转载）</p>", True),
        ("<p>文章来源于网络</p>", True),
        # a notice opening its own text node: what comes before it in another node is no "请"
        ("<p>如需转载，请</p><p>转载自新华网</p>", True),
        # must NOT be taken: an original's notices, a notice split over two nodes, one in a script
        ("<p>本文系原创,转载请注明出处,未经授权不得转载。</p>", False),
        ("<p>请转载自新华网的稿件注明</p>", False),
        ("<p>本文转</p><p>载自某某网</p>", False),
        ("<p>正文</p><script>var note = '本文转载自新华网';</script>", False),
    ],
)
def test_a_reprint_notice_is_read_from_one_text_node_of_the_page(body: str, notice: bool) -> None:
    page = f"<html><head><title>央行开展逆回购</title></head><body><h1>央行开展逆回购</h1>{body}</body></html>"
    assert extract_article(Selector(text=page, type="html"), "http://x.cn/a/1.html").reprint_notice is notice


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("点击：", True),
        ("阅读量:", True),
        ("浏览次数", True),
        ("来源:新华网 点击：", True),
        # must NOT be taken: a label that does not end the text, a word that is no label
        ("点击查看大图", False),
        ("点击： 次", False),
        ("单击", False),
    ],
)
def test_views_label_end(text: str, matches: bool) -> None:
    assert bool(patterns.VIEWS_LABEL_END.search(text)) is matches


@pytest.mark.parametrize(
    "query",
    [
        *patterns.BODY_CONTAINERS,
        "div.content",
        "#Article div.content",
        "#article-content",
        "div.article div.info",
        "div.a.b",
        "p.x > b",
    ],
)
def test_a_css_rule_selects_what_parsel_selects(query: str) -> None:
    """`dom.css_xpath` (a cheap class test before cssselect's) selects the elements `Selector.css` does."""
    page = Selector(
        text='<div class="article main"><div class=" info  x"><p class="x"><b>1</b></p></div></div>'
        '<div class="content-box"><div class="content">2</div></div><div id="Article"><div class="a b content">3</div>'
        '<div class="ab">4</div></div><div class="article-content entry">5</div><div id="article-content">6</div>'
    )
    assert [s.root for s in select(page, query)] == [s.root for s in page.css(query)]
