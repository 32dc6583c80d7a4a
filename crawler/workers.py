"""Worker processes that run a function for the crawl's event loop: an article page's extraction
(`extract.page.read_fetched_article`) while the loop goes on with other pages (FINNEWS_EXTRACTION_PROCESSES).

Each worker is a spawned process (no fork of a process that runs threads) with a socket to the crawl's process:
a task is its function and arguments pickled, length-prefixed, written to the socket by the event loop's own
transport; the worker answers each task in turn; the loop reads the answers as any other connection's data. No
thread of the crawl's process carries a task or an answer: `concurrent.futures.ProcessPoolExecutor`'s two
(its queue's feeder and its manager) wait for the GIL that the event loop holds, ~5 ms a hand-over (Python's
switch interval), and queue only one task beyond a busy worker's: its workers sat idle, and the crawl was
slower with them than without (session 16, `benchmarks/crawl.py ratio --variant FINNEWS_EXTRACTION_PROCESSES=1`).

A worker that dies (killed, out of memory, or by its task's time limit: a page that would hang the extraction)
fails the task it ran with `WorkerLost`; the tasks waiting behind it go to another, and it is replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import traceback
from collections import deque
from collections.abc import Callable
from functools import partial
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any, TypeVar

from crawler.heap import settle_start_up

logger = logging.getLogger(__name__)

_Result = TypeVar("_Result")
_SIZE = struct.Struct("!Q")  # a message's length, before it
#: How long `Workers.close` waits for a worker to finish its task and exit before it is killed (seconds).
EXIT_WAIT = 5.0


def usable_cores(root: Path = Path("/")) -> float:
    """How many cores this process may use: those it may run on (its CPU affinity), fewer where its control group
    allows less CPU time (the CPU quota of its group or of one above it: a container run with `--cpus=1` on a host of
    many cores), under cgroup v2 (`cpu.max`) or v1 (`cpu.cfs_quota_us` / `cpu.cfs_period_us`, older hosts'
    Docker). `root`: where the file system's `/proc` and `/sys` are (a test's stand-in).

    >>> usable_cores() >= 1
    True
    """
    cores: float = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        lines = (root / "proc/self/cgroup").read_text().splitlines()
    except OSError:
        return cores
    for line in lines:  # "0::/path" (v2), "4:cpu,cpuacct:/path" (v1), one line per hierarchy
        if len(parts := line.split(":", 2)) != 3:
            continue
        _, controllers, group = parts
        if not controllers:
            top, quota = root / "sys/fs/cgroup", _quota_v2
        elif "cpu" in controllers.split(","):
            top, quota = root / "sys/fs/cgroup" / controllers, _quota_v1
        else:
            continue
        folder = top / group.strip("/")  # inside a container, its own group is mounted as the top: read up to it
        for limits in (folder, *folder.parents):
            with contextlib.suppress(OSError, ValueError):
                if (allowed := quota(limits)) is not None:
                    cores = min(cores, allowed)
            if limits == top:
                break
    return cores


def _quota_v2(group: Path) -> float | None:
    """The cores a cgroup v2 group's `cpu.max` allows ("max 100000": no limit)."""
    quota, period = (group / "cpu.max").read_text().split()
    return None if quota == "max" else int(quota) / int(period)


def _quota_v1(group: Path) -> float | None:
    """The cores a cgroup v1 cpu group's CFS quota allows (-1: no limit)."""
    quota = int((group / "cpu.cfs_quota_us").read_text())
    return None if quota <= 0 else quota / int((group / "cpu.cfs_period_us").read_text())


class WorkerLost(Exception):
    """A worker process ended (died, or was killed past its time limit) while it ran the task."""


class _NotBegun(Exception):
    """A task waiting behind the one its worker died on: sent to another worker."""


class Workers:
    """`processes` worker processes, started at once (a spawned Python imports for about a second: each says when
    it is `ready`). Made on a running event loop, whose transports carry the tasks. A task that runs longer than
    `time_limit` seconds has its worker killed (and replaced): it fails with WorkerLost, the tasks behind it go
    to another worker."""

    def __init__(self, processes: int, time_limit: float, imports: tuple[str, ...] = ()) -> None:
        # `imports`: what a worker imports before it is ready
        self._start = partial(_Worker, multiprocessing.get_context("spawn"), imports, time_limit)
        self._workers = [self._start() for _ in range(processes)]

    @property
    def ready(self) -> bool:
        """Whether a worker has started and takes tasks: until then a caller may rather do the task itself."""
        return any(worker.ready for worker in self._workers)

    async def run(self, function: Callable[..., _Result], *args: Any) -> _Result:
        """`function(*args)` in the ready worker with the fewest tasks, else in one still starting (function,
        arguments and result pickle)."""
        task = pickle.dumps((function, args), pickle.HIGHEST_PROTOCOL)
        while True:
            try:
                result: _Result = await self._worker().run(task)
                return result
            except _NotBegun:
                continue

    def _worker(self) -> _Worker:
        """The worker for the next task: a lost one replaced, unless it never started (it would not the next time
        either)."""
        for worker in [worker for worker in self._workers if worker.lost and not worker.started]:
            self._workers.remove(worker)
            worker.join()
        for index, worker in enumerate(self._workers):
            if worker.lost:
                logger.warning("extraction worker process %s ended: starting another", worker.pid)
                worker.join()
                self._workers[index] = self._start()
        if not self._workers:
            raise WorkerLost("no worker process could start")
        return min(self._workers, key=lambda worker: (not worker.ready, worker.waiting))

    def close(self) -> None:
        """End the workers: each finishes its task, reads the end of its socket and exits (killed if it has
        not within EXIT_WAIT seconds)."""
        for worker in self._workers:
            worker.close()
        for worker in self._workers:
            worker.join()


class _Worker:
    def __init__(self, context: Any, imports: tuple[str, ...], time_limit: float) -> None:
        ours, theirs = socket.socketpair()
        self.process: SpawnProcess = context.Process(
            target=serve, args=(theirs, imports), name="finnews-extraction", daemon=True
        )
        self.process.start()
        theirs.close()
        self.pid = self.process.pid
        self._socket = ours
        self._pending: deque[asyncio.Future[Any]] = deque()  # answered in the order sent
        self._connected = asyncio.ensure_future(self._connect())
        self._loop = asyncio.get_running_loop()
        self._time_limit = time_limit
        self._deadline: asyncio.TimerHandle | None = None  # of the task it runs: the first pending
        self._killed = False
        self.ready = self.started = self.lost = self.closing = False

    @property
    def waiting(self) -> int:
        return len(self._pending)

    async def run(self, task: bytes) -> Any:
        future: asyncio.Future[Any] = self._loop.create_future()
        self._pending.append(future)  # waiting from now (the tasks that wait for the connection write in turn)
        writer = await self._connected
        if self._deadline is None and self.ready:
            self._begun()
        writer.write(_SIZE.pack(len(task)) + task)
        return await future

    def _begun(self) -> None:
        """The first pending task has begun (was sent to an idle worker, or the one before it answered)."""
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self._loop.call_later(self._time_limit, self._kill) if self._pending else None

    def _kill(self) -> None:
        logger.error("extraction worker process %s ran a task for %.0f s: killed", self.pid, self._time_limit)
        self._killed = True
        self.process.kill()

    async def _connect(self) -> asyncio.StreamWriter:
        reader, writer = await asyncio.open_unix_connection(sock=self._socket)
        self._reading = asyncio.ensure_future(self._read(reader))  # held: the loop keeps only a weak reference
        return writer

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            await reader.readexactly(_SIZE.size)  # the worker's first message, empty: it has started
            self.ready = self.started = True
            self._begun()  # the tasks sent while it started
            while True:
                (size,) = _SIZE.unpack(await reader.readexactly(_SIZE.size))
                done, value = pickle.loads(await reader.readexactly(size))
                future = self._pending.popleft()
                self._begun()
                if not future.done():
                    future.set_result(value) if done else future.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            self._lost()

    def _lost(self) -> None:
        """The worker ended: the task it ran fails, those behind it are sent again (`Workers.run`)."""
        self.ready, self.lost = False, True
        if self._deadline is not None:
            self._deadline.cancel()
        self.process.join(0.1)
        reason = f"took over {self._time_limit:.0f} s: killed" if self._killed else f"exit code {self.process.exitcode}"
        lost = WorkerLost(f"extraction worker process {self.pid} ended ({reason})")
        if not self.started and not self.closing:  # closed while it started (a crawl that ended at once): as asked
            logger.error("%s before it started: not started again", lost)
        elif self._pending:
            logger.error("%s with %d tasks unanswered: the first lost, the others sent again", lost, len(self._pending))
        for index, future in enumerate(self._pending):
            if not future.done():
                future.set_exception(lost if index == 0 and self.started else _NotBegun())
        self._pending.clear()

    def close(self) -> None:
        # The end of the socket now: a transport's close would wait for the loop, which then waits in `join`.
        self.closing = True
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_WR)

    def join(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self.process.join(EXIT_WAIT)
        if self.process.is_alive():
            logger.warning("extraction worker process %s did not exit: killed", self.pid)
            self.process.kill()
            self.process.join()
        if self._connected.done() and not self._connected.cancelled():
            with contextlib.suppress(RuntimeError):  # its loop closed already
                self._connected.result().close()
        else:
            self._connected.cancel()
        self._socket.close()


def serve(connection: socket.socket, imports: tuple[str, ...] = ()) -> None:
    """A worker's loop: import the modules its tasks need and say it is ready (an empty message), then read a
    task, run it, write its result (or the exception it raised), until the crawl's process closes its end (or
    ends: killed, its socket is reset)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the crawl, which then closes the workers
    for module in imports:
        importlib.import_module(module)
    settle_start_up()  # its imports kept out of the collector's walks (crawler.heap)
    ended = contextlib.suppress(ConnectionError)  # the crawl's process killed: its socket reset
    with ended, connection, connection.makefile("rb") as tasks, connection.makefile("wb") as answers:
        answers.write(_SIZE.pack(0))
        answers.flush()
        while header := tasks.read(_SIZE.size):
            (size,) = _SIZE.unpack(header)
            answers.write(_answer(tasks.read(size)))
            answers.flush()


def _answer(task: bytes) -> bytes:
    """The message answering a pickled task: its result, or the exception it raised (as text if it does not
    pickle), pickled and length-prefixed."""
    function, args = pickle.loads(task)
    try:
        answer = (True, function(*args))
    except Exception as error:
        answer = (False, error)
    try:
        message = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
    except Exception:
        message = pickle.dumps((False, RuntimeError(traceback.format_exc())), pickle.HIGHEST_PROTOCOL)
    return _SIZE.pack(len(message)) + message
