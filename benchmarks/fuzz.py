"""The long fuzz run (`make fuzz`): the extraction and normalisation entry points of tests/fuzzing.py,
`--cases` in all shared between them (or until `--minutes`), every exception counted as a crash and the
first of each kind shown. Prints cases tried and crashes found per entry point; exit status 1 if any.

    .venv/bin/python -m benchmarks.fuzz --cases 100000 --minutes 10
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import traceback
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from tests.fuzzing import ENTRY_POINTS, EntryPoint


class Budget(Exception):
    """The time budget of an entry point is spent."""


def fuzz(entry: EntryPoint, cases: int, seconds: float) -> tuple[int, Counter[str]]:
    """Run `entry` on up to `cases` generated inputs (at most `seconds`); (cases tried, crashes by kind)."""
    tried, crashes, deadline = 0, Counter[str](), time.monotonic() + seconds

    @settings(max_examples=cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(entry.strategy)
    def run(value: Any) -> None:
        nonlocal tried
        if time.monotonic() > deadline:
            raise Budget
        tried += 1
        try:
            entry.check(value)
        except Exception as exc:
            kind = f"{type(exc).__name__} in {traceback.extract_tb(exc.__traceback__)[-1].name}"
            if not crashes[kind]:
                print(f"  crash: {kind}: {exc!s:.200} on {value!r:.300}", file=sys.stderr)
            crashes[kind] += 1

    with contextlib.suppress(Budget):
        run()
    return tried, crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="cases in all, shared by the entry points")
    parser.add_argument("--minutes", type=float, default=10.0, help="time budget in all")
    args = parser.parse_args()
    started, total, crashed = time.monotonic(), 0, 0
    for entry in ENTRY_POINTS:
        tried, crashes = fuzz(entry, args.cases // len(ENTRY_POINTS), args.minutes * 60 / len(ENTRY_POINTS))
        total, crashed = total + tried, crashed + sum(crashes.values())
        print(f"{entry.name:<24} {tried:>8,} cases  {sum(crashes.values()):>4} crashes", flush=True)
    print(f"{'all':<24} {total:>8,} cases  {crashed:>4} crashes in {(time.monotonic() - started) / 60:.1f} min")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
