"""End to end: a portal whose robots.txt asks for a Crawl-delay gets its requests that far apart, even where the
crawl's own settings ask for none (the loopback settings: no delay, no AutoThrottle)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from tests.crawls import crawl_portal, run_stats
from tests.loopback import QuietHandler, serving, tiny_article, tiny_listing

pytestmark = pytest.mark.e2e

DELAY = 0.4


@pytest.fixture
def portal() -> Iterator[tuple[str, list[float]]]:
    """The portal's URL and when each of its pages was asked for."""
    asked: list[float] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self.answer(200, f"User-agent: *\nCrawl-delay: {DELAY}\nAllow: /\n", "text/plain")
                return
            asked.append(time.monotonic())
            if self.path == "/":
                self.answer(200, tiny_listing(range(4)))
            else:
                self.answer(200, tiny_article(self.path.rsplit("/", 1)[-1].split(".")[0]))

    with serving(Handler) as base:
        yield base + "/", asked


def test_requests_keep_the_crawl_delay_robots_txt_asks_for(portal: tuple[str, list[float]], tmp_path: Path) -> None:
    base, asked = portal
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    assert len(crawl_portal(base, db_url)) == 4
    gaps = [later - earlier for earlier, later in pairwise(asked)]
    assert len(gaps) == 4 and min(gaps) >= DELAY * 0.95, gaps  # not randomised to 0.5-1.5x as Scrapy's delays are
    assert run_stats(db_url)[-1]["finnews/crawl_delay"] == DELAY
