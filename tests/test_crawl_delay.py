"""End to end: a portal whose robots.txt asks for a Crawl-delay gets its requests that far apart, even where the
crawl's own settings ask for none (the loopback settings: no delay, no AutoThrottle)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from tests.crawls import crawl_portal, run_stats
from tests.loopback import QuietHandler, serving

pytestmark = pytest.mark.e2e

DELAY = 0.4
FILLER = "市场人士表示，近期资金面总体平稳，跨月因素影响有限，流动性合理充裕，政策仍有空间。"


@pytest.fixture
def portal() -> Iterator[tuple[str, list[float]]]:
    """The portal's URL and when each of its pages was asked for."""
    asked: list[float] = []
    listing = "".join(
        f'<li><a href="/a/20240903/{n}.html">第{n}条新闻的标题文字</a> <span>2024-09-03</span></li>' for n in range(4)
    )

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self.answer(200, f"User-agent: *\nCrawl-delay: {DELAY}\nAllow: /\n", "text/plain")
                return
            asked.append(time.monotonic())
            if self.path == "/":
                self.answer(200, f"<html><head><title>测试财经网</title></head><body><ul>{listing}</ul></body></html>")
            else:
                n = self.path.rsplit("/", 1)[-1].split(".")[0]
                self.answer(200, f"<html><head><title>第{n}条新闻的标题文字_测试财经网</title></head><body>"
                                 f"<h1>第{n}条新闻的标题文字</h1><div>2024-09-03 11:54 来源:新华社</div>"
                                 f"<div class='content'><p>第{n}条。{FILLER}</p><p>{FILLER}</p></div></body></html>")  # fmt: skip

    with serving(Handler) as base:
        yield base + "/", asked


def test_requests_keep_the_crawl_delay_robots_txt_asks_for(portal: tuple[str, list[float]], tmp_path: Path) -> None:
    base, asked = portal
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    assert len(crawl_portal(base, db_url)) == 4
    gaps = [later - earlier for earlier, later in pairwise(asked)]
    assert len(gaps) == 4 and min(gaps) >= DELAY * 0.95, gaps  # not randomised to 0.5-1.5x as Scrapy's delays are
    assert run_stats(db_url)[-1]["finnews/crawl_delay"] == DELAY
