"""End to end: a crawl of the hostile portal (`sampleportals.hostile`) stays on it.

It must end by itself, send no request to the host beside it, read no local file, store exactly the
portal's good articles (each once, clean), and count each bad case in its stats.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from sampleportals import loopback_arguments
from sampleportals.hostile import SECRET_VIEWS, HostilePortal
from tests.crawls import PROJECT, export, run_stats

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostilePortal]:
    portal = HostilePortal(secret_file=tmp_path_factory.mktemp("local") / "count.js").start()
    yield portal
    portal.stop()


@pytest.fixture(scope="module")
def crawled(hostile: HostilePortal, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("hostile-crawl")
    db_url = f"sqlite:///{tmp}/finnews.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={hostile.url}",
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "FINNEWS_MAX_PAGINATION=20", "-s", "LOG_LEVEL=INFO",
         *loopback_arguments()],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    stats = run_stats(db_url)[-1]
    return {"records": export(db_url), "stats": stats, "log": result.stderr}


def test_the_crawl_sends_nothing_to_another_host(hostile: HostilePortal, crawled: dict[str, Any]) -> None:
    assert hostile.outside_requests == []


def test_exactly_the_good_articles_are_stored_once(hostile: HostilePortal, crawled: dict[str, Any]) -> None:
    stored = sorted(record["url"] for record in crawled["records"])
    assert stored == sorted(hostile.good)


def test_no_local_file_is_read(crawled: dict[str, Any]) -> None:
    assert all(record["views"] != SECRET_VIEWS for record in crawled["records"])
    assert str(SECRET_VIEWS) not in json.dumps(crawled["records"])


def test_fields_are_whole_around_a_bad_byte_and_clean_of_control_characters(
    hostile: HostilePortal, crawled: dict[str, Any]
) -> None:
    records = {record["url"]: record for record in crawled["records"]}
    for url, story in hostile.good.items():
        record = records[url]
        assert record["title"] == story.title, url
        assert record["source"] == "新华社", url
        body = record["body"].replace("\ufffd", "")  # the one bad byte, where it was
        assert body == "\n".join(story.paragraphs), url
        for name in ("title", "body", "source", "author", "category"):
            assert not any((ord(c) < 32 and c != "\n") or c in "\x7f\u2028" for c in record[name] or ""), (url, name)
    assert records[f"{hostile.url}a/20240903/1.html"]["body"].count("\ufffd") == 1
    assert records[f"{hostile.url}a/20240903/1.html"]["views"] == 1234
    assert records[f"{hostile.url}a/20240903/5.html"]["author"] == "张三"
    for number in (2, 3, 4, 18):  # read counters in a local file, on another host, 10 MB long, under a <base> there
        assert records[f"{hostile.url}a/20240903/{number}.html"]["views"] is None


def test_every_bad_case_is_counted(crawled: dict[str, Any]) -> None:
    stats = crawled["stats"]
    # off the portal: a redirected article, a meta refresh, a redirected listing, a read counter, and one under a
    # <base href> of the outside host
    assert stats.get("finnews/offsite") == 5
    assert stats.get("finnews/bad_scheme") == 2  # a redirect and a read counter to file:
    assert stats.get("finnews/pagination_limit") == 1
    assert stats.get("finnews/bad_bytes") == 1
    assert stats.get("finnews/flattened") == 1  # the article nested 3,000 elements deep, stored whole
    assert stats.get("finnews/failed/article") == 2  # a compression bomb and a redirect loop: lost, not skipped
    assert "finnews/skipped/ignored" not in stats
    assert stats.get("finnews/counter_failed") == 1  # the 10 MB one
    assert "finnews/failed/field" not in json.dumps(stats)
    assert stats.get("finnews/pages/listing") == 21  # the first page and 20 behind it (FINNEWS_MAX_PAGINATION=20)
