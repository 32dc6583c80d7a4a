"""Upgrading a database whose reprint keys an older finnews computed (`crawler.rekey`, migration 0010):
`finnews db upgrade` recomputes them from the stored bodies, and a crawl then finds the reprint of an old
article that the old keys would miss; on SQLite and on the machine's PostgreSQL and MariaDB."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update

from crawler import db, rekey
from crawler.models import ArticleRow, FingerprintRow, FingerprintVersion, ReprintRow
from crawler.reprints.fingerprint import VERSION, fingerprint
from crawler.reprints.index import Page, find_copies
from crawler.reprints.matching import Matching
from sampleportals import loopback_arguments
from tests.console import finnews
from tests.crawls import PROJECT
from tests.loopback import QuietHandler, serving
from tests.services import database_at, drop_schema

PARAGRAPHS = [
    "国家统计局今日发布数据，一季度国内生产总值同比增长5.3%，增速比上年四季度加快。",
    "分析人士指出，消费和投资共同发力，工业生产保持较快增长，就业形势总体稳定。",
    "物价水平温和回升，核心通胀保持稳定，工业生产者价格降幅收窄。",
    "房地产开发投资仍在下降，但新建商品房销售面积降幅有所收窄。",
    "从行业看，高技术制造业增加值增长较快，新能源汽车、光伏电池等产品产量大幅增加。",
]
#: The story as an older finnews stored it: a spaced dateline (which it did not cut), five paragraphs.
STORY = "中新网 2 月 28 日电 " + "\n".join(PARAGRAPHS)
#: A copy on another portal, cut short after three paragraphs: found through the keys of the story's head,
#: which the older finnews did not store; its whole-body keys share none with the story's old ones.
COPY_PARAGRAPHS = ["中新网2月28日电 " + PARAGRAPHS[0], *PARAGRAPHS[1:3]]
OLD_URL = "http://old.example.cn/a/20240228/1.html"


def old_database(backend: str, tmp_path: Path, more: tuple[str, ...] = ()) -> Engine:
    """A database of finnews at migration 0009 holding the story (and stories of the bodies `more`), their
    keys computed the old way (by migration 0005, which carries that version's fingerprint)."""
    old = database_at("0004", backend, tmp_path)
    with old.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sites (name, site_name, first_crawled_at) VALUES ('old', NULL, '2024-02-28 12:00:00')"
        )
        for number, body in enumerate((STORY, *more), start=1):
            connection.execute(
                text(
                    "INSERT INTO articles (url, site, title, published_at, views_lower_bound, body, images,"
                    " crawled_at, updated_at, body_hash, n_keys) VALUES (:url, 'old', '一季度GDP同比增长5.3%',"
                    " '2024-02-28 10:00:00', FALSE, :body, '[]', '2024-02-28 12:00:00', '2024-02-28 12:00:00', 1, 4)"
                ),
                {"url": OLD_URL.replace("1.html", f"{number}.html"), "body": body},
            )
    db.upgrade(old, "0009")
    return old


def stored_keys(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(FingerprintRow.key)))


def finds_copy(engine: Engine) -> str | None:
    """The stored article the copy's lookup finds, if any."""
    page = Page("http://new.example.cn/copy.html", fingerprint("\n".join(COPY_PARAGRAPHS)))
    with engine.connect() as connection:
        found = find_copies(connection, [page], Matching())
    return found[page.url].url if page.url in found else None


@pytest.fixture
def portal() -> Iterator[str]:
    """A portal on 127.0.0.1 listing one article: the copy."""
    body = "".join(f"<p>{paragraph}</p>" for paragraph in COPY_PARAGRAPHS)
    pages = {
        "/": "<html><head><title>测试财经网</title></head><body><ul>"
        '<li><a href="/a/20240228/7.html">一季度GDP同比增长5.3%</a> <span>2024-02-28</span></li></ul></body></html>',
        "/a/20240228/7.html": "<html><head><meta charset='utf-8'><title>一季度GDP同比增长5.3%_测试财经网</title></head>"
        "<body><h1>一季度GDP同比增长5.3%</h1><div class='info'>2024-02-28 11:54 来源:中国新闻网</div>"
        f"<div class='content'>{body}</div></body></html>",
    }

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            status, html = (200, pages[self.path]) if self.path in pages else (404, "<html><title>404</title></html>")
            self.answer(status, html)

    with serving(Handler) as base:
        yield base + "/"


@pytest.mark.e2e
@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_an_upgraded_database_finds_the_reprints_of_its_old_articles(backend: str, tmp_path: Path, portal: str) -> None:
    old = old_database(backend, tmp_path)
    url = old.url.render_as_string(hide_password=False)
    assert not set(stored_keys(old)) & set(fingerprint("\n".join(COPY_PARAGRAPHS)).bands)  # the old keys miss the copy

    finnews("db", "upgrade", "--db", url)

    story = fingerprint(STORY)
    assert stored_keys(old) == sorted(set(story.bands))
    with old.connect() as connection:
        assert connection.execute(select(ArticleRow.body_hash, ArticleRow.n_shingles, ArticleRow.figures)).one() == (
            story.body_hash, story.size, " ".join(story.figures),
        )  # fmt: skip
        assert connection.execute(select(FingerprintVersion.version, FingerprintVersion.resume_after)).one() == (
            VERSION, None,
        )  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={portal}", *loopback_arguments(),
         "-s", f"FINNEWS_DB_URL={url}", "-s", "LOG_LEVEL=WARNING"],
        cwd=PROJECT, check=True, timeout=300,
    )  # fmt: skip
    with old.connect() as connection:
        assert list(connection.scalars(select(ArticleRow.url))) == [OLD_URL]
        copies = connection.execute(select(ReprintRow.url, ArticleRow.url).join(ArticleRow)).all()
    assert copies == [(portal + "a/20240228/7.html", OLD_URL)]
    old.dispose()
    if backend != "sqlite":
        drop_schema(url)


def test_an_interrupted_recomputation_resumes_where_it_stopped(tmp_path: Path) -> None:
    others = (
        "央行今日开展1000亿元7天期逆回购操作，中标利率维持1.70%不变。市场人士表示，近期资金面总体平稳，跨月因素影响有限。",
        "8月新能源汽车销量同比增长30%，渗透率首次超过50%，出口创下新高。业内预计，全年销量有望再创历史新高。",
    )
    old = old_database("sqlite", tmp_path, more=others)
    db.upgrade(old)
    assert rekey.outdated(old) == rekey.Outdated(version=1, resume_after=None, count=3)

    def stop_after_the_first(articles: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rekey.rekey(old, on_batch=stop_after_the_first, batch=2)
    with old.connect() as connection:
        second = connection.scalars(select(ArticleRow.id).order_by(ArticleRow.id).offset(1)).first()
    assert rekey.outdated(old) == rekey.Outdated(version=1, resume_after=second, count=1)

    assert rekey.rekey(old, batch=2) == 1  # the third only
    assert rekey.outdated(old) is None
    assert rekey.rekey(old) == 0
    with old.connect() as connection:
        stored = dict(connection.execute(select(ArticleRow.body, ArticleRow.body_hash)).all())
    assert stored == {body: fingerprint(body).body_hash for body in stored}
    assert set(stored_keys(old)) == {key for body in stored for key in fingerprint(body).bands}
    assert finds_copy(old) == OLD_URL


def test_a_new_database_needs_no_recomputation(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path}/new.db")
    assert rekey.rekey(engine) == 0
    assert rekey.outdated(engine) is None
    with engine.begin() as connection:  # a version from a later finnews is left alone
        connection.execute(update(FingerprintVersion).values(version=VERSION + 1))
    assert rekey.outdated(engine) is None
