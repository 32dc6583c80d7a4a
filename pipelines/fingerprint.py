"""Content fingerprints of article bodies, for reprint detection (pure, no I/O).

A body's *keys* are 64-bit hashes of its paragraphs reduced to their letters, digits and CJK
characters, with a news-agency dateline (`中新网9月3日电`) cut from the front. Reprint drift (spacing,
ASCII vs full-width punctuation, an added dateline or editor line, a dropped last paragraph) leaves
most keys unchanged, while two templated market reports that differ in their figures share none of
the paragraphs that carry figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import blake2b

#: Shorter paragraphs ("电商直播兴起推动产业援藏") are headings or boilerplate: too common to key on.
MIN_KEY_CHARS = 12

# Everything but letters, digits and CJK ideographs: punctuation and spacing drift between copies.
_NOISE = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")

# A news-agency dateline at the start of a body: "中新网9月3日电 ", "新华社北京9月3日电(记者 王磊)",
# "本报讯 ". Not "公司于9月3日电话会议中..." (电话, 电视, 电力... are words, not a dateline).
_DATELINE = re.compile(
    r"^\s*(?:[\u4e00-\u9fff·]{1,12}?\d{1,2}月\d{1,2}日(?:电(?![话视脑力影商池子网信器厂费价量站动气])|讯|消息)"
    r"(?:[(（][^)）]{0,30}[)）])?|本报讯|据[\u4e00-\u9fff]{2,8}报道)[\s,，:：]*"
)


def _key(text: str) -> int:
    digest = blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def strip_dateline(paragraph: str) -> str:
    """Cut a news-agency dateline from the front of a paragraph.

    >>> strip_dateline("中新网9月3日电 央行今日开展逆回购操作。")
    '央行今日开展逆回购操作。'
    >>> strip_dateline("9月3日A股收盘:沪指涨0.52%")
    '9月3日A股收盘:沪指涨0.52%'
    """
    return _DATELINE.sub("", paragraph, count=1)


def paragraph_keys(body: str | None) -> list[int]:
    """Distinct keys of the body's substantial paragraphs, in order.

    >>> paragraph_keys("中新网9月3日电 央行今日开展了一千亿元逆回购操作。") == paragraph_keys(
    ...     "央行今日开展了一千亿元逆回购操作")
    True
    >>> paragraph_keys("短段落")
    []
    """
    keys: list[int] = []
    for i, paragraph in enumerate((body or "").split("\n")):
        text = _NOISE.sub("", strip_dateline(paragraph) if i == 0 else paragraph)
        if len(text) >= MIN_KEY_CHARS:
            key = _key(text)
            if key not in keys:
                keys.append(key)
    return keys


def body_hash(body: str | None) -> int:
    """Exact fingerprint of a body, insensitive to spacing and punctuation."""
    return _key(_NOISE.sub("", body or ""))


@dataclass(frozen=True)
class Matching:
    """When two bodies are one story: they share at least `min_shared` paragraph keys, making at least
    `threshold` of the smaller key set (containment, so a copy missing a paragraph or carrying an
    extra one still matches); or their body hashes are equal (`body_hash`)."""

    threshold: float = 0.6
    min_shared: int = 2

    def similarity(self, shared: int, n_keys: int, n_other: int) -> float | None:
        """The containment of two key sets of sizes `n_keys` and `n_other` sharing `shared` keys, if
        that makes them one story; else None.

        >>> Matching().similarity(3, 4, 3)
        1.0
        >>> Matching().similarity(2, 5, 5) is None  # 0.4 < threshold
        True
        >>> Matching().similarity(1, 1, 1) is None  # fewer than min_shared
        True
        """
        smaller = min(n_keys, n_other)
        if smaller == 0 or shared < self.min_shared:
            return None
        similarity = shared / smaller
        return similarity if similarity >= self.threshold else None

    def compare(self, keys: Iterable[int], other: Iterable[int]) -> float | None:
        """`similarity` of two key lists.

        >>> Matching().compare([1, 2, 3, 4], [1, 2, 3])
        1.0
        """
        a, b = set(keys), set(other)
        return self.similarity(len(a & b), len(a), len(b))
