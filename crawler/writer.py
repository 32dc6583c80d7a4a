"""The batched article writer: one background thread writes articles and reprints in group commits,
retrying transient failures and, once the database refuses a batch for good, sending the rest to a
recovery file. What one batch's transaction does is `crawler.batchwrite.write_batch`."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from crawler.batches import BatchThread
from crawler.batchwrite import ReprintRecord, write_batch
from crawler.changes import Removal
from crawler.db import describe, retrying, unlock_writers
from crawler.reprints.matching import Matching

logger = logging.getLogger(__name__)


class Fallback(Protocol):
    """Where rows go once the database has refused them for good (`crawler.recovery.RecoveryFile`)."""

    path: Path

    def append(self, rows: list[dict[str, Any] | ReprintRecord | Removal]) -> None: ...


class StorageFailed(Exception):
    """The database refused a batch for good: its rows, and every row after it, are in `path`."""

    def __init__(self, cause: str, path: Path) -> None:
        super().__init__(f"{cause}; written to {path}")
        self.cause = cause
        self.path = path


class ArticleWriter:
    """Writes articles and reprints from one background thread, in batches (group commit).

    `submit()` queues a row and returns a future that resolves once its transaction has committed:
    the writer takes everything queued since its last commit, and what arrives within `linger`
    seconds of the first row (until none arrives for `batches.QUIET`), up to `batch_size`, into one
    transaction: a crawl's items, which come a few at a time, share commits (and reprint checks) instead of
    paying one each.
    Writes are FIFO: a reprint submitted after its canonical article is written after it. With `max_waiting`,
    `submit` waits while that many rows wait for their commit (`BatchThread`): a crawl that outruns the
    database waits for it, rather than holding each waiting article with its page (hundreds, and more the
    larger the database grew, in a 100,000-story crawl).

    With `matching`, writers serialise on a database lock and check every new article against
    what is stored (by this crawl or any other), inside their transaction: a copy of a stored story
    is recorded as its reprint instead, and its future resolves to the canonical URL (else None).

    A batch that fails for a transient reason (`crawler.db.is_transient`: a lock held elsewhere, a
    deadlock, a dropped connection) is tried again with backoff for up to `retry_seconds`. If it still
    fails, or fails for another reason, and a `fallback` is given, the writer stops writing to the
    database: that batch and every row submitted after it go to the fallback (a recovery file), in
    order, and their futures fail with `StorageFailed`. Without a fallback, the batch's futures fail
    with the error and the writer goes on with the next batch.
    """

    def __init__(
        self,
        engine: Engine,
        batch_size: int = 500,
        matching: Matching | None = None,
        linger: float = 0.0,
        retry_seconds: float = 0.0,
        fallback: Fallback | None = None,
        max_waiting: int = 0,
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.matching = matching
        self.linger = linger
        self.retry_seconds = retry_seconds
        self.fallback = fallback
        self.failure: StorageFailed | None = None  # set once the database refused a batch for good
        self._batches: BatchThread[tuple[Any, Future[str | None]]] = BatchThread(
            self._write, "finnews-writer", batch_size, linger, max_waiting
        )

    def submit(self, row: dict[str, Any] | ReprintRecord | Removal) -> Future[str | None]:
        future: Future[str | None] = Future()
        self._batches.put((row, future))
        return future

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._batches.close()

    def _write(self, batch: list[tuple[Any, Future[str | None]]]) -> None:
        if self.failure is not None:
            self._divert(batch, self.failure)
            return
        try:
            copies = self._commit_with_retries([row for row, _ in batch])
        except Exception as exc:
            if self.fallback is None:
                logger.error("writing a batch of %d rows failed: %s", len(batch), describe(exc))
                for _, future in batch:
                    future.set_exception(exc)
                return
            self.failure = StorageFailed(describe(exc), self.fallback.path)
            logger.error(
                "storage failed (%s): this batch of %d rows and every later one go to %s; "
                "load them with `finnews db import %s`",
                self.failure.cause, len(batch), self.fallback.path, self.fallback.path,
            )  # fmt: skip
            self._divert(batch, self.failure)
            return
        for row, future in batch:
            future.set_result(copies.get(row["url"]) if isinstance(row, dict) else None)

    def _commit_with_retries(self, rows: list[Any]) -> dict[str, str]:
        """Write `rows` in one transaction, tried again after transient failures until `retry_seconds`
        have passed since the first; raises the last error."""
        articles = [row for row in rows if isinstance(row, dict)]
        reprints = [row for row in rows if isinstance(row, ReprintRecord)]
        removals = [row for row in rows if isinstance(row, Removal)]
        return retrying(lambda: self._commit(articles, reprints, removals), self.retry_seconds, "writing a batch")

    def _commit(
        self, articles: list[dict[str, Any]], reprints: list[ReprintRecord], removals: list[Removal]
    ) -> dict[str, str]:
        lock_seconds = max(1.0, min(self.retry_seconds, 120.0))
        with self.engine.connect() as connection:
            try:
                with connection.begin():
                    return write_batch(
                        connection, articles, reprints, self.matching, removals=removals, lock_seconds=lock_seconds
                    )
            finally:
                unlock_writers(connection)

    def _divert(self, batch: list[tuple[Any, Future[str | None]]], failure: StorageFailed) -> None:
        """Rows the database will not get: to the fallback, then their futures fail with `failure`."""
        assert self.fallback is not None
        try:
            self.fallback.append([row for row, _ in batch])
        except Exception as exc:  # the recovery file cannot be written either: say so for every row
            logger.error("writing %d rows to %s failed too: %s", len(batch), self.fallback.path, describe(exc))
            for _, future in batch:
                future.set_exception(exc)
            return
        for _, future in batch:
            future.set_exception(failure)
