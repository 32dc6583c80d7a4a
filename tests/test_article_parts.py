"""End to end: an article paginated in three parts ("1/3 下一页", DedeCMS's `1234_2.html`) is stored once, its
text whole and in order; its parts are no articles of their own, even where a link names a later part alone, and
`finnews reextract` reads it whole again from the kept pages. A part that fails costs only itself and what follows
it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.console import finnews
from tests.crawls import crawl_portal, run_stats
from tests.loopback import QuietHandler, serving

pytestmark = pytest.mark.e2e

FILLER = "市场人士表示，近期资金面总体平稳，跨月因素影响有限，流动性合理充裕，政策仍有空间。"
PARTS = [[f"第{n}部分第{k}段：央行今日开展1000亿元逆回购操作的说明。{FILLER}" for k in (1, 2)] for n in (1, 2, 3)]
OTHER = [f"沪指今日涨0.52%报2802.98点，两市成交额6512亿元。{FILLER}", f"券商板块领涨。{FILLER}"]


def page(title: str, paragraphs: list[str], pager: str = "") -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_测试财经网</title></head><body>"
        f"<h1>{title}</h1><div class='info'>2024-09-03 11:54 来源:新华社</div><div class='content'>{body}</div>"
        f"<div class='pages'>{pager}</div><p>上一篇：<a href='/a/20240903/1235.html'>沪指涨0.52%报2802.98点</a></p>"
        "</body></html>"
    )


def pager(part: int) -> str:
    links = "".join(
        f"<b>{n}</b>" if n == part else f"<a href='/a/20240903/1234{'' if n == 1 else f'_{n}'}.html'>{n}</a>"
        for n in (1, 2, 3)
    )
    following = f"<a href='/a/20240903/1234_{part + 1}.html'>下一页</a>" if part < 3 else ""
    return f"{part}/3 {links} {following}"


@pytest.fixture
def portal() -> Iterator[tuple[str, dict[str, Any]]]:
    """The portal's URL and its state: `missing` paths answer 500."""
    title = "央行开展1000亿元逆回购操作"
    pages = {
        "/a/20240903/1234.html": page(title, PARTS[0], pager(1)),
        "/a/20240903/1234_2.html": page(title, PARTS[1], pager(2)),
        "/a/20240903/1234_3.html": page(title, PARTS[2], pager(3)),
        "/a/20240903/1235.html": page("沪指涨0.52%报2802.98点", OTHER),
    }
    state: dict[str, Any] = {"missing": set(), "listed": ("/a/20240903/1234.html", "/a/20240903/1235.html")}

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            status, html = 200, pages.get(self.path)
            if self.path == "/":
                listing = "".join(f'<li><a href="{path}">标题{n}</a> <span>2024-09-03</span></li>'
                                  for n, path in enumerate(state["listed"]))  # fmt: skip
                html = f"<html><head><title>测试财经网</title></head><body><ul>{listing}</ul></body></html>"
            elif self.path in state["missing"]:
                status = 500
            if html is None:
                status, html = 404, "<html><title>404 Not Found</title></html>"
            self.answer(status, html)

    with serving(Handler) as base:
        yield base + "/", state


def crawl(base: str, db_url: str) -> dict[str, dict[str, Any]]:
    return crawl_portal(base, db_url, "-s", "RETRY_TIMES=0")


def test_a_paginated_article_is_stored_once_whole(portal: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    base, _ = portal
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    records = crawl(base, db_url)
    assert set(records) == {f"{base}a/20240903/1234.html", f"{base}a/20240903/1235.html"}  # no part on its own
    assert records[f"{base}a/20240903/1234.html"]["body"] == "\n".join(p for part in PARTS for p in part)
    assert run_stats(db_url)[-1]["finnews/pages/article_part"] == 2
    result = finnews("reextract", "--db", db_url)  # the parts are read again from the kept pages
    assert result.stdout.startswith("2 kept pages read, 0 changed"), result.stdout


def test_a_lost_part_costs_itself_and_what_follows(portal: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    base, state = portal
    state["missing"].add("/a/20240903/1234_3.html")
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    records = crawl(base, db_url)
    assert records[f"{base}a/20240903/1234.html"]["body"] == "\n".join(p for part in PARTS[:2] for p in part)
    assert run_stats(db_url)[-1]["finnews/failed/article_part"] == 1


@pytest.mark.parametrize(
    "listed",
    [("/a/20240903/1234_2.html", "/a/20240903/1235.html"),  # a later part alone: its first part is read instead
     ("/a/20240903/1234_3.html", "/a/20240903/1234.html", "/a/20240903/1235.html")],  # and the first part too
)  # fmt: skip
def test_a_later_part_reached_by_a_link_of_its_own_is_read_with_its_first_part(
    portal: tuple[str, dict[str, Any]], tmp_path: Path, listed: tuple[str, ...]
) -> None:
    base, state = portal
    state["listed"] = listed
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    records = crawl(base, db_url)
    assert set(records) == {f"{base}a/20240903/1234.html", f"{base}a/20240903/1235.html"}
    assert records[f"{base}a/20240903/1234.html"]["body"] == "\n".join(p for part in PARTS for p in part)
    assert run_stats(db_url)[-1]["finnews/parts/later_part"] == 1
