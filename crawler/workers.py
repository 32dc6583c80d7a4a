"""Worker processes that run a function for the crawl's event loop: an article page's extraction
(`extract.page.read_fetched_article`) while the loop goes on with other pages (FINNEWS_EXTRACTION_PROCESSES).

Each worker is a spawned process (no fork of a process that runs threads) with a socket to the crawl's process:
a task is its function and arguments pickled, length-prefixed, written to the socket by the event loop's own
transport; the worker answers each task in turn; the loop reads the answers as any other connection's data. No
thread of the crawl's process carries a task or an answer: `concurrent.futures.ProcessPoolExecutor`'s two
(its queue's feeder and its manager) wait for the GIL that the event loop holds, ~5 ms a hand-over (Python's
switch interval), and queue only one task beyond a busy worker's: its workers sat idle, and the crawl was
slower with them than without (session 16, `benchmarks/crawl.py ratio --variant FINNEWS_EXTRACTION_PROCESSES=1`).

A worker that dies (killed, out of memory) fails its tasks with `WorkerLost` and is replaced for the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import pickle
import signal
import socket
import struct
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.context import SpawnProcess
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

_Result = TypeVar("_Result")
_SIZE = struct.Struct("!Q")  # a message's length, before it
#: How long `Workers.close` waits for a worker to finish its task and exit before it is killed (seconds).
EXIT_WAIT = 5.0


class WorkerLost(Exception):
    """A worker process ended with tasks unanswered."""


class Workers:
    """`processes` worker processes, started at once (a spawned Python imports for about a second)."""

    def __init__(self, processes: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(self._context) for _ in range(processes)]

    async def run(self, function: Callable[..., _Result], *args: Any) -> _Result:
        """`function(*args)` in the worker with the fewest tasks (function, arguments and result pickle)."""
        index = min(range(len(self._workers)), key=lambda i: self._workers[i].waiting)
        if self._workers[index].lost:
            logger.warning("extraction worker process %s ended: starting another", self._workers[index].pid)
            self._workers[index] = _Worker(self._context)
        result: _Result = await self._workers[index].run(pickle.dumps((function, args), pickle.HIGHEST_PROTOCOL))
        return result

    def close(self) -> None:
        """End the workers: each finishes its task, reads the end of its socket and exits (killed if it has
        not within EXIT_WAIT seconds)."""
        for worker in self._workers:
            worker.close()
        for worker in self._workers:
            worker.join()


class _Worker:
    def __init__(self, context: Any) -> None:
        ours, theirs = socket.socketpair()
        self.process: SpawnProcess = context.Process(
            target=serve, args=(theirs,), name="finnews-extraction", daemon=True
        )
        self.process.start()
        theirs.close()
        self.pid = self.process.pid
        self._socket = ours
        self._pending: deque[asyncio.Future[Any]] = deque()  # answered in the order sent
        self._connected: asyncio.Task[asyncio.StreamWriter] | None = None
        self.lost = False

    @property
    def waiting(self) -> int:
        return len(self._pending)

    async def run(self, task: bytes) -> Any:
        if self._connected is None:
            self._connected = asyncio.ensure_future(self._connect())
        writer = await self._connected
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append(future)
        writer.write(_SIZE.pack(len(task)) + task)
        return await future

    async def _connect(self) -> asyncio.StreamWriter:
        reader, writer = await asyncio.open_unix_connection(sock=self._socket)
        self._reading = asyncio.ensure_future(self._read(reader))
        return writer

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                (size,) = _SIZE.unpack(await reader.readexactly(_SIZE.size))
                done, value = pickle.loads(await reader.readexactly(size))
                future = self._pending.popleft()
                if not future.done():
                    future.set_result(value) if done else future.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self.lost = True
            self.process.join(0.1)
            lost = WorkerLost(f"extraction worker process {self.pid} ended (exit code {self.process.exitcode})")
            if self._pending:
                logger.error("%s with %d pages unread", lost, len(self._pending))
            while self._pending:
                future = self._pending.popleft()
                if not future.done():
                    future.set_exception(lost)
            if not isinstance(error, asyncio.IncompleteReadError):
                raise

    def close(self) -> None:
        with contextlib.suppress(
            OSError
        ):  # the end of the socket now: the loop, which would close its transport, waits
            self._socket.shutdown(socket.SHUT_WR)

    def join(self) -> None:
        self.process.join(EXIT_WAIT)
        if self.process.is_alive():
            logger.warning("extraction worker process %s did not exit: killed", self.pid)
            self.process.kill()
            self.process.join()
        if self._connected is not None and self._connected.done() and not self._connected.cancelled():
            with contextlib.suppress(RuntimeError):  # its loop closed already
                self._connected.result().close()
        self._socket.close()


def serve(connection: socket.socket) -> None:
    """A worker's loop: read a task, run it, write its result (or the exception it raised), until the crawl's
    process closes its end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the crawl, which then closes the workers
    with connection, connection.makefile("rb") as tasks, connection.makefile("wb") as answers:
        while header := tasks.read(_SIZE.size):
            (size,) = _SIZE.unpack(header)
            function, args = pickle.loads(tasks.read(size))
            try:
                answer = (True, function(*args))
            except Exception as error:
                answer = (False, error)
            try:
                message = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
            except Exception:  # an answer that does not pickle: its error as text
                message = pickle.dumps((False, RuntimeError(traceback.format_exc())), pickle.HIGHEST_PROTOCOL)
            answers.write(_SIZE.pack(len(message)) + message)
            answers.flush()
