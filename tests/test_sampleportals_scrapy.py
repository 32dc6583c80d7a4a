"""A plain Scrapy crawl (defaults, 2 s timeout, robots obeyed) reaches every truth article of a faulty network.

The crawl runs in a subprocess (this file's `__main__`), so the Twisted reactor never touches pytest.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def crawl_faulty_network(articles: int) -> dict[str, Any]:
    """Crawl every link of a `faults=True` network with Scrapy's default retries; report what was reached."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import HtmlResponse
    from scrapy.linkextractors import LinkExtractor

    from sampleportals import SampleNetwork

    network = SampleNetwork(articles=articles, seed=1, faults=True).start()
    truth = {record["url"] for record in network.truth()}
    reached: set[str] = set()

    class Everything(scrapy.Spider):
        name = "everything"
        custom_settings = {
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_TIMEOUT": 2,
            "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
            "LOG_LEVEL": "ERROR",
            "TELNETCONSOLE_ENABLED": False,
        }
        start_urls = list(network.start_urls.values())
        links = LinkExtractor(deny_extensions=["pdf", "jpg", "css", "js", "png"])

        def parse(self, response: Any) -> Any:
            if response.url in truth:
                reached.add(response.url)
                return
            if isinstance(response, HtmlResponse):
                for link in self.links.extract_links(response):
                    yield response.follow(link.url, self.parse)

    process = CrawlerProcess()
    crawler = process.create_crawler(Everything)
    process.crawl(crawler)
    process.start()
    network.stop()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return {
        "truth": len(truth),
        "missing": sorted(truth - reached),
        "stats": {key: value for key, value in stats.items() if isinstance(value, int)},
    }


def test_scrapy_with_default_retries_reaches_every_truth_article() -> None:
    result = subprocess.run(
        [sys.executable, __file__, "120"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["truth"] > 150
    assert report["missing"] == []
    stats = report["stats"]
    assert stats["retry/count"] >= 10
    assert stats.get("downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError", 0) > 0
    assert stats.get("downloader/exception_type_count/scrapy.exceptions.ResponseDataLossError", 0) > 0
    assert stats["downloader/response_status_count/301"] > 0 and stats["robotstxt/forbidden"] > 0
    assert stats.get("retry/max_reached", 0) == 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print(json.dumps(crawl_faulty_network(int(sys.argv[1]))))
