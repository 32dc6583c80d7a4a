"""Serving from worker processes (`SampleNetwork(workers=N)`): one process per group of portals.

The parent binds every listening socket (so `port=0` still reports the ports at once) and hands each
worker the sockets and `PortalServer`s of its portals: portal `i` goes to worker `i % N`. A portal
lives in exactly one process, so its fault attempt counts stay consistent (a retry of a reset URL
succeeds whichever connection it comes on). Workers are spawned, not forked (the parent may run
threads); they unpickle the story index instead of rebuilding it, ignore Ctrl-C (the parent stops
them) and exit when their control pipe closes, should the parent die first.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import signal
import socket
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess

from sampleportals.server import PortalServer, listen, shutdown

START_TIMEOUT = 120.0  # seconds for a worker to import, unpickle its portals and listen
STOP_TIMEOUT = 5.0


class WorkerPool:
    """`PortalServer`s in `workers` processes; the same interface as `server.ServerThread`."""

    def __init__(
        self, servers: Sequence[PortalServer], ports: Sequence[int], host: str = "127.0.0.1", workers: int = 2
    ) -> None:
        """Serve `servers[i]` on `ports[i]` (0: a free port) from `min(workers, len(servers))` processes."""
        self.servers = list(servers)
        self.requested_ports = list(ports)
        self.host = host
        self.workers = max(1, min(workers, len(self.servers)))
        self.ports: list[int] = []
        self._processes: list[BaseProcess] = []
        self._controls: list[Connection] = []

    def start(self) -> list[int]:
        """Bind, start the workers and return the bound ports once every worker accepts connections."""
        sockets: list[socket.socket] = []
        try:
            for port in self.requested_ports:
                sockets.append(socket.create_server((self.host, port), backlog=1024))
            self.ports = [sock.getsockname()[1] for sock in sockets]
            context = multiprocessing.get_context("spawn")
            for number in range(self.workers):
                members = range(number, len(self.servers), self.workers)
                self._spawn(context, number, [self.servers[i] for i in members], [sockets[i] for i in members])
            for control in self._controls:
                self._await_ready(control)
        except BaseException:
            self.stop()
            raise
        finally:
            for sock in sockets:  # the workers hold their own copies
                sock.close()
        return self.ports

    def _spawn(
        self,
        context: SpawnContext,
        number: int,
        servers: list[PortalServer],
        sockets: list[socket.socket],
    ) -> None:
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=serve_in_worker, args=(servers, sockets, child_end), name=f"sample-portals-{number}", daemon=True
        )
        process.start()
        child_end.close()
        self._processes.append(process)
        self._controls.append(parent_end)

    def _await_ready(self, control: Connection) -> None:
        if not control.poll(START_TIMEOUT):
            raise RuntimeError("a sample portal worker did not start")
        try:
            answer = control.recv()
        except EOFError:
            raise RuntimeError("a sample portal worker died while starting") from None
        if answer != "ready":
            raise RuntimeError(f"a sample portal worker failed to start: {answer}")

    def stop(self) -> None:
        """Stop every worker (idempotent): ask, wait a little, then terminate."""
        for control in self._controls:
            with contextlib.suppress(OSError):  # a worker that died already
                control.send("stop")
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join()
        for control in self._controls:
            control.close()
        self._processes, self._controls = [], []

    def reset_faults(self) -> None:
        """Forget attempt counts in every worker; returns once they have."""
        self._ask("reset")

    def cpu_seconds(self) -> float:
        """CPU time the workers have used so far."""
        return sum(self._ask("cpu"))

    def _ask(self, command: str) -> list[float]:
        for control in self._controls:
            control.send(command)
        return [control.recv() for control in self._controls]


def serve_in_worker(servers: list[PortalServer], sockets: list[socket.socket], control: Connection) -> None:
    """A worker's main function: serve until the parent says "stop" or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    listeners: list[asyncio.Server] = []
    try:
        listeners = [listen(loop, server, sock) for server, sock in zip(servers, sockets, strict=True)]
    except Exception as error:
        control.send(repr(error))
        shutdown(loop, servers, listeners)
        return
    loop.add_reader(control.fileno(), _obey, loop, control, servers)
    control.send("ready")
    loop.run_forever()
    loop.remove_reader(control.fileno())
    shutdown(loop, servers, listeners)


def _obey(loop: asyncio.AbstractEventLoop, control: Connection, servers: list[PortalServer]) -> None:
    """Run one command of the parent: "reset" (fault attempts), "cpu" (CPU seconds used) or "stop"."""
    try:
        command = control.recv()
    except (EOFError, OSError):  # the parent is gone
        loop.stop()
        return
    if command == "reset":
        for server in servers:
            server.attempts.clear()
        control.send(0.0)
    elif command == "cpu":
        control.send(time.process_time())
    else:
        loop.stop()
