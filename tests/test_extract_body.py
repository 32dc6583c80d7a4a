"""The body of an article page, by class of page layout: which block is the body and which of its lines are text.

Each case is a small page of a layout real portals use (paraphrased, never a site's own text), with the body
lines a reader sees.
"""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.extract.article import extract_article

P1 = "9月以来，随着降准资金陆续释放，银行间市场流动性保持合理充裕，主要回购利率在政策利率附近平稳运行。"
P2 = "分析人士认为，四季度政府债券发行节奏加快，央行仍将综合运用多种工具，保持流动性合理充裕。"
P3 = "业内人士表示，后续降准仍有空间，结构性货币政策工具将继续发力，支持实体经济平稳运行。"
P4 = "数据显示，8月末广义货币供应量余额同比增长6.3%，狭义货币供应量余额同比下降7.3%，社会融资规模存量同比增长8.1%，人民币贷款余额同比增长8.5%，均与经济增长和价格水平预期目标相匹配。"
SIDE = "热门推荐：三季度GDP数据今日发布"


TITLE = "央行开展逆回购操作"


def body_of(body: str) -> list[str]:
    page = f"<html><body><h1>{TITLE}</h1><div class='info'>2024-09-03 11:54</div>{body}</body></html>"
    return extract_article(Selector(text=page), "https://example.cn/a/1.html").paragraphs


@pytest.mark.parametrize(
    ("body", "paragraphs"),
    [
        # a body split over several blocks: each paragraph in a <div> of its own, beside a short sidebar
        (
            f"<div class='post'><div><p>{P1}</p></div><div><p>{P2}</p></div><div><p>{P3}</p></div>"
            f"<div><p>{P4}</p></div><div><p>{P2}{P3}</p></div></div><div class='side'><p>{SIDE}</p></div>",
            [P1, P2, P3, P4, P2 + P3],
        ),
        # ... a <blockquote> left open, holding the rest of the text
        (
            f"<div class='text'><p>{P4}</p><p>{P1}{P2}{P3}</p><blockquote><p>{P2}</p><p>{P3}</p><p>{P4}</p>"
            f"<p>{P1}{P2}</p></blockquote></div>",
            [P4, P1 + P2 + P3, P2, P3, P4, P1 + P2],
        ),
        # ... but not the lines beside a short text: its tags, the previous and next articles
        (
            f"<div id='Article'><div class='content'><p>{P1}</p><p>{P2}</p></div><p><b>相关热词搜索:</b><a>股市</a></p>"
            f"<p><b>上一篇:</b><a href='/1.html'>{SIDE}</a><br><b>下一篇:</b><a href='/2.html'>{SIDE}</a></p></div>",
            [P1, P2],
        ),
        # ... but a text block beside a smaller one of other text stays alone
        (
            f"<div class='wrap'><div class='a'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div><div><p>{P1[:30]}</p></div></div>",
            [P1, P2, P3],
        ),
        # the article's text under a share-on-select script's mark (longer than a share bar) is no share bar
        (
            f"<div class='BSHARE_POP article-wrap'><p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{P4}</p></div>"
            "<div class='share-bar'><p>分享到：微信 微博 QQ空间</p></div>",
            [P1, P2, P3, P4],
        ),
        # a body of bare text in one block, beside an element of its own (an icon, a page number)
        (f"<div class='summary'>{P1}<span class='icon'><i></i></span></div><div class='tags'><p>标签</p></div>", [P1]),
        # a known container wrapping the text and a sidebar of more lines narrows to the text
        (
            f"<div class='article-content'><div class='left'><div class='article'><p>{P1}</p><p>{P2}</p></div></div>"
            "<div class='right'>"
            + "".join(f"<div><p>股票{n} 4.00 +2.30%</p><p>{SIDE}</p></div>" for n in range(9))
            + "</div></div>",
            [P1, P2],
        ),
        # the caption of an image opening the body is no text; a sentence after it is
        (
            f"<div class='text'><div><img src='1.jpg'></div><div>图为签约仪式现场。（张三摄）</div><p>{P1}</p><p>{P2}</p></div>",
            [P1, P2],
        ),
        (
            f"<div class='text'><p><img src='1.jpg'></p><p>摄影：张三</p><p>新产品</p><p>{P1}</p><p>{P2}</p></div>",
            [P1, P2],
        ),
        (
            f"<div class='text'><p><img src='1.jpg'></p><p>9月3日，发布会在北京举行。</p><p>{P1}</p></div>",
            ["9月3日，发布会在北京举行。", P1],
        ),
        # the headline printed again as the text's first line
        (f"<div class='text'><p><b>{TITLE}</b></p><p>{P1}</p><p>{P2}</p></div>", [P1, P2]),
        # hidden text (keyword spam in a display:none block) is no text block
        (f"<div style='display:none'>{'关键词 ' * 200}</div><div class='post'><p>{P1}</p><p>{P2}</p></div>", [P1, P2]),
        # a generated CSS-module class that happens to hold "qr" is not a QR-code box
        (f"<div class='summary___3oqrM'><p>{P1}</p><p>{P2}</p></div>", [P1, P2]),
        # paragraphs in <div>s left open, each nested by the parser in the one before, beside a sidebar
        (
            f"<div class='text'><div>{P1}<div>{P2}<div>{P3}<div>{P4}</div></div></div></div></div>"
            f"<div class='side'><p>{SIDE}</p></div>",
            [P1, P2, P3, P4],
        ),
        # ... with inline markup in them
        (
            f"<div class='text'><div class='p'><b>{P1}</b><div class='p'>{P2}<br><div class='p'>{P3}</div>",
            [P1, P2, P3],
        ),
        # paragraphs written as <section>s of inline markup (an editor's, as a WeChat article's), beside a short
        # profile box of text lines; no class names anything
        (
            "<div class='x1'><div>某某科技</div><div>微信号 abc123</div></div><div class='x2'>"
            + "".join(
                f"<section><span>{p}</span></section><section><img src='{n}.jpg'></section>"
                for n, p in enumerate((P1, P2, P3, P4))
            )
            + "</div>",
            [P1, P2, P3, P4],
        ),
        # ... beside a shorter block of <p>s (readers' comments, a class that says nothing)
        (
            "<div class='x2'>"
            + "".join(f"<section><span>{p}</span></section>" for p in (P1, P2, P3, P4, P1, P2))
            + "</div><div class='x3'>"
            + "".join(f"<p>网友{n}：{P2}</p>" for n in range(5))
            + "</div>",
            [P1, P2, P3, P4, P1, P2],
        ),
        # readers' comments longer than the text, in <p>s of a class that says nothing: a name and a colon, a time
        (
            f"<div class='x1'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div><div class='x2'>"
            + "".join(f"<p><b>网友{n}号：</b>{P4}<span>2024-09-04 09:3{n}</span></p>" for n in range(6))
            + "</div>",
            [P1, P2, P3],
        ),
        # ... as <div>s of <span>s, beside a pager's script in a <p> (its code is no text)
        (
            f"<div class='x1'><div><span>{P1}</span></div><div><span>{P2}</span></div><div><span>{P3}</span></div></div>"
            "<div class='x2'><p><script>function pager(n){"
            + "document.write('<a href=\"p' + n + '.html\">' + n + '</a>');" * 30
            + "}</script></p></div>",
            [P1, P2, P3],
        ),
        # a short article beside a longer page footer whose class names nothing: its copyright and report lines
        (
            f"<div class='x1'><p>{P1}</p></div><div class='x2'><p>违法和不良信息举报电话：010-12345678 客服电话：010-87654321"
            " 传真：010-12345679 邮箱：service@example.cn 地址：北京市朝阳区某某路某某大厦某某层</p><p>本站郑重声明：所载文章、"
            "数据仅供参考，投资有风险，选择需谨慎。</p><p>Copyright© 某某网 All Rights Reserved 版权所有 复制必究</p></div>",
            [P1],
        ),
    ],
)
def test_the_body_block(body: str, paragraphs: list[str]) -> None:
    assert body_of(body) == paragraphs


def test_a_dated_meta_line_after_the_body_is_found_past_a_social_bar() -> None:
    social = "<div class='social'>" + "<span class='like'><a><i></i>赞</a></span>" * 8 + "</div>"
    page = (
        f"<html><body><h1>央行开展逆回购操作</h1><div class='entry-content'><div class='single-content'><p>{P1}</p>"
        f"<p>{P2}</p></div>{social}<div class='copyright'>版权声明</div>"
        "<div><span>来源：某某商报</span> <span>时间：2019-09-23 14:34:05</span></div></div></body></html>"
    )
    raw = extract_article(Selector(text=page), "https://example.cn/a/1.html")
    assert (raw.date, raw.paragraphs) == ("2019-09-23 14:34:05", [P1, P2])


def test_a_blog_s_comments_are_no_body_though_each_is_an_article() -> None:
    """The article's own `<article>` holds the headline (a known container passed over: it is the page's wrapper);
    each comment after it is an `<article>` too, of a class that says nothing: none is the body."""
    page = (
        f"<html><body><article class='x1'><h1>{TITLE}</h1><div class='x0'>2024-09-03 11:54</div>"
        f"<div class='x2'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></article><ol class='x4'>"
        + "".join(
            f"<li><article class='x3'><p>网友{n}号：说得好，支持，这篇分析很到位，谢谢作者的分享。我也是这么看的，期待后续的跟踪报道。</p></article></li>"
            for n in range(3)
        )
        + "</ol></body></html>"
    )
    assert extract_article(Selector(text=page), "https://example.cn/a/1.html").paragraphs == [P1, P2, P3]
