"""crawler.vocabulary: one table of labels, relative times, title separators and the timezone, read by
extraction, listing dates and normalisation alike.

The tables merged copies that had drifted apart; the merged table is the union of the copies. Each case
below is one whose output changed with the merge (it was read by one stage and missed by another before),
with the reason in its comment.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from parsel import Selector

from crawler import models, vocabulary
from crawler.extract import patterns
from crawler.extract.article import extract_article
from crawler.extract.category import site_name
from crawler.extract.kind import is_gone, page_kind
from crawler.extract.mainlist import RELATIVE_TIME, MainList, main_list
from crawler.normalize import clean_person, clean_source, parse_published_at
from crawler.normalize import patterns as normalize_patterns
from crawler.vocabulary import SHANGHAI

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
BODY = "<p>央行今日开展1000亿元逆回购操作，中标利率持平。</p><p>市场流动性保持合理充裕。</p>"


def test_one_timezone() -> None:
    assert models.SHANGHAI is vocabulary.SHANGHAI
    assert str(SHANGHAI) == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (["分", "分钟", "秒"], "分钟|分|秒"),  # longest first: "5分钟前" reads the unit 分钟, not 分
        (["a.b", "c"], r"a\.b|c"),  # literal words
    ],
)
def test_words(table: list[str], expected: str) -> None:
    assert vocabulary.words(table) == expected


def test_the_stages_share_the_tables() -> None:
    assert RELATIVE_TIME is vocabulary.RELATIVE_TIME
    assert normalize_patterns.TITLE_SEPARATORS == vocabulary.TITLE_SEPARATORS
    for unit in vocabulary.AGO_UNITS:
        assert normalize_patterns.AGO.fullmatch(f"3{unit}前"), unit
        assert vocabulary.RELATIVE_TIME.fullmatch(f"3{unit}前"), unit
    for word in vocabulary.DAY_WORDS:
        assert normalize_patterns.DAY_WORD.fullmatch(word) and vocabulary.RELATIVE_TIME.fullmatch(word), word
    for label in vocabulary.VIEWS_LABELS:
        assert patterns.VIEWS_LABEL.fullmatch(f"{label}:88"), label
        assert normalize_patterns.VIEWS_PATTERNS[1].fullmatch(f"{label}:88"), label


@pytest.mark.parametrize(
    "text",
    [
        "刚刚",
        "刚才",
        "5分钟前",
        "5分前",
        "3 个小时前",
        "半小时前",
        "2天之前",
        "1星期前",
        "昨天 14:20",
        "昨日",
        "今日 09:30",
        "前天",
    ],
)
def test_relative_time(text: str) -> None:
    assert vocabulary.RELATIVE_TIME.fullmatch(text)


@pytest.mark.parametrize("text", ["5分钟", "日前", "第3天", "前天下午", "天天向上"])
def test_relative_time_rejects(text: str) -> None:
    assert not vocabulary.RELATIVE_TIME.fullmatch(text)


# --------------------------------------------------------------------------------------------------
# Outputs that changed with the merge
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shown", ["半小时前", "昨日", "3 个小时前", "刚才", "5分前", "2天之前", "今日 09:30"])
def test_listing_dates_the_normaliser_reads_are_now_picked_up_beside_a_listing_link(shown: str) -> None:
    # The listing's relative times lacked forms the normaliser parses (半, 个, 分, 之前, 昨日/今日, 刚才):
    # such a date beside a link was dropped before it could date the article.
    page = Selector(
        text=f'<ul><li><a href="/p/1">央行开展逆回购操作</a><span>{shown}</span></li>'
        '<li><a href="/p/2">沪指收涨0.5%成交放量</a><span>09-03</span></li></ul>'
    )
    dates = main_list([(a.attrib["href"], a) for a in page.css("a")]).dates
    assert dates["/p/1"] == shown
    assert parse_published_at(shown, now=NOW) is not None


@pytest.mark.parametrize("shown", ["昨日 09:30", "刚才", "3 个小时前"])
def test_a_meta_line_with_a_relative_time_of_the_normaliser_dates_an_article(shown: str) -> None:
    # The same union: a page whose meta line shows "昨日 09:30" is an article, as one showing "昨天 09:30" was.
    page = Selector(text=f"<h1>央行开展逆回购</h1><div>{shown} 来源:新华社</div><div>{BODY}</div>")
    assert page_kind(page, MainList({}, 0)) == "article"


def article(meta: str, body: str = BODY) -> dict[str, str | None]:
    html = (
        "<html><head><title>央行开展逆回购操作_站名</title></head><body><h1>央行开展逆回购操作</h1>"
        f"<div class='info'>{meta}</div><div class='article-content'>{body}</div></body></html>"
    )
    raw = extract_article(Selector(text=html), "http://www.example.com/a/1.html")
    return {
        "source": raw.source,
        "author": raw.author,
        "editor": raw.editor,
        "views": raw.views,
        "counter": raw.counter_url,
    }


@pytest.mark.parametrize(
    ("meta", "field", "expected"),
    [
        # Views labels: extraction knew 阅读/点击/浏览/人气, the normaliser also 访问/观看/播放/围观/热度.
        ("2024-09-03 11:54 来源:千龙网 访问量:88", "views", "访问量:88"),
        ("2024-09-03 11:54 来源:千龙网 观看 1.2万", "views", "观看 1.2万"),
        # ... and a views label ends the author, as 阅读 did: "张三", not "张三 访问:88".
        ("2024-09-03 11:54 作者:张三 访问:88", "author", "张三"),
        # ... and a script right after it is the read counter, as after 阅读量.
        (
            "2024-09-03 11:54 访问量：<script src='/count.js?id=1'></script>",
            "counter",
            "http://www.example.com/count.js?id=1",
        ),
        # 来源 labels: the normaliser also read 转载自, "Source:" and 本文/新闻/信息... before 来源.
        ("2024-09-03 11:54 转载自新浪财经", "source", "转载自新浪财经"),
        ("2024-09-03 11:54 Source: Reuters", "source", "Source: Reuters"),
        ("2024-09-03 11:54 本文来源：新华社", "source", "本文来源：新华社"),
        # ... and "新闻来源" ends the author ("张三", not "张三 新闻").
        ("2024-09-03 11:54 作者:张三 新闻来源:新华社", "author", "张三"),
        # Editor labels: the normaliser read 责编 as 责任编辑, extraction did not.
        ("2024-09-03 11:54 责编：孙悦", "editor", "孙悦"),
    ],
)
def test_extraction_reads_the_labels_of_the_normaliser(meta: str, field: str, expected: str) -> None:
    assert article(meta)[field] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # The source ends at any views label the views parser knows, not only at 阅读/点击/浏览/人气.
        ("来源:千龙网 访问量:88", "千龙网"),
        ("来源:千龙网 观看 1200", "千龙网"),
    ],
)
def test_clean_source_stops_at_every_views_label(raw: str, expected: str) -> None:
    assert clean_source(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # A person field ends at every views label ("访问量:88" is no name) and every 来源 label (转载自).
        ("张三 访问量:88", "张三"),
        ("张三 热度 99", "张三"),
        ("张三 转载自新华网", "张三"),
    ],
)
def test_clean_person_stops_at_every_views_and_source_label(raw: str, expected: str) -> None:
    assert clean_person(raw) == expected


@pytest.mark.parametrize(
    ("home_title", "expected"),
    [
        # The home page's title parts are split at every title separator, 丨 － ＿ included.
        ("金融观察网丨专业财经资讯", "金融观察网"),
        ("金融观察网－专业财经资讯", "金融观察网"),
        ("金融观察网＿专业财经资讯", "金融观察网"),
    ],
)
def test_site_name_splits_at_every_title_separator(home_title: str, expected: str) -> None:
    assert site_name(home_title) == expected


@pytest.mark.parametrize("title_tag", ["央行开展逆回购操作–千龙网", "央行开展逆回购操作＿千龙网"])
def test_the_headline_is_found_before_every_title_separator(title_tag: str) -> None:
    # The en dash and the full-width low line separated a site suffix for the normaliser, not for extraction.
    html = (
        f"<html><head><title>{title_tag}</title></head><body><div>央行开展逆回购操作</div>"
        f"<div class='article-content'>{BODY}</div></body></html>"
    )
    raw = extract_article(Selector(text=html), "http://www.example.com/a/1.html")
    assert raw.title == "央行开展逆回购操作"
    assert raw.site_names == ["千龙网"]
    assert re.search(patterns.TITLE_SEPARATOR, title_tag)


LONG_TEXT = "<p>" + "分析师认为，四季度货币政策仍有适度宽松空间，市场流动性合理充裕。" * 8 + "</p>"


@pytest.mark.parametrize(
    ("html", "gone"),
    [
        ("<title>文章不存在 - 财经网</title><p>您要查看的文章不存在或已被删除。</p>", True),
        ("<title>提示信息</title><h1>该文章已被删除</h1><a href='/'>返回首页</a>", True),
        ("<title>404错误</title><p>页面走丢了</p>", True),
        ("<h1>公司一季度营收增长404%</h1><p>公司公告，一季度营收同比增长404%。</p>", False),  # a 快讯
        ("<title>404 Not Found</title><h1>404 Not Found</h1>", True),
        ("<title>页面找不到了</title><div>请检查网址</div>", True),
        ("<h2>内容已下线</h2>", True),
        ("<title>央行开展逆回购</title><h1>央行开展逆回购</h1>" + LONG_TEXT, False),  # an article
        ("<h1>风险并不存在</h1>" + LONG_TEXT, False),  # the words head an article with a text
        ("<title>提示</title><p>文章不存在</p>", False),  # said in the text only, not the title or a heading
    ],
)
def test_not_found_pages(html: str, gone: bool) -> None:
    assert is_gone(Selector(text=html)) is gone
