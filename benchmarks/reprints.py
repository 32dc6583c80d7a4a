"""Reprint detection: accuracy on the sample portals' labelled pages, and lookup cost as the index grows.

    .venv/bin/python benchmarks/reprints.py accuracy --stories 10000
    .venv/bin/python benchmarks/reprints.py lookup --db /tmp/b100k.db --db /tmp/b1m.db   # from benchmarks/storage.py

accuracy: every article page of a generated network (its clean body, as the crawler stores it) goes
through the same matching rule and the same in-order decision as a crawl (first copy canonical);
pairs of pages put in one story are compared with the truth's reprint groups. Templated daily
reports (same template, other figures) are counted apart: none may be merged.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from collections import defaultdict

from sqlalchemy import func, select

from crawler import queries, store
from crawler.models import ArticleRow, FingerprintRow
from crawler.sampleportals import SampleNetwork
from pipelines.fingerprint import Matching, body_hash, paragraph_keys


def accuracy(stories: int, matching: Matching) -> None:
    pages = list(SampleNetwork(articles=stories, seed=7, port=20000).iter_truth())
    random.Random(1).shuffle(pages)  # crawl order is arbitrary
    by_key: dict[int, set[int]] = defaultdict(set)  # paragraph key -> stored page indexes
    keys_of: list[list[int]] = []
    hash_to: dict[int, int] = {}
    story_of: list[int] = []  # page index -> index of the stored page it was merged into
    started = time.perf_counter()
    for i, page in enumerate(pages):
        keys, exact = paragraph_keys(page["body"]), body_hash(page["body"])
        keys_of.append(keys)
        match = hash_to.get(exact)
        if match is None:
            shared: dict[int, int] = defaultdict(int)
            for key in set(keys):
                for stored in by_key[key]:
                    shared[stored] += 1
            scored = [
                (s, j)
                for j, n in shared.items()
                if (s := matching.similarity(n, len(set(keys)), len(set(keys_of[j])))) is not None
            ]
            match = max(scored)[1] if scored else None
        if match is None:  # a new story: stored, indexed
            story_of.append(i)
            hash_to[exact] = i
            for key in keys:
                by_key[key].add(i)
        else:
            story_of.append(story_of[match])
    elapsed = time.perf_counter() - started
    truth_pairs, found_pairs = _pairs([p["group"] for p in pages]), _pairs(story_of)
    true_positive = len(truth_pairs & found_pairs)
    report_groups = _report_groups(pages)
    merged_reports = sum(1 for a, b in found_pairs - truth_pairs if a in report_groups and b in report_groups)
    print(f"{len(pages)} article pages of {stories} stories ({len(_pairs([p['group'] for p in pages]))} reprint pairs), "
          f"threshold {matching.threshold}, min_shared {matching.min_shared}")  # fmt: skip
    print(
        f"pair precision {true_positive / max(1, len(found_pairs)):.4f}   recall {true_positive / max(1, len(truth_pairs)):.4f}"
    )
    print(f"false merges {len(found_pairs - truth_pairs)} (of which between templated reports: {merged_reports}), "
          f"missed pairs {len(truth_pairs - found_pairs)}")  # fmt: skip
    print(f"decision cost: {elapsed / len(pages) * 1e6:.0f} µs per page (in memory)")


def _pairs(labels: list[int] | list[str]) -> set[tuple[int, int]]:
    members: dict[object, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    return {pair for group in members.values() for pair in itertools.combinations(sorted(group), 2)}


def _report_groups(pages: list[dict[str, object]]) -> set[int]:
    """Indexes of pages that are templated daily reports (their titles name a market day and a close)."""
    markers = ("收盘", "中间价", "净值", "北向资金")
    return {i for i, p in enumerate(pages) if any(m in str(p["title"]) for m in markers)}


def lookup(paths: list[str], samples: int, matching: Matching) -> None:
    print(f"{'stored articles':>16} {'fingerprints':>13} {'lookups/s':>10} {'median ms':>10} {'bytes/fingerprint':>18}")
    for path in paths:
        engine = store.make_engine(f"sqlite:///{path}", create=False, check=False)
        with engine.connect() as connection:
            articles = connection.scalar(select(func.count(ArticleRow.id))) or 0
            fingerprints = connection.scalar(select(func.count()).select_from(FingerprintRow)) or 0
            size = (
                connection.exec_driver_sql(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('fingerprints', 'sqlite_autoindex_fingerprints_1', 'ix_fingerprints_article_id')"
                ).scalar()
                or 0
            )
            bodies = [b for (b,) in connection.execute(select(ArticleRow.body).order_by(func.random()).limit(samples))]
            pages = [
                queries.Page(f"http://new/{i}", body_hash(b + "x"), tuple(paragraph_keys(b)))
                for i, b in enumerate(bodies)
            ]
            times = []
            for page in pages:
                started = time.perf_counter()
                found = queries.find_canonical(connection, page, matching)
                times.append(time.perf_counter() - started)
                assert found is not None  # every sample is a copy of a stored article
        total = sum(times)
        print(f"{articles:>16,} {fingerprints:>13,} {len(times) / total:>10,.0f} {statistics.median(times) * 1000:>10.2f} "
              f"{size / max(1, fingerprints):>18.0f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("accuracy", "lookup"))
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--db", action="append", default=[], help="lookup: SQLite databases to query")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--threshold", type=float, default=0.6)
    parser.add_argument("--min-shared", type=int, default=2)
    args = parser.parse_args()
    matching = Matching(args.threshold, args.min_shared)
    if args.what == "accuracy":
        accuracy(args.stories, matching)
    else:
        lookup(args.db, args.samples, matching)


if __name__ == "__main__":
    main()
