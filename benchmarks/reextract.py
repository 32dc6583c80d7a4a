"""`finnews reextract` speed over a large store of kept pages, beside the crawl's own extraction of the same pages.

    .venv/bin/python benchmarks/reextract.py --pages 100000 [--keep /tmp/kept100k.db]

Builds a SQLite database as a crawl of the sample portal generator would leave it: `--pages` article pages
kept (zstd, as the crawl's `PageWriter` stores them) and, for each, the article the crawl's extraction read from
it (tree, extraction, normalisation and the body's fingerprint, which a crawl's reprint check computes for
every page: timed, batch by batch, as "the crawl's extraction"), stored through the writer. Then runs `reextract` over the whole store, for real (not a dry run: it reads every page back,
decompresses, extracts, normalises and compares with the stored article; nothing changes, so nothing is
written). Both rates are pages per second of one process on the same pages in one run, per second of wall
time and per CPU second of the process (on a machine shared with other work the second is the steadier);
their ratio is the figure. The crawl's rate counts its extraction only (no network, no storage): reextract at that rate or
better is at "the extraction speed of a crawl or better".
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from sqlalchemy import insert

from crawler import db, profiles
from crawler.batchwrite import article_row, write_batch
from crawler.extract.page import page_selector, read_article
from crawler.models import PageRow
from crawler.normalize.article import normalize_article
from crawler.normalize.titles import TitleSuffixLearner
from crawler.pagestore import ARTICLE, KeptPage
from crawler.reextract import reextract
from crawler.vocabulary import SHANGHAI
from sampleportals import PROFILE_DIR, SampleNetwork

PAGES_PER_STORY = 1.5  # the generator's article pages per story (reprints included), a little over
BATCH = 1000


def kept_pages(count: int, now: datetime) -> Iterator[KeptPage]:
    """`count` article pages of the sample portal generator, as a crawl keeps them, portals interleaved."""
    network = SampleNetwork(articles=int(count / PAGES_PER_STORY) + 100, seed=1, faults=False, port=8601)
    portals = [network.sites[name].iter_truth(network.base_url(name)) for name in network.sites]
    interleaved = (truth for group in zip(*portals, strict=False) for truth in group)
    for truth in islice(interleaved, count):
        parts = urlsplit(truth["url"])
        served = network.sites[truth["site"]].handle(parts.path + (f"?{parts.query}" if parts.query else ""))
        yield KeptPage(truth["url"], truth["site"], ARTICLE, truth["url"], 200, served.content_type, None, None, None,
                       now, served.body)  # fmt: skip


def build(path: Path, count: int) -> tuple[int, float, float]:
    """The store of `count` pages and their articles at `path`; returns the pages and the seconds (wall, CPU)
    the crawl's extraction of them took (timed alone: pages and articles are written after, batch by batch)."""
    now = datetime.now(SHANGHAI)
    engine = db.make_engine(f"sqlite:///{path}")
    learner = TitleSuffixLearner()
    loaded: dict[str, profiles.Profile] = {}
    pages, extracting, cpu = 0, 0.0, 0.0
    generated = kept_pages(count, now)
    while batch := list(islice(generated, BATCH)):
        started, started_cpu = time.perf_counter(), time.process_time()
        rows = {}
        for page in batch:
            profile = loaded.setdefault(page.site, profiles.load(page.site, str(PROFILE_DIR)))
            response = HtmlResponse(page.url, body=page.content, headers={"Content-Type": page.content_type or ""})
            selector, _, _ = page_selector(response)
            _, article = read_article(selector, page.url, profile, None, now)
            learner.observe(article.site, article.title_tag)
            normalize_article(article, now, learner.suffix(article.site))
            rows[article.url] = article_row(article)
        extracting += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        with engine.begin() as connection:
            connection.execute(insert(PageRow), [page.row() for page in batch])
            write_batch(connection, list(rows.values()), [], None)
        pages += len(batch)
        if pages % 10_000 == 0:
            print(f"  {pages:,} pages kept", flush=True)
    engine.dispose()
    return pages, extracting, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="article pages to keep (default 10,000)")
    parser.add_argument(
        "--keep", type=Path, help="build the store at this path and keep it (default: a temporary file)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "kept.db"
        path.unlink(missing_ok=True)
        pages, extracting, extracting_cpu = build(path, args.pages)
        engine = db.make_engine(f"sqlite:///{path}", create=False)
        started, started_cpu = time.perf_counter(), time.process_time()
        summary = reextract(engine, str(PROFILE_DIR))
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        size = path.stat().st_size
    crawl_rate, rate = pages / extracting, summary.pages / seconds
    crawl_cpu_rate, cpu_rate = pages / extracting_cpu, summary.pages / cpu
    print(f"{pages:,} kept pages ({size / 2**20:,.0f} MB of SQLite), {summary.changed_pages} changed, skipped "
          f"{dict(summary.skipped)}\n"
          f"  per second of wall time: reextract {rate:,.0f} pages/s, the crawl's extraction of the same pages "
          f"{crawl_rate:,.0f}; ratio {rate / crawl_rate:.2f}\n"
          f"  per CPU second of the process (what another process's load changes least): reextract "
          f"{cpu_rate:,.0f} pages/s, the crawl's extraction {crawl_cpu_rate:,.0f}; ratio {cpu_rate / crawl_cpu_rate:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
