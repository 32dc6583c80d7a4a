"""Content fingerprints of article bodies: shingles, MinHash-LSH band keys, figures (pure, no I/O).

See the package docstring for the method. The hash functions below are fixed forever: stored band keys
depend on them (a change needs a migration that recomputes every stored article's keys).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b

import numpy as np
import numpy.typing as npt

SHINGLE = 4
#: Bodies with fewer shingles (about 40 characters) match only when equal (`body_hash`): too short to tell apart.
MIN_SHINGLES = 40
BANDS, ROWS = 16, 4

# Everything but letters, digits and CJK ideographs: punctuation and spacing drift between copies.
_NOISE = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")

# A news-agency dateline at the start of a body: "中新网9月3日电 ", "新华社北京9月3日电(记者 王磊)",
# "21世纪经济报道8月21日讯", "本报讯 ". Not "公司于9月3日电话会议中..." (电话, 电视, 电力... are words).
_DATELINE = re.compile(
    r"^\s*(?:[0-9A-Za-z\u4e00-\u9fff·]{1,14}?\d{1,2}月\d{1,2}日(?:电(?![话视脑力影商池子网信器厂费价量站动气])|讯|消息)"
    r"(?:[(（][^)）]{0,30}[)）])?|本报讯|据[\u4e00-\u9fff]{2,8}报道)[\s,，:：]*"
)


def _hash64(data: bytes) -> int:
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big", signed=True)


# The 64 hash functions (a * x + b) of the min-hashes, fixed forever: stored band keys depend on them.
_MULTIPLIERS, _OFFSETS = (
    np.array([_hash64(f"{name}{i}".encode()) & (2**64 - 1) | 1 for i in range(BANDS * ROWS)], dtype=np.uint64)
    for name in ("a", "b")
)
_U64 = npt.NDArray[np.uint64]


def strip_dateline(text: str) -> str:
    """Cut a news-agency dateline from the front of a text.

    >>> strip_dateline("中新网9月3日电 央行今日开展逆回购操作。")
    '央行今日开展逆回购操作。'
    >>> strip_dateline("9月3日A股收盘:沪指涨0.52%")
    '9月3日A股收盘:沪指涨0.52%'
    """
    return _DATELINE.sub("", text, count=1)


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What reprint detection knows of a body (see the module docstring)."""

    body_hash: int  # exact: equal for bodies equal but for spacing and punctuation
    shingles: _U64  # hashes of the distinct shingles, sorted
    figures: tuple[str, ...]  # the numbers it states, sorted
    bands: tuple[int, ...]  # LSH keys; none for a body under MIN_SHINGLES

    @property
    def size(self) -> int:
        return len(self.shingles)


@lru_cache(maxsize=1024)  # a body goes through dedupe, storage and the writer's re-check: computed once
def fingerprint(body: str | None) -> Fingerprint:
    """The fingerprint of a clean article body.

    >>> a = fingerprint("中新网9月3日电 央行今日开展了1000亿元逆回购操作,中标利率持平。")
    >>> b = fingerprint("央行今日开展了 1000 亿元逆回购操作，中标利率持平")
    >>> a.body_hash == b.body_hash, a.figures, a.size
    (True, ('1000',), 21)
    """
    text = unicodedata.normalize("NFKC", strip_dateline(body or ""))
    letters = _NOISE.sub("", text)
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    count = max(0, len(codes) - SHINGLE + 1)
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):  # a polynomial hash of each window, then a 64-bit mix (murmur3's finaliser)
        hashes = hashes * np.uint64(1_000_003) + codes[offset : offset + count]
    hashes ^= hashes >> np.uint64(33)
    hashes *= np.uint64(0xFF51AFD7ED558CCD)
    hashes ^= hashes >> np.uint64(33)
    shingles = np.unique(hashes)
    bands: tuple[int, ...] = ()
    if len(shingles) >= MIN_SHINGLES:
        minima = ((shingles[None, :] * _MULTIPLIERS[:, None] + _OFFSETS[:, None]) >> np.uint64(32)).min(axis=1)
        rows = minima.astype("<u8").reshape(BANDS, ROWS)
        bands = tuple(_hash64(bytes([band]) + rows[band].tobytes()) for band in range(BANDS))
    figures = tuple(sorted(_FIGURE.findall(_THOUSANDS.sub("", text))))
    return Fingerprint(_hash64(letters.encode()), shingles, figures, bands)
