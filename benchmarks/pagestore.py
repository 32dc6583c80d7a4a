"""What a kept page costs: bytes per page on the sample portals (a real crawl) and on the real pages.

    .venv/bin/python benchmarks/pagestore.py [--articles 500] [--realpages ../shared/realpages]

Sample portals: the same network crawled twice into fresh SQLite databases through `scrapy crawl`, pages
kept (`FINNEWS_KEEP_PAGES=all`, the default) and not (`off`). Per kept page: the bytes as served, as stored
(the zstd column, what `finnews stats` sums), and the growth of the database file (the second crawl's file
minus the first's, over the pages kept: row, index and page overhead included). Real pages: every saved
page of the folder compressed as `crawler.pagestore` stores it (zstd level 3), beside zlib level 6; the
article pages are what a crawl keeps, the listings are shown apart.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from sqlalchemy import func, select

from crawler import db
from crawler.models import PageRow
from crawler.pagestore import COUNTER, compress, space_used
from sampleportals import SampleNetwork

PROJECT = Path(__file__).resolve().parent.parent
KB = 1000


def crawl(network: SampleNetwork, path: Path, keep: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(),
         "-s", f"FINNEWS_DB_URL=sqlite:///{path}", "-s", "LOG_LEVEL=ERROR", "-s", f"FINNEWS_KEEP_PAGES={keep}"],
        cwd=PROJECT, check=True,
    )  # fmt: skip


def sample_portals(stories: int) -> str:
    network = SampleNetwork(articles=stories, seed=1, faults=False, port=0).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            kept, bare = Path(folder) / "kept.db", Path(folder) / "bare.db"
            crawl(network, kept, "all")
            crawl(network, bare, "off")
            engine = db.make_engine(f"sqlite:///{kept}", create=False)
            used = space_used(engine)
            with engine.connect() as connection:
                kinds = connection.execute(
                    select(
                        PageRow.kind, func.count(), func.avg(PageRow.size), func.avg(func.length(PageRow.content))
                    ).group_by(PageRow.kind)
                ).all()
            growth = kept.stat().st_size - bare.stat().st_size
    finally:
        network.stop()
    pages, articles = used["pages"], sum(n for kind, n, _, _ in kinds if kind != COUNTER)
    return (
        f"sample portals ({stories} stories, {pages} pages kept): {used['bytes_served'] / pages / KB:.1f} KB served, "
        f"{used['bytes_stored'] / pages / KB:.1f} KB stored a page (zstd 3, ratio "
        f"{used['bytes_served'] / used['bytes_stored']:.1f}); "
        + ", ".join(f"{n} {kind} pages {served / KB:.1f} -> {stored / KB:.1f} KB" for kind, n, served, stored in kinds)
        + f"; the SQLite file grows {growth / articles / KB:.1f} KB per article page kept (its read-count script with it)"
    )


def real_pages(folder: Path) -> list[str]:
    lines = []
    for kind in ("articles", "listings"):
        pages = [path.read_bytes() for path in sorted((folder / kind).glob("*.html"))]
        served = sum(map(len, pages)) / len(pages)
        zstd = sum(len(compress(page)) for page in pages) / len(pages)
        gzip = sum(len(zlib.compress(page, 6)) for page in pages) / len(pages)
        lines.append(
            f"real pages, {len(pages)} {kind}: {served / KB:.1f} KB served, {zstd / KB:.1f} KB stored (zstd 3, "
            f"ratio {served / zstd:.1f}); zlib 6 would store {gzip / KB:.1f} KB"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500, help="sample portal stories to crawl (default 500)")
    parser.add_argument("--realpages", type=Path, default=PROJECT.parent / "shared" / "realpages")
    args = parser.parse_args()
    print(sample_portals(args.articles))
    if (args.realpages / "articles").is_dir():
        print("\n".join(real_pages(args.realpages)))
    else:
        print(f"no real pages at {args.realpages}")


if __name__ == "__main__":
    main()
