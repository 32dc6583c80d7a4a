"""`finnews extract` on saved pages: what a page is from the page alone, a listing's main list, the time taken."""

from __future__ import annotations

import gc
import json
from datetime import datetime
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.heap import YOUNG_THRESHOLD
from crawler.models import SHANGHAI

LISTING = """<html><head><title>财经频道_示例财经网</title></head><body>
<div class="nav"><a href="http://www.x.cn/">首页</a><a href="http://www.x.cn/news/">新闻</a></div>
<ul class="list">
<li><a href="http://www.x.cn/a/20240903/1.html">央行开展一千亿元逆回购操作</a><span>09-03</span></li>
<li><a href="http://www.x.cn/a/20240903/2.html">沪指收涨成交额重回万亿</a><span>09-03</span></li>
<li><a href="http://www.x.cn/a/20240902/3.html">两部门发布养老金融新规</a><span>09-02</span></li>
</ul>
<div class="side"><h3>热门文章</h3><ul><li><a href="http://www.x.cn/a/1/9.html">一则热门文章的标题</a></li>
<li><a href="http://www.x.cn/a/1/8.html">又一则热门文章标题</a></li></ul></div></body></html>"""

ARTICLE = """<html><head><title>央行开展一千亿元逆回购操作_示例财经网</title>
<link rel="canonical" href="http://www.x.cn/a/20240903/1.html"></head><body>
<h1>央行开展一千亿元逆回购操作</h1><div class="info">2024-09-03 11:54 来源：新华社 作者：张三</div>
<div class="content"><p>中国人民银行今日以利率招标方式开展了一千亿元七天期逆回购操作，中标利率持平。</p>
<p>市场人士表示，央行此举旨在维护银行体系流动性合理充裕，月初资金面有望保持平稳。</p></div>
<ul><li><a href="/a/20240903/2.html">沪指收涨成交额重回万亿</a></li></ul></body></html>"""


def extract(tmp_path: Path, capsys: pytest.CaptureFixture[str], html: str, *args: str) -> dict[str, object]:
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    assert main(["extract", str(page), "--now", "2024-09-04T10:00", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_listing_saved_without_its_url_gives_its_main_list_in_page_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = extract(tmp_path, capsys, LISTING)
    assert record["page_kind"] == "listing"
    assert record["url"] == "http://www.x.cn/"  # the host its links point to
    assert record["article_links"] == [
        "http://www.x.cn/a/20240903/1.html",
        "http://www.x.cn/a/20240903/2.html",
        "http://www.x.cn/a/20240902/3.html",
    ]
    assert isinstance(record["elapsed_s"], float) and record["elapsed_s"] > 0


def test_an_article_saved_without_its_url_takes_its_canonical_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = extract(tmp_path, capsys, ARTICLE)
    assert record["page_kind"] == "article"
    assert record["url"] == "http://www.x.cn/a/20240903/1.html"
    assert record["article_links"] == []
    assert (record["title"], record["source"], record["author"]) == ("央行开展一千亿元逆回购操作", "新华社", "张三")
    assert record["published_at"] == "2024-09-03T11:54:00+08:00"


def test_a_url_given_wins_over_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = extract(tmp_path, capsys, ARTICLE, "--url", "https://m.x.cn/a/20240903/1.html")
    assert record["url"] == "https://m.x.cn/a/20240903/1.html"


def test_the_warm_up_page_reaches_every_field_and_the_tables_built_on_first_use(unfrozen: None) -> None:
    """`finnews extract` reads `warm_up_page()` before the first page, so that no page's `elapsed_s` counts what a
    process builds once: the page must reach every step (each field found) and the lazily loaded tables; what it
    built is then frozen, so that no full collection walks it during a page."""
    from crawler import scope
    from crawler.cli.extraction import WARM_UP_URL, extract_record, warm_up, warm_up_page
    from crawler.extract import links
    from crawler.normalize import outlets

    links._registrable.cache_clear()  # it remembers the hosts it was asked about before
    scope._extract.cache_clear()
    outlets._shipped_source_aliases.cache_clear()
    now = datetime(2024, 9, 4, 10, tzinfo=SHANGHAI)
    warm_up(now)
    assert gc.get_freeze_count() > 10_000  # then kept out of the collector's walks (crawler.heap)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    assert scope._extract.cache_info().currsize == outlets._shipped_source_aliases.cache_info().currsize == 1
    record = extract_record(warm_up_page().encode(), WARM_UP_URL, now)
    assert record["page_kind"] == "article"
    assert {name for name, value in record.items() if value in (None, [], "")} == {"views", "images", "article_links"}
    assert record["counter_url"] == "http://www.example.com/hits.php?id=5&act=add"
    assert (record["category"], record["authors"], record["editor"]) == ("资讯", ["张三", "李四"], "王五")
    assert record["body"].startswith("北京9月3日电 这是示例正文的第一段。") and "第399段" in record["body"]
    assert len(warm_up_page().encode()) > 200_000  # a large real page's elements, lines and bytes, not a toy page's


@pytest.mark.parametrize("unclosed", ["<font face='宋体'>", "<div>"])
def test_a_page_nested_deeper_than_libxml2_builds_keeps_its_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unclosed: str
) -> None:
    # 3,000 unclosed elements before the article: libxml2 stops at 2,048 and drops the rest of the page.
    page = ARTICLE.replace("<body>", "<body>" + unclosed * 3000)
    record = extract(tmp_path, capsys, page)
    assert record["page_kind"] == "article"
    assert record["title"] == "央行开展一千亿元逆回购操作"
    assert record["published_at"] == "2024-09-03T11:54:00+08:00"
    body = str(record["body"])
    assert body.startswith("中国人民银行今日以利率招标方式") and body.endswith("有望保持平稳。")
