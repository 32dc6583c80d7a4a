"""A Scrapy extension for the benchmarks: when each response arrived, the CPU time the crawl's process and its
child processes (the extraction workers) had used by then, which URLs were fetched, and the process's peak RSS (and
its children's), and every RSS_EVERY responses the requests then downloading and how many of the responses since
went to listing callbacks, written as JSON to the file named by the `PACE_FILE` setting when the spider closes. The
CPU time per response tells a cost that grows in the crawl from a machine that slows down meanwhile (wall times are
noisy on a shared machine); the requests in flight and the listings' share, a crawl that runs short of requests
(a tail of listing pages, each series a few pages at a time) from one whose pages cost more.

    scrapy crawl portal ... -s 'EXTENSIONS={"benchmarks.pace.Pace": 0}' -s PACE_FILE=/tmp/pace.json [-s PACE_URLS=0]

`PACE_URLS=0`: no URLs (an empty list), so that a long crawl's peak RSS is not the benchmark's own list of
every URL (~35 MB at 250,000 responses); the times are kept in an array of doubles (8 bytes each).

Not part of the product: `benchmarks/crawl.py` adds it to the crawls it measures (finnews and bare alike).
"""

from __future__ import annotations

import json
import os
import resource
import time
from array import array
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

#: Every this many responses, the process's resident memory is read (where in a crawl its peak is), and its
#: children's CPU time.
RSS_EVERY = 1000
_TICKS = os.sysconf("SC_CLK_TCK")


class Pace:
    """Records `time.monotonic()`, the process's CPU time and the URL of every response, the RSS (MB) and the
    children's CPU time every RSS_EVERY responses, and the peak RSS at the end."""

    def __init__(self, crawler: Crawler, path: str, urls: bool = True) -> None:
        self.crawler = crawler
        self.path = path
        self.times = array("d")
        self.cpu = array("d")  # the process's CPU seconds (all its threads) at each response
        self.children_cpu: list[float] = []  # its children's, every RSS_EVERY responses
        self.urls: list[str] | None = [] if urls else None
        self.rss: list[float] = []
        self.children_peak = 0.0
        self.in_flight: list[int] = []  # requests downloading, every RSS_EVERY responses
        self.listings: list[int] = []  # of the RSS_EVERY responses before, those to a listing's callback
        self._listings = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("PACE_FILE")
        if not path:
            raise NotConfigured("PACE_FILE is not set")
        extension = cls(crawler, path, crawler.settings.getbool("PACE_URLS", True))
        crawler.signals.connect(extension.response_received, signals.response_received)
        crawler.signals.connect(extension.spider_closed, signals.spider_closed)
        return extension

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        self.times.append(time.monotonic())
        self.cpu.append(time.process_time())
        if self.urls is not None:
            self.urls.append(request.url)
        self._listings += "listing" in getattr(request.callback, "__name__", "")
        if len(self.times) % RSS_EVERY == 0:
            self.in_flight.append(len(self.crawler.engine.downloader.active) if self.crawler.engine else 0)
            self.listings.append(self._listings)
            self._listings = 0
            with open("/proc/self/statm", encoding="ascii") as statm:
                self.rss.append(int(statm.read().split()[1]) * resource.getpagesize() / 2**20)
            self.children_peak = max(self.children_peak, _children_peak_mb())
            self.children_cpu.append(_children_cpu())

    def spider_closed(self, spider: Any) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = max(self.children_peak, _children_peak_mb())  # where they still run
        with open(self.path, "w", encoding="utf-8") as file:
            json.dump(
                {"times": self.times.tolist(), "cpu": self.cpu.tolist(), "children_cpu": self.children_cpu,
                 "urls": self.urls or [], "rss_mb": self.rss, "peak_rss_mb": peak, "children_peak_rss_mb": children,
                 "every": RSS_EVERY, "in_flight": self.in_flight, "listings": self.listings},
                file,
            )  # fmt: skip


def _children() -> list[str]:
    """The PIDs of the process's running child processes."""
    return [pid for children in Path("/proc/self/task").glob("*/children") for pid in children.read_text().split()]


def _children_cpu() -> float:
    """The CPU seconds (user and system) the process's running child processes have used."""
    seconds = 0.0
    for pid in _children():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:  # ended meanwhile
            continue
        seconds += (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime: fields 14 and 15 of stat
    return seconds


def _children_peak_mb() -> float:
    """The largest peak RSS (VmHWM) of the process's running child processes, in MB (0: none)."""
    peaks = [0.0]
    for pid in _children():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:  # ended meanwhile
            continue
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")]
    return max(peaks)
