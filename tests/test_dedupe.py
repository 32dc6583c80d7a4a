"""DedupePipeline: copies of the articles this crawl is about to store (no database: storage is a stub)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

import pytest
from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.batchwrite import ReprintRecord
from crawler.items import Article
from crawler.models import SHANGHAI
from pipelines.dedupe import DedupePipeline
from tests.rows import STORY


class StubStorage:
    """Takes the reprint records DedupePipeline submits; each commits at once."""

    def __init__(self) -> None:
        self.records: list[ReprintRecord] = []

    async def submit(self, record: ReprintRecord) -> None:
        self.records.append(record)


def article(url: str, body: str = STORY) -> Article:
    return Article(
        url=url, site="dede", title="央行开展逆回购", body=body, crawled_at=datetime(2026, 11, 29, tzinfo=SHANGHAI)
    )


def run(scenario: Callable[[DedupePipeline, Callable[[Article], None]], Coroutine[Any, Any, None]]) -> DedupePipeline:
    """Run `scenario(pipeline, scraped)`, where `scraped(item)` sends the signal of an item stored."""
    crawler = get_crawler(settings_dict={"FINNEWS_REPRINT_THRESHOLD": 0.6})
    pipeline = DedupePipeline.from_crawler(crawler)
    pipeline.storage = StubStorage()  # type: ignore[assignment]

    def scraped(item: Article) -> None:
        crawler.signals.send_catch_log(signals.item_scraped, item=item, response=None, spider=None)

    asyncio.run(scenario(pipeline, scraped))
    return pipeline


def test_a_copy_of_a_pending_article_is_dropped_once_that_article_is_stored() -> None:
    async def scenario(pipeline: DedupePipeline, scraped: Callable[[Article], None]) -> None:
        first, copy = article("http://p1/a/1.html"), article("http://p2/b/7.html", STORY.replace("适度", "一定"))
        assert await pipeline.process_item(first) is first
        waiting = asyncio.ensure_future(pipeline.process_item(copy))
        await asyncio.sleep(0)
        assert not waiting.done()  # the canonical copy is not committed yet
        scraped(first)
        with pytest.raises(DropItem, match=r"reprint of http://p1/a/1.html \(similarity 0\.\d+\): http://p2/b/7.html"):
            await asyncio.wait_for(waiting, timeout=5)

    pipeline = run(scenario)
    assert isinstance(pipeline.storage, StubStorage)
    [record] = pipeline.storage.records
    assert (record.canonical_url, record.url) == ("http://p1/a/1.html", "http://p2/b/7.html")
    assert len(pipeline.pending) == 0


def test_a_copy_waiting_on_a_page_fetched_twice_settles() -> None:
    """Issue 12: two fetched URLs of one page give two items of one (canonical) URL. The second was
    pending under the same key as the first, so the first never settled and a copy waiting on it
    waited forever: the crawl never finished."""

    async def scenario(pipeline: DedupePipeline, scraped: Callable[[Article], None]) -> None:
        first, again = article("http://p1/a/1.html"), article("http://p1/a/1.html")
        copy = article("http://p2/b/7.html")
        assert await pipeline.process_item(first) is first
        waiting = asyncio.ensure_future(pipeline.process_item(copy))  # waits for `first` to commit
        await asyncio.sleep(0)
        assert await pipeline.process_item(again) is again  # the same page: a re-crawl, not a reprint
        scraped(first)
        with pytest.raises(DropItem, match=re.escape("reprint of http://p1/a/1.html")):
            await asyncio.wait_for(waiting, timeout=5)
        scraped(again)

    pipeline = run(scenario)
    assert len(pipeline.pending) == 0


def test_a_copy_waiting_on_an_article_not_stored_after_all_matches_again() -> None:
    async def scenario(pipeline: DedupePipeline, scraped: Callable[[Article], None]) -> None:
        first, copy = article("http://p1/a/1.html"), article("http://p2/b/7.html")
        await pipeline.process_item(first)
        waiting = asyncio.ensure_future(pipeline.process_item(copy))
        await asyncio.sleep(0)
        pipeline.crawler.signals.send_catch_log(
            signals.item_dropped, item=first, response=None, exception=DropItem("x"), spider=None
        )
        assert await asyncio.wait_for(waiting, timeout=5) is copy  # now the story's first copy

    pipeline = run(scenario)
    assert len(pipeline.pending) == 1
