"""A hand-written HTTP server on a free loopback port, for tests that need a server of their own (a tiny
portal, a webhook receiver)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing (the test says what went wrong) and answers whole responses."""

    def log_message(self, *args: Any) -> None:
        pass

    def answer(
        self, status: int, body: str | bytes, content_type: str = "text/html; charset=utf-8", **headers: str
    ) -> None:
        """Send a whole response: `body` (a text in UTF-8), its type and length, and `headers`."""
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 (a free port) in a thread; yields the base URL (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


#: What the articles of a tiny portal (`tiny_listing`, `tiny_article`) say, twice.
FILLER = "市场人士表示，近期资金面总体平稳，跨月因素影响有限，流动性合理充裕，政策仍有空间。"


def tiny_listing(numbers: Iterable[int]) -> str:
    """The home page of a tiny portal: a dated listing of its articles /a/20240903/N.html (`tiny_article`)."""
    items = "".join(
        f'<li><a href="/a/20240903/{n}.html">第{n}条新闻的标题文字</a> <span>2024-09-03</span></li>' for n in numbers
    )
    return f"<html><head><title>测试财经网</title></head><body><ul>{items}</ul></body></html>"


def tiny_article(n: str | int) -> str:
    """Article N of a tiny portal: its headline, a meta line (date, 来源) and two paragraphs."""
    return (
        f"<html><head><title>第{n}条新闻的标题文字_测试财经网</title></head><body>"
        f"<h1>第{n}条新闻的标题文字</h1><div>2024-09-03 11:54 来源:新华社</div>"
        f"<div class='content'><p>第{n}条。{FILLER}</p><p>{FILLER}</p></div></body></html>"
    )
