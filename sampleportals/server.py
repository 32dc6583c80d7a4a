"""A small, fast HTTP/1.1 server for the portals: asyncio protocol, keep-alive, TCP_NODELAY.

All portals share one event loop in one background thread (`ServerThread`), or each worker
process runs its own loop (`workers.py`, with `listen` and `shutdown` from here). Each listening
port serves one `Site`. Transient faults (see `faults.py`) are applied here, on the first request of a
faulty URL: 500/503, a late answer, a connection reset, or a body cut short of its Content-Length.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC
from email.utils import format_datetime
from functools import partial

from sampleportals.site import Page, Site
from sampleportals.stories import NOW

logger = logging.getLogger(__name__)

REASONS: dict[int, str] = {
    200: "OK",
    304: "Not Modified",
    301: "Moved Permanently",
    302: "Found",
    400: "Bad Request",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
MAX_HEAD = 64 * 1024
# The network's fixed clock: listing dates like "3小时前" are relative to it.
DATE_HEADER = format_datetime(NOW.astimezone(UTC), usegmt=True)


class PortalServer:
    """One listening port: a `Site` plus the attempt counts that make faults transient."""

    def __init__(self, site: Site, slow_seconds: float) -> None:
        """Serve `site`; slow first attempts answer after `slow_seconds`."""
        self.site = site
        self.slow_seconds = slow_seconds
        self.attempts: dict[str, int] = {}
        self.transports: set[asyncio.Transport] = set()
        self.not_modified = 0  # 304 answers to conditional requests
        self.asked: Counter[str] = Counter()  # requests received, by target (path and query)

    def first_attempt_fault(self, target: str, page: Page) -> str | None:
        """The transient fault to apply to this request of `target`, if it is the first one."""
        if not page.faultable:
            return None
        kind = self.site.faults.transient(target)
        if kind is None:
            return None
        self.attempts[target] = self.attempts.get(target, 0) + 1
        return kind if self.attempts[target] == 1 else None


def serialize(page: Page, keep_alive: bool, head_only: bool = False, length: int | None = None) -> bytes:
    """Status line, headers and (unless `head_only`) body of `page`."""
    lines = [
        f"HTTP/1.1 {page.status} {REASONS.get(page.status, 'Unknown')}",
        "Server: nginx",
        f"Date: {DATE_HEADER}",
        f"Content-Type: {page.content_type}",
        f"Content-Length: {len(page.body) if length is None else length}",
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
        *(f"{name}: {value}" for name, value in page.headers),
    ]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + page.body


class HttpProtocol(asyncio.Protocol):
    """One client connection: parses requests one at a time and answers them in order."""

    def __init__(self, server: PortalServer) -> None:
        """Answer requests with `server`'s site."""
        self.server = server
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiting = False  # a slow answer is pending: hold further requests

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Disable Nagle (keep-alive answers would otherwise stall on delayed ACKs)."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.transports.add(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the connection."""
        if self.transport is not None:
            self.server.transports.discard(self.transport)
        self.transport = None

    def data_received(self, data: bytes) -> None:
        """Buffer bytes and answer every complete request."""
        self.buffer += data
        self._process()

    def _process(self) -> None:
        while self.transport is not None and not self.waiting:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self._send(serialize(Page(400, "text/plain", b"bad request"), False), False)
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            body_length = _content_length(head)
            if len(self.buffer) < end + 4 + body_length:
                return
            del self.buffer[: end + 4 + body_length]
            self._answer(head)

    def _answer(self, head: str) -> None:
        request_line, _, header_text = head.partition("\r\n")
        parts = request_line.split(" ")
        if len(parts) != 3:
            self._send(serialize(Page(400, "text/plain", b"bad request"), False), False)
            return
        method, target, version = parts
        self.server.asked[target] += 1
        keep_alive = _keep_alive(version, header_text)
        try:
            page = self.server.site.handle(target, _origin(header_text))
        except Exception:
            logger.exception("sample portal %s failed on %s", self.server.site.spec.name, target)
            page = Page(500, "text/plain", b"internal error")
        fault = self.server.first_attempt_fault(target, page)
        head_only = method == "HEAD"
        if page.status == 200 and page.faultable:  # articles and listings carry validators
            page, unchanged = _validated(page, header_text)
            if unchanged and fault is None:
                self.server.not_modified += 1
                self._send(serialize(page._replace(status=304, body=b""), keep_alive, head_only=True), keep_alive)
                return
        if fault == "reset":
            self._reset()
        elif fault == "truncated":
            data = serialize(page, False, head_only)
            cut = len(data) - max(1, len(page.body) // 2) if page.body and not head_only else len(data)
            self._send(data[:cut], False)
        elif fault == "server_error":
            status = self.server.site.faults.error_status(target)
            self._send(
                serialize(Page(status, "text/html; charset=utf-8", b"<h1>Server busy</h1>"), keep_alive), keep_alive
            )
        elif fault == "slow":
            self.waiting = True
            data = serialize(page, keep_alive, head_only)
            asyncio.get_running_loop().call_later(self.server.slow_seconds, self._send_late, data, keep_alive)
        else:
            self._send(serialize(page, keep_alive, head_only), keep_alive)

    def _send(self, data: bytes, keep_alive: bool) -> None:
        if self.transport is None:
            return
        self.transport.write(data)
        if not keep_alive:
            self.transport.close()

    def _send_late(self, data: bytes, keep_alive: bool) -> None:
        self.waiting = False
        self._send(data, keep_alive)
        self._process()

    def _reset(self) -> None:
        """Close with RST: SO_LINGER 0, then abort."""
        if self.transport is None:
            return
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()


def _validated(page: Page, header_text: str) -> tuple[Page, bool]:
    """`page` with its ETag (a hash of its body) and Last-Modified (the network's clock), and whether the
    request's If-None-Match (else If-Modified-Since) says the client has it already."""
    etag = '"' + hashlib.blake2b(page.body, digest_size=8).hexdigest() + '"'
    page = page._replace(headers=(*page.headers, ("ETag", etag), ("Last-Modified", DATE_HEADER)))
    headers = {}
    for line in header_text.split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "if-none-match" in headers:
        return page, etag in (tag.strip() for tag in headers["if-none-match"].split(","))
    return page, headers.get("if-modified-since") == DATE_HEADER


def _content_length(head: str) -> int:
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            return int(value.strip())
    return 0


def _origin(header_text: str) -> str:
    """ "http://" and the request's Host header ("" without one)."""
    for line in header_text.split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "host" and value.strip():
            return f"http://{value.strip()}"
    return ""


def _keep_alive(version: str, header_text: str) -> bool:
    connection = ""
    for line in header_text.split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "connection":
            connection = value.strip().lower()
    if version == "HTTP/1.1":
        return connection != "close"
    return connection == "keep-alive"


class ServerThread:
    """All portal servers in one background thread with its own event loop."""

    def __init__(self, servers: Sequence[PortalServer], ports: Sequence[int], host: str = "127.0.0.1") -> None:
        """Serve `servers[i]` on `ports[i]` (0: a free port)."""
        self.servers = list(servers)
        self.requested_ports = list(ports)
        self.host = host
        self.ports: list[int] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> list[int]:
        """Start listening; returns the bound ports once every server accepts connections."""
        self._thread = threading.Thread(target=self._run, name="sample-portals", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self.ports

    def stop(self) -> None:
        """Close every connection and listener, stop the loop and join the thread."""
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop = self._thread = None

    def reset_faults(self) -> None:
        """Forget attempt counts: every transient fault fires again on its next first attempt."""
        for server in self.servers:
            server.attempts.clear()

    def cpu_seconds(self) -> float:
        """CPU time the serving thread has used so far (the whole process's where threads have no clock)."""
        clock_of = getattr(time, "pthread_getcpuclockid", None)  # Linux, BSD; not macOS
        if clock_of is None or self._thread is None or self._thread.ident is None:
            return time.process_time()
        return time.clock_gettime(clock_of(self._thread.ident))

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        listeners: list[asyncio.Server] = []
        try:
            for server, port in zip(self.servers, self.requested_ports, strict=True):
                listener = loop.run_until_complete(
                    loop.create_server(partial(HttpProtocol, server), self.host, port, backlog=1024)
                )
                listeners.append(listener)
                self.ports.append(listener.sockets[0].getsockname()[1])
        except BaseException as error:  # reported to start()
            self._error = error
            self._ready.set()
            shutdown(loop, self.servers, listeners)
            return
        self._loop = loop
        self._ready.set()
        loop.run_forever()
        shutdown(loop, self.servers, listeners)


def listen(
    loop: asyncio.AbstractEventLoop, server: PortalServer, sock: socket.socket, backlog: int = 1024
) -> asyncio.Server:
    """Serve `server` on the listening socket `sock` (bound by whoever picks the ports)."""
    return loop.run_until_complete(loop.create_server(partial(HttpProtocol, server), sock=sock, backlog=backlog))


def shutdown(loop: asyncio.AbstractEventLoop, servers: Sequence[PortalServer], listeners: list[asyncio.Server]) -> None:
    """Abort every open connection, close the listeners and the (stopped) loop."""
    for server in servers:
        for transport in list(server.transports):
            transport.abort()
    for listener in listeners:
        listener.close()
        loop.run_until_complete(listener.wait_closed())
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
