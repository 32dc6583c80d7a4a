"""A shared crawl is as polite to a portal as one process (crawler.distributed.SharedPortalDelayMiddleware),
for real: 1 and then 3 `scrapy crawl portal` processes on the sample portals through the machine's Redis; a
Retry-After one process is told holds the portal for all of them.

The rate a portal sees is read from the processes' own "Crawled" lines (time stamped to the microsecond),
merged: requests per second over the crawl, and the most in any one-second window.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crawler.exitcodes import ExitCode
from sampleportals import loopback_arguments
from tests.crawls import PROJECT, export
from tests.loopback import QuietHandler, serving, tiny_article, tiny_listing

pytestmark = [pytest.mark.services, pytest.mark.e2e]

DELAY = 0.1  # seconds between two requests to one portal, for the crawl as a whole
WAIT = 3  # seconds a portal's Retry-After asks for


def crawl(network: Any, db_url: str, redis_crawl: tuple[str, str], logs: list[Path], blocked: bool = False) -> None:
    """One shared crawl of `network` by len(logs) processes at once, each logging to its file; each exits 0, or,
    `blocked`, one at least with the status of a blocked portal."""
    processes = []
    for log in logs:
        with log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "scrapy",
                        "crawl",
                        "portal",
                        *network.crawl_arguments(),
                        "-s",
                        f"FINNEWS_DB_URL={db_url}",
                        "-s",
                        f"FINNEWS_REDIS_URL={redis_crawl[0]}",
                        "-s",
                        f"FINNEWS_REDIS_KEY={redis_crawl[1]}",
                        "-s",
                        "FINNEWS_REDIS_IDLE_SECONDS=1",
                        "-s",
                        f"FINNEWS_REDIS_PORTAL_DELAY={DELAY}",
                        "-s",
                        "LOG_LEVEL=DEBUG",
                        "-s",
                        "LOG_FORMAT=%(created)f %(levelname)s %(message)s",
                    ],
                    cwd=PROJECT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    codes = [process.wait(timeout=300) for process in processes]
    expected = set(codes) <= {0, ExitCode.BLOCKED} and ExitCode.BLOCKED in codes if blocked else set(codes) == {0}
    assert expected, (codes, "\n".join(log.read_text(encoding="utf-8")[-2000:] for log in logs))


def fetch_times(logs: list[Path], origin: str) -> list[float]:
    """When each process got an answer from the portal at `origin`, all processes merged, in order."""
    crawled = re.compile(r"^(\d+\.\d+) DEBUG Crawled \(\d+\) <GET " + re.escape(origin) + r"/")
    return sorted(
        float(match.group(1))
        for log in logs
        for line in log.read_text(encoding="utf-8").splitlines()
        if (match := crawled.match(line))
    )


def rates(times: list[float]) -> tuple[float, int]:
    """Requests per second over the whole crawl of one portal, and the most in any one-second window."""
    most = max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))
    return (len(times) - 1) / (times[-1] - times[0]), most


def test_three_processes_ask_a_portal_no_more_often_than_one(
    sample_network: Any, redis_crawl: tuple[str, str], tmp_path: Path
) -> None:
    origin = sample_network.start_urls["dede"].rstrip("/")
    measured = {}
    for workers in (1, 3):
        logs = [tmp_path / f"{workers}-{n}.log" for n in range(workers)]
        crawl(
            sample_network,
            f"sqlite:///{tmp_path}/finnews-{workers}.db",
            (redis_crawl[0], f"{redis_crawl[1]}-{workers}"),
            logs,
        )
        times = fetch_times(logs, origin)
        assert len(times) > 50, times  # the portal's pages, fetched
        if workers == 3:
            shares = [len(fetch_times([log], origin)) for log in logs]
            assert sum(1 for share in shares if share) >= 2, shares  # the work was shared
        measured[workers] = rates(times)
    print("requests per second, most in one second, by workers:", measured)
    (rate1, peak1), (rate3, peak3) = measured[1], measured[3]
    limit = 1 / DELAY
    # Three processes together: no faster than one process, or than the shared limit where one cannot reach it.
    assert rate3 <= max(rate1, limit) * 1.25, measured
    assert peak1 <= limit * 1.5 + 1 and peak3 <= limit * 1.5 + 1, measured  # and the delay holds in every second


class _Portal:
    """`crawl`'s network: one portal at `url`, crawled with the loopback settings (and `settings`)."""

    def __init__(self, url: str, *settings: str) -> None:
        self.url, self.settings = url, settings

    def crawl_arguments(self) -> list[str]:
        settings = [argument for setting in self.settings for argument in ("-s", setting)]
        return ["-a", f"start_url={self.url}", *loopback_arguments(), "-s", "FINNEWS_DISCOVER=False", *settings]


@contextmanager
def limited_portal(
    articles: int, nth: int, status: int, **headers: str
) -> Iterator[tuple[str, list[Any], list[float]]]:
    """A portal of `articles` articles whose `nth` article page asked answers `status` (with `headers`), once: its
    URL, when each path was asked for, and when that answer went."""
    asked: list[tuple[float, str]] = []
    limited: list[float] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            asked.append((time.monotonic(), self.path))
            if self.path == "/robots.txt":
                self.answer(404, "")
            elif self.path == "/":
                self.answer(200, tiny_listing(range(1, articles + 1)))
            elif sum(1 for _, path in asked if path.startswith("/a/")) == nth and not limited:
                limited.append(time.monotonic())
                self.answer(status, "<html><body><h1>Too Many Requests</h1></body></html>", **headers)
            else:
                self.answer(200, tiny_article(self.path.rsplit("/", 1)[-1].split(".")[0]))

    with serving(Handler) as base:
        yield base, asked, limited


def test_a_retry_after_holds_the_portal_for_every_process(redis_crawl: tuple[str, str], tmp_path: Path) -> None:
    """Two processes share a crawl of 40 articles; the eighth article page asked answers 429 with a Retry-After of
    WAIT seconds, once. No process asks the portal anything until the wait is over, and every article is stored."""
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    logs = [tmp_path / f"{n}.log" for n in range(2)]
    with limited_portal(40, 8, 429, Retry_After=str(WAIT)) as (base, asked, limited):
        crawl(_Portal(base + "/"), db_url, redis_crawl, logs)
    assert limited, asked
    after = [at for at, _ in asked if at > limited[0]]
    assert after and min(after) - limited[0] >= WAIT * 0.95, [at - limited[0] for at in after[:5]]
    assert all(fetch_times([log], base) for log in logs)  # both processes asked the portal
    assert len(export(db_url)) == 40


def test_a_block_slows_the_portal_down_for_every_process(redis_crawl: tuple[str, str], tmp_path: Path) -> None:
    """Two processes share a crawl of 40 articles; the sixteenth article page asked answers a JavaScript challenge
    (521), once: the process that met it backs off to FINNEWS_BLOCKED_DELAY between requests, and the crawl as a
    whole keeps that pace once what was reserved before is sent (one request a second, however the two share it)."""
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    logs = [tmp_path / f"{n}.log" for n in range(2)]
    with limited_portal(40, 16, 521) as (base, asked, limited):
        crawl(_Portal(base + "/", "FINNEWS_BLOCKED_DELAY=1"), db_url, redis_crawl, logs, blocked=True)
    assert limited, asked
    later = [at for at, _ in asked if at > limited[0] + 1.5]  # what was reserved before the block is sent
    assert len(later) >= 5, later
    rate = (len(later) - 1) / (later[-1] - later[0])  # requests per second, both processes together
    assert rate <= 1.25, [round(at - limited[0], 2) for at in later]
    assert all(fetch_times([log], base) for log in logs)  # both processes asked the portal
    assert len(export(db_url)) == 39  # the blocked page is no article
