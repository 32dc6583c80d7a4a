"""The queries the CLI shares, against real databases: text search."""

from __future__ import annotations

from typing import Any

import pytest

from crawler import queries
from crawler.writer import ArticleWriter
from tests.rows import row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("逆回购", ["http://p1/a/1.html"]),  # 3+ characters: the index (FTS5 trigram / pg_trgm)
        ("央行开展", ["http://p1/a/1.html"]),
        ("储能", ["http://p1/a/2.html"]),  # 2 characters: trigrams starting with them (SQLite)
        ("储", ["http://p1/a/2.html"]),
        ("逆回", ["http://p1/a/1.html"]),
        ("购", ["http://p1/a/1.html"]),  # the last character of a title
        ("回购", ["http://p1/a/1.html"]),  # the last two characters of a title
        ("鲲龙", []),
        ("50%", ["http://p1/a/2.html"]),  # LIKE wildcards are literal
        ('"引号"', ["http://p1/a/2.html"]),  # FTS5 query syntax is literal
        ("不存在的词", []),
    ],
)
def test_search_finds_chinese_substrings(engine: Any, text: str, expected: list[str]) -> None:
    writer = ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html", title="央行开展逆回购", body="第一段。", body_hash=1))
    writer.submit(row("http://p1/a/2.html", title="电池", body='新型储能装机增长50%,"引号"。', body_hash=2))
    writer.close()
    assert queries.search_index(engine) == {"sqlite": "fts5+vocab", "postgresql": "trgm"}.get(
        engine.dialect.name, "scan"
    )
    found = [r["url"] for r in queries.iter_articles(engine, queries.Filters(search=text))]
    assert found == expected


def test_a_common_short_term_is_searched_by_a_scan_with_the_same_result(engine: Any, monkeypatch: Any) -> None:
    writer = ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html", title="新型储能", body="第一段。", body_hash=1))
    writer.submit(row("http://p1/a/2.html", title="光伏", body="储能电站", body_hash=2))
    writer.close()
    indexed = [r["url"] for r in queries.iter_articles(engine, queries.Filters(search="储能"))]
    monkeypatch.setattr(queries, "SHORT_TERM_INDEX_LIMIT", 0)  # every term counts as common
    scanned = [r["url"] for r in queries.iter_articles(engine, queries.Filters(search="储能"))]
    assert indexed == scanned == ["http://p1/a/1.html", "http://p1/a/2.html"]
