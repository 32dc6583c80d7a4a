"""`SampleNetwork`: the three portals on 127.0.0.1 with their ground truth; `serve_forever` for the CLI.

Served from a background thread by default, or from worker processes with `workers=2` or `3`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from os import PathLike
from types import TracebackType
from typing import Any

from sampleportals.catalog import StoryBook
from sampleportals.crawling import loopback_arguments
from sampleportals.dede import DedeSite
from sampleportals.faults import HEALTHY, FaultPlan, FaultRates
from sampleportals.kuaibao import KuaibaoSite
from sampleportals.phpcms import PhpcmsSite
from sampleportals.server import PortalServer, ServerThread
from sampleportals.site import Site
from sampleportals.sites import DISCOVERY_PROFILE_DIR, KUAIBAO, PORTALS, PROFILE_DIR
from sampleportals.stories import NOW
from sampleportals.txjr import TxjrSite
from sampleportals.workers import WorkerPool

SITE_CLASSES: dict[str, type[Site]] = {
    "dede": DedeSite, "phpcms": PhpcmsSite, "txjr": TxjrSite, KUAIBAO.name: KuaibaoSite,
}  # fmt: skip
HOST = "127.0.0.1"
FaultSetting = bool | FaultRates | Mapping[str, FaultRates]


class SampleNetwork:
    """The sample portals, deterministic by `seed`, serving from a background thread.

    >>> net = SampleNetwork(articles=20, port=0).start()
    >>> sorted(net.start_urls) == sorted(PORTALS)
    True
    >>> net.stop()
    """

    def __init__(
        self,
        articles: int = 300,
        seed: int = 1,
        faults: FaultSetting = False,
        port: int = 0,
        *,
        slow_seconds: float = 5.0,
        oversize_bytes: int = 12 * 1024 * 1024,
        workers: int = 1,
        discovery: bool = False,
        unpublished: int = 0,
    ) -> None:
        """`articles` distinct stories; `port=0` binds free ports, `port=P` binds portal i to P+i.
        `unpublished` more stories, newer than all of them, wait for `publish` (news published between crawls).

        `faults`: False (healthy), True (default `FaultRates` on every portal), one `FaultRates` for
        all portals, or a mapping portal name -> `FaultRates` (missing portals stay healthy).
        `workers`: 1 serves from a thread of this process; 2 or 3 serve from that many worker
        processes (see `workers.py`; more than one per portal is never used).
        `discovery`: also serve kuaibao (`kuaibao.py`), the portal found only through its sitemap, feed and
        JSON listing; it reprints some of the others' stories and changes nothing of theirs.
        """
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.seed = seed
        self.articles = articles
        self.port = port
        self.slow_seconds = slow_seconds
        self.names: tuple[str, ...] = (*PORTALS, KUAIBAO.name) if discovery else PORTALS
        self.workers = min(workers, len(self.names))
        self.book = StoryBook(seed, articles, unpublished)
        self.sites: dict[str, Site] = {
            name: SITE_CLASSES[name](self.book, FaultPlan(seed, name, _rates(faults, name)), oversize_bytes)
            for name in self.names
        }
        self._servers = [PortalServer(self.sites[name], slow_seconds) for name in self.names]
        self._backend: ServerThread | WorkerPool | None = None
        self.ports: dict[str, int] = {}
        if port:
            self.ports = {name: port + number for number, name in enumerate(self.names)}

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> SampleNetwork:
        """Start serving (a background thread, or worker processes); returns once every portal listens."""
        if self._backend is not None:
            return self
        requested = [self.port + number if self.port else 0 for number in range(len(self.names))]
        backend: ServerThread | WorkerPool
        if self.workers > 1:
            backend = WorkerPool(self._servers, requested, HOST, self.workers)
        else:
            backend = ServerThread(self._servers, requested, HOST)
        bound = backend.start()
        self._backend = backend
        self.ports = dict(zip(self.names, bound, strict=True))
        return self

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._backend is not None:
            self._backend.stop()
            self._backend = None

    def __enter__(self) -> SampleNetwork:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def reset_faults(self) -> None:
        """Forget attempt counts: every transient fault fires again on its next first attempt."""
        for server in self._servers:
            server.attempts.clear()
        if self._backend is not None:
            self._backend.reset_faults()

    def publish(self, count: int) -> int:
        """Publish the `count` oldest stories held back (`unpublished`), on the running network: they top
        their portals' listings, and every page published before keeps its URL. Call it between crawls (the
        pages served change at once). Returns how many were published (no more than are held back)."""
        if self.workers > 1:
            raise RuntimeError("publish() needs the network served from this process (workers=1)")
        published = self.book.publish(count)
        for site in self.sites.values():
            site.reload()
        return published

    def requests(self, target: str) -> dict[str, int]:
        """How many requests of `target` (a path, such as `/robots.txt`) each portal received since it was made."""
        if self.workers > 1:
            raise RuntimeError("requests() needs the network served from this process (workers=1)")
        return {name: server.asked[target] for name, server in zip(self.names, self._servers, strict=True)}

    def server_cpu_seconds(self) -> float:
        """CPU time spent serving since `start()`: the server thread's, or the sum over the workers."""
        return self._backend.cpu_seconds() if self._backend is not None else 0.0

    # -- addresses --------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The network's fixed clock (listing dates such as `3小时前` are relative to it)."""
        return NOW

    def base_url(self, portal: str) -> str:
        """`http://127.0.0.1:<port>` of `portal` (known once started, or when a fixed port was given)."""
        if portal not in self.ports:
            raise RuntimeError("ports are assigned by start() when port=0")
        return f"http://{HOST}:{self.ports[portal]}"

    @property
    def start_urls(self) -> dict[str, str]:
        """Portal name -> home page URL."""
        return {name: self.base_url(name) + "/" for name in self.names}

    def crawl_arguments(self, profiles: bool = True) -> list[str]:
        """The `scrapy crawl portal` arguments that crawl every portal of this network: with the sample
        portals' profiles (`PROFILE_DIR`) pointed at its ports, or (`profiles=False`) from the start URLs alone."""
        start_urls = ["-a", "start_url=" + ",".join(self.start_urls.values()), *loopback_arguments()]
        if not profiles:
            return start_urls
        folders = os.pathsep.join(map(str, (PROFILE_DIR, DISCOVERY_PROFILE_DIR)))
        return ["-a", "site=" + ",".join(self.start_urls), *start_urls, "-s", f"FINNEWS_PROFILE_DIRS={folders}"]

    # -- truth ------------------------------------------------------------------------------------

    def iter_truth(self) -> Iterator[dict[str, Any]]:
        """Ground truth of every article page reachable by crawling, portal by portal, newest first."""
        for name in self.names:
            yield from self.sites[name].iter_truth(self.base_url(name))

    def truth(self) -> list[dict[str, Any]]:
        """`iter_truth()` as a list."""
        return list(self.iter_truth())

    def write_truth(self, path: str | PathLike[str]) -> int:
        """Write the truth as JSON lines (UTF-8, unescaped); returns the number of records."""
        count = 0
        with open(path, "w", encoding="utf-8") as out:
            for record in self.iter_truth():
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        return count


def _rates(faults: FaultSetting, portal: str) -> FaultRates:
    if faults is True:
        return FaultRates()
    if faults is False:
        return HEALTHY
    if isinstance(faults, FaultRates):
        return faults
    return faults.get(portal, HEALTHY)


def serve_forever(
    port: int = 8601,
    articles: int = 300,
    seed: int = 1,
    faults: bool = False,
    truth_path: str | PathLike[str] | None = None,
    workers: int = 1,
    discovery: bool = False,
) -> None:
    """Serve the sample portals until Ctrl-C: print the start URLs, write the truth file if asked.

    `workers` > 1 serves from that many processes (at most one per portal), `discovery` adds kuaibao: see
    `SampleNetwork`.
    """
    network = SampleNetwork(
        articles=articles, seed=seed, faults=faults, port=port, workers=workers, discovery=discovery
    ).start()
    try:
        for name, url in network.start_urls.items():
            print(f"{name}\t{url}", flush=True)
        if truth_path is not None:
            count = network.write_truth(truth_path)
            print(f"truth: {count} article pages -> {truth_path}", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        network.stop()
