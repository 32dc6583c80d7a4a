"""The candidate index: where a body finds the stories it may copy.

Two places hold them. Stored articles (this crawl's or any other's) keep their LSH band keys in the
`fingerprints` table: `index_bands` writes them, `find_copies` looks pages up in one batch. The articles
this crawl accepted but has not committed yet are held in memory (`PendingArticles`), on the event loop.
Candidates from either are verified by `Matching`.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, bindparam, event, func, select

from crawler.db import insert_ignore
from crawler.models import ArticleRow, FingerprintRow, FullBandKey, ReprintRow
from crawler.reprints.fingerprint import Fingerprint, shingles
from crawler.reprints.matching import Matching


@dataclass
class Match:
    """A stored (or pending) article that a body matches."""

    url: str
    similarity: float


@dataclass(frozen=True)
class Page:
    """What reprint lookups know of a page: its URL and its body's fingerprint."""

    url: str
    fingerprint: Fingerprint


class Stored(NamedTuple):
    """A stored article a page is verified against, as a lookup reads it."""

    id: int
    url: str
    body_hash: int
    size: int
    figures: str  # as stored: space-separated
    body: str

    def fingerprint(self) -> Fingerprint:
        """Its fingerprint for `Matching.compare`: the shingles of its body, the rest as stored (no band keys:
        a comparison needs none)."""
        return Fingerprint(self.body_hash, shingles(self.body), tuple(self.figures.split()), ())


# --- stored articles -----------------------------------------------------------------------------

#: Stored articles a page is verified against at most; among the holders of its rare keys, those whose band keys
#: weigh most are looked at first (`_ranked`), the others only if none of these may be its story
#: (`Matching.may_match`, on their `Summary`).
ROUND = 4

#: Band keys held by this many articles are full: a key that many articles share (the boilerplate of a templated
#: report) tells nothing. A full key takes no more holders, and lookups skip it (`full_keys`): what a lookup reads
#: then hardly grows with the index. A copy is still found through the bands its own text gives it, and a
#: templated report's copy through its figures' key. 8 and CROWDED 4, chosen by measurement (session 15,
#: `benchmarks/reprints.py lookup` and `accuracy`, the 20,000-story crawl): at 1M stored articles a new story's
#: lookup reads a seventh of the holder rows it read with a cap of 16 and full keys read (docs/measurements.md),
#: the accuracy benchmark's recall and precision stay 1.0000, the 20,000-story crawl misses no reprint. An index
#: built with a higher cap keeps its holders; its keys held by this many are full all the same (migration 0011).
MAX_BAND_HOLDERS = 8

#: Band keys held by this many articles are crowded: their holders are candidates only for the pages that found
#: none through their other keys, and only those sharing two of their keys or more (`_shared`).
CROWDED = 4

# The full keys of each database (by engine), as this process knows them, which its lookups skip: loaded with its
# first lookup or write, and added to as its own writes that filled keys commit (those of a write not committed yet
# wait in the connection's `info` under _FILLED). Another process's full keys are found full by the next write of
# this one that carries them.
_FULL_KEYS: WeakKeyDictionary[Engine, set[int]] = WeakKeyDictionary()
_FILLED = "finnews_filled_band_keys"


def full_keys(connection: Connection) -> set[int]:
    """The band keys full of holders (MAX_BAND_HOLDERS), as this process knows them (`full_band_keys`, and what its
    committed writes filled since)."""
    engine = connection.engine
    keys = _FULL_KEYS.get(engine)
    if keys is None:
        keys = _FULL_KEYS[engine] = set(connection.scalars(select(FullBandKey.key)))
        event.listen(engine, "commit", _keep_filled)
        event.listen(engine, "rollback", _drop_filled)
    return keys


def _keep_filled(connection: Connection) -> None:
    if filled := connection.info.pop(_FILLED, None):
        _FULL_KEYS[connection.engine] |= filled


def _drop_filled(connection: Connection) -> None:
    connection.info.pop(_FILLED, None)


def index_bands(connection: Connection, bands: dict[int, tuple[int, ...]]) -> None:
    """Store the LSH band keys of articles (id -> keys), but those full of holders in the database; a key this batch
    fills (MAX_BAND_HOLDERS holders with its own) is full from now on (`full_band_keys`). What is full is read from
    the database, not from what this process knows (`full_keys`, what its lookups skip)."""
    added = Counter(key for article_keys in bands.values() for key in set(article_keys))
    if not added:
        return
    held = dict(
        connection.execute(  # only the keys this batch may fill: those held by that many less its own holders
            select(FingerprintRow.key, func.count())
            .where(FingerprintRow.key.in_(added))
            .group_by(FingerprintRow.key)
            .having(func.count() >= MAX_BAND_HOLDERS - max(added.values()))
        ).all()
    )
    filled = {key for key, count in held.items() if count >= MAX_BAND_HOLDERS}
    rows = [{"key": key, "article_id": i} for i, article_keys in bands.items() for key in set(article_keys)
            if key not in filled]  # fmt: skip
    insert_ignore(connection, FingerprintRow, rows)
    full = {key for key, count in added.items() if held.get(key, 0) + count >= MAX_BAND_HOLDERS}
    if newly := full - full_keys(connection):
        insert_ignore(connection, FullBandKey, [{"key": key} for key in newly])
        connection.info.setdefault(_FILLED, set()).update(newly)  # known full once committed


def find_copies(connection: Connection, pages: Sequence[Page], matching: Matching) -> dict[str, Match]:
    """For each page that copies a stored story, its URL -> the stored article it copies.

    A page stored itself is no copy (a re-crawl). Otherwise, in order: the page recorded as a reprint
    before, a stored body equal to its own, then the most similar of the stored articles sharing an
    LSH band key with it, verified by `matching` against their bodies. Six queries at most, however many pages.
    """
    urls = {"urls": [page.url for page in pages]}
    stored = set(connection.scalars(_STORED_URLS, urls))
    copies = {url: Match(canonical, 1.0) for url, canonical in connection.execute(_KNOWN_COPIES, urls)}
    pages = [page for page in pages if page.url not in stored and page.url not in copies]
    if not pages:
        return copies
    equal = dict(
        connection.execute(_EQUAL_BODIES, {"hashes": list({page.fingerprint.body_hash for page in pages})}).all()
    )
    candidates = _candidates(connection, [page for page in pages if page.fingerprint.body_hash not in equal], matching)
    wanted = list({i for ranked in candidates.values() for i in ranked})
    read = {row[0]: Stored(*row) for row in connection.execute(_ARTICLES, {"ids": wanted})} if wanted else {}
    for page in pages:
        if page.fingerprint.body_hash in equal:
            copies[page.url] = Match(equal[page.fingerprint.body_hash], 1.0)
            continue
        scored = [
            Match(candidate.url, similarity)
            for candidate in (read[i] for i in candidates.get(page.url, ()) if i in read)
            if (similarity := matching.compare(page.fingerprint, candidate.fingerprint())) is not None
        ]
        if scored:
            copies[page.url] = max(scored, key=lambda match: (match.similarity, match.url))
    return copies


def _candidates(connection: Connection, pages: Sequence[Page], matching: Matching) -> dict[str, list[int]]:
    """Page URL -> the stored articles to verify it against: first those found through its band keys held by
    fewer than CROWDED articles (`_ranked`); for the pages that found none there, those sharing two of its keys
    or more (`_shared`). Either way at most ROUND, of those `matching` allows by their length and figures
    (`Summary`, read before any body).

    One query reads the holders of all the pages' keys but the full ones (`full_keys`): a key holds fewer than
    MAX_BAND_HOLDERS articles, and the rows of one key lie together, so its cost is that of finding the keys. A
    copy's story holds keys few others hold, and its candidates come from those. The holders of crowded keys
    (the boilerplate of templated reports: the more of them the larger the index) are candidates only for a page
    that found nothing there (a new story, a templated report's copy found among its siblings), and only those
    sharing two of its keys. What a lookup reads then hardly grows with the index (`benchmarks/reprints.py
    lookup`). Grouping them in the database instead (a count of each key's holders first, then a GROUP BY for
    every few such pages) cost more: more statements, each finding the keys again."""
    summaries: dict[int, Summary] = {}
    holders: dict[int, list[int]] = {}  # band key -> the articles holding it
    bands = {band for page in pages for band in page.fingerprint.bands} - full_keys(connection)
    for key, article_id in connection.execute(_HOLDERS, {"keys": list(bands)}).all() if bands else ():
        holders.setdefault(key, []).append(article_id)
    rare = {key: ids for key, ids in holders.items() if len(ids) < CROWDED}
    ranked = {page.url: _ranked(page, rare) for page in pages}
    candidates: dict[str, list[int]] = {page.url: [] for page in pages}
    for turn in range(3):  # the heaviest holders of rare keys; the rest of them; those sharing two keys
        waiting = [page for page in pages if not candidates[page.url]]
        if turn == 0:
            chosen = {page.url: ranked[page.url][0] for page in waiting}
        elif turn == 1:
            chosen = {page.url: ranked[page.url][1]() for page in waiting}
        else:
            chosen = {page.url: _shared(page, holders) for page in waiting}
        _read_summaries(connection, {i for ids in chosen.values() for i in ids}, summaries)
        for page in waiting:
            candidates[page.url] = [
                i for i in chosen.get(page.url, ())
                if i in summaries and matching.may_match(page.fingerprint, *summaries[i])
            ][:ROUND]  # fmt: skip
    return candidates


def _shared(page: Page, holders: dict[int, list[int]]) -> list[int]:
    """The stored articles sharing two of `page`'s band keys or more, most keys first, then first stored; none
    for a page none of whose keys is crowded (its rare keys' holders were all ranked already)."""
    if all(len(holders.get(band, ())) < CROWDED for band in page.fingerprint.bands):
        return []
    shared = Counter(itertools.chain.from_iterable(holders.get(band, ()) for band in set(page.fingerprint.bands)))
    return sorted((i for i, n in shared.items() if n > 1), key=lambda i: (-shared[i], i))


_HOLDERS = select(FingerprintRow.key, FingerprintRow.article_id).where(
    FingerprintRow.key.in_(bindparam("keys", expanding=True))
)
_IDS = ArticleRow.id.in_(bindparam("ids", expanding=True))
_SUMMARIES = select(ArticleRow.id, ArticleRow.n_shingles, ArticleRow.figures).where(_IDS)
_ARTICLES = select(
    ArticleRow.id, ArticleRow.url, ArticleRow.body_hash, ArticleRow.n_shingles, ArticleRow.figures, ArticleRow.body
).where(_IDS)
_STORED_URLS = select(ArticleRow.url).where(ArticleRow.url.in_(bindparam("urls", expanding=True)))
_KNOWN_COPIES = (
    select(ReprintRow.url, ArticleRow.url)
    .join(ArticleRow, ReprintRow.article_id == ArticleRow.id)
    .where(ReprintRow.url.in_(bindparam("urls", expanding=True)))
)
_EQUAL_BODIES = select(ArticleRow.body_hash, ArticleRow.url).where(
    ArticleRow.body_hash.in_(bindparam("hashes", expanding=True))
)


class Summary(NamedTuple):
    """What `Matching.may_match` checks of a stored article: its length in shingles and its figures."""

    size: int
    figures: tuple[str, ...]


def _read_summaries(connection: Connection, ids: set[int], summaries: dict[int, Summary]) -> None:
    """Read into `summaries` those of `ids` it lacks."""
    if wanted := [i for i in ids if i not in summaries]:
        for i, size, figures in connection.execute(_SUMMARIES, {"ids": wanted}):
            summaries[i] = Summary(size, tuple(figures.split()))


def _ranked(page: Page, holders: dict[int, list[int]]) -> tuple[list[int], Callable[[], list[int]]]:
    """The stored articles sharing band keys with `page` that a lookup may read, heaviest first: the first ROUND,
    and a function giving the rest of those sharing two keys or more (read only for a page none of the first
    may match). Each shared key weighs 1 / its holders (a key two articles share says more than one ten share);
    ties go to the article stored first."""
    lists = [ids for band in page.fingerprint.bands if (ids := holders.get(band))]
    weight: dict[int, float] = {}
    for ids in lists:
        share = 1 / len(ids)
        for holder in ids:
            weight[holder] = weight.get(holder, 0.0) + share

    first = [-i for _, i in heapq.nlargest(ROUND, zip(weight.values(), map(operator.neg, weight), strict=True))]

    def rest() -> list[int]:
        shared = Counter(itertools.chain.from_iterable(lists))
        return sorted((i for i, n in shared.items() if n > 1 and i not in first), key=lambda i: (-weight[i], i))

    return first, rest


# --- this crawl's articles, not committed yet ----------------------------------------------------


@dataclass(eq=False)
class PendingArticle:
    """An article accepted by this crawl, on its way to the database; `done` resolves when it settles:
    True once committed, False if it was not stored after all."""

    item: Any
    page: Page
    number: int  # its place in the order of acceptance
    done: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class PendingArticles:
    """The articles this crawl accepted but has not committed yet, in the order they were accepted.

    Use on the event loop. `add` an accepted article, `match` a new page against them, and `settle`
    each article when its item leaves the pipelines (scraped, dropped or failed). Entries are kept by
    item, not by URL: two items of one URL (a page fetched under two URLs that share a canonical URL)
    are two entries, and each settles.
    """

    def __init__(self, matching: Matching) -> None:
        self.matching = matching
        self._pending: dict[int, PendingArticle] = {}  # id(item) -> its entry, which holds the item
        self._holders: dict[tuple[str, int], dict[int, PendingArticle]] = {}  # body hash or band key -> entries
        self._numbers = itertools.count()  # the order entries were accepted in

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, item: Any, page: Page) -> PendingArticle:
        pending = PendingArticle(item, page, next(self._numbers))
        self._pending[id(item)] = pending
        for key in _keys(page):
            self._holders.setdefault(key, {})[id(item)] = pending
        return pending

    def match(self, page: Page) -> tuple[PendingArticle, float] | None:
        """The first pending article (in the order accepted) whose story `page` copies, with the similarity,
        or None. Candidates share its body hash or a band key (an index: the cost does not grow with the
        number pending, which grows when the database falls behind). A pending article of the page's own
        URL is no candidate (the same page, crawled again)."""
        candidates = {id(pending): pending for key in _keys(page) for pending in self._holders.get(key, {}).values()}
        for pending in sorted(candidates.values(), key=lambda entry: entry.number):
            if pending.page.url == page.url:
                continue
            if (similarity := self.matching.compare(page.fingerprint, pending.page.fingerprint)) is not None:
                return pending, similarity
        return None

    def settle(self, item: Any, stored: bool) -> None:
        """`item` left the pipelines, committed (`stored`) or not; nothing for an item never added."""
        pending = self._pending.get(id(item))
        if pending is not None and pending.item is item:
            del self._pending[id(item)]
            for key in _keys(pending.page):
                holders = self._holders[key]
                del holders[id(item)]
                if not holders:
                    del self._holders[key]
            pending.done.set_result(stored)


def _keys(page: Page) -> set[tuple[str, int]]:
    """What a pending article is found by: its body hash and its band keys."""
    return {("hash", page.fingerprint.body_hash), *(("band", band) for band in page.fingerprint.bands)}
