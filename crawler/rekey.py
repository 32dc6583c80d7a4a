"""Re-keying: the stored articles' reprint keys brought to the current fingerprint version.

Each stored article keeps what `crawler.reprints.fingerprint` gave for its body: band keys (table
`fingerprints`), body hash, size and figures. When a finnews changes that computation it bumps
`fingerprint.VERSION`, and the values stored by an older one no longer match what new copies give: an
upgraded database would miss reprints of its old articles. `rekey` recomputes them from the stored
bodies, in batches of `BATCH` articles in id order, each batch one transaction under the writers' lock
that also records how far it got (`fingerprint_version.resume_after`): an interrupted run resumes where it
stopped, two processes share the work, and a batch done twice gives the same rows. When every article is
done the table says the current version.

`finnews db upgrade` runs it after the schema migrations, and a crawl runs it before it stores anything
(an upgrade interrupted, or skipped by a database created empty). A database with no articles just has
its version set.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, delete, func, select, update

from crawler.batchwrite import fingerprint_columns
from crawler.db import SCHEMA_LOCK_SECONDS, lock_writers, unlock_writers
from crawler.models import ArticleRow, FingerprintRow, FingerprintVersion, FullBandKey
from crawler.reprints.fingerprint import VERSION, fingerprint
from crawler.reprints.index import full_keys, index_bands

logger = logging.getLogger(__name__)

#: Articles recomputed per transaction (~0.3 ms each for the fingerprint, plus their rows).
BATCH = 500
#: Seconds between two progress lines in the log.
LOG_EVERY = 10.0


@dataclass(frozen=True)
class Outdated:
    """Stored articles whose keys are of an older fingerprint `version` than this finnews's: those with an
    id above `resume_after` (None: all of them), `count` of them."""

    version: int
    resume_after: int | None
    count: int


def outdated(engine: Engine) -> Outdated | None:
    """What `rekey` has left to do, or None (the stored keys are of this finnews's version)."""
    with engine.connect() as connection:
        state = connection.execute(select(FingerprintVersion.version, FingerprintVersion.resume_after)).one()
        if state.version >= VERSION:
            return None
        count = connection.scalar(select(func.count()).where(ArticleRow.id > (state.resume_after or 0)))
    return Outdated(state.version, state.resume_after, count or 0)


def rekey(engine: Engine, on_batch: Callable[[int], None] | None = None, batch: int = BATCH) -> int:
    """Recompute the reprint keys of the stored articles whose keys are of an older fingerprint version,
    calling `on_batch(articles)` after each batch; returns how many it recomputed (0: none were outdated)."""
    left = outdated(engine)
    if left is None:
        return 0
    if left.count:
        logger.info(
            "recomputing the reprint keys of %d stored articles (fingerprint version %d -> %d)%s",
            left.count, left.version, VERSION, f", resumed after article {left.resume_after}" if left.resume_after else "",
        )  # fmt: skip
    done, logged = 0, time.monotonic()
    with engine.connect() as connection:
        while (count := _next_batch(connection, batch)) is not None:
            done += count
            if on_batch is not None:
                on_batch(count)
            if time.monotonic() - logged > LOG_EVERY:
                logger.info("reprint keys recomputed: %d of %d stored articles", done, left.count)
                logged = time.monotonic()
    if left.count:
        logger.info("reprint keys recomputed: %d stored articles, now of fingerprint version %d", done, VERSION)
    return done


def _next_batch(connection: Connection, batch: int) -> int | None:
    """Recompute the next `batch` outdated articles in one transaction: how many (0: the last step, which
    set the version), or None when nothing was left to do (another process finished it)."""
    try:
        with connection.begin():
            lock_writers(connection, SCHEMA_LOCK_SECONDS)  # crawls' writers wait, as does another rekey
            state = connection.execute(select(FingerprintVersion.version, FingerprintVersion.resume_after)).one()
            if state.version >= VERSION:
                return None
            rows = connection.execute(
                select(ArticleRow.id, ArticleRow.body)
                .where(ArticleRow.id > (state.resume_after or 0))
                .order_by(ArticleRow.id)
                .limit(batch)
            ).all()
            if not rows:
                connection.execute(update(FingerprintVersion).values(version=VERSION, resume_after=None))
                return 0
            if state.resume_after is None:  # the first batch: the full keys of the old version's keys go too
                connection.execute(delete(FullBandKey))
                full_keys(connection).clear()
            _store(connection, {article_id: body for article_id, body in rows})
            connection.execute(update(FingerprintVersion).values(resume_after=rows[-1].id))
            return len(rows)
    finally:
        unlock_writers(connection)
        connection.rollback()  # the transaction the release began (MySQL), before the next batch's


def _store(connection: Connection, bodies: dict[int, str]) -> None:
    """The current fingerprint of each article (id -> body): its hash, size and figures, and its band keys
    in place of those it had."""
    prints = {article_id: fingerprint(body) for article_id, body in bodies.items()}
    connection.execute(
        update(ArticleRow).where(ArticleRow.id == bindparam("article_id")),
        [{"article_id": i, **fingerprint_columns(fp)} for i, fp in prints.items()],
    )
    connection.execute(delete(FingerprintRow).where(FingerprintRow.article_id.in_(prints)))
    index_bands(connection, {i: fp.bands for i, fp in prints.items()})
