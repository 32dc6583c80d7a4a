"""How many pages per second the sample portals serve on loopback.

Starts a `SampleNetwork` in this process and drives it from separate client processes (so the
clients do not share the server's GIL), each holding several HTTP/1.1 keep-alive connections:

    .venv/bin/python benchmarks/portals.py [--articles 300] [--connections 8] [--processes 1] [--seconds 3]

Prints one row per workload, each on a fresh network (cold caches): article pages in random order,
listing pages, and crawl order (a listing page, then its articles), with pages/s, pages per CPU
second of the server (its rate with a core to itself: the honest figure on a busy machine) and MB/s. With
`--articles` in the tens of thousands a 3 s run rarely fetches a page twice: the cold-page rate.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.sampleportals import SampleNetwork


async def _fetch_loop(host: str, port: int, targets: Sequence[str], deadline: float) -> tuple[int, int]:
    """Request `targets` round-robin on one keep-alive connection until `deadline`: (pages, bytes)."""
    reader, writer = await asyncio.open_connection(host, port)
    pages = received = 0
    position = random.randrange(len(targets))
    while time.perf_counter() < deadline:
        target = targets[position % len(targets)]
        position += 1
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
    writer.close()
    return pages, received


async def _client(urls: Sequence[str], connections: int, seconds: float) -> tuple[int, int]:
    by_origin: dict[tuple[str, int], list[str]] = {}
    for url in urls:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        by_origin.setdefault((parts.hostname or "", parts.port or 80), []).append(target)
    origins = sorted(by_origin)
    deadline = time.perf_counter() + seconds
    results = await asyncio.gather(
        *(
            _fetch_loop(*origins[number % len(origins)], by_origin[origins[number % len(origins)]], deadline)
            for number in range(connections)
        )
    )
    return sum(pages for pages, _ in results), sum(size for _, size in results)


def _client_process(urls: Sequence[str], connections: int, seconds: float) -> tuple[int, int]:
    return asyncio.run(_client(urls, connections, seconds))


def article_urls(network: SampleNetwork) -> list[str]:
    """Every article page, shuffled (no help from neighbouring pages in the caches)."""
    urls = [record["url"] for record in network.iter_truth()]
    random.Random(0).shuffle(urls)
    return urls


def listing_urls(network: SampleNetwork) -> list[str]:
    """Every listing page of every portal."""
    return [url for url, _ in _crawl_order(network) if url is not None]


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


@dataclass(frozen=True)
class Measurement:
    """One workload's result."""

    pages: int
    seconds: float  # wall clock
    server_cpu: float  # CPU seconds this process (the server thread) spent meanwhile
    megabytes: float

    @property
    def rate(self) -> float:
        """Pages per wall-clock second."""
        return self.pages / self.seconds

    @property
    def per_cpu(self) -> float:
        """Pages per server CPU second: the rate with a core to itself (robust on a busy machine)."""
        return self.pages / self.server_cpu


def measure(urls: list[str], connections: int, processes: int, seconds: float) -> Measurement:
    """Drive `urls` for `seconds` with `processes` x `connections` keep-alive clients."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        pool.starmap(_client_process, [(urls[:50], 1, 0.2)] * processes)  # warm up the pool (imports)
        started, cpu = time.perf_counter(), time.process_time()
        results = pool.starmap(_client_process, [(urls, connections, seconds)] * processes)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    pages = sum(count for count, _ in results)
    size = sum(received for _, received in results)
    return Measurement(pages, elapsed, cpu, size / 1e6)


WORKLOADS: dict[str, Callable[[SampleNetwork], list[str]]] = {
    "articles": article_urls,
    "listings": listing_urls,
    "crawl order": crawl_order_urls,
}


def main(argv: Sequence[str] | None = None) -> None:
    """Run each workload against a fresh network (cold caches) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections per client process")
    parser.add_argument("--processes", type=int, default=1, help="client processes")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    print(f"{args.articles} stories; {args.processes}x{args.connections} keep-alive clients; {args.seconds:g} s each")
    print(f"{'workload':<12} {'urls':>7} {'pages':>7} {'pages/s':>8} {'per CPU s':>9} {'MB/s':>6}")
    for label, make_urls in WORKLOADS.items():
        network = SampleNetwork(articles=args.articles, seed=1).start()
        try:
            urls = make_urls(network)
            result = measure(urls, args.connections, args.processes, args.seconds)
        finally:
            network.stop()
        megabytes_per_second = result.megabytes / result.seconds
        print(
            f"{label:<12} {len(urls):>7} {result.pages:>7} {result.rate:>8.0f} {result.per_cpu:>9.0f} "
            f"{megabytes_per_second:>6.1f}"
        )


if __name__ == "__main__":
    main()
