"""Every performance figure of the README in one table: `make bench` (a few minutes), `make bench-full`.

    .venv/bin/python -m benchmarks.table [--full] [--data data/bench]

Runs, in this order, the benchmarks each figure comes from (their own output is printed as they go, the
table last):
- crawl: finnews against a bare Scrapy spider on the same URLs, same concurrency, same run
  (`benchmarks/crawl.py ratio`, 1,000 stories; --full: 2,000; the best of CRAWL_ROUNDS rounds, as the README's
  figure is measured), as configured by default (one extraction worker
  process where the crawl may use more than one core) and with pages read in the crawl's own process, and the
  cProfile top of a finnews crawl;
- --full only: one 20,000-story crawl (`benchmarks/crawl.py scale`): pages/s and CPU ms per response in its first
  and last tenth, peak RSS, missed reprints;
- extraction ms per page (median, in process) on the golden pages (tests/golden) and on the real pages of
  ../shared/realpages (`benchmarks/extractors.py`);
- reprint lookup per item, 20 pages a lookup (`benchmarks/reprints.py lookup`, three alternating rounds) at
  1k / 20k stored articles (--full: 1k / 20k / 100k / 1M), copies and new stories, alone and with the page's
  fingerprint (the reprint check per item, as issue 21 measured it); databases bulk-filled once
  into --data (`benchmarks/storage.py bulk_fill`: about 40 minutes for 1M on two busy cores) and reused;
- storage: the writer's rows/s (`benchmarks/storage.py write`, 20,000 rows) and `finnews export` rows/s over
  the largest lookup database.

Machine-dependent: quote ratios measured in one run (crawl / bare Scrapy, lookup at N / lookup at 1k).
"""

from __future__ import annotations

import argparse
import os
import platform
from datetime import datetime
from pathlib import Path

from benchmarks import crawl, extractors, reprints, storage
from crawler.models import SHANGHAI
from crawler.reprints.matching import Matching

PROJECT = Path(__file__).resolve().parent.parent


def _check(lookup: dict[str, float], base: dict[str, float], kind: str) -> str:
    """The reprint check's cost per item (fingerprint and lookup, as issue 21 first measured it) against the 1k
    database's."""
    ratio = (lookup[f"{kind}cpu"] + lookup["fingerprint cpu"]) / (base[f"{kind}cpu"] + base["fingerprint cpu"])
    return f"{ratio:.2f}"


#: The real pages (issue 14), beside the checkout as CI has them.
REAL_PAGES = PROJECT.parent / "shared" / "realpages"
#: Rounds of each crawler in the crawl ratio, which is the best round's: the README's figure and
#: `benchmarks/crawl.py ratio --rounds 3` (session 21: make bench-full's two rounds gave 0.58 where three had given
#: 0.62 in the minutes before).
CRAWL_ROUNDS = 3


def extraction_ms() -> dict[str, float]:
    """Median ms per page of finnews' extraction, in process: golden pages and the real pages (where REAL_PAGES are)."""
    extract = extractors.finnews_in_process(datetime.now(SHANGHAI))
    sets = {"golden pages": extractors.load_pages([PROJECT / "tests" / "golden"])}
    if REAL_PAGES.is_dir():
        sets["real pages"] = extractors.load_truth(PROJECT / "tests" / "realpages" / "truth.jsonl", REAL_PAGES)
    medians = {}
    for name, pages in sets.items():
        run = extractors.run_extractor("finnews", extract, pages, repeat=3)
        medians[f"{name} ({len(pages)})"] = extractors.summarize(run, pages)["median ms"]
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the 20,000-story crawl and the 1M-row lookup")
    parser.add_argument("--data", type=Path, default=PROJECT / "data" / "bench", help="lookup databases (reused)")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []

    stories = 2000 if args.full else 1000
    inline = "FINNEWS_EXTRACTION_PROCESSES=0"
    crawled = crawl.ratio(stories, rounds=CRAWL_ROUNDS, profile=True, variant=[inline])
    rows += [
        (f"crawl of {stories:,} stories, speed as a share of bare Scrapy", f"{crawled['ratio']:.2f}",
         f"{crawled['pages_per_s']:.0f} vs {crawled['bare_pages_per_s']:.0f} responses/s; "
         f"CPU seconds bare / finnews {crawled['cpu_ratio']:.2f}"),
        (f"the same, article pages read in the crawl's process ({inline})",
         f"{crawled[f'ratio finnews {inline}']:.2f}", "same rounds"),
        ("crawl peak RSS", f"{crawled['peak_rss_mb']:.0f} MB",
         f"{stories:,} stories; its extraction worker process {crawled['workers_peak_rss_mb']:.0f} MB"),
    ]  # fmt: skip
    if args.full:
        scaled = crawl.scale(20000)
        rows += [
            ("20,000-story crawl: responses/s, first / last tenth",
             f"{scaled['start']:.0f} / {scaled['end']:.0f}", f"last / first {scaled['end'] / scaled['start']:.0%}"),
            ("20,000-story crawl: CPU ms of its process per response, first / last tenth",
             f"{scaled['cpu_ms_start']:.2f} / {scaled['cpu_ms_end']:.2f}",
             f"last / first {scaled['cpu_ms_end'] / scaled['cpu_ms_start']:.2f}"),
            ("20,000-story crawl peak RSS", f"{scaled['peak_rss_mb']:.0f} MB", f"{scaled['responses']:,} responses"),
            ("20,000-story crawl reprints missed / false merges", f"{scaled['missed']} / {scaled['false']}",
             f"{scaled['reprints']:,} reprints recorded"),
        ]  # fmt: skip
    for name, ms in extraction_ms().items():
        rows.append((f"extraction, median ms per page: {name}", f"{ms:.2f}", "in process"))
    if not REAL_PAGES.is_dir():
        rows.append(("extraction, median ms per page: real pages", "not measured", f"no {REAL_PAGES}"))

    sizes = [1000, 20_000, 100_000, 1_000_000] if args.full else [1000, 20_000]
    paths = [storage.filled(n, str(args.data / f"articles-{n}.db")) for n in sizes]
    lookups = reprints.lookup(paths, samples=300, batch=20, matching=Matching(), rounds=3)
    base = lookups[min(lookups)]
    for stored, lookup in lookups.items():
        rows.append((
            f"reprint lookup per item, {stored:,} stored: a copy / a new story, CPU (wall)",
            f"{lookup['cpu']:.2f} ({lookup['wall']:.2f}) / {lookup['new cpu']:.2f} ({lookup['new wall']:.2f}) ms",
            f"CPU {lookup['cpu'] / base['cpu']:.2f}x / {lookup['new cpu'] / base['new cpu']:.2f}x the 1k cost; "
            f"the reprint check (the page's fingerprint, then the lookup) {_check(lookup, base, '')}x / "
            f"{_check(lookup, base, 'new ')}x; fingerprint {lookup['fingerprint cpu']:.2f} ms",
        ))  # fmt: skip

    written = storage.bench_write(20000)
    exported = storage.bench_export(sizes[-1], paths[-1])
    rows += [
        ("storage: writer rows/s (20,000 rows)", f"{written['rows_per_s']:,.0f}",
         f"{written['rows_per_s'] / written['plain_rows_per_s']:.2f} of sqlite3.executemany"),
        (f"export rows/s ({sizes[-1]:,} articles)", f"{exported['rows_per_s']:,.0f}",
         f"peak RSS {exported['peak_rss_mb']:.0f} MB"),
    ]  # fmt: skip

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n## finnews benchmarks ({'make bench-full' if args.full else 'make bench'})")
    print(f"{platform.platform()}, {os.cpu_count()} CPUs, load average {load} at the end\n")
    print("| figure | value | beside it |\n|---|---|---|")
    for figure, value, note in rows:
        print(f"| {figure} | {value} | {note} |")


if __name__ == "__main__":
    main()
