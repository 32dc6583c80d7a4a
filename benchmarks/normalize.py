"""Cost of normalising one Article (every field), median of repeated runs.

.venv/bin/python benchmarks/normalize.py
"""

from __future__ import annotations

import statistics
import timeit
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from crawler.items import Article
from crawler.models import SHANGHAI
from crawler.normalize.article import normalize_article

REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"


def sample_body() -> str:
    """The body of the real page in ../shared/reference (damaged: lost entities, pasted twice), ~2,000 chars."""
    pages = sorted(REFERENCE.glob("*.txt"))
    if pages:
        lines = pages[0].read_text(encoding="utf-8").splitlines()
        return "\n".join(lines[7:40])
    return "\n".join(["对口援藏30年来mdash;mdash;各对口支援单位和援藏干部人才不忘初心,接续奋斗。" * 4] * 8)


def main() -> None:
    raw = Article(
        url="http://127.0.0.1:8603/zixun/2024/0903/123.html",
        site="txjr",
        site_name="天下金融网",
        title="对口援藏30年|援藏路上的坚守与创新_天下金融网",
        date_raw="2024-09-03 11:54:03      来源:千龙网   阅读量:11003",
        source_raw="来源:千龙网 作者:张三 阅读量:11003",
        author="记者 王磊 李四",
        views_raw="阅读量:11003",
        body=sample_body() + "\n(责任编辑:孙悦)",
        crawled_at=datetime(2026, 11, 29, 20, 0, tzinfo=SHANGHAI),
    )
    now = raw.crawled_at or datetime.now(SHANGHAI)
    runs = timeit.repeat(lambda: normalize_article(replace(raw), now), number=500, repeat=7)
    per_item = statistics.median(runs) / 500
    print(f"body: {len(raw.body or '')} characters")
    print(f"normalize_article: {per_item * 1000:.3f} ms per item (median of 7 x 500)")


if __name__ == "__main__":
    main()
