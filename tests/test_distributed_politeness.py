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
from pathlib import Path
from typing import Any

import pytest

from sampleportals import loopback_arguments
from tests.crawls import PROJECT, export
from tests.loopback import QuietHandler, serving

pytestmark = [pytest.mark.services, pytest.mark.e2e]

DELAY = 0.1  # seconds between two requests to one portal, for the crawl as a whole
WAIT = 3  # seconds a portal's Retry-After asks for


def crawl(network: Any, db_url: str, redis_crawl: tuple[str, str], logs: list[Path]) -> None:
    """One shared crawl of `network` by len(logs) processes at once, each logging to its file."""
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
    assert codes == [0] * len(logs), "\n".join(log.read_text(encoding="utf-8")[-2000:] for log in logs)


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
    """`crawl`'s network: one portal at `url`, crawled with the loopback settings."""

    def __init__(self, url: str) -> None:
        self.url = url

    def crawl_arguments(self) -> list[str]:
        return ["-a", f"start_url={self.url}", *loopback_arguments(), "-s", "FINNEWS_DISCOVER=False"]


def test_a_retry_after_holds_the_portal_for_every_process(redis_crawl: tuple[str, str], tmp_path: Path) -> None:
    """Two processes share a crawl of 40 articles; the eighth article page asked answers 429 with a Retry-After of
    WAIT seconds, once. No process asks the portal anything until the wait is over, and every article is stored."""
    filler = "市场人士表示，近期资金面总体平稳，跨月因素影响有限，流动性合理充裕，政策仍有空间。"
    listing = "".join(f'<li><a href="/a/20240903/{n}.html">第{n}条新闻的标题文字</a> <span>2024-09-03</span></li>'
                      for n in range(1, 41))  # fmt: skip
    asked: list[tuple[float, str]] = []
    limited: list[float] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            asked.append((time.monotonic(), self.path))
            if self.path == "/robots.txt":
                self.answer(404, "")
            elif self.path == "/":
                self.answer(200, f"<html><head><title>测试财经网</title></head><body><ul>{listing}</ul></body></html>")
            elif sum(1 for _, path in asked if path.startswith("/a/")) == 8 and not limited:
                limited.append(time.monotonic())
                self.answer(429, "<h1>Too Many Requests</h1>", Retry_After=str(WAIT))
            else:
                n = self.path.rsplit("/", 1)[-1].split(".")[0]
                self.answer(200, f"<html><head><title>第{n}条新闻的标题文字_测试财经网</title></head><body>"
                                 f"<h1>第{n}条新闻的标题文字</h1><div>2024-09-03 11:54 来源:新华社</div>"
                                 f"<div class='content'><p>第{n}条。{filler}</p><p>{filler}</p></div></body></html>")  # fmt: skip

    db_url = f"sqlite:///{tmp_path}/finnews.db"
    logs = [tmp_path / f"{n}.log" for n in range(2)]
    with serving(Handler) as base:
        crawl(_Portal(base + "/"), db_url, redis_crawl, logs)
    assert limited, asked
    after = [at for at, _ in asked if at > limited[0]]
    assert after and min(after) - limited[0] >= WAIT * 0.95, [at - limited[0] for at in after[:5]]
    assert all(fetch_times([log], base) for log in logs)  # both processes asked the portal
    assert len(export(db_url)) == 40
