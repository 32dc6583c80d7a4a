"""How many pages per second the sample portals serve on loopback, on first visits.

Starts a `SampleNetwork` and drives it from separate client processes (so the clients do not share
the server's GIL), each holding several HTTP/1.1 keep-alive connections:

    .venv/bin/python benchmarks/portals.py [--articles 20000] [--workers 1,3] [--connections 8]
        [--processes 1] [--seconds 3] [--rounds 1]

Every cell of the table is a fresh network (cold caches) whose URLs are each fetched once, in the
workload's order, until they run out or `--seconds` pass: the first-visit rate that a benchmark crawl
of a large network sees. Workloads: article pages in random order, listing pages, and crawl order (a
listing page, then its articles). Columns, side by side per `--workers` setting (1: a server thread in
this process; 2 or 3: worker processes): pages per wall-clock second, pages per CPU second of the
server (its rate with a core to itself: the honest figure on a busy machine) and MB/s. With
`--rounds` > 1 each cell is the median round.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import shlex
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sampleportals import SampleNetwork

Origin = tuple[str, int]


# -- clients (in their own processes) ------------------------------------------------------------


async def _fetch_queue(host: str, port: int, queue: Iterator[str], deadline: float) -> tuple[int, int]:
    """Fetch targets from the shared `queue` on one keep-alive connection until it runs dry or `deadline`."""
    reader, writer = await asyncio.open_connection(host, port)
    pages = received = 0
    for target in queue:
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"{target}: {head[:40]!r}")
        pages += 1
        received += len(head) + len(body)
        if time.perf_counter() >= deadline:
            break
    writer.close()
    return pages, received


async def _client(by_origin: dict[Origin, list[str]], connections: int, seconds: float) -> tuple[int, int, float]:
    """Share `connections` among the origins; each origin's connections drain one queue in order."""
    origins = sorted(by_origin)
    queues = {origin: iter(by_origin[origin]) for origin in origins}
    started = time.perf_counter()
    deadline = started + seconds
    results = await asyncio.gather(
        *(
            _fetch_queue(*origins[number % len(origins)], queues[origins[number % len(origins)]], deadline)
            for number in range(connections)
        )
    )
    elapsed = time.perf_counter() - started
    return sum(pages for pages, _ in results), sum(size for _, size in results), elapsed


def _client_process(by_origin: dict[Origin, list[str]], connections: int, seconds: float) -> tuple[int, int, float]:
    return asyncio.run(_client(by_origin, connections, seconds))


def _by_origin(urls: Sequence[str]) -> dict[Origin, list[str]]:
    """Request targets grouped by (host, port), each group in `urls` order."""
    groups: dict[Origin, list[str]] = {}
    for url in urls:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        groups.setdefault((parts.hostname or "", parts.port or 80), []).append(target)
    return groups


# -- workloads -----------------------------------------------------------------------------------


def article_urls(network: SampleNetwork) -> list[str]:
    """Every article page, shuffled (no help from neighbouring pages in the caches)."""
    urls = [
        network.base_url(name) + site.article_path(site.index.slot(local))
        for name, site in network.sites.items()
        for local in range(len(site.index))
    ]
    random.Random(0).shuffle(urls)
    return urls


def listing_urls(network: SampleNetwork) -> list[str]:
    """Every listing page of every portal."""
    return [url for url, _ in _crawl_order(network)]


def crawl_order_urls(network: SampleNetwork) -> list[str]:
    """What a crawler fetches, in its order: a listing page, then that page's articles."""
    urls: list[str] = []
    for listing, articles in _crawl_order(network):
        urls += [listing, *articles]
    return urls


def _crawl_order(network: SampleNetwork) -> list[tuple[str, list[str]]]:
    order = []
    for name, site in network.sites.items():
        base = network.base_url(name)
        for channel in range(len(site.spec.channels)):
            for page in range(1, site.index.page_count(channel) + 1):
                articles = [
                    base + site.article_path(site.index.slot(local)) for local in site.index.listing(channel, page)
                ]
                order.append((base + site.listing_path(channel, page), articles))
    return order


WORKLOADS: dict[str, Callable[[SampleNetwork], list[str]]] = {
    "articles": article_urls,
    "listings": listing_urls,
    "crawl order": crawl_order_urls,
}


# -- measuring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """One workload's result on one network."""

    urls: int
    pages: int
    seconds: float  # wall clock, first request to last answer
    server_cpu: float  # CPU seconds the server (thread or workers) spent meanwhile
    megabytes: float

    @property
    def rate(self) -> float:
        """Pages per wall-clock second."""
        return self.pages / self.seconds

    @property
    def per_cpu(self) -> float:
        """Pages per server CPU second: the rate with a core to itself (robust on a busy machine)."""
        return self.pages / max(self.server_cpu, 1e-9)


def measure(network: SampleNetwork, urls: list[str], connections: int, processes: int, seconds: float) -> Measurement:
    """Fetch each of `urls` once (or until `seconds` pass) with `processes` x `connections` keep-alive clients."""
    by_origin = _by_origin(urls)
    shares = [
        {origin: targets[number::processes] for origin, targets in by_origin.items()} for number in range(processes)
    ]
    warm_up = {origin: ["/robots.txt"] for origin in by_origin}  # imports and connections, no page
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        pool.starmap(_client_process, [(warm_up, len(warm_up), 1.0)] * processes)
        cpu = network.server_cpu_seconds()
        results = pool.starmap(_client_process, [(share, connections, seconds) for share in shares])
        cpu = network.server_cpu_seconds() - cpu
    pages = sum(count for count, _, _ in results)
    size = sum(received for _, received, _ in results)
    elapsed = max(taken for _, _, taken in results)
    return Measurement(len(urls), pages, elapsed, cpu, size / 1e6)


def run_cell(workload: str, options: argparse.Namespace, workers: int) -> Measurement:
    """`workload` on `options.rounds` fresh networks: the median run by pages/s (the upper one of two)."""
    runs = []
    for _ in range(options.rounds):
        network = SampleNetwork(articles=options.articles, seed=options.seed, workers=workers).start()
        try:
            urls = WORKLOADS[workload](network)
            runs.append(measure(network, urls, options.connections, options.processes, options.seconds))
        finally:
            network.stop()
    runs.sort(key=lambda run: run.rate)
    return runs[len(runs) // 2]


# -- report --------------------------------------------------------------------------------------

CELL = f"{'pages/s':>8} {'per CPU s':>9} {'MB/s':>6}"


def _cell(result: Measurement) -> str:
    return f"{result.rate:>8.0f} {result.per_cpu:>9.0f} {result.megabytes / result.seconds:>6.1f}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000, help="stories in the network")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1,3", help="comma-separated SampleNetwork(workers=...) to compare")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections per client process")
    parser.add_argument("--processes", type=int, default=1, help="client processes")
    parser.add_argument("--seconds", type=float, default=3.0, help="time limit per cell")
    parser.add_argument("--rounds", type=int, default=1, help="fresh networks per cell (the median is shown)")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset of the workloads")
    options = parser.parse_args(argv)
    options.worker_counts = [int(count) for count in options.workers.split(",")]
    options.workload_names = [name.strip() for name in options.workloads.split(",")]
    unknown = set(options.workload_names) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    return options


def main(argv: Sequence[str] | None = None) -> None:
    """Run every workload with every worker setting and print them side by side."""
    options = parse_args(argv)
    arguments = sys.argv[1:] if argv is None else list(argv)
    print("reproduce:", shlex.join([".venv/bin/python", "benchmarks/portals.py", *arguments]))
    print(
        f"{options.articles} stories, first visits (each URL once, fresh network per cell); "
        f"clients: {options.processes} process(es) x {options.connections} keep-alive connections; "
        f"at most {options.seconds:g} s per cell, median of {options.rounds} round(s)"
    )
    width = len(CELL)
    print(f"{'':<12} {'':>7}" + "".join(f" | {f'workers={count}':^{width}}" for count in options.worker_counts))
    print(f"{'workload':<12} {'urls':>7}" + f" | {CELL}" * len(options.worker_counts))
    for workload in options.workload_names:
        results = [run_cell(workload, options, count) for count in options.worker_counts]
        print(f"{workload:<12} {results[0].urls:>7}" + "".join(f" | {_cell(result)}" for result in results), flush=True)


if __name__ == "__main__":
    main()
