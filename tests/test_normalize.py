"""NormalizePipeline through Scrapy's crawler API (no sockets): fields cleaned, drops and stats explained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import Article
from crawler.models import SHANGHAI
from crawler.spiders.portal import PortalSpider
from pipelines.normalize import NormalizePipeline
from tests.crawls import normalized

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)


def article(n: int = 1, **raw: Any) -> Article:
    values: dict[str, Any] = dict(
        url=f"http://127.0.0.1:8603/zixun/2024/0903/{n}.html", site="txjr", site_name="天下金融网",
        title=f"第{n}条新闻标题", title_tag=f"第{n}条新闻标题_金融天下频道", date_raw="2024-09-03 11:54:03",
        source_raw="来源:中证网 作者:张三", author="记者 王磊 李四", views_raw="阅读量:1.2万",
        body="中新网9月3日电 央行今日开展逆回购mdash;mdash;操作。\n(责任编辑:孙悦)", crawled_at=NOW,
    )  # fmt: skip
    values.update(raw)
    return Article(**values)


@pytest.fixture
def pipeline() -> NormalizePipeline:
    crawler = get_crawler(PortalSpider)
    crawler.stats.open_spider()
    return NormalizePipeline.from_crawler(crawler)


def test_every_field_is_cleaned(pipeline: NormalizePipeline) -> None:
    item = normalized(pipeline, article())
    assert item.title == "第1条新闻标题"
    assert item.published_at == datetime(2024, 9, 3, 11, 54, 3, tzinfo=SHANGHAI) and item.date_source == "page"
    assert (item.source, item.source_canonical) == ("中证网", "中国证券报·中证网")
    assert (item.author, item.authors) == ("王磊、李四", ["王磊", "李四"])
    assert (item.editor, item.views, item.views_lower_bound) == ("孙悦", 12000, False)
    assert item.body == "中新网9月3日电 央行今日开展逆回购——操作。"
    assert not item.date_conflict


def test_the_title_suffix_is_learnt_from_the_sites_titles(pipeline: NormalizePipeline) -> None:
    # the headline is missing (title from <title>): the suffix "_金融天下频道" is no known name of the site
    first = normalized(pipeline, article(1, title="第1条新闻标题_金融天下频道"))
    assert first.title == "第1条新闻标题_金融天下频道"  # one page teaches nothing
    for n in range(2, 7):
        normalized(pipeline, article(n))
    later = normalized(pipeline, article(7, title="第7条新闻标题_金融天下频道"))
    assert later.title == "第7条新闻标题"


def test_a_page_date_days_away_from_the_url_date_is_flagged(pipeline: NormalizePipeline) -> None:
    item = normalized(pipeline, article(date_raw="2024-08-01 10:00"))
    assert item.date_conflict
    assert pipeline.stats.get_value("finnews/date_conflict") == 1


def test_the_url_date_is_the_last_resort(pipeline: NormalizePipeline) -> None:
    item = normalized(pipeline, article(date_raw="发布时间:未知"))
    assert item.published_at == datetime(2024, 9, 3, tzinfo=SHANGHAI) and item.date_source == "url"
    assert pipeline.stats.get_value("finnews/unparsed/published_at") is None


def test_unparsable_fields_count_and_do_not_drop(pipeline: NormalizePipeline) -> None:
    item = normalized(
        pipeline, article(url="http://x.cn/news/999.html", date_raw="发布时间:未知", views_raw="阅读全文")
    )
    assert item.published_at is None and item.views is None
    assert pipeline.stats.get_value("finnews/unparsed/published_at") == 1
    assert pipeline.stats.get_value("finnews/unparsed/views") == 1


@pytest.mark.parametrize(
    ("field", "raw"), [("title", "  "), ("body", "声明:以上内容为本网站转自其它媒体。\n上一篇:返回列表")]
)
def test_items_without_title_or_body_are_dropped_with_a_reason(
    pipeline: NormalizePipeline, field: str, raw: str
) -> None:
    changes: dict[str, Any] = {field: raw, "title_tag": None}
    with pytest.raises(DropItem, match=f"no {field} after cleaning"):
        normalized(pipeline, article(**changes))
    assert pipeline.stats.get_value(f"finnews/dropped/no_{field}") == 1
