"""The batch thread both writers run: batches in submission order, and a bounded wait for the writer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from crawler.batches import BatchThread


def _held_writer() -> tuple[Callable[[list[int]], None], list[list[int]], threading.Event]:
    """A write that waits for its release (at most 10 s), the batches it wrote, and the release."""
    written: list[list[int]] = []
    release = threading.Event()

    def write(batch: list[int]) -> None:
        release.wait(10)
        written.append(batch)

    return write, written, release


def test_put_waits_while_max_waiting_entries_wait_to_be_written_and_loses_none() -> None:
    """Queued entries and those of the batch being written count: a fourth entry waits for the first batch."""
    write, written, release = _held_writer()
    batches = BatchThread(write, "test-writer", batch_size=2, max_waiting=3)
    for entry in range(3):
        batches.put(entry)
    fourth = threading.Thread(target=batches.put, args=(3,))
    fourth.start()
    fourth.join(0.3)
    assert fourth.is_alive()  # [0, 1] being written, [2] queued: no room
    release.set()
    fourth.join(10)
    assert not fourth.is_alive()
    batches.close()
    assert [entry for batch in written for entry in batch] == [0, 1, 2, 3]
    assert max(map(len, written)) <= 2


def test_a_put_waiting_for_room_ends_the_linger() -> None:
    """A crawl waiting for its writer does not also wait out the writer's linger."""
    written: list[list[int]] = []
    batches = BatchThread(written.append, "test-writer", batch_size=10, linger=30.0, max_waiting=2)
    started = time.monotonic()
    for entry in range(5):
        batches.put(entry)
    assert time.monotonic() - started < 10
    batches.close()
    assert [entry for batch in written for entry in batch] == [0, 1, 2, 3, 4]


def test_without_max_waiting_put_never_waits() -> None:
    write, written, release = _held_writer()
    batches = BatchThread(write, "test-writer", batch_size=2)
    started = time.monotonic()
    for entry in range(100):
        batches.put(entry)
    assert time.monotonic() - started < 5
    release.set()
    batches.close()
    assert [entry for batch in written for entry in batch] == list(range(100))


def test_the_linger_ends_once_no_entry_arrives() -> None:
    """The last items of a crawl are written once nothing more comes (QUIET), not after the whole linger; entries
    put together still share a batch."""
    written: list[list[int]] = []
    done = threading.Event()

    def write(batch: list[int]) -> None:
        written.append(batch)
        done.set()

    batches = BatchThread(write, "test-writer", batch_size=100, linger=30.0)
    started = time.monotonic()
    for entry in range(20):
        batches.put(entry)
    assert done.wait(10)
    assert time.monotonic() - started < 10
    assert written == [list(range(20))]
    batches.close()
