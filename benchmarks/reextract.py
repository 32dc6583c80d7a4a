"""`finnews reextract` speed: kept pages of the sample portal generator read again, beside the speed of the
crawl's own extraction (the same page read from memory: tree, extraction, normalisation) on the same pages.

python benchmarks/reextract.py --articles 100000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from crawler import db, profiles
from crawler.extract.page import page_selector, read_article
from crawler.normalize.article import normalize_article
from crawler.normalize.titles import TitleSuffixLearner
from crawler.pagestore import ARTICLE, KeptPage, PageWriter
from crawler.reextract import reextract
from crawler.vocabulary import SHANGHAI
from sampleportals import PROFILE_DIR, SampleNetwork


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10000, help="stories to generate")
    args = parser.parse_args()
    network = SampleNetwork(articles=args.articles, seed=1, faults=False, port=8601)
    now = datetime.now(SHANGHAI)
    pages: list[KeptPage] = []
    for truth in network.iter_truth():
        parts = urlsplit(truth["url"])
        served = network.sites[truth["site"]].handle(parts.path + (f"?{parts.query}" if parts.query else ""))
        pages.append(
            KeptPage(truth["url"], truth["site"], ARTICLE, truth["url"], 200, served.content_type, None, None, None,
                     now, served.body)
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{folder}/bench.db")
        writer = PageWriter(engine, batch_size=1000)
        for page in pages:
            writer.submit(page)
        writer.close()
        learner = TitleSuffixLearner()
        loaded = {name: profiles.load(name, str(PROFILE_DIR)) for name in network.sites}
        started = time.perf_counter()
        for page in pages:
            response = HtmlResponse(page.url, body=page.content, headers={"Content-Type": page.content_type or ""})
            selector, _, _ = page_selector(response)
            _, article = read_article(selector, page.url, loaded[page.site], None, now)
            normalize_article(article, now, learner)
        crawl_rate = len(pages) / (time.perf_counter() - started)
        started = time.perf_counter()
        summary = reextract(engine, str(PROFILE_DIR), dry_run=True)
        rate = summary.pages / (time.perf_counter() - started)
    print(f"{len(pages)} pages: reextract {rate:.0f} pages/s (dry run, from the database); "
          f"the crawl's extraction of the same pages from memory {crawl_rate:.0f} pages/s")  # fmt: skip


if __name__ == "__main__":
    main()
