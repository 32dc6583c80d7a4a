"""The crawl's report per portal (`crawler.reports`, `crawler.monitoring`): what it counts, and its
warnings: a sample portal whose template lost its 来源 (template drift), a portal that yields nothing."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError

from crawler.exitcodes import ExitCode
from crawler.items import Article
from crawler.middlewares import PORTAL, OffPortalRequest
from crawler.monitoring import PortalMonitor
from crawler.reports import COVERED, PortalCounts, judge
from pipelines.storage import Reprint
from sampleportals import PROFILE_DIR, loopback_arguments
from tests.console import finnews
from tests.crawls import PROJECT, PROJECT_SETTINGS

FULL = dict.fromkeys(COVERED, 40)


@pytest.mark.parametrize(
    ("counts", "previous", "warned"),
    [
        (PortalCounts(articles=40, fields=FULL | {"author": 29}), [PortalCounts(articles=40, fields=FULL)], []),  # -0.275
        (PortalCounts(articles=40, fields=FULL | {"author": 20}), [PortalCounts(articles=40, fields=FULL)], ["author"]),
        (PortalCounts(articles=9, fields=dict.fromkeys(COVERED, 0)), [PortalCounts(articles=40, fields=FULL)], []),  # too few now
        (PortalCounts(articles=40, fields=FULL | {"views": 0}), [PortalCounts(articles=9, fields=FULL)], []),  # too few before
        (  # the median of the previous runs: one odd run is not the baseline
            PortalCounts(articles=40, fields=FULL | {"body": 0}),
            [PortalCounts(articles=40, fields=FULL | {"body": 0}), PortalCounts(articles=40, fields=FULL | {"body": 0}),
             PortalCounts(articles=40, fields=FULL)],
            [],
        ),
        (PortalCounts(not_modified=30), [PortalCounts(articles=40, fields=FULL)], []),  # unchanged: 304s only
        (PortalCounts(pages=3, blocks=3), [], ["nothing"]),
    ],
)  # fmt: skip
def test_the_warnings_of_a_report(counts: PortalCounts, previous: list[PortalCounts], warned: list[str]) -> None:
    warnings = judge("p", counts, previous, drop=0.3, min_articles=10)
    assert [w.split()[1] if "yielded" not in w else "nothing" for w in warnings] == warned


def test_the_monitor_counts_answers_failures_and_articles_per_portal() -> None:
    monitor = PortalMonitor.from_crawler(get_crawler(settings_dict=PROJECT_SETTINGS))
    request = Request("http://127.0.0.1:1/a.html", meta={PORTAL: "dede"})
    for status in (200, 304, 503, 403, 429, 404):
        monitor.process_response(request, Response(request.url, status=status))
    monitor.process_exception(request, ConnectionRefusedError())
    monitor.process_exception(request, OffPortalRequest("off the portal"))  # refused by us, not a failure
    monitor.process_response(Request("http://127.0.0.1:1/robots.txt"), Response("http://127.0.0.1:1/robots.txt"))
    monitor.item_scraped(Article(url=request.url, site="dede", title="t", body="b", source="新华网"))
    monitor.item_dropped(Article(url=request.url, site="dede", title="t", body="b"), Reprint("reprint of ..."))
    monitor.item_dropped(Article(url=request.url, site="dede", title="t"), Exception("no body"))
    counts = monitor.counts["dede"]
    assert (counts.pages, counts.not_modified, counts.errors, counts.blocks) == (6, 1, 2, 2)
    assert (counts.articles, counts.reprints, counts.coverage("source"), counts.coverage("body")) == (1, 1, 0.5, 1.0)
    assert list(monitor.counts) == ["dede"]


def crawl(db_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *arguments, *loopback_arguments(),
         "-s", f"FINNEWS_PROFILE_DIRS={PROFILE_DIR}", "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=INFO"],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def stats(db_url: str) -> dict[str, Any]:
    return json.loads(finnews("stats", "--db", db_url, "--format", "json").stdout)


@pytest.mark.e2e
def test_a_field_gone_from_a_portals_template_is_a_warning(make_sample_network: Any, tmp_path: Path) -> None:
    network = make_sample_network()
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    dede = ["-a", "site=dede", "-a", f"start_url={network.start_urls['dede']}", "-s", "FINNEWS_KEEP_PAGES=off"]
    for _ in range(2):  # a first run (nothing to compare with), then a normal run: no warning
        run = crawl(db_url, *dede, "-a", "full=1")  # every article read again, as a busy portal's new ones are
        assert run.returncode == ExitCode.DONE, run.stderr[-3000:]
        assert "WARNING: dede:" not in run.stderr
    [line] = stats(db_url)["portals"]
    assert line["run"] == 2 and line["source"] > 0.8 and line["warnings"] == []
    read = sum(1 for page in network.truth() if page["site"] == "dede")
    assert line["articles"] + line["reprints"] == read
    run = crawl(db_url, *dede)  # incremental: nothing new on the portal is no warning either
    assert run.returncode == ExitCode.DONE, run.stderr[-3000:]
    assert "WARNING: dede:" not in run.stderr
    [line] = stats(db_url)["portals"]
    assert line["run"] == 3 and line["known"] > 0 and line["warnings"] == []
    network.sites["dede"].shows_source = False  # the portal's new template prints no 来源
    run = crawl(db_url, *dede, "-a", "full=1")
    assert run.returncode == ExitCode.WARNINGS, run.stderr[-3000:]
    warning = f"dede: 来源 on 0% of {read} articles read, "
    assert f"WARNING: {warning}" in run.stderr
    [line] = stats(db_url)["portals"]
    assert line["run"] == 4 and line["source"] == 0 and line["date"] == 1 and line["warnings"][0].startswith(warning)
    table = finnews("stats", "--db", db_url).stdout
    assert f"warning (run 4): {warning}" in table
    assert [run["warnings"] for run in stats(db_url)["runs"]] == [1, 0, 0, 0]


@pytest.mark.e2e
def test_a_portal_that_yields_nothing_is_a_warning(sample_network: Any, tmp_path: Path) -> None:
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{unused.getsockname()[1]}/"
    (tmp_path / "portals.txt").write_text(f"{sample_network.start_urls['txjr']} txjr\n{dead} gone\n")
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    run = crawl(db_url, "-a", f"portals={tmp_path / 'portals.txt'}", "-s", "RETRY_TIMES=0")
    assert run.returncode == ExitCode.WARNINGS, run.stderr[-3000:]
    # its listing and its robots.txt (read for sitemaps) refused: errors, no page
    assert re.search(r"WARNING: gone: yielded nothing \(0 pages answered, [12] errors, 0 blocks\)", run.stderr)
    gone, txjr = stats(db_url)["portals"]
    assert (gone["portal"], gone["articles"], gone["date"]) == ("gone", 0, None) and gone["errors"] >= 1
    assert txjr["articles"] > 0 and txjr["warnings"] == []
