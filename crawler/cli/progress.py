"""The progress bar of the commands that take long (`finnews export -o`, `db upgrade`, `reextract`): on
stderr, and only where someone watches it (a terminal), so logs, pipes and cron mail stay clean."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from tqdm import tqdm


def progress_bar(
    unit: str, total: int | Callable[[], int | None] | None = None, iterable: Iterable[Any] | None = None
) -> tqdm[Any]:
    """A bar counting `unit`s (of `iterable`, as it is iterated, or by `update`) up to `total` on stderr if it
    is a terminal; a silent one otherwise. A callable `total` is called only where the bar is shown (a count
    that costs a query).

    >>> with progress_bar("pages", total=lambda: 1 / 0, iterable=range(3)) as bar:  # no terminal: no bar
    ...     sum(bar), bar.disable
    (3, True)
    """
    shown = sys.stderr.isatty()
    if callable(total):
        total = total() if shown else None
    return tqdm(iterable, total=total, unit=f" {unit}", disable=not shown, file=sys.stderr)
