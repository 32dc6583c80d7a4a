"""View counts: the 阅读/点击 count a page shows ("阅读量:11003", "1.2万", "10万+") as an integer."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from re import Match

from crawler.normalize import patterns as P
from crawler.normalize.characters import fold_width, normalize_space

MAX_VIEWS = 1_000_000_000  # 10 亿: more is a counter bug, not an audience


def parse_views(text: str | None) -> tuple[int | None, bool]:
    """The 阅读/点击 count in `text` and whether it is a lower bound ("10万+"), or (None, False).

    Tries a CMS counter script, then a labelled count, then "<n>次", then a bare number.

    >>> parse_views("阅读量:11003")
    (11003, False)
    >>> parse_views("1.2万")
    (12000, False)
    >>> parse_views("10万+")
    (100000, True)
    >>> parse_views("$('#hits').html('11003');")
    (11003, False)
    >>> parse_views("阅读全文")
    (None, False)
    """
    if not isinstance(text, str):
        return None, False
    text = normalize_space(fold_width(text))
    if not P.DIGIT.search(text):
        return None, False
    for pattern in P.VIEWS_PATTERNS:
        match = pattern.search(text)
        if match:
            return _views_value(match)
    return None, False


def _views_value(match: Match[str]) -> tuple[int | None, bool]:
    digits = match["num"].replace(",", "")
    unit = (match["unit"] or "").lower()
    if match["neg"] or len(digits) > 15 or ("." in digits and not unit):
        return None, False
    try:
        count = int(Decimal(digits) * P.VIEWS_UNITS[unit])
    except (InvalidOperation, KeyError):
        return None, False
    if count > MAX_VIEWS:
        return None, False
    return count, match["plus"] is not None
