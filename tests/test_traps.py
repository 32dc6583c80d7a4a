"""End to end, spider traps: URLs without end on a portal that answers them all.

- Pages that link relatively ("news/2.html" on a page under /news/) on a server that answers any path ending in
  an article's name: every page's links go one folder deeper. The crawl ends on its own, having asked for each
  article under a path repeating itself at most twice.
- A calendar: each day's listing links the day before and the day after, whatever the day. The crawl reads the
  days that list articles and a few empty days on either side, then stops (`DEAD_END`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler.spiders.portal import DEAD_END
from tests.crawls import crawl_portal, run_stats
from tests.loopback import QuietHandler, serving

pytestmark = pytest.mark.e2e

FILLER = "市场人士表示，近期资金面总体平稳，跨月因素影响有限，流动性合理充裕，政策仍有空间。"
ARTICLES = 19


def _article(n: int) -> str:
    return (
        f"<html><head><title>第{n}条新闻的标题文字_测试财经网</title></head><body>"
        f"<h1>第{n}条新闻的标题文字</h1><div>2024-09-03 11:54 来源:新华社</div>"
        f"<div class='content'><p>第{n}条。{FILLER}</p><p>{FILLER}{n * 7}</p></div>"
        f"<p>上一篇：<a href='news/{n - 1}.html'>第{n - 1}条新闻的标题文字</a> "
        f"下一篇：<a href='news/{n + 1}.html'>第{n + 1}条新闻的标题文字</a></p></body></html>"
    )


@contextmanager
def answering(answer: Callable[[str], tuple[int, str]]) -> Iterator[tuple[str, list[str]]]:
    """A portal answering each path with `answer(path)` (status, page): its URL, and every path asked of it."""
    asked: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.answer(*answer(self.path))

    with serving(Handler) as base:
        yield base + "/", asked


def _relative_links(path: str) -> tuple[int, str]:
    """A home page listing five articles by relative links, and article N under any path ending in "/N.html"."""
    if path == "/":
        items = "".join(
            f'<li><a href="news/{n}.html">第{n}条新闻的标题文字</a> <span>2024-09-03</span></li>' for n in range(1, 6)
        )
        return 200, f"<html><head><title>测试财经网</title></head><body><ul>{items}</ul></body></html>"
    number = re.search(r"/(\d+)\.html$", path)
    if number and 0 < int(number.group(1)) <= ARTICLES:
        return 200, _article(int(number.group(1)))
    return 404, "<h1>404</h1>"


def test_a_path_walking_in_circles_is_not_followed(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    with answering(_relative_links) as (base, asked):
        stored = crawl_portal(base, db_url)  # (without the rule: 4,851 requests in a minute, and counting)
    assert sorted(int(url.rsplit("/", 1)[-1].split(".")[0]) for url in stored) == [1, 2, 3, 4, 5, 6]
    assert max(path.count("news/") for path in asked) == 2
    assert len(asked) < 20, asked
    stats = run_stats(db_url)[-1]
    assert stats["finnews/trap"] >= 5
    assert stats["finnews/dropped/reprint"] == 5  # /news/news/N.html: the same page under a second path


FIRST_DAY, LAST_DAY = datetime.date(2024, 8, 25), datetime.date(2024, 9, 3)


def _calendar(path: str) -> tuple[int, str]:
    """Three articles a day from FIRST_DAY to LAST_DAY (the home page: LAST_DAY's), an empty listing for any other
    day; each day's page links the day before and the day after."""
    day_asked = re.fullmatch(r"/\?date=(\d{4}-\d\d-\d\d)", path)
    article = re.fullmatch(r"/a/(\d{8})/(\d)\.html", path)
    if article:
        return 200, _article(int(article.group(1) + article.group(2))).replace("news/", "/a/x/")
    if path != "/" and not day_asked:
        return 404, "<h1>404</h1>"
    day = datetime.date.fromisoformat(day_asked.group(1)) if day_asked else LAST_DAY
    items = "".join(
        f'<li><a href="/a/{day:%Y%m%d}/{n}.html">第{n}条新闻的标题文字{day:%m%d}</a> <span>{day}</span></li>'
        for n in range(1, 4)
        if FIRST_DAY <= day <= LAST_DAY
    )
    return 200, (f"<html><head><title>测试财经网</title></head><body><div class='calendar'>"
                 f"<a href='/?date={day - datetime.timedelta(days=1)}'>前一天</a> "
                 f"<a href='/?date={day + datetime.timedelta(days=1)}'>后一天</a></div>"
                 f"<ul>{items}</ul></body></html>")  # fmt: skip


def test_a_calendar_is_followed_as_far_as_it_lists_articles(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    with answering(_calendar) as (base, asked):
        stored = crawl_portal(base, db_url)  # (without DEAD_END: 6,318 listing pages in a minute, and counting)
    assert len(stored) == 3 * ((LAST_DAY - FIRST_DAY).days + 1)
    days = sorted(datetime.date.fromisoformat(path.split("=")[1]) for path in asked if path.startswith("/?date="))
    assert days[0] == FIRST_DAY - datetime.timedelta(days=DEAD_END)  # empty days: the last one's links not followed
    assert days[-1] == LAST_DAY + datetime.timedelta(days=DEAD_END)
    assert run_stats(db_url)[-1]["finnews/listings/dead_end"] == 2
