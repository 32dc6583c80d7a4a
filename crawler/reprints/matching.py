"""The matching rule: when two fingerprinted bodies are one story, and which copy is the story's origin."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from crawler.normalize.outlets import canonical_source
from crawler.reprints.fingerprint import MIN_SHINGLES, Fingerprint


@dataclass(frozen=True)
class Matching:
    """When two bodies are one story: equal (`body_hash`), or the smaller one's shingles are at least
    `threshold` contained in the other's (so a copy missing its last paragraph still matches), the
    smaller keeps at least `min_ratio` of the other's length, and every figure the smaller states
    is stated by the other too."""

    threshold: float = 0.6
    min_ratio: float = 0.5

    def may_match(self, body: Fingerprint, other_size: int, other_figures: tuple[str, ...]) -> bool:
        """Whether `body` can match a body of `other_size` shingles stating `other_figures`: what a lookup
        checks before it reads the other body.

        >>> from crawler.reprints.fingerprint import fingerprint
        >>> body = fingerprint("沪指涨0.52%报2802.98点,创业板指全天震荡走高,两市成交额较上一交易日明显放量,券商板块领涨。")
        >>> match = Matching()
        >>> match.may_match(body, 60, ("0.52", "2802.98")), match.may_match(body, 60, ("0.53", "2802.98"))
        (True, False)
        >>> match.may_match(body, 200, ("0.52", "2802.98"))  # less than half the other's length
        False
        """
        if min(body.size, other_size) < max(MIN_SHINGLES, self.min_ratio * max(body.size, other_size)):
            return False
        small, large = (body.figures, other_figures) if body.size <= other_size else (other_figures, body.figures)
        return set(small) <= set(large) and not Counter(small) - Counter(large)  # the set test is the quick one

    def compare(self, a: Fingerprint, b: Fingerprint) -> float | None:
        """The containment of the smaller body in the other if they are one story, else None.

        >>> from crawler.reprints.fingerprint import fingerprint
        >>> day1 = fingerprint("9月3日A股收盘:沪指涨0.52%报2802.98点,深成指涨0.81%报8405.12点,两市成交额合计6512亿元。")
        >>> day2 = fingerprint("9月3日A股收盘:沪指涨0.52%报2802.98点,深成指涨0.81%报8405.12点,两市成交额合计5988亿元。")
        >>> Matching().compare(day1, day1), Matching().compare(day1, day2)
        (1.0, None)
        """
        if a.body_hash == b.body_hash:
            return 1.0
        if not self.may_match(a, b.size, b.figures):
            return None
        shared = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
        containment = shared / min(a.size, b.size)
        return containment if containment >= self.threshold else None


def is_origin(copy: dict[str, Any], canonical: Any) -> bool:
    """Whether a copy is clearly the story's origin rather than the stored canonical article: it was
    published earlier, or its portal is the outlet the canonical article names as its 来源 while the
    copy names none (it is the portal's own story).

    `copy` is the copy's article row (`published_at`, `source`, `site_name`); `canonical` has the stored
    article's `published_at` and `source_canonical`.
    """
    if copy["published_at"] and canonical.published_at and copy["published_at"] < canonical.published_at:
        return True
    outlet = canonical_source(copy.get("site_name"))
    return copy["source"] is None and outlet is not None and outlet == canonical.source_canonical
