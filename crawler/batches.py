"""A background thread that takes what is submitted in batches: the loop both writers run (articles in
`crawler.writer`, kept pages in `crawler.pagestore`), so the event loop never waits on the database."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

#: A linger ends once no entry arrived for this long: the last items of a burst (a crawl's end, a portal's last
#: listing) are written at once, not after the whole linger, while a steady stream still fills its batch.
QUIET = 0.05


class BatchThread(Generic[T]):
    """Calls `write(batch)` from one thread with what was submitted: everything queued since the last call,
    and what arrives within `linger` seconds of the first entry (until none arrives for QUIET seconds), up to
    `batch_size`, in submission order.
    With `max_waiting`, `put` waits while that many entries wait to be written, queued or in the batch being
    written (0: never waits): a crawl faster than its database waits for it, rather than holding everything
    it fetched since the writer fell behind; the linger then ends at once. `close()` writes what is queued,
    then ends the thread."""

    def __init__(
        self, write: Callable[[list[T]], None], name: str, batch_size: int, linger: float = 0.0, max_waiting: int = 0
    ) -> None:
        self.write = write
        self.batch_size = batch_size
        self.linger = linger
        self._queue: queue.Queue[T | None] = queue.Queue()
        self._room = threading.Semaphore(max_waiting) if max_waiting else None
        self._full = min(batch_size, max_waiting or batch_size)
        self._closing = threading.Event()
        self._wake = threading.Event()  # ends a linger: the thread is closing, or `put` waits for room
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, entry: T) -> None:
        if self._room is not None and not self._room.acquire(blocking=False):
            self._wake.set()
            self._room.acquire()
        self._queue.put(entry)

    def close(self) -> None:
        self._closing.set()
        self._wake.set()
        self._queue.put(None)
        self._thread.join()

    def _linger(self) -> None:
        """Sleep until `linger` seconds passed, QUIET seconds passed with no new entry, the queue holds a full
        batch, or `_wake` is set (closing, or a put waiting for room): a look at the queue every QUIET seconds."""
        deadline = time.monotonic() + self.linger
        queued = self._queue.qsize()
        while queued + 1 < self._full and not self._closing.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._wake.wait(min(QUIET, left)):
                return
            queued, before = self._queue.qsize(), queued
            if queued == before:
                return

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            if batch[0] is not None and self.linger and not self._closing.is_set():
                # The thread sleeps through the linger rather than waiting on the queue: an entry put meanwhile
                # wakes nothing (waking this thread for each one cost the event loop a thread switch per item),
                # but a put that waits for room. None lingers once the queue holds a full batch or the bound.
                self._wake.clear()
                self._linger()
            while batch[-1] is not None and len(batch) < self.batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = batch[-1] is None
            entries = [entry for entry in batch if entry is not None]
            if not entries:
                continue
            try:
                self.write(entries)
            finally:
                if self._room is not None:
                    self._room.release(len(entries))
