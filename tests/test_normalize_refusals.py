"""Values refused, not coerced: counts that are not counts, text that cannot be stored, fields past their cap."""

from __future__ import annotations

from datetime import datetime

import pytest
from scrapy.utils.test import get_crawler

from crawler.items import Article
from crawler.normalize.article import normalize_article
from crawler.normalize.characters import storable
from crawler.normalize.limits import CUT_MARK, FIELD_CAPS
from crawler.normalize.views import parse_views
from crawler.vocabulary import SHANGHAI
from pipelines.normalize import NormalizePipeline
from tests.crawls import normalized

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("阅读 1e308", None),  # a float literal: was 1
        ("阅读:0x10", None),  # hexadecimal: was 0
        ("1e308", None),
        ("阅读:12e5", None),  # neither 12 nor 1
        ("阅读 1E+5次", None),
        ("点击:0X1F", None),
        ("阅读:9999999999999", None),  # more than MAX_VIEWS: a counter bug, not an audience
        ("阅读量:11003", 11003),  # must still match
        ("阅读 123.", 123),
        ("1.2万", 12000),
        ("45 views", 45),
    ],
)
def test_views_that_are_not_counts_are_refused(raw: str, expected: int | None) -> None:
    assert parse_views(raw)[0] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("标题\x00", "标题"),
        ("\x1b[31m红\x7f", "[31m红"),
        ("半个\ud800代理\udfff对", "半个代理对"),
        ("下一行\x85", "下一行"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),  # kept
        ("行\u2028分隔", "行\u2028分隔"),  # kept: JSON lines escape it (crawler/cli/output.py)
    ],
)
def test_storable_removes_lone_surrogates_and_controls(raw: str, expected: str) -> None:
    assert storable(raw) == expected


def test_every_text_field_is_storable_after_normalisation() -> None:
    article = Article(
        url="http://x.cn/a/1.html", site="x", title="央行\ud800开展逆回购\x00", body="正文\x07第一段\n第二段\udc80",
        source_raw="来源:新华社\x1b", author="张三\ud83d", date_raw="2024-09-03 11:54\x00", images=["http://x.cn/\x00a.jpg"],
    )  # fmt: skip
    normalize_article(article, NOW)
    for name, value in vars(article).items():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str):
                text.encode("utf-8")  # no lone surrogate
                assert storable(text) == text, name
    assert article.title == "央行开展逆回购" and article.source == "新华社"


@pytest.mark.parametrize("field", ["title", "source", "author"])
def test_a_value_past_its_cap_is_cut_with_a_stat(field: str) -> None:
    long = "很" * 200_000
    article = Article(url="http://x.cn/a/1.html", site="x", title="标题", body="正文")
    setattr(article, {"source": "source_raw"}.get(field, field), "来源:" + long if field == "source" else long)
    crawler = get_crawler()
    assert crawler.stats is not None
    normalized(NormalizePipeline.from_crawler(crawler), article)
    value = getattr(article, field)
    assert len(value) == FIELD_CAPS[field] and value.endswith(CUT_MARK)
    assert crawler.stats.get_value(f"finnews/cut/{field}") == 1


def test_an_unreadable_count_is_null_with_a_stat() -> None:
    article = Article(url="http://x.cn/a/1.html", site="x", title="标题", body="正文", views_raw="阅读 1e308")
    crawler = get_crawler()
    assert crawler.stats is not None
    normalized(NormalizePipeline.from_crawler(crawler), article)
    assert article.views is None and crawler.stats.get_value("finnews/unparsed/views") == 1
