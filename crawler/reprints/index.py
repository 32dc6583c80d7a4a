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
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, func, select

from crawler.db import insert_ignore
from crawler.models import ArticleRow, FingerprintRow, ReprintRow
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
    """What a lookup reads of a stored article before its body: what `Matching.may_match` checks."""

    id: int
    url: str
    body_hash: int
    size: int
    figures: tuple[str, ...]

    def fingerprint(self, body: str) -> Fingerprint:
        """Its fingerprint for `Matching.compare`: the shingles of `body`, the rest as stored (no band keys:
        a comparison needs none)."""
        return Fingerprint(self.body_hash, shingles(body), self.figures, ())


# --- stored articles -----------------------------------------------------------------------------

#: Stored articles whose length and figures a lookup reads first for a page, those whose band keys weigh most
#: (`_ranked`); the others it may read only if none of these may be the page's story (`Matching.may_match`).
ROUND = 4

#: Band keys held by this many articles already are not given to more: a key that many articles share
#: (the boilerplate of a templated report) tells nothing, and capping it keeps every lookup's cost flat
#: however large the index grows. A copy is still found through the bands its own text gives it.
MAX_BAND_HOLDERS = 32

#: Band keys held by this many articles are crowded: a lookup reads their holders only for the pages that
#: found no candidate through their other keys.
CROWDED = 8


def index_bands(connection: Connection, bands: dict[int, tuple[int, ...]]) -> None:
    """Store the LSH band keys of articles (id -> keys), but those already held by MAX_BAND_HOLDERS."""
    keys = {key for article_keys in bands.values() for key in article_keys}
    if not keys:
        return
    full = set(
        connection.scalars(
            select(FingerprintRow.key)
            .where(FingerprintRow.key.in_(keys))
            .group_by(FingerprintRow.key)
            .having(func.count() >= MAX_BAND_HOLDERS)
        )
    )
    rows = [{"key": key, "article_id": i} for i, article_keys in bands.items() for key in set(article_keys) - full]
    insert_ignore(connection, FingerprintRow, rows)


def find_copies(connection: Connection, pages: Sequence[Page], matching: Matching) -> dict[str, Match]:
    """For each page that copies a stored story, its URL -> the stored article it copies.

    A page stored itself is no copy (a re-crawl). Otherwise, in order: the page recorded as a reprint
    before, a stored body equal to its own, then the most similar of the stored articles sharing an
    LSH band key with it, verified by `matching` against their bodies. Five queries, however many pages.
    """
    urls = [page.url for page in pages]
    stored = set(connection.scalars(select(ArticleRow.url).where(ArticleRow.url.in_(urls))))
    known = select(ReprintRow.url, ArticleRow.url).join(ArticleRow, ReprintRow.article_id == ArticleRow.id)
    copies = {
        url: Match(canonical, 1.0) for url, canonical in connection.execute(known.where(ReprintRow.url.in_(urls)))
    }
    pages = [page for page in pages if page.url not in stored and page.url not in copies]
    if not pages:
        return copies
    hashes = {page.fingerprint.body_hash for page in pages}
    equal = dict(
        connection.execute(select(ArticleRow.body_hash, ArticleRow.url).where(ArticleRow.body_hash.in_(hashes))).all()
    )
    candidates = _candidates(connection, [page for page in pages if page.fingerprint.body_hash not in equal], matching)
    bodies = dict(connection.execute(select(ArticleRow.id, ArticleRow.body).where(ArticleRow.id.in_(
        {candidate.id for ranked in candidates.values() for candidate in ranked}
    ))).all())  # fmt: skip
    for page in pages:
        if page.fingerprint.body_hash in equal:
            copies[page.url] = Match(equal[page.fingerprint.body_hash], 1.0)
            continue
        scored = [
            Match(candidate.url, similarity)
            for candidate in candidates.get(page.url, ())
            if (similarity := matching.compare(page.fingerprint, candidate.fingerprint(bodies[candidate.id])))
            is not None
        ]
        if scored:
            copies[page.url] = max(scored, key=lambda match: (match.similarity, match.url))
    return copies


def _candidates(connection: Connection, pages: Sequence[Page], matching: Matching) -> dict[str, list[Stored]]:
    """Page URL -> the stored articles to verify it against (`_readable`), found first through its band keys
    held by fewer than CROWDED articles; for the pages that found none there, through all its keys.

    Holders come from the key index alone. A copy's story holds keys few others hold: it is found without
    reading the holders of crowded keys (the boilerplate of templated reports; up to MAX_BAND_HOLDERS each,
    and the more of them the larger the index). A page that copies nothing reads them too, as does a templated
    report found among its siblings (the same text, other figures). Per page, what is read does not grow with
    the index once its keys' holders are capped (`benchmarks/reprints.py lookup`)."""
    bands = {band for page in pages for band in page.fingerprint.bands}
    held = dict(connection.execute(_HOLDER_COUNTS, {"keys": list(bands)}).all()) if bands else {}
    holders: dict[int, list[int]] = {}
    stored: dict[int, Stored] = {}
    candidates: dict[str, list[Stored]] = {}
    for crowded in (False, True):
        open_pages = [page for page in pages if not candidates.get(page.url)]
        keys = [band for band in {band for page in open_pages for band in page.fingerprint.bands}
                if band in held and (held[band] >= CROWDED) == crowded]  # fmt: skip
        if keys:
            for key, article_id in connection.execute(_HOLDERS, {"keys": keys}).all():
                holders.setdefault(key, []).append(article_id)
        elif crowded:
            break
        candidates.update(_readable(connection, open_pages, holders, stored, matching))
    return candidates


_KEYS = FingerprintRow.key.in_(bindparam("keys", expanding=True))
_HOLDER_COUNTS = select(FingerprintRow.key, func.count()).where(_KEYS).group_by(FingerprintRow.key)
_HOLDERS = select(FingerprintRow.key, FingerprintRow.article_id).where(_KEYS)


def _readable(
    connection: Connection,
    pages: Sequence[Page],
    holders: dict[int, list[int]],
    stored: dict[int, Stored],
    matching: Matching,
) -> dict[str, list[Stored]]:
    """Page URL -> of its first ROUND `holders` in `_ranked` order, those whose length and figures `matching`
    allows; if none, the first ROUND of the rest it allows. Article rows are read into `stored` (a cache)."""
    ranked = {page.url: _ranked(page, holders) for page in pages}
    candidates: dict[str, list[Stored]] = {page.url: [] for page in pages}
    for first, last in ((0, ROUND), (ROUND, None)):  # the heaviest; then, for pages with no candidate, the rest
        open_pages = [page for page in pages if not candidates[page.url]]
        wanted = {i for page in open_pages for i in ranked[page.url][first:last]} - stored.keys()
        if wanted:
            stored.update(_stored(connection, wanted))
        for page in open_pages:
            candidates[page.url] = [
                stored[i] for i in ranked[page.url][first:last]
                if matching.may_match(page.fingerprint, stored[i].size, stored[i].figures)
            ][:ROUND]  # fmt: skip
    return candidates


def _ranked(page: Page, holders: dict[int, list[int]]) -> list[int]:
    """The stored articles sharing band keys with `page` that a lookup may read, heaviest first: the first ROUND,
    then those sharing two keys or more. Each shared key weighs 1 / its holders (a key two articles share says
    more than one ten share); ties go to the article stored first."""
    weight: dict[int, float] = defaultdict(float)
    shared: Counter[int] = Counter()
    for band in page.fingerprint.bands:
        for holder in (ids := holders.get(band, ())):
            weight[holder] += 1 / len(ids)
            shared[holder] += 1

    def heaviest(i: int) -> tuple[float, int]:
        return weight[i], -i

    first = heapq.nlargest(ROUND, weight, key=heaviest)
    return first + sorted((i for i in weight if shared[i] > 1 and i not in first), key=heaviest, reverse=True)


def _stored(connection: Connection, ids: set[int]) -> dict[int, Stored]:
    query = select(ArticleRow.id, ArticleRow.url, ArticleRow.body_hash, ArticleRow.n_shingles, ArticleRow.figures)
    rows = connection.execute(query.where(ArticleRow.id.in_(ids))).all()
    return {i: Stored(i, url, body_hash, size, tuple(figures.split())) for i, url, body_hash, size, figures in rows}


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
