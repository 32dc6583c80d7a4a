"""Reprint detection: accuracy on the sample portals' labelled pages, the fingerprints it could have used,
and lookup cost as the index grows.

    .venv/bin/python benchmarks/reprints.py accuracy --stories 10000 [--orders 2]
    .venv/bin/python benchmarks/reprints.py compare --stories 10000 [--stress]
    .venv/bin/python benchmarks/reprints.py lookup --db /tmp/b1k.db --db /tmp/b1m.db [--batch 20] [--rounds 3]

accuracy: every article page of a generated network (its clean body, as the crawler stores it) is
written, in a shuffled order, through the code a crawl's writer runs (`crawler.batchwrite.write_batch` with its
reprint check: band lookup, verification, origin promotion) into a fresh SQLite database. Pairs of
pages put in one story are compared with the truth's reprint groups; templated daily reports (same
template, other figures) are counted apart: none may be merged. With --orders N the pages are written
in N orders, and the stories found must be the same each time.

compare: candidate fingerprints side by side, in memory, each followed by the same verification
(`Matching`): paragraph keys, SimHash (64 bits, 4 bands of 16: Hamming distance up to 3), and MinHash-LSH
with several band shapes. --stress adds drift the generator does not: every paragraph break of 10 % of
the copies lost, one character edited in every paragraph of another 10 %.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from hashlib import blake2b
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select

from crawler import db, queries
from crawler.batchwrite import write_batch
from crawler.models import ArticleRow, FingerprintRow
from crawler.reprints import fingerprint as fp
from crawler.reprints.fingerprint import fingerprint
from crawler.reprints.index import Page, find_copies
from crawler.reprints.matching import Matching
from sampleportals import SampleNetwork
from sampleportals.stories import story_head, story_headline, story_text


def labelled_pages(stories: int) -> list[dict[str, Any]]:
    return list(SampleNetwork(articles=stories, seed=7, port=20000).iter_truth())


def score(pages: list[dict[str, Any]], story_of: dict[str, str]) -> dict[str, Any]:
    """Pair precision and recall of `story_of` (page URL -> story label) against the truth groups."""
    index = {page["url"]: i for i, page in enumerate(pages)}
    truth, found = _pairs([p["group"] for p in pages]), _pairs([story_of[p["url"]] for p in pages])
    reports = {index[p["url"]] for p in pages if any(m in p["title"] for m in ("收盘", "中间价", "净值", "北向资金"))}
    false = found - truth
    return {
        "precision": len(truth & found) / max(1, len(found)), "recall": len(truth & found) / max(1, len(truth)),
        "false": len(false), "false_reports": sum(a in reports and b in reports for a, b in false),
        "missed": len(truth - found), "pairs": len(truth),
    }  # fmt: skip


def _pairs(labels: list[str]) -> set[tuple[int, int]]:
    members: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    return {pair for group in members.values() for pair in itertools.combinations(group, 2)}


# --- accuracy: the real writer ------------------------------------------------------------------------


def write_pages(pages: list[dict[str, Any]], url: str, matching: Matching) -> dict[str, str]:
    """Write `pages` in order through `crawler.batchwrite.write_batch` (one page per batch, as a slow crawl would);
    returns page URL -> the URL of the article its story is stored as."""
    engine = db.make_engine(url)
    crawled = datetime.fromisoformat("2026-11-29T20:00:00+08:00")
    with engine.begin() as connection:
        for page in pages:
            body = fingerprint(page["body"])
            row = {
                "url": page["url"], "site": page["site"], "site_name": None, "title": page["title"],
                "published_at": datetime.fromisoformat(page["published_at"]) if page["published_at"] else None,
                "date_source": "page", "date_conflict": False, "source": page["source"], "source_raw": None,
                "source_canonical": page["source"], "author": page["author"], "authors": [], "editor": None,
                "views": page["views"], "views_lower_bound": False, "body": page["body"], "images": [],
                "category": None, "crawled_at": crawled, "body_hash": body.body_hash, "n_shingles": body.size,
                "figures": " ".join(body.figures),
            }  # fmt: skip
            write_batch(connection, [row], [], matching)
    story_of = {}
    for record in queries.iter_articles(engine):
        for copy in [record, *record["reprints"]]:
            story_of[copy["url"]] = record["url"]
    engine.dispose()
    return story_of


def accuracy(stories: int, orders: int, matching: Matching) -> None:
    pages = labelled_pages(stories)
    partitions = []
    for order in range(orders):
        shuffled = random.Random(order).sample(pages, len(pages))
        started = time.perf_counter()
        story_of = write_pages(shuffled, "sqlite://", matching)
        elapsed = time.perf_counter() - started
        result = score(pages, story_of)
        print(
            f"order {order}: {len(pages)} pages of {stories} stories ({result['pairs']} reprint pairs), "
            f"threshold {matching.threshold}: precision {result['precision']:.4f} recall {result['recall']:.4f}, "
            f"false merges {result['false']} (between templated reports: {result['false_reports']}), "
            f"missed pairs {result['missed']}; {len(pages) / elapsed:,.0f} pages/s written"
        )
        groups: dict[str, set[str]] = defaultdict(set)
        for url, story in story_of.items():
            groups[story].add(url)
        partitions.append({frozenset(urls) for urls in groups.values()})
    if orders > 1:
        same = all(partition == partitions[0] for partition in partitions)
        print(f"the same stories in all {orders} orders: {'yes' if same else 'NO'}")


# --- compare: the alternatives --------------------------------------------------------------------------

#: Candidates verified per page in memory, those sharing the most keys first (`in_memory`).
CANDIDATES = 8

Keys = Callable[[str], list[int]]


def _hash64(text: str) -> int:
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def paragraph_keys(body: str) -> list[int]:
    """The previous fingerprint: one key per paragraph of 12+ letters, dateline cut."""
    texts = (fp._NOISE.sub("", fp.strip_dateline(p) if i == 0 else p) for i, p in enumerate(body.split("\n")))
    return list({_hash64(text) for text in texts if len(text) >= 12})


def simhash_keys(body: str) -> list[int]:
    shingles = fingerprint(body).shingles
    if len(shingles) < fp.MIN_SHINGLES:
        return []
    bits = (shingles[:, None] >> np.arange(64, dtype=np.uint64)[None, :]) & np.uint64(1)
    value = int(sum(1 << i for i, on in enumerate(bits.sum(axis=0) * 2 > len(shingles)) if on))
    return [(band << 16) | (value >> (16 * band)) & 0xFFFF for band in range(4)]


def minhash_keys(bands: int, rows: int) -> Keys:
    multipliers = np.array([_hash64(f"a{i}") & (2**64 - 1) | 1 for i in range(bands * rows)], dtype=np.uint64)
    offsets = np.array([_hash64(f"b{i}") & (2**64 - 1) for i in range(bands * rows)], dtype=np.uint64)

    def keys(body: str) -> list[int]:
        shingles = fingerprint(body).shingles
        if len(shingles) < fp.MIN_SHINGLES:
            return []
        minima = ((shingles[None, :] * multipliers[:, None] + offsets[:, None]) >> np.uint64(32)).min(axis=1)
        return [_hash64(f"{band}:{minima[band * rows : (band + 1) * rows].tolist()}") for band in range(bands)]

    return keys


def in_memory(pages: list[dict[str, Any]], bodies: list[str], keys_of: Keys, matching: Matching) -> dict[str, Any]:
    """The crawl's decision (first stored copy canonical) with `keys_of` finding candidates in memory."""
    index: dict[int, list[int]] = defaultdict(list)
    hashes: dict[int, int] = {}
    story: list[int] = []
    rows = candidates = 0
    key_time = 0.0
    started = time.perf_counter()
    for i, body in enumerate(bodies):
        began = time.perf_counter()
        keys = set(keys_of(body))
        key_time += time.perf_counter() - began
        match = hashes.get(fingerprint(body).body_hash)
        if match is None:
            this = fingerprint(body)
            shared = Counter(
                j
                for key in keys
                for j in index[key]
                if matching.may_match(this, fingerprint(bodies[j]).size, fingerprint(bodies[j]).figures)
            )  # as the database lookup does, from its n_shingles and figures columns
            candidates += len(shared)
            scored = [
                (similarity, j)
                for j, _ in shared.most_common(CANDIDATES)
                if (similarity := matching.compare(fingerprint(body), fingerprint(bodies[j]))) is not None
            ]
            match = max(scored)[1] if scored else None
        if match is None:
            story.append(i)
            hashes[fingerprint(body).body_hash] = i
            for key in keys:
                index[key].append(i)
            rows += len(keys)
        else:
            story.append(story[match])
    elapsed = time.perf_counter() - started
    result = score(pages, {page["url"]: str(story[i]) for i, page in enumerate(pages)})
    stored = len(set(story))
    return result | {"us": elapsed / len(bodies) * 1e6, "key_us": key_time / len(bodies) * 1e6,
                     "rows": rows / stored, "candidates": candidates / len(bodies)}  # fmt: skip


def stressed(pages: list[dict[str, Any]]) -> list[str]:
    rng, seen, bodies = random.Random(5), set(), []
    for page in pages:
        body = page["body"]
        if page["group"] in seen:
            roll = rng.random()
            if roll < 0.1:
                body = body.replace("\n", "")
            elif roll < 0.2:
                body = "\n".join(p[: len(p) // 2] + re.sub("[\u4e00-\u9fff]", "并", p[len(p) // 2 :], count=1)
                                 for p in body.split("\n"))  # fmt: skip
        seen.add(page["group"])
        bodies.append(body)
    return bodies


def compare(stories: int, stress: bool, matching: Matching) -> None:
    pages = labelled_pages(stories)
    random.Random(1).shuffle(pages)
    bodies = stressed(pages) if stress else [page["body"] for page in pages]
    methods: dict[str, Keys] = {
        "paragraph keys": paragraph_keys,
        "SimHash 4x16": simhash_keys,
        "MinHash-LSH 8x8": minhash_keys(8, 8),
        "MinHash-LSH 16x4": lambda body: list(fingerprint(body).bands[: fp.BANDS]),
        "16x4 + head 8x4 (finnews)": lambda body: list(fingerprint(body).bands),
        "MinHash-LSH 20x3": minhash_keys(20, 3),
    }
    print(f"{len(pages)} pages of {stories} stories{', stressed' if stress else ''}; candidates verified by Matching")
    print(f"{'candidates by':<28}{'precision':>10}{'recall':>8}{'missed':>8}{'false':>7}{'µs/page':>9}"
          f"{'keys µs':>9}{'keys/article':>13}{'cand./page':>11}")  # fmt: skip
    for name, keys_of in methods.items():
        r = in_memory(pages, bodies, keys_of, matching)
        print(f"{name:<28}{r['precision']:>10.4f}{r['recall']:>8.4f}{r['missed']:>8}{r['false']:>7}{r['us']:>9.0f}"
              f"{r['key_us']:>9.0f}{r['rows']:>13.1f}{r['candidates']:>11.1f}")  # fmt: skip


# --- lookup: cost as the index grows ------------------------------------------------------------------


def lookup(
    paths: list[str], samples: int, batch: int, matching: Matching, rounds: int = 3, cold: bool = False
) -> dict[int, dict[str, float]]:
    """The reprint lookup of a crawl's writer per item, `batch` pages at a time (a crawl's writer looks up each
    group commit at once). Two kinds of page: copies of stored articles (a stored body with one line more) and
    new stories (generated, copying nothing), `samples` of each kind, other ones each round (the caches keep
    what a round read, where a crawl's pages look up keys not read before). The body's fingerprint is timed
    apart: a crawl computes it once, before the writer (dedupe needs it), and it costs the same whatever the
    index holds. The databases take turns, `rounds` times, in alternating order (the machine's load drifts);
    each figure is the median over every lookup of its kind. CPU time is this process's (SQLite runs in it),
    wall time is what the writer waits. Unless `cold`, each database file is read through once first, so that
    the page cache holds it: a machine may drop the cache of a file not read for some minutes (this one does), and
    a 1M index read from disk costs three times as much (each key's leaf a read), which says where the file was,
    not what the lookup costs. Returns stored articles -> {"cpu", "wall", "new cpu", "new wall",
    "fingerprint cpu"}: median ms per item."""
    if not cold:
        for path in paths:
            with open(path, "rb") as file:
                while file.read(1 << 24):
                    pass
    new = ["\n".join(story_text(9, head, story_headline(9, head)).paragraphs)
           for head in (story_head(9, i) for i in range(10_000_000, 10_000_000 + samples * rounds))]  # fmt: skip
    connections, sampled, counts = [], [], []
    for path in paths:
        engine = db.make_engine(f"sqlite:///{path}", create=False, check=False)
        connection = engine.connect()
        counts.append((connection.scalar(select(func.count(ArticleRow.id))) or 0,
                       connection.scalar(select(func.count()).select_from(FingerprintRow)) or 0))  # fmt: skip
        ids = random.Random(5).sample(range(1, counts[-1][0] + 1), min(samples * rounds, counts[-1][0]))
        stored = [body for (body,) in connection.execute(select(ArticleRow.body).where(ArticleRow.id.in_(ids)))]
        connections.append(connection)
        sampled.append({"copies": [body + "\n(责任编辑:孙悦)" for body in stored], "new": new})
    times: list[dict[str, list[tuple[float, float, float]]]] = [{"copies": [], "new": []} for _ in paths]
    for round_ in range(rounds):
        for k in range(len(paths))[:: 1 if round_ % 2 == 0 else -1]:
            for kind, bodies in sampled[k].items():  # other pages each round: a crawl looks up new keys
                turn = bodies[round_ * samples : (round_ + 1) * samples] or bodies[:samples]
                times[k][kind] += _lookups(connections[k], turn, batch, matching, copies=kind == "copies")
    for connection in connections:
        connection.close()
    print(f"{'stored articles':>16} {'band keys':>11} {'copies: CPU ms':>15} {'wall ms':>8} {'new: CPU ms':>12} "
          f"{'wall ms':>8} {'fingerprint ms':>15}   lookup per item, median of {rounds} rounds, {batch} pages a lookup")  # fmt: skip
    medians = {}
    for (articles, keys), measured in zip(counts, times, strict=True):
        medians[articles] = {
            f"{'new ' if kind == 'new' else ''}{clock}": statistics.median(t[i] for t in measured[kind])
            for kind in ("copies", "new") for i, clock in enumerate(("cpu", "wall"))
        } | {"fingerprint cpu": statistics.median(t[2] for t in measured["copies"] + measured["new"])}  # fmt: skip
        print(f"{articles:>16,} {keys:>11,} " + " ".join(
            f"{medians[articles][name]:>{width}.3f}" for name, width in
            (("cpu", 15), ("wall", 8), ("new cpu", 12), ("new wall", 8), ("fingerprint cpu", 15))
        ))  # fmt: skip
    base = medians[min(medians)]
    for name in ("cpu", "new cpu"):
        print(f"{name} per item, ratio to the smallest: "
              + ", ".join(f"{n:,}: {m[name] / base[name]:.2f}" for n, m in medians.items())
              + "; with the fingerprint: "
              + ", ".join(f"{n:,}: {(m[name] + m['fingerprint cpu']) / (base[name] + base['fingerprint cpu']):.2f}"
                          for n, m in medians.items()))  # fmt: skip
    return medians


def _lookups(
    connection: Connection, bodies: list[str], batch: int, matching: Matching, copies: bool
) -> list[tuple[float, float, float]]:
    """(lookup CPU, lookup wall, fingerprint CPU) ms per item of each lookup of `batch` of `bodies` (each a copy
    of a stored story, or not)."""
    fingerprint.cache_clear()
    find_copies(connection, [Page("http://new/warm-up", fingerprint(bodies[0]))], matching)  # caches
    times = []
    for start in range(0, len(bodies), batch):
        chunk = bodies[start : start + batch]
        cpu = time.process_time()
        pages = [Page(f"http://new/{start + i}", fingerprint(body)) for i, body in enumerate(chunk)]
        fingerprinted, wall = time.process_time(), time.perf_counter()
        found = find_copies(connection, pages, matching)
        lookup_cpu, wall = time.process_time() - fingerprinted, time.perf_counter() - wall
        times.append(
            (lookup_cpu / len(chunk) * 1000, wall / len(chunk) * 1000, (fingerprinted - cpu) / len(chunk) * 1000)
        )
        assert len(found) == (len(chunk) if copies else 0), (len(found), len(chunk))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("accuracy", "compare", "lookup"))
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1, help="accuracy: write the pages in this many orders")
    parser.add_argument("--stress", action="store_true", help="compare: add drift the generator does not make")
    parser.add_argument("--db", action="append", default=[], help="lookup: SQLite databases to query")
    parser.add_argument("--samples", type=int, default=300, help="lookup: pages of each kind per database")
    parser.add_argument("--rounds", type=int, default=3, help="lookup: turns each database takes")
    parser.add_argument("--batch", type=int, default=20, help="lookup: pages looked up at once")
    parser.add_argument(
        "--cold", action="store_true", help="lookup: do not read the databases into the page cache first"
    )
    parser.add_argument("--threshold", type=float, default=Matching.threshold)
    args = parser.parse_args()
    matching = Matching(args.threshold)
    if args.what == "accuracy":
        accuracy(args.stories, args.orders, matching)
    elif args.what == "compare":
        compare(args.stories, args.stress, matching)
    else:
        lookup(args.db, args.samples, args.batch, matching, args.rounds, args.cold)


if __name__ == "__main__":
    main()
