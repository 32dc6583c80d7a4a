"""The story trace (`finnews story`, `crawler.queries.trace`) on a large database: how long one story's
trace takes on 1,000,000 stored articles, beside the same on a small database in the same run.

    .venv/bin/python benchmarks/story.py --rows 1000000 --small 10000 --samples 300 [--keep /tmp/story1m.db]

The databases are built quickly with bulk inserts (sqlite3.executemany, one transaction) into the schema
the migrations create: articles with short bodies, about half a reprint per story (0-3, each with its 来源),
one read-count snapshot per copy and a former version for 1 % of them. The full-text index is dropped
before the load: the trace reads none of it, and filling it would take most of the build.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from crawler import queries
from crawler.db import make_engine

STAMP = "2024-09-03 11:54:00"
SOURCES = ["新华社", "千龙网", "中国证券报·中证网", None]
SITES = ["dede", "phpcms", "txjr"]


def build(path: Path, n: int, seed: int = 1, chunk: int = 50_000) -> float:
    """Fill a new database at `path` with `n` stories; returns the seconds it took."""
    started = time.perf_counter()
    make_engine(f"sqlite:///{path}").dispose()  # the schema, through the migrations
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    for name in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("DROP TABLE IF EXISTS articles_fts_vocab")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    db.executemany("INSERT INTO sites VALUES (?, NULL, ?)", [(site, STAMP) for site in SITES])
    rng = random.Random(seed)
    reprint_id = 0
    with db:
        for start in range(1, n + 1, chunk):
            articles, reprints, snapshots, versions = [], [], [], []
            for i in range(start, min(n + 1, start + chunk)):
                url = f"http://p{i % 3}.example/a/{i}.html"
                views = rng.randint(0, 50_000)
                articles.append(
                    (i, url, SITES[i % 3], f"第{i}号新闻", STAMP, rng.choice(SOURCES), views, f"正文{i}", i)
                )
                snapshots.append((url, STAMP, views))
                for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3)) if i % 2 else 0):
                    reprint_id += 1
                    copy = f"http://r{reprint_id % 7}.example/c/{reprint_id}.html"
                    reprints.append((reprint_id, i, copy, SITES[reprint_id % 3], STAMP, views // 2,
                                     rng.choice(SOURCES), i))  # fmt: skip
                    snapshots.append((copy, STAMP, views // 2))
                if i % 100 == 0:
                    versions.append((url, f"第{i}号新闻(旧)", i + 1))
            db.executemany(
                "INSERT INTO articles (id, url, site, title, published_at, source, views, body, body_hash, images,"
                " authors, crawled_at, updated_at, views_lower_bound, date_conflict, reprint_notice, n_shingles,"
                " figures, change_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', '2026-12-04 20:00:00',"
                " '2026-12-04 20:00:00', 0, 0, 0, 0, '', 1)",
                articles,
            )
            db.executemany(
                "INSERT INTO reprints (id, article_id, url, site, published_at, views, source, body_hash, similarity,"
                " crawled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0.9, '2026-12-04 20:00:00')",
                reprints,
            )
            db.executemany("INSERT INTO view_snapshots (url, crawled_at, views) VALUES (?, ?, ?)", snapshots)
            db.executemany(
                "INSERT INTO article_versions (url, title, body_hash, seen_at, changed_at) VALUES"
                " (?, ?, ?, '2026-12-03 20:00:00', '2026-12-04 20:00:00')",
                versions,
            )
    db.execute("ANALYZE")
    db.close()
    return time.perf_counter() - started


def sample_urls(path: Path, samples: int, seed: int = 2) -> list[str]:
    """URLs of random copies: half stored articles, half reprints."""
    db = sqlite3.connect(path)
    articles = db.execute("SELECT max(id) FROM articles").fetchone()[0]
    reprints = db.execute("SELECT max(id) FROM reprints").fetchone()[0]
    rng = random.Random(seed)
    urls = []
    for k in range(samples):
        table, top = ("articles", articles) if k % 2 else ("reprints", reprints)
        urls.append(db.execute(f"SELECT url FROM {table} WHERE id = ?", (rng.randint(1, top),)).fetchone()[0])
    db.close()
    return urls


def time_traces(path: Path, urls: list[str]) -> tuple[list[float], int]:
    """Milliseconds of each trace (after one warm-up), and the copies they listed in all."""
    engine = make_engine(f"sqlite:///{path}", create=False)
    queries.trace(engine, urls[0])
    times, copies = [], 0
    for url in urls:
        started = time.perf_counter()
        trace = queries.trace(engine, url)
        times.append((time.perf_counter() - started) * 1000)
        assert any(copy["url"] == url for copy in trace), url
        copies += len(trace)
    engine.dispose()
    return times, copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="stories (stored articles) of the large database")
    parser.add_argument("--small", type=int, default=10_000, help="stories of the small database")
    parser.add_argument("--samples", type=int, default=300, help="traces timed on each")
    parser.add_argument("--keep", help="build the large database at this path (reused if it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        large = Path(args.keep) if args.keep else Path(folder) / "large.db"
        small = Path(folder) / "small.db"
        for path, n in ((small, args.small), (large, args.rows)):
            if path.exists():
                print(f"{n:>9,} stories: reusing {path}")
            else:
                print(f"{n:>9,} stories: built in {build(path, n):.1f} s ({path.stat().st_size / 1e6:,.0f} MB)")
        results = {}
        for path, n in ((small, args.small), (large, args.rows)):  # side by side, in one run
            times, copies = time_traces(path, sample_urls(path, args.samples))
            results[n] = statistics.median(times)
            print(
                f"{n:>9,} stories: trace median {statistics.median(times):.2f} ms, p95 "
                f"{statistics.quantiles(times, n=20)[-1]:.2f} ms, max {max(times):.2f} ms "
                f"({args.samples} traces, {copies / args.samples:.2f} copies each)"
            )
        print(f"median ratio large/small: {results[args.rows] / results[args.small]:.2f}")


if __name__ == "__main__":
    main()
