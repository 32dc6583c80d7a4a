"""The watch list: `finnews watch add TERM`, one JSON-lines alert per new matching article after each crawl
(to a file and a webhook, here a loopback HTTP server), never the same article twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler import db
from crawler.writer import ArticleWriter
from tests.console import finnews
from tests.crawls import crawl, export
from tests.loopback import QuietHandler, serving
from tests.rows import row


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback HTTP server's URL and the JSON bodies POSTed to it."""
    received: list[dict[str, Any]] = []

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

    with serving(Handler) as base:
        yield base + "/hook", received


def test_alerts_name_each_new_matching_article_once(tmp_path: Path, webhook: tuple[str, list[Any]]) -> None:
    url, received = webhook
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    engine = db.make_engine(db_url)
    writer = ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html", title="央行开展逆回购", body="旧的一篇。", body_hash=1)).result()
    assert "watching: 逆回购" in finnews("watch", "add", "逆回购", "--db", db_url).stderr
    assert "watched already" in finnews("watch", "add", "逆回购", "--db", db_url).stderr
    writer.submit(row("http://p1/a/2.html", title="央行再度开展逆回购", body="新的一篇。", body_hash=2)).result()
    writer.submit(row("http://p1/a/3.html", title="新能源汽车销量", body="无关的一篇。", body_hash=3)).result()
    writer.close()
    out = finnews("watch", "alerts", "--db", db_url, "--webhook", url).stdout
    alerts = [json.loads(line) for line in out.splitlines()]
    assert [(a["term"], a["url"], a["title"]) for a in alerts] == [
        ("逆回购", "http://p1/a/2.html", "央行再度开展逆回购")
    ]
    assert received == alerts
    assert finnews("watch", "alerts", "--db", db_url).stdout == ""  # once
    assert "逆回购" in finnews("watch", "list", "--db", db_url).stdout
    assert "removed: 逆回购" in finnews("watch", "remove", "逆回购", "--db", db_url).stderr
    assert finnews("watch", "add", "--db", db_url, ok=False).returncode == 2


def test_a_crawl_writes_the_alerts_of_what_it_stored(
    sample_network: Any, tmp_path: Path, webhook: tuple[str, list[Any]]
) -> None:
    url, received = webhook
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    alerts_file = tmp_path / "alerts.jsonl"
    crawl(sample_network, db_url, only="dede")
    before = {record["url"] for record in export(db_url)}
    term = "消费券"
    finnews("watch", "add", term, "--db", db_url)
    crawl(sample_network, db_url, "-s", f"FINNEWS_WATCH_FILE={alerts_file}", "-s", f"FINNEWS_WATCH_WEBHOOK={url}",
          only="phpcms")  # fmt: skip
    search = finnews("query", "--db", db_url, "--search", term, "--format", "jsonl").stdout.splitlines()
    expected = sorted(r["url"] for r in map(json.loads, search) if r["url"] not in before)
    alerts = [json.loads(line) for line in alerts_file.read_text().splitlines()]
    assert expected and sorted(alert["url"] for alert in alerts) == expected
    assert {alert["term"] for alert in alerts} == {term}
    assert received == alerts
