"""A portal that answers 429 or 503 with a Retry-After gets that long without requests, then the page is asked
again and stored; a Retry-After longer than FINNEWS_MAX_CRAWL_DELAY is not waited for (the 429 is a rate limit,
as without one)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

import pytest

from crawler.crawldelay import retry_after
from crawler.exitcodes import ExitCode
from sampleportals import loopback_arguments
from tests.crawls import PROJECT, export, run_stats
from tests.loopback import QuietHandler, serving, tiny_article, tiny_listing

WAIT = 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"120", 120.0),
        (b" 0 ", 0.0),
        (formatdate(1_000_030, usegmt=True).encode(), 30.0),  # an HTTP date, 30 s after now
        (formatdate(999_000, usegmt=True).encode(), 0.0),  # a date gone by: at once
        (b"-5", None),
        (b"1.5", None),  # delay-seconds are whole
        (b"Sat, 05 Dec 2026 25:99:00", None),
        (b"", None),
        (None, None),
    ],
)
def test_retry_after_values(value: bytes | None, expected: float | None) -> None:
    assert retry_after(value, 1_000_000) == expected


@dataclass
class Portal:
    url: str
    asked: list[tuple[float, str]] = field(default_factory=list)  # when each page was asked for, and which
    limited: dict[str, float] = field(default_factory=dict)  # page -> when it answered with a Retry-After


@pytest.fixture
def portal() -> Iterator[Portal]:
    """Four articles: /a/1 answers 429 with Retry-After once, /a/2 503 with an HTTP-date Retry-After once, /a/3
    429 with a Retry-After of an hour every time, /a/4 answers."""
    state = Portal("")

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self.answer(404, "")
                return
            state.asked.append((time.monotonic(), self.path))
            if self.path == "/":
                self.answer(200, tiny_listing(range(1, 5)))
                return
            n = self.path.rsplit("/", 1)[-1].split(".")[0]
            if n == "3":
                self.answer(429, "<h1>Too Many Requests</h1>", Retry_After="3600")
                return
            if n in ("1", "2") and self.path not in state.limited:
                state.limited[self.path] = time.monotonic()
                if n == "1":
                    self.answer(429, "<h1>Too Many Requests</h1>", Retry_After=str(WAIT))
                else:
                    self.answer(503, "<h1>维护中</h1>", Retry_After=formatdate(time.time() + WAIT + 1, usegmt=True))
                return
            self.answer(200, tiny_article(n))

    with serving(Handler) as base:
        state.url = base + "/"
        yield state


@pytest.mark.e2e
def test_a_retry_after_is_waited_out_and_the_page_asked_again(portal: Portal, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={portal.url}", *loopback_arguments(),
         # one at a time, none in flight when a Retry-After comes (with no delay at all, Scrapy 2.19's downloader
         # sends a slot's queued requests in one go, over its concurrency)
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.01",
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "FINNEWS_DISCOVER=False", "-s", "LOG_LEVEL=INFO"],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == ExitCode.BLOCKED, result.stderr[-3000:]  # /a/3's rate limit, not waited for
    stored = sorted(record["url"].rsplit("/", 1)[-1] for record in export(db_url))
    assert stored == ["1.html", "2.html", "4.html"]
    for path, limited in portal.limited.items():
        after = [(at, asked) for at, asked in portal.asked if at > limited]
        # nothing asked of the portal until the wait is over (the 503's date is 1-2 s further: whole seconds)
        assert after and min(at for at, _ in after) - limited >= WAIT * 0.95, (path, after)
        assert path in [asked for _, asked in after]  # then the page itself again
    stats = run_stats(db_url)[-1]
    assert stats["finnews/retry_after"] == 2
    assert WAIT <= stats["finnews/retry_after/max"] <= WAIT + 2
    assert stats["finnews/blocked/rate_limited"] == 1
    assert [path for _, path in portal.asked].count("/a/20240903/3.html") == 1
    assert "longer than FINNEWS_MAX_CRAWL_DELAY (30 s): not waited" in result.stderr
