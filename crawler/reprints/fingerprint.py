"""Content fingerprints of article bodies: shingles, MinHash-LSH band keys, figures (pure, no I/O).

See the package docstring for the method. Stored articles keep what `fingerprint` gives (band keys, body
hash, size, figures): a change to what it gives for any body bumps VERSION, and `crawler.rekey` then
recomputes every stored article's from its stored body (`finnews db upgrade`, or the next crawl).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from hashlib import blake2b

import numpy as np
import numpy.typing as npt

from crawler.items import Article
from crawler.normalize.article import normalize_article
from crawler.normalize.characters import fold_width

#: The version of what `fingerprint` gives, as stored (`crawler.rekey`). 1: migration 0005's (whole-body keys,
#: the dateline cut before width folding); 2: head keys, width and spacing folded before the dateline is cut;
#: 3: the figures key.
VERSION = 3

SHINGLE = 4
#: Bodies with fewer shingles (about 40 characters) match only when equal (`body_hash`): too short to tell apart.
MIN_SHINGLES = 40
BANDS, ROWS = 16, 4
#: The head of a body, its first HEAD shingles in text order, gets HEAD_BANDS keys of its own (from the first
#: HEAD_BANDS * ROWS min-hash functions): a copy cut short after its first paragraphs keeps the head of the
#: story whole, where its whole shingle set overlaps the story's by little more than half.
HEAD, HEAD_BANDS = 64, 8
#: A body stating this many figures or more gets one more key, of its figures (all of them, sorted). Templated
#: reports (a daily market close, a fund's notice) share their wording and differ in their figures: once the
#: index caps the keys of their common wording (`crawler.reprints.index.MAX_BAND_HOLDERS`), a late report holds
#: few keys, and a copy of it that differs by a sentence may share none of those. Its figures, which copies
#: keep, still find it.
MIN_FIGURES = 3

# Everything but letters, digits and CJK ideographs: punctuation and spacing drift between copies.
_NOISE = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
# Written to start with what they match (the comma, a space) and look behind it after: a pattern that starts
# with a look-behind is tried at every character of a body, a tenth of the speed.
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3})")
# Spacing inside a number, as an editor's "fix" or a full-width copy leaves it: "538 . 61", "1, 482" (a space
# run after a digit and before a point or comma and a digit, or after a point or comma and before a digit).
_SPACED_NUMBER = re.compile(r"\s(?:(?<=\d\s)\s*(?=[.,]\s*\d)|(?<=[.,]\s)\s*(?=\d))")

# A news-agency dateline at the start of a body: "中新网9月3日电 ", "新华社北京9月3日电(记者 王磊)",
# "21世纪经济报道8月21日讯", "本报讯 ". Not "公司于9月3日电话会议中..." (电话, 电视, 电力... are words).
# Matched after width folding (NFKC: full-width digits and brackets are ASCII) and with spacing anywhere
# between its parts: "中新网 2 月 28 日电", "新华社北京 9月3日 电 (记者 王磊)".
_DATELINE = re.compile(
    r"^\s*(?:[0-9A-Za-z\u4e00-\u9fff· ]{1,14}?\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*"
    r"(?:电(?![话视脑力影商池子网信器厂费价量站动气])|讯|消息)"
    r"\s*(?:[(（][^)）]{0,30}[)）])?|本\s*报\s*讯|据\s*[\u4e00-\u9fff]{2,8}\s*报道)[\s,，:：]*"
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
    """Cut a news-agency dateline from the front of a text (spaced or not; fold width first).

    >>> strip_dateline("中新网9月3日电 央行今日开展逆回购操作。")
    '央行今日开展逆回购操作。'
    >>> strip_dateline("中新网 9 月 3 日电 央行今日开展逆回购操作。")
    '央行今日开展逆回购操作。'
    >>> strip_dateline("9月3日A股收盘:沪指涨0.52%")
    '9月3日A股收盘:沪指涨0.52%'
    """
    return _DATELINE.sub("", text, count=1)


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What reprint detection knows of a body (see the module docstring)."""

    body_hash: int  # exact: equal for bodies equal but for spacing, punctuation and character width
    shingles: _U64  # hashes of the distinct shingles, sorted
    figures: tuple[str, ...]  # the numbers it states, sorted
    # Index keys: BANDS LSH keys of the whole body, HEAD_BANDS of its head, then its figures key (at MIN_FIGURES
    # figures or more); none under MIN_SHINGLES.
    bands: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.shingles)


#: Fingerprints computed in an extraction worker process (`normalized_and_fingerprinted`), each waiting for the
#: first `fingerprint` of its body in the crawl's process, which comes as the article leaves NormalizePipeline for
#: DedupePipeline; forgotten all at once past _GIVEN_LIMIT (those of articles dropped in between, or of a body
#: cached already: computed again if asked, never wrong).
_GIVEN: dict[str | None, Fingerprint] = {}
_GIVEN_LIMIT = 256


@lru_cache(maxsize=1024)  # a body goes through dedupe, storage and the writer's re-check: computed once
def fingerprint(body: str | None) -> Fingerprint:
    """The fingerprint of a clean article body (computed once: `given` to this process, or here).

    >>> a = fingerprint("中新网9月3日电 央行今日开展了1000亿元逆回购操作,中标利率持平。")
    >>> b = fingerprint("央行今日开展了 1000 亿元逆回购操作，中标利率持平")
    >>> a.body_hash == b.body_hash, a.figures, a.size
    (True, ('1000',), 21)
    """
    handed = _GIVEN.pop(body, None)  # atomic: the writer's thread asks too
    return handed if handed is not None else compute(body)


def given(body: str | None, computed: Fingerprint) -> None:
    """Let the next `fingerprint(body)` be `computed`, which a worker process computed for this body."""
    if len(_GIVEN) >= _GIVEN_LIMIT:
        _GIVEN.clear()
    _GIVEN[body] = computed


def normalized_and_fingerprinted(
    article: Article, now: datetime, title_suffix: str | None
) -> tuple[list[str], Article, Fingerprint]:
    """`normalize_article`'s findings, the article it cleaned and its body's fingerprint: what the crawl's
    `NormalizePipeline` has an extraction worker process run (the article goes and comes back pickled; the
    fingerprint comes back to be `given`, the crawl's event loop spared both)."""
    findings = normalize_article(article, now, title_suffix)
    return findings, article, compute(article.body)


def compute(body: str | None) -> Fingerprint:
    """`fingerprint`, computed (no cache)."""
    text = _folded(body)
    letters = _NOISE.sub("", text)
    hashes = _shingle_hashes(letters)
    distinct = _distinct(hashes)
    figures = tuple(sorted(_FIGURE.findall(_THOUSANDS.sub("", _SPACED_NUMBER.sub("", text)))))
    bands: tuple[int, ...] = ()
    if len(distinct) >= MIN_SHINGLES:
        # The head's minima are those of its shingles in text order: a repeated shingle changes no minimum.
        bands = _band_keys(distinct, BANDS) + _band_keys(hashes[:HEAD], HEAD_BANDS, first=BANDS)
        if len(figures) >= MIN_FIGURES:
            bands += (_hash64(bytes((BANDS + HEAD_BANDS,)) + " ".join(figures).encode()),)
    return Fingerprint(_hash64(letters.encode()), distinct, figures, bands)


def shingles(body: str | None) -> _U64:
    """The `Fingerprint.shingles` of a body alone: what comparing a stored body needs (half the cost)."""
    return _distinct(_shingle_hashes(_NOISE.sub("", _folded(body))))


def _folded(body: str | None) -> str:
    """The body in one width (NFKC), its dateline cut."""
    return strip_dateline(nfkc(body or ""))


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, a fourth of its time on Chinese text: the full-width forms of ASCII
    and the ideographic space folded (`normalize.characters.fold_width`: "，" "（" "２" "　" -> "," "(" "2" " "), "…"
    written "..."; where the result is then in NFKC it is the text's NFKC (each of those characters decomposes to
    exactly what replaced it: NFKD sees the same text), else the text is normalised as a whole.

    >>> nfkc("央行：开展１０００亿元逆回购……"), nfkc("㎡") == "m2", nfkc("\\ud800，") == "\\ud800,"
    ('央行:开展1000亿元逆回购......', True, True)
    """
    if text.isascii():
        return text
    replaced = fold_width(text).replace("\u2026", "...")
    return replaced if unicodedata.is_normalized("NFKC", replaced) else unicodedata.normalize("NFKC", text)


def _shingle_hashes(letters: str) -> _U64:
    """The hash of every run of SHINGLE characters, in text order: a polynomial hash of each window, then a
    64-bit mix (murmur3's finaliser)."""
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    count = max(0, len(codes) - SHINGLE + 1)
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):
        hashes = hashes * np.uint64(1_000_003) + codes[offset : offset + count]
    hashes ^= hashes >> np.uint64(33)
    hashes *= np.uint64(0xFF51AFD7ED558CCD)
    hashes ^= hashes >> np.uint64(33)
    return hashes


def _distinct(hashes: _U64) -> _U64:
    """The distinct values, sorted (np.unique, by a sort: faster on arrays of this size)."""
    ordered = np.sort(hashes)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def _band_keys(shingles: _U64, bands: int, first: int = 0) -> tuple[int, ...]:
    """The LSH keys of a shingle set: `bands` bands of ROWS min-hashes, numbered from `first` (the number
    is part of the key, so whole-body and head keys never collide)."""
    functions = bands * ROWS
    hashed = np.multiply(shingles[None, :], _MULTIPLIERS[:functions, None])  # one array, changed in place
    hashed += _OFFSETS[:functions, None]
    # Each min-hash is the high half of the least hash: shifting keeps the order, so it shifts the minima only.
    rows = (hashed.min(axis=1) >> np.uint64(32)).astype("<u8").tobytes()
    size = ROWS * 8
    return tuple(_hash64(bytes((first + band,)) + rows[band * size : (band + 1) * size]) for band in range(bands))
