"""What a crawl costs: finnews against a bare Scrapy spider on the same URLs, its profile, and its pace at scale.

    .venv/bin/python benchmarks/crawl.py ratio [--articles 2000] [--rounds 2] [--profile]
        [--variant FINNEWS_EXTRACTION_PROCESSES=1]
    .venv/bin/python benchmarks/crawl.py scale [--articles 20000]

ratio: one sample network (every portal, on 127.0.0.1) is crawled by finnews (`scrapy crawl portal`:
profiles, every pipeline, a fresh SQLite database) and by a bare Scrapy spider that only downloads the
URLs finnews fetched (robots.txt, listings, articles, read-count scripts), with the same concurrency
settings (`sampleportals.crawling.LOOPBACK_SETTINGS`, CONCURRENT_REQUESTS of crawler/settings.py), in
alternating rounds so neither always runs on a warmer machine. Reported: the best round of each in
seconds of wall time (start-up included) and the ratio bare / finnews (1.0: finnews as fast as downloading
alone); also the CPU seconds of each crawl's process (all its threads; the median round) and their ratio,
the figure to quote when other work loads the machine and makes wall times noise. `--variant NAME=VALUE` (repeatable) adds finnews with those settings to every round (extraction in
worker processes, say). `--profile` crawls once more under cProfile and prints the top of the profile.

scale: one crawl of a large network, with its pace (responses per second in the first and in the last
tenth of its responses), its peak RSS, and its reprint result against the network's truth: stories
stored more than once (missed reprints), pages put in a wrong story (false merges), pages lost.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.settings import CONCURRENT_REQUESTS, EXTENSIONS
from sampleportals import SampleNetwork, loopback_arguments

PROJECT = Path(__file__).resolve().parent.parent
PACE_EXTENSION = {"benchmarks.pace.Pace": 0}
#: The crawls run as an installed finnews runs, its modules' bytecode cached in __pycache__: an environment
#: with PYTHONDONTWRITEBYTECODE (some sandboxes set it) makes every crawl compile finnews' modules again.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
#: The bare spider: every URL of a file, downloaded and dropped.
BARE_SPIDER = """
from pathlib import Path
from scrapy import Request, Spider

class Bare(Spider):
    name = "bare"

    async def start(self):
        for url in Path(self.urls).read_text().split():
            yield Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        return None
"""


@dataclass
class Run:
    """One crawl: wall seconds, response times, fetched URLs, peak RSS (MB), RSS (MB) every 1,000 responses,
    CPU seconds of its process (its worker processes included), the largest peak RSS of those (MB), the CPU seconds
    its process had used at each response and its workers had at every `every`th (`benchmarks.pace`)."""

    seconds: float
    times: list[float]
    urls: list[str]
    peak_rss_mb: float
    rss_mb: list[float]
    cpu_seconds: float
    workers_peak_rss_mb: float = 0.0
    cpu_at: list[float] = field(default_factory=list)
    workers_cpu_at: list[float] = field(default_factory=list)
    every: int = 1000  # the responses between two samples of the RSS and the workers' CPU
    in_flight: list[int] = field(default_factory=list)  # requests downloading at each sample
    listings: list[int] = field(default_factory=list)  # responses to listing callbacks since the sample before


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str], cwd: Path, pace: Path, extensions: dict[str, Any] | None = None) -> Run:
    """Run a crawl `command` with the pace extension (added to `extensions`, the crawl's own)."""
    started, cpu = time.perf_counter(), _cpu_of_children()
    enabled = json.dumps({**(extensions or {}), **PACE_EXTENSION})
    subprocess.run([*command, "-s", f"EXTENSIONS={enabled}", "-s", f"PACE_FILE={pace}", "-s", "LOG_LEVEL=ERROR"],
                   cwd=cwd, env=ENVIRONMENT, check=True)  # fmt: skip
    seconds, cpu = time.perf_counter() - started, _cpu_of_children() - cpu
    record = json.loads(pace.read_text())
    return Run(seconds, record["times"], record["urls"], record["peak_rss_mb"], record.get("rss_mb", []), cpu,
               record.get("children_peak_rss_mb", 0.0), record["cpu"], record["children_cpu"], record["every"],
               record.get("in_flight", []), record.get("listings", []))  # fmt: skip


def finnews_command(network: SampleNetwork, db_url: str, *settings: str) -> list[str]:
    setting_arguments = [argument for setting in settings for argument in ("-s", setting)]
    return [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(), "-s",
            f"FINNEWS_DB_URL={db_url}", *setting_arguments]  # fmt: skip


def finnews_crawl(network: SampleNetwork, tmp: Path, *settings: str) -> Run:
    command = finnews_command(network, f"sqlite:///{tmp}/finnews.db", *settings)
    return _run(command, PROJECT, tmp / "pace.json", EXTENSIONS)


def bare_crawl(urls: list[str], tmp: Path) -> Run:
    """The bare spider over `urls`, run outside the project (no finnews settings, middlewares or pipelines)."""
    folder = tmp / "bare"
    folder.mkdir(exist_ok=True)
    (folder / "bare.py").write_text(BARE_SPIDER)
    (folder / "urls.txt").write_text("\n".join(urls))
    command = [sys.executable, "-m", "scrapy", "runspider", "bare.py", "-a", "urls=urls.txt",
               "-s", f"CONCURRENT_REQUESTS={CONCURRENT_REQUESTS}", *loopback_arguments()]  # fmt: skip
    env_path = f"PYTHONPATH={PROJECT}"  # the pace extension lives in benchmarks/
    return _run(["env", env_path, *command], folder, folder / "pace.json")


def ratio(articles: int, rounds: int, profile: bool, variant: list[str] | None = None) -> dict[str, float]:
    """finnews against the bare spider (see the module docstring), and finnews with the `variant` settings
    (NAME=VALUE) if any; printed and returned."""
    best: dict[str, float] = {}
    cpu: dict[str, list[float]] = defaultdict(list)
    peak = workers_peak = 0.0
    configurations = {"finnews": [], **({"finnews " + " ".join(variant): variant} if variant else {})}
    with SampleNetwork(articles=articles, seed=1, port=0) as network:
        urls: list[str] = []
        for _ in range(rounds):
            for name, settings in configurations.items():
                with tempfile.TemporaryDirectory() as tmp:
                    run = finnews_crawl(network, Path(tmp), *settings)
                urls, peak = run.urls, max(peak, run.peak_rss_mb) if not settings else peak
                workers_peak = max(workers_peak, run.workers_peak_rss_mb) if not settings else workers_peak
                best[name] = min(best.get(name, run.seconds), run.seconds)
                cpu[name].append(run.cpu_seconds)
            with tempfile.TemporaryDirectory() as tmp:
                bare = bare_crawl(urls, Path(tmp))
            best["bare Scrapy"] = min(best.get("bare Scrapy", bare.seconds), bare.seconds)
            cpu["bare Scrapy"].append(bare.cpu_seconds)
        median_cpu = {name: statistics.median(seconds) for name, seconds in cpu.items()}
        print(f"{articles} stories, {len(urls)} responses, CONCURRENT_REQUESTS={CONCURRENT_REQUESTS}; "
              f"best of {rounds} rounds (CPU: median); finnews peak RSS {peak:.0f} MB (its extraction worker's "
              f"{workers_peak:.0f} MB); "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"{'crawler':<44}{'seconds':>9}{'pages/s':>9}{'share of bare':>15}{'CPU s':>8}{'CPU share':>11}")
        for name, seconds in best.items():
            print(f"{name:<44}{seconds:>9.1f}{len(urls) / seconds:>9.0f}{best['bare Scrapy'] / seconds:>15.2f}"
                  f"{median_cpu[name]:>8.1f}{median_cpu['bare Scrapy'] / median_cpu[name]:>11.2f}")  # fmt: skip
        print(
            f"ratio finnews / bare Scrapy (speed): {best['bare Scrapy'] / best['finnews']:.2f}; "
            f"CPU seconds bare / finnews: {median_cpu['bare Scrapy'] / median_cpu['finnews']:.2f}"
        )
        if profile:
            print_profile(network)
    return {"ratio": best["bare Scrapy"] / best["finnews"], "pages_per_s": len(urls) / best["finnews"],
            "cpu_ratio": median_cpu["bare Scrapy"] / median_cpu["finnews"], "cpu_seconds": median_cpu["finnews"],
            "bare_pages_per_s": len(urls) / best["bare Scrapy"], "peak_rss_mb": peak,
            "workers_peak_rss_mb": workers_peak,
            **{f"ratio {name}": best["bare Scrapy"] / seconds for name, seconds in best.items()
               if name.startswith("finnews ")}}  # fmt: skip


def print_profile(network: SampleNetwork, top: int = 30) -> None:
    """The finnews crawl once more, under cProfile: the top functions by own time and by cumulative time."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "crawl.prof"
        command = finnews_command(network, f"sqlite:///{tmp}/finnews.db")
        command[1:3] = ["-m", "cProfile", "-o", str(out), "-m", "scrapy"]
        _run(command, PROJECT, Path(tmp) / "pace.json", EXTENSIONS)
        for order in ("tottime", "cumulative"):
            text = io.StringIO()
            pstats.Stats(str(out), stream=text).strip_dirs().sort_stats(order).print_stats(top)
            body = text.getvalue()
            print(f"\n--- profile of the finnews crawl, top {top} by {order} ---")
            print(body[body.index("   ncalls") :].rstrip())


def scale(articles: int) -> dict[str, Any]:
    """One crawl of `articles` stories: pace, peak RSS and the reprint result; printed and returned."""
    with SampleNetwork(articles=articles, seed=1, port=0) as network, tempfile.TemporaryDirectory() as tmp:
        run = finnews_crawl(network, Path(tmp), "PACE_URLS=0")  # the peak RSS of finnews, not of a list of URLs
        result = reprint_result(Path(tmp) / "finnews.db", network.truth())
    tenth = max(1, len(run.times) // 10)
    first, last = run.times[:tenth], run.times[-tenth:]
    start, end = tenth / max(first[-1] - first[0], 1e-9), tenth / max(last[-1] - last[0], 1e-9)
    figures = {"responses": len(run.times), "seconds": run.seconds, "start": start, "end": end,
               "peak_rss_mb": run.peak_rss_mb, "workers_peak_rss_mb": run.workers_peak_rss_mb, **result}  # fmt: skip
    print(
        f"{articles} stories: {len(run.times)} responses in {run.seconds:.0f} s; responses/s in the first tenth "
        f"{start:.0f}, in the last tenth {end:.0f} ({end / start:.0%}); peak RSS {run.peak_rss_mb:.0f} MB "
        f"(its extraction worker's {run.workers_peak_rss_mb:.0f} MB)"
    )
    tenths = [run.times[i : i + tenth] for i in range(0, tenth * 10, tenth)]
    print("responses/s in each tenth: " + " ".join(f"{len(t) / max(t[-1] - t[0], 1e-9):.0f}" for t in tenths))
    cpu = [(run.cpu_at[i + tenth - 1] - run.cpu_at[i]) / tenth * 1000 for i in range(0, tenth * 10, tenth)]
    workers = [  # sampled every `run.every` responses: between the samples nearest each tenth's bounds
        (run.workers_cpu_at[b] - run.workers_cpu_at[a]) / ((b - a) * run.every) * 1000
        for a, b in ((i * tenth // run.every, (i + 1) * tenth // run.every - 1) for i in range(10))
        if b > a
    ]
    print(
        "CPU ms per response in each tenth, the crawl's process: " + " ".join(f"{ms:.2f}" for ms in cpu)
        + "; its extraction worker: " + " ".join(f"{ms:.2f}" for ms in workers)
    )  # fmt: skip
    figures |= {"cpu_ms_start": cpu[0], "cpu_ms_end": cpu[-1]}
    samples = [range(i * tenth // run.every, (i + 1) * tenth // run.every) for i in range(10)]
    if run.in_flight and all(samples):  # what the crawl had to do in each tenth: requests downloading, listings
        print(
            "requests downloading (mean of samples) in each tenth: "
            + " ".join(f"{statistics.mean(run.in_flight[i] for i in s):.1f}" for s in samples)
            + "; listing pages among the responses: "
            + " ".join(f"{sum(run.listings[i] for i in s) / (len(s) * run.every):.0%}" for s in samples)
        )
    if run.rss_mb:  # where the memory went: the RSS after each tenth of the responses
        step = max(1, len(run.rss_mb) // 10)
        print(
            "RSS (MB) after each tenth of the responses: "
            + " ".join(f"{mb:.0f}" for mb in run.rss_mb[step - 1 :: step])
        )
    print(
        f"reprints: {result['stories']} stories of {result['truth_stories']} stored, "
        f"{result['reprints']} reprints recorded; missed reprints {result['missed']}, "
        f"false merges {result['false']}, pages lost {result['lost']}"
    )
    return figures


def reprint_result(path: Path, truth: list[dict[str, Any]]) -> dict[str, int]:
    """The stored stories and reprints of a crawl's database against the truth's reprint groups."""
    group = {page["url"]: page["group"] for page in truth}
    with sqlite3.connect(path) as database:
        articles = dict(database.execute("SELECT id, url FROM articles"))
        reprints = database.execute("SELECT url, article_id FROM reprints").fetchall()
    stored: dict[str, int] = defaultdict(int)
    for url in articles.values():
        stored[group.get(url, url)] += 1
    false = sum(group.get(url) != group.get(articles[article_id]) for url, article_id in reprints)
    seen = set(articles.values()) | {url for url, _ in reprints}
    return {"stories": len(articles), "truth_stories": len(set(group.values())), "reprints": len(reprints),
            "missed": sum(count - 1 for count in stored.values()), "false": false,
            "lost": len(group.keys() - seen)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("ratio", "scale"))
    parser.add_argument("--articles", type=int)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="ratio: also the cProfile top of a finnews crawl")
    parser.add_argument(
        "--variant", action="append", metavar="NAME=VALUE", help="ratio: also finnews with these settings"
    )
    args = parser.parse_args()
    if args.what == "ratio":
        ratio(args.articles or 2000, args.rounds, args.profile, args.variant)
    else:
        scale(args.articles or 20000)


if __name__ == "__main__":
    main()
