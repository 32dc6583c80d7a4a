"""CPU time of `finnews extract`'s whole extraction of each real page against lxml.html's parse of it (issue 14's
speed goal: the extraction at most 5 times the parse), in this checkout and, side by side, in others.

    .venv/bin/python -m benchmarks.extraction_speed [--pages ../shared/realpages] [--rounds 4] [CHECKOUT ...]

Per page: the fastest of 5 runs of `crawler.cli.extraction.extract_record` (URL: the file's, so the page's own
URL is read from it as the CLI does) and of `lxml.html.fromstring`, in CPU time (`time.process_time`: the machine
is shared). Each round measures every checkout in a process of its own (this one first, then the CHECKOUTs
given, the order reversed every other round); a page counts its fastest run over the rounds. Printed per
checkout: the median and p90 of the extraction, the median parse, their ratio, and the median per-page ratio
to this checkout's time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
RUNS = 5  # per page and round: the fastest counts


def measure(pages: Path) -> dict[str, list[float]]:
    """Milliseconds per page of the extraction and of the parse, in the checkout this process imports (its
    PYTHONPATH: imported here, not at the top, so that the parent process imports no checkout's code)."""
    import lxml.html

    from crawler.cli.extraction import extract_record
    from crawler.vocabulary import SHANGHAI

    now = datetime.now(SHANGHAI)
    found: dict[str, list[float]] = {"extract": [], "parse": []}
    for line in (pages / "MANIFEST.jsonl").read_text(encoding="utf-8").splitlines():
        path = pages / json.loads(line)["path"]
        html, url = path.read_bytes(), path.as_uri()
        extract_record(html, url, now)  # warm-up
        extract = parse = float("inf")
        for _ in range(RUNS):
            started = time.process_time()
            extract_record(html, url, now)
            extract = min(extract, time.process_time() - started)
            started = time.process_time()
            lxml.html.fromstring(html)
            parse = min(parse, time.process_time() - started)
        found["extract"].append(1000 * extract)
        found["parse"].append(1000 * parse)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkouts", nargs="*", type=Path, metavar="CHECKOUT", help="other checkouts to time")
    parser.add_argument("--pages", type=Path, default=PROJECT.parent / "shared" / "realpages")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # one round, in a child process
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.pages)))
        return 0
    checkouts = [PROJECT, *(path.resolve() for path in args.checkouts)]
    best: dict[Path, dict[str, list[float]]] = {}
    for round_ in range(args.rounds):
        for checkout in checkouts if round_ % 2 == 0 else checkouts[::-1]:
            # Run as a script: its folder, not the working directory, heads sys.path, and the checkout's code is found.
            command = [sys.executable, __file__, "--measure", "--pages", str(args.pages)]
            env = {**os.environ, "PYTHONPATH": str(checkout)}
            result = json.loads(subprocess.run(command, env=env, capture_output=True, check=True).stdout)
            known = best.setdefault(checkout, result)
            for name, values in result.items():
                known[name] = [min(pair) for pair in zip(known[name], values, strict=True)]
    from benchmarks.extractors import p90  # after the rounds: it imports this checkout's code, which they do not need

    print(f"{len(best[PROJECT]['extract'])} pages, fastest of {RUNS} runs x {args.rounds} rounds; ms of CPU time")
    for checkout, times in best.items():
        extract, parse = statistics.median(times["extract"]), statistics.median(times["parse"])
        relative = statistics.median(a / b for a, b in zip(times["extract"], best[PROJECT]["extract"], strict=True))
        print(
            f"{checkout}: extraction median {extract:.2f} (p90 {p90(times['extract']):.2f}), parse median {parse:.2f},"
            f" {extract / parse:.2f} x the parse; per page x {relative:.3f} of this checkout's"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
