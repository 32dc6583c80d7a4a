"""A background thread that takes what is submitted in batches: the loop both writers run (articles in
`crawler.writer`, kept pages in `crawler.pagestore`), so the event loop never waits on the database."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class BatchThread(Generic[T]):
    """Calls `write(batch)` from one thread with what was submitted: everything queued since the last call,
    and what arrives within `linger` seconds of the first entry, up to `batch_size`, in submission order.
    With `max_queued`, `put` waits while that many entries wait to be written (0: never waits).
    `close()` writes what is queued, then ends the thread."""

    def __init__(
        self, write: Callable[[list[T]], None], name: str, batch_size: int, linger: float = 0.0, max_queued: int = 0
    ) -> None:
        self.write = write
        self.batch_size = batch_size
        self.linger = linger
        self._queue: queue.Queue[T | None] = queue.Queue(max_queued)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, entry: T) -> None:
        self._queue.put(entry)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            entry = self._queue.get()
            batch: list[T] = []
            deadline = time.monotonic() + self.linger
            while entry is not None:
                batch.append(entry)
                if len(batch) >= self.batch_size:
                    break
                try:
                    entry = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
            stopping = entry is None
            if batch:
                self.write(batch)
