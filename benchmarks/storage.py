"""Storage benchmarks: finnews's writer vs plain sqlite3.executemany into the same schema; export and
search over a large database.

    .venv/bin/python benchmarks/storage.py write --rows 20000          # rows/s side by side, ratio
    .venv/bin/python benchmarks/storage.py export --rows 1000000       # export rows/s, peak RSS; search time

Rows are articles as the sample portals generate them (Chinese finance news, bodies of ~0.5-3 KB), with
their fingerprints, like a crawl's.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from crawler import queries
from crawler.batchwrite import fingerprint_columns
from crawler.db import make_engine
from crawler.models import SHANGHAI
from crawler.reprints.fingerprint import VERSION, fingerprint
from crawler.reprints.index import MAX_BAND_HOLDERS
from crawler.reprints.matching import Matching
from crawler.writer import ArticleWriter
from sampleportals.stories import story_head, story_headline, story_text

WORDS = [
    "央行",
    "开展",
    "逆回购",
    "操作",
    "市场",
    "流动性",
    "合理",
    "充裕",
    "银行",
    "基金",
    "储能",
    "光伏",
    "消费",
    "政策",
    "投资",
    "增长",
    "同比",
    "企业",
    "利润",
    "指数",
]
BASE = datetime(2024, 9, 3, 11, 54, tzinfo=SHANGHAI)
CRAWLED = BASE + timedelta(days=800)


def rows(n: int, seed: int = 1, start: int = 0, fingerprinted: bool = True) -> Iterator[dict[str, Any]]:
    """`n` generated article rows as `crawler.batchwrite.article_row` gives them (without `fingerprinted`: no
    body_hash, n_shingles nor figures yet: `bulk_fill` adds them in worker processes)."""
    for i in range(start, start + n):
        rng = random.Random(seed * 1_000_000_007 + i)  # row i is the same however the rows are cut into batches
        head = story_head(seed, i)
        story = story_text(seed, head, story_headline(seed, head))
        body = "\n".join(story.paragraphs)
        row = {
            "url": f"http://127.0.0.1:8601/a/20240903/{i}.html", "site": "dede", "site_name": "财经快讯网",
            "title": story.title, "published_at": BASE + timedelta(minutes=i),
            "date_source": "page", "source": rng.choice(["新华社", "千龙网", None]), "source_raw": "来源:千龙网",
            "author": "张三", "editor": None, "views": rng.randint(0, 50000), "views_lower_bound": False,
            "body": body, "images": [], "category": "财经", "crawled_at": CRAWLED,
        }  # fmt: skip
        yield row | _fingerprint_columns(body)[0] if fingerprinted else row


def _fingerprint_columns(body: str) -> tuple[dict[str, Any], tuple[int, ...]]:
    """What the writer stores of a body's fingerprint: its article row's columns, and its band keys."""
    fingerprinted = fingerprint(body)
    return fingerprint_columns(fingerprinted), fingerprinted.bands


def finnews_write(url: str, n: int, batch: int = 500) -> float:
    """Seconds for finnews's ArticleWriter, configured as in a crawl (the writers' lock and the
    commit-time reprint check on), to commit `n` rows (group commit from another thread)."""
    engine = make_engine(url)
    writer = ArticleWriter(engine, batch, Matching())
    started = time.perf_counter()
    futures = [writer.submit(row) for row in rows(n)]
    writer.close()
    for future in futures:
        future.result()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def plain_write(path: str, n: int, batch: int = 500) -> float:
    """Seconds for sqlite3.executemany to insert the same rows into the same (migrated) schema."""
    make_engine(f"sqlite:///{path}").dispose()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("INSERT INTO sites VALUES ('dede', '财经快讯网', '2026-11-29 20:00:00')")
    columns = [
        "url", "site", "title", "published_at", "date_source", "source", "source_raw", "author", "editor",
        "views", "views_lower_bound", "body", "images", "category", "crawled_at", "updated_at", "body_hash", "n_shingles",
        "figures",
    ]  # fmt: skip
    insert = f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    pending: list[dict[str, Any]] = []
    for row in rows(n):
        pending.append(row)
        if len(pending) == batch:
            _plain_batch(db, insert, pending)
            pending = []
    if pending:
        _plain_batch(db, insert, pending)
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def _plain_batch(db: sqlite3.Connection, insert: str, batch: list[dict[str, Any]]) -> None:
    def value(row: dict[str, Any], name: str) -> Any:
        if name == "updated_at":
            name = "crawled_at"
        v = row[name]
        if isinstance(v, datetime):
            return v.replace(tzinfo=None).isoformat(" ")
        return json.dumps(v) if isinstance(v, list) else v

    names = insert.split("(", 1)[1].split(")", 1)[0].split(", ")
    with db:
        db.executemany(insert, [[value(row, name) for name in names] for row in batch])
        ids = dict(db.execute(f"SELECT url, id FROM articles WHERE url IN ({','.join('?' * len(batch))})",
                              [row["url"] for row in batch]).fetchall())  # fmt: skip
        db.executemany("INSERT INTO fingerprints (key, article_id) VALUES (?, ?)",
                       [(key, ids[row["url"]]) for row in batch for key in fingerprint(row["body"]).bands])  # fmt: skip
        db.executemany("INSERT INTO view_snapshots (url, crawled_at, views) VALUES (?, ?, ?)",
                       [(row["url"], value(row, "crawled_at"), row["views"]) for row in batch])  # fmt: skip


def bench_write(n: int) -> dict[str, float]:
    """Rows/s of finnews's writer and of plain executemany (best of 2 alternating rounds), printed and returned."""
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for round_ in range(2):  # alternate, so neither side always runs on a warmer machine
            plain = plain_write(f"{tmp}/plain{round_}.db", n)
            ours = finnews_write(f"sqlite:///{tmp}/finnews{round_}.db", n)
            results.append((plain, ours))
    plain = min(p for p, _ in results)
    ours = min(o for _, o in results)
    print(f"{n} sample-portal articles, FTS5 trigram index kept in sync, up to 25 band keys and a view snapshot each")
    print(f"{'writer':<28}{'rows/s':>10}")
    print(f"{'sqlite3.executemany':<28}{n / plain:>10,.0f}")
    print(f"{'finnews ArticleWriter':<28}{n / ours:>10,.0f}")
    print(f"ratio finnews / executemany: {plain / ours:.2f}")
    return {"rows_per_s": n / ours, "plain_rows_per_s": n / plain}


def filled(n: int, path: str) -> str:
    """The SQLite file `path` holding `n` generated articles (filled by `bulk_fill` unless it exists)."""
    if not Path(path).exists():
        print(f"filling {n} rows into {path} ...", file=sys.stderr)
        bulk_fill(f"sqlite:///{path}", n)
    return path


# `finnews export` under /usr/bin/time (its peak RSS in KB, the last line of stderr): a child's own ru_maxrss keeps
# what it inherited at fork across exec (hundreds of MB after a fill in this process); time's child starts small.
_EXPORT = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "crawler.cli"]


def bench_export(n: int, keep: str | None) -> dict[str, float]:
    """Export rows/s and peak RSS over `n` stored articles, and search times; printed and returned."""
    url = f"sqlite:///{filled(n, keep or tempfile.mktemp(suffix='.db'))}"
    started = time.perf_counter()
    result = subprocess.run(
        [*_EXPORT, "export", "--db", url, "-o", "/dev/null"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    *lines, peak_kb = result.stderr.strip().splitlines()
    peak = int(peak_kb) / 1024
    print("\n".join(lines))
    print(f"export of {n} articles: {elapsed:.1f} s = {n / elapsed:,.0f} rows/s, peak RSS {peak:.0f} MB")
    engine = make_engine(url, create=False)
    for text in ("招商银行", "新型储能", "储能", "光伏", "鲲龙AG600", "鲲龙", "鲲"):  # the last three: absent
        started = time.perf_counter()
        found = queries.latest_articles(engine, queries.Filters(search=text), limit=20)
        print(f"query --search {text!r} --limit 20 over {n} articles: {time.perf_counter() - started:.3f} s "
              f"({len(found)} shown)")  # fmt: skip
    engine.dispose()
    return {"rows_per_s": n / elapsed, "peak_rss_mb": peak}


#: Band keys `bulk_fill` hands SQLite in one executemany.
_KEYS_AT_ONCE = 1 << 20


def bulk_fill(url: str, n: int, batch: int = 2000, processes: int = 2, search: bool = True) -> None:
    """Fill a new SQLite database with `n` generated articles (`rows`) as a crawl's writer stores them, in bulk
    (sqlite3.executemany, as `benchmarks/story.py`): 1,000,000 in minutes, where the writer takes many hours
    (each row's SQLAlchemy upsert, version check and FTS trigger).

    The tables the reprint lookup reads hold what the writer's would (`tests/test_benchmarks_storage.py` checks it):
    the article rows of `crawler.batchwrite.article_row`, stored as SQLAlchemy stores them, and their band keys
    capped as `crawler.reprints.index.index_bands` caps them (a key held by MAX_BAND_HOLDERS articles before
    the batch takes no more, and is full: the same order, `batch` articles a transaction, as a writer with that
    batch size).
    Rows are generated, fingerprinted and made ready to store in `processes` worker processes. Nothing else waits
    for the file: it is written without a journal, the secondary indexes are built once at the end, and the
    band keys are capped in memory (`_capped`) and stored at the end in key order. Without `search`, the FTS
    index is left empty (the lookup reads none of it); with it, it is built once at the end."""
    engine = make_engine(url)
    engine.dispose()
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
        db.execute(f"PRAGMA {pragma}")
    trigger = db.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts_insert'").fetchone()[0]
    db.execute("DROP TRIGGER articles_fts_insert")
    indexes = [sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('articles', 'fingerprints', 'view_snapshots')"
    )]  # fmt: skip  # not the primary keys' and unique constraints' (no sql): those stay
    for sql in indexes:
        db.execute(f"DROP INDEX {sql.split()[sql.split().index('INDEX') + 1]}")
    db.execute("INSERT INTO sites VALUES ('dede', '财经快讯网', ?)", (_stored_time(CRAWLED),))
    insert = f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) VALUES ({', '.join('?' * len(_ARTICLE_COLUMNS))})"
    keys: list[npt.NDArray[np.int64]] = []
    holders: list[npt.NDArray[np.int64]] = []
    started = time.perf_counter()
    with ProcessPoolExecutor(processes, multiprocessing.get_context("spawn")) as pool:
        starts = iter(range(0, n, batch))
        ahead: deque[Future[_Batch]] = deque()
        for change_id in itertools.count(1):
            while len(ahead) < 2 * processes and (start := next(starts, None)) is not None:
                ahead.append(pool.submit(_generated, start, min(batch, n - start), start // batch + 1))
            if not ahead:
                break
            articles, snapshots, batch_keys, article_numbers = ahead.popleft().result()
            first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0]
            db.executemany(insert, articles)
            db.executemany("INSERT INTO view_snapshots (url, crawled_at, views) VALUES (?, ?, ?)", snapshots)
            keys.append(batch_keys)
            holders.append(article_numbers + first)
            if change_id * batch % 50_000 == 0:
                print(f"  {change_id * batch} rows, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    db.commit()
    print(f"  {n} rows in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    started = time.perf_counter()
    all_keys, all_holders = _capped(np.concatenate(keys or [np.empty(0, np.int64)]),
                                    np.concatenate(holders or [np.empty(0, np.int64)]), batch)  # fmt: skip
    for start in range(0, len(all_keys), _KEYS_AT_ONCE):  # as Python ints a slice at a time: 21M at once took 3 GB
        db.executemany(
            "INSERT INTO fingerprints (key, article_id) VALUES (?, ?)",
            zip(all_keys[start : start + _KEYS_AT_ONCE].tolist(), all_holders[start : start + _KEYS_AT_ONCE].tolist(),
                strict=True),
        )  # fmt: skip
    held_keys, held = np.unique(all_keys, return_counts=True)
    db.executemany(
        "INSERT INTO full_band_keys (key) VALUES (?)", ((key,) for key in held_keys[held >= MAX_BAND_HOLDERS].tolist())
    )
    for sql in indexes:
        db.execute(sql)
    db.commit()
    print(f"  {len(all_keys)} band keys and indexes in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    started = time.perf_counter()
    if search:
        db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        print(f"  FTS index built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    db.execute(trigger)
    db.execute("UPDATE fingerprint_version SET version = ?", (VERSION,))  # its keys are this finnews's: no rekey
    db.execute("ANALYZE")
    db.commit()
    db.close()


def _capped(
    keys: npt.NDArray[np.int64], holders: npt.NDArray[np.int64], batch: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The (key, article id) pairs `index_bands` stores, in key order, when articles 1, 2, ... are written
    `batch` a transaction: a key's holders in one batch all get it if fewer than MAX_BAND_HOLDERS held it
    before the batch (all of them did: no earlier batch was capped), none otherwise."""
    order = np.lexsort((holders, keys))
    keys, holders = keys[order], holders[order]
    batches = (holders - 1) // batch
    positions = np.arange(len(keys))
    new_key = np.concatenate(([True], keys[1:] != keys[:-1]))
    new_batch = new_key | np.concatenate(([True], batches[1:] != batches[:-1]))
    key_start = np.maximum.accumulate(np.where(new_key, positions, 0))
    batch_start = np.maximum.accumulate(np.where(new_batch, positions, 0))
    kept = batch_start - key_start < MAX_BAND_HOLDERS  # this key's holders in the batches before
    return keys[kept], holders[kept]


#: A batch made ready to store: article rows, view snapshots, and its band keys with the number of their
#: article in the batch (from 0).
_Batch = tuple[list[list[Any]], list[tuple[str, str, int]], "npt.NDArray[np.int64]", "npt.NDArray[np.int64]"]


def _generated(start: int, count: int, change_id: int) -> _Batch:
    """Rows `start` to `start + count` made ready to store, as `change_id` (in a worker)."""
    articles: list[list[Any]] = []
    snapshots: list[tuple[str, str, int]] = []
    keys: list[int] = []
    numbers: list[int] = []
    for number, row in enumerate(rows(count, seed=start // 50_000 * 50_000, start=start, fingerprinted=False)):
        columns, bands = _fingerprint_columns(row["body"])
        stored = row | columns | {"updated_at": row["crawled_at"], "change_id": change_id, "date_conflict": False,
                                  "reprint_notice": False, "authors": []}  # fmt: skip
        articles.append([_stored_value(stored[name]) for name in _ARTICLE_COLUMNS])
        snapshots.append((row["url"], _stored_time(row["crawled_at"]), row["views"]))
        distinct = set(bands)
        keys += distinct
        numbers += [number] * len(distinct)
    return articles, snapshots, np.array(keys, dtype=np.int64), np.array(numbers, dtype=np.int64)


_ARTICLE_COLUMNS = (
    "url", "site", "title", "published_at", "date_source", "source", "source_raw", "author", "editor", "views",
    "views_lower_bound", "body", "images", "category", "crawled_at", "updated_at", "body_hash", "n_shingles",
    "figures", "change_id", "date_conflict", "reprint_notice", "authors",
)  # fmt: skip


def _stored_value(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite: times as Beijing wall time, lists as JSON, booleans as 0/1."""
    if isinstance(value, datetime):
        return _stored_time(value)
    if isinstance(value, list):
        return json.dumps(value)
    return int(value) if isinstance(value, bool) else value


def _stored_time(value: datetime) -> str:
    return value.astimezone(SHANGHAI).replace(tzinfo=None).isoformat(" ", timespec="microseconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("write", "export", "fill"))
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--keep", help="export, fill: the SQLite file to fill (reused if it exists)")
    parser.add_argument("--processes", type=int, default=2, help="fill: processes generating the rows")
    args = parser.parse_args()
    if args.what == "write":
        bench_write(args.rows)
    elif args.what == "fill":  # for `benchmarks/reprints.py lookup`, which reads no search index
        started = time.process_time()
        bulk_fill(f"sqlite:///{args.keep}", args.rows, processes=args.processes, search=False)
        print(f"filled {args.rows} rows into {args.keep}: {time.process_time() - started:.0f} CPU s in this process")
    else:
        bench_export(args.rows, args.keep)


if __name__ == "__main__":
    main()
