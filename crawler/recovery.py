"""Recovery files: the rows a crawl could not store, as JSON lines, and how they are loaded back.

When the database refuses a batch for good (`crawler.writer.ArticleWriter`), that batch and every row
after it are appended here instead, in the order they were submitted, so loading the file back
(`import_recovery`, `finnews db import FILE`) writes canonical articles before their reprints. Each line
is one row: `{"kind": "article", "row": {...}}` (the values `crawler.batchwrite.write_batch` writes) or
`{"kind": "reprint", "row": {...}}` (a `ReprintRecord`). Loading is idempotent: articles and reprints
are upserted by URL, view snapshots already stored are skipped.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import Engine

from crawler import db
from crawler.batchwrite import ReprintRecord, write_batch
from crawler.changes import Removal
from crawler.reprints.matching import Matching

logger = logging.getLogger(__name__)

#: A row of a recovery file: what the writer takes (`ArticleWriter.submit`).
Row = dict[str, Any] | ReprintRecord | Removal

#: The row values that are times (ISO 8601 in the file).
_TIMES = ("published_at", "crawled_at", "seen_at", "removed_at")


def recovery_path(folder: str | os.PathLike[str], run_id: int | None, started: datetime) -> Path:
    """Where a crawl's recovery file goes: `FOLDER/recovery-run<ID>-<YYYYmmddTHHMMSS>.jsonl`.

    >>> recovery_path("data", 7, datetime(2024, 9, 3, 11, 54, 3)).as_posix()
    'data/recovery-run7-20240903T115403.jsonl'
    >>> recovery_path("data", None, datetime(2024, 9, 3, 11, 54, 3)).name
    'recovery-norun-20240903T115403.jsonl'
    """
    run = f"run{run_id}" if run_id is not None else "norun"
    return Path(folder) / f"recovery-{run}-{started:%Y%m%dT%H%M%S}.jsonl"


class RecoveryFile:
    """Appends rows to a JSON-lines file, created (with its folder) at the first row; thread-safe.

    Each `append` is flushed and fsynced before it returns: a row is in the file once it is reported
    as recovered, even if the process is killed right after.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.count = 0
        self._lock = threading.Lock()
        self._file: IO[bytes] | None = None

    def append(self, rows: list[Row]) -> None:
        with self._lock:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("ab")
            self._file.write(b"".join(_line(row) for row in rows))
            self._file.flush()
            os.fsync(self._file.fileno())
            self.count += len(rows)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def _line(row: Row) -> bytes:
    kind = "reprint" if isinstance(row, ReprintRecord) else "removal" if isinstance(row, Removal) else "article"
    record = {"kind": kind, "row": row if isinstance(row, dict) else asdict(row)}
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # text orjson refuses (a lone surrogate): json's \u escapes keep every character
        return (json.dumps(record, ensure_ascii=True, default=_iso) + "\n").encode("ascii")


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a recovery file")


class RecoveryFileError(ValueError):
    """A line of a recovery file that is not a finnews recovery record."""


def read_recovery(path: str | os.PathLike[str]) -> Iterator[Row]:
    """The rows of a recovery file, in order, as the writer takes them (`ArticleWriter.submit`)."""
    with Path(path).open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)  # not orjson: it refuses the \ud800 escapes of lone surrogates
                yield _row(record["kind"], record["row"])
            except (ValueError, KeyError, TypeError) as exc:
                raise RecoveryFileError(f"{path}:{number}: not a finnews recovery record ({exc})") from None


def _row(kind: str, values: dict[str, Any]) -> Row:
    values = _times(values)
    if kind == "article":
        return values
    if kind == "removal":
        return Removal(**values)
    if kind == "reprint":
        article = values.pop("article", None)
        return ReprintRecord(**values, article=_times(article) if article is not None else None)
    raise ValueError(f"unknown kind {kind!r}")


def _times(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: datetime.fromisoformat(value) if name in _TIMES and isinstance(value, str) else value
        for name, value in values.items()
    }


def import_recovery(
    engine: Engine, path: str | os.PathLike[str], matching: Matching | None, batch_size: int = 500
) -> int:
    """Write the rows of a recovery file to `engine`'s database, in order, `batch_size` to a transaction,
    checked for reprints of stored stories like a crawl's (`matching`); returns how many rows were read.
    Running it again changes nothing."""
    count = 0
    batch: list[Row] = []
    for row in read_recovery(path):
        batch.append(row)
        count += 1
        if len(batch) >= batch_size:
            _import_batch(engine, batch, matching)
            batch = []
    if batch:
        _import_batch(engine, batch, matching)
    logger.info("imported %d rows from %s", count, path)
    return count


def _import_batch(engine: Engine, batch: list[Row], matching: Matching | None) -> None:
    """One transaction, one row at a time: each article is checked against the rows before it too
    (a file may hold two copies of a story whose first copy's batch failed), each reprint follows the
    article it belongs to."""
    with engine.connect() as connection:
        try:
            with connection.begin():
                for row in batch:
                    write_batch(
                        connection,
                        [row] if isinstance(row, dict) else [],
                        [row] if isinstance(row, ReprintRecord) else [],
                        matching,
                        removals=[row] if isinstance(row, Removal) else [],
                        skip_stored_snapshots=True,
                    )
        finally:
            db.unlock_writers(connection)
