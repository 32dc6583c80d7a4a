"""Deterministic draws keyed by values rather than by a `Random` stream."""

from __future__ import annotations

import hashlib


def unit(*parts: object) -> float:
    """A number in [0, 1) that depends only on `parts` (fault choices, read counts, rankings).

    >>> unit(1, "dede", "/a/1.html") == unit(1, "dede", "/a/1.html") != unit(2, "dede", "/a/1.html")
    True
    """
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
