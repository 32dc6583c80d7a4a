"""End to end: a re-crawl of a hand-written portal (a local HTTP server on 127.0.0.1) finds one article
edited (改稿), one answering 404 and one answering the portal's "文章不存在" page (删稿): the former version
is kept, `removed_at` is set, and the trace, `query` and `export --new` show it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler import db, queries
from sampleportals import loopback_arguments
from tests.console import finnews
from tests.crawls import PROJECT, run_stats
from tests.loopback import QuietHandler, serving

pytestmark = pytest.mark.e2e

ARTICLES = {
    "/a/20240903/1.html": (
        "央行开展1000亿元逆回购操作",
        "央行今日开展1000亿元7天期逆回购操作，中标利率维持1.70%不变。",
    ),
    "/a/20240903/2.html": ("沪指涨0.52%报2802.98点", "沪指今日涨0.52%报2802.98点，两市成交额6512亿元，券商板块领涨。"),
    "/a/20240903/3.html": ("新能源汽车销量增长30%", "8月新能源汽车销量同比增长30%，渗透率首次超过50%，出口创下新高。"),
}
FILLER = "市场人士表示，近期资金面总体平稳，跨月因素影响有限，流动性合理充裕，政策仍有空间。"
GONE_PAGE = "<html><head><title>文章不存在 - 测试财经网</title></head><body><p>您要查看的文章不存在或已被删除。</p></body></html>"


def article_page(title: str, lead: str) -> str:
    body = "".join(f"<p>{lead}{FILLER}</p>" for _ in range(3))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_测试财经网</title></head><body>"
        f"<h1>{title}</h1><div class='info'>2024-09-03 11:54 来源:新华社</div><div class='content'>{body}</div>"
        "</body></html>"
    )


@pytest.fixture
def portal() -> Iterator[tuple[str, dict[str, Any]]]:
    """The portal's URL and its state: `pages` (path -> (status, html)), changed by the test between crawls."""
    state: dict[str, Any] = {"pages": {path: (200, article_page(*texts)) for path, texts in ARTICLES.items()}}

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if self.path == "/":
                links = "".join(
                    f'<li><a href="{path}">{t}</a> <span>2024-09-03</span></li>' for path, (t, _) in ARTICLES.items()
                )
                status, html = 200, f"<html><head><title>测试财经网</title></head><body><ul>{links}</ul></body></html>"
            else:
                status, html = state["pages"].get(self.path, (404, "<html><title>404 Not Found</title></html>"))
            self.answer(status, html)

    with serving(Handler) as base:
        yield base + "/", state


def test_a_recrawl_keeps_edits_and_marks_take_downs(portal: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    base, state = portal
    db_url = f"sqlite:///{tmp_path}/finnews.db"

    def crawl(*more: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={base}", *loopback_arguments(), *more,
             "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=WARNING"],
            cwd=PROJECT, check=True, timeout=300,
        )  # fmt: skip

    def export_new() -> dict[str, dict[str, Any]]:
        out = finnews("export", "--db", db_url, "--new", "--name", "cron").stdout
        return {record["url"]: record for record in map(json.loads, out.splitlines())}

    crawl()
    first = export_new()
    edited, dead, soft = (base + path.lstrip("/") for path in ARTICLES)
    assert set(first) == {edited, dead, soft}
    state["pages"]["/a/20240903/1.html"] = (
        200,
        article_page("央行开展1000亿元逆回购操作(更新)", ARTICLES["/a/20240903/1.html"][1]),
    )
    state["pages"]["/a/20240903/2.html"] = (404, "<html><title>404 Not Found</title></html>")
    state["pages"]["/a/20240903/3.html"] = (200, GONE_PAGE)
    crawl()  # incremental: stored pages are not fetched again, so nothing is seen changed
    assert export_new() == {}
    crawl("-a", "full=1")  # a full re-crawl (or a read-count refresh, page by page) reads them again
    second = export_new()
    assert set(second) == {edited, dead, soft}  # each changed
    assert second[edited]["title"] == "央行开展1000亿元逆回购操作(更新)" and second[edited]["edited_at"] is not None
    assert second[edited]["removed_at"] is None
    assert second[dead]["removed_at"] is not None and second[soft]["removed_at"] is not None
    assert second[dead]["title"] == "沪指涨0.52%报2802.98点"  # the last version seen stays
    [copy] = queries.trace(db.make_engine(db_url, create=False), edited)
    assert [version["title"] for version in copy["former_versions"]] == ["央行开展1000亿元逆回购操作"]
    stats = run_stats(db_url)[-1]
    assert (stats["finnews/gone"], stats["finnews/gone_page"], stats["finnews/dead_link"]) == (2, 1, 1)
    lines = finnews("query", "--db", db_url, "--format", "jsonl").stdout
    assert sum(json.loads(line)["removed_at"] is not None for line in lines.splitlines()) == 2
    table = finnews("query", "--db", db_url).stdout.splitlines()
    states = sorted(line.split()[-2] for line in table[2:] if "removed" in line or "edited" in line)
    assert states == ["edited", "removed", "removed"]
    crawl("-a", "full=1")  # nothing changed since
    assert export_new() == {}
