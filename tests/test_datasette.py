"""Datasette over a crawled database, started on loopback with the metadata `finnews datasette-metadata`
writes and asked through its JSON API: `_search` on `articles` finds what `finnews query --search` finds,
and the `story_copies` view gives a story's copies."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler import db, queries
from tests.console import finnews
from tests.crawls import crawl


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(sample_network: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("datasette")
    db_url = f"sqlite:///{folder}/finnews.db"
    crawl(sample_network, db_url)
    finnews("datasette-metadata", "--db", db_url, "-o", str(folder / "metadata.json"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(folder / "finnews.db"), "--metadata",
         str(folder / "metadata.json"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).close()
            break
        except OSError:
            assert server.poll() is None, server.stderr.read() if server.stderr else "datasette stopped"
            assert time.monotonic() < deadline, "datasette did not start"
            time.sleep(0.2)
    yield {"db_url": db_url, "base": base}
    server.terminate()
    server.wait(30)


def ask(served: dict[str, Any], path: str, **params: str) -> Any:
    query = urllib.parse.urlencode({**params, "_shape": "array", "_size": "max"})
    with urllib.request.urlopen(f"{served['base']}/finnews/{path}.json?{query}", timeout=30) as response:
        return json.loads(response.read())


def test_search_finds_what_finnews_query_finds(served: dict[str, Any]) -> None:
    engine = db.make_engine(served["db_url"], create=False)
    titles = [record["title"] for record in queries.iter_articles(engine, limit=40)]
    terms = sorted({title[i : i + n] for title in titles[::4] for i, n in ((0, 3), (2, 4))} | {"没有这个词"})
    found_any = 0
    for term in terms:
        datasette = sorted(row["url"] for row in ask(served, "articles", _search=term, _col="url"))
        query = finnews("query", "--db", served["db_url"], "--search", term, "--format", "jsonl").stdout
        assert datasette == sorted(json.loads(line)["url"] for line in query.splitlines()), term
        found_any += bool(datasette)
    assert found_any >= len(terms) - 1  # every term from a title finds its article at least


def test_the_story_view_gives_a_storys_copies(served: dict[str, Any]) -> None:
    story = json.loads(finnews("reprints", "--db", served["db_url"], "--format", "jsonl", "--limit", "1").stdout)
    [origin] = ask(served, "story_copies", url=story["url"])
    copies = ask(served, "story_copies", story_id=str(origin["story_id"]))
    assert sorted(copy["url"] for copy in copies) == sorted(page["url"] for page in story["pages"])
    assert [copy["is_origin"] for copy in copies].count(1) == 1


def test_the_metadata_links_the_index_to_articles(served: dict[str, Any], tmp_path: Path) -> None:
    with urllib.request.urlopen(f"{served['base']}/-/metadata.json", timeout=30) as response:
        tables = json.loads(response.read())["databases"]["finnews"]["tables"]
    assert (tables["articles"]["fts_table"], tables["articles"]["fts_pk"]) == ("articles_fts", "id")
    error = finnews("datasette-metadata", "--db", "postgresql+psycopg://u@127.0.0.1/x", ok=False)
    assert "Datasette serves SQLite files" in error.stderr
