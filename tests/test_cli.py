"""`finnews query / export / stats / db / reprints / extract / sample-portals` on a real SQLite database.

Commands run in the test process (tests/console.py); the console script itself in a process of its own
only where a process is what is tested: a closed pipe, the environment read at start-up, an interrupt.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler import queries
from crawler.batchwrite import ReprintRecord
from crawler.cli import main
from crawler.db import head_revision, make_engine
from crawler.models import SHANGHAI
from crawler.writer import ArticleWriter
from sampleportals import PROFILE_DIR
from tests.console import finnews
from tests.rows import row
from tests.services import database_at

FINNEWS = str(Path(sys.executable).with_name("finnews"))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli')}/finnews.db"
    writer = ArticleWriter(make_engine(url))
    base = datetime(2024, 9, 1, 9, 30, tzinfo=SHANGHAI)
    for i in range(30):
        writer.submit(
            row(
                f"http://p1/a/{i}.html", title=f"第{i}条:央行开展逆回购" if i % 3 else f"第{i}条:基金净值公告",
                site="dede" if i % 2 else "txjr", published_at=base + timedelta(days=i), views=i * 100,
                source="千龙网" if i < 10 else "新华网", body_hash=i,
            )
        )  # fmt: skip
    writer.submit(ReprintRecord("http://p1/a/3.html", "http://p2/x.html", "phpcms", None, 7, 0.9, base)).result()
    writer.close()
    return url


def test_query_table_is_readable(db: str) -> None:
    out = finnews("query", "--db", db, "--site", "dede", "--limit", "3").stdout.splitlines()
    assert out[0].split() == ["published_at", "site", "source", "views", "state", "title"]
    assert len(out) == 2 + 3
    assert out[2].split()[:5] == ["2024-09-30", "09:30", "dede", "新华网", "2900"]  # newest first


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["--source", "新华网"], list(range(10, 30))),
        (["--since", "2024-09-25"], list(range(24, 30))),
        (["--until", "2024-09-03"], [0, 1]),
        (["--since", "2024-09-03T09:30", "--until", "2024-09-05T09:30+08:00"], [2, 3]),
        (["--search", "基金净值", "--min-views", "1500"], [15, 18, 21, 24, 27]),
        (["--search", "100%"], []),
    ],
)
def test_query_filters(db: str, filters: list[str], expected: list[int]) -> None:
    out = finnews("query", "--db", db, "--format", "jsonl", "--limit", "100", *filters).stdout
    newest_first = sorted(expected, reverse=True)
    assert [json.loads(line)["url"] for line in out.splitlines()] == [f"http://p1/a/{i}.html" for i in newest_first]


def test_query_csv(db: str) -> None:
    out = finnews("query", "--db", db, "--format", "csv", "--limit", "2").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["url"] for r in rows] == ["http://p1/a/29.html", "http://p1/a/28.html"]
    assert rows[1]["source"] == "新华网" and rows[1]["views"] == "2800"


def test_export_is_the_article_contract_in_utf8(db: str, tmp_path: Path) -> None:
    out = finnews("export", "--db", db).stdout
    assert "\\u" not in out and "央行" in out
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 30
    assert records[3]["reprints"] == [
        {
            "url": "http://p2/x.html",
            "site": "phpcms",
            "published_at": None,
            "views": 7,
            "source": None,
            "removed_at": None,
        }
    ]
    assert records[0]["published_at"] == "2024-09-01T09:30:00+08:00"
    assert set(records[0]) >= {
        "url", "site", "title", "published_at", "source", "author", "editor", "views", "body", "images",
        "category", "crawled_at", "reprints",
    }  # fmt: skip
    target = tmp_path / "out/articles.jsonl.gz"
    result = finnews("export", "--db", db, "--site", "txjr", "-o", str(target))
    assert "exported 15 articles" in result.stderr
    with gzip.open(target, "rt", encoding="utf-8") as lines:
        assert [json.loads(line)["site"] for line in lines] == ["txjr"] * 15


def test_export_into_a_closed_pipe_is_quiet(db: str) -> None:
    result = subprocess.run(f"{FINNEWS} export --db {db} | head -1", shell=True, capture_output=True, text=True)
    assert json.loads(result.stdout)["url"] == "http://p1/a/0.html"
    assert "Error" not in result.stderr


def test_stats(db: str) -> None:
    stats = json.loads(finnews("stats", "--db", db, "--format", "json").stdout)
    assert (stats["articles"], stats["reprints"], stats["views_total"]) == (30, 1, sum(i * 100 for i in range(30)))
    assert stats["per_site"] == {"dede": 15, "txjr": 15}
    assert stats["per_source"] == [["新华网", 20], ["千龙网", 10]]
    assert stats["per_day"][0] == ["2024-09-30", 1]
    table = finnews("stats", "--db", db).stdout
    assert "articles: 30  reprints: 1" in table and "most reprinted" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--db", "sqlite:////nonexistent/dir/x.db"], "no database at"),
        (["query", "--db", "notaurl"], "error"),
        (["query", "--since", "yesterday"], "not a date"),
        (["stats", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"], "error"),
    ],
)
def test_errors_are_one_clear_line(args: list[str], message: str) -> None:
    result = finnews(*args, ok=False)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "--db", "postgresql+psycopg://nobody@127.0.0.1:notaport/x"], "invalid literal for int()"),
        (["extract", "--profile", "nonexistent", "page.html"], "no profile 'nonexistent'"),
        (["sample-portals", "--workers", "0"], "workers must be at least 1"),
    ],
)
def test_bad_input_is_one_line_and_status_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("finnews: error: ") and message in err and len(err.splitlines()) == 1


def test_a_programming_error_is_not_taken_for_bad_input(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a bug, not the user's input")

    monkeypatch.setattr(queries, "latest_articles", broken)
    assert main(["query", "--db", db]) == 1
    assert capsys.readouterr().err == "finnews: error: ValueError: a bug, not the user's input\n"
    with pytest.raises(ValueError, match="a bug"):
        main(["--debug", "query", "--db", db])


def test_db_upgrade_brings_an_old_database_to_the_current_schema(tmp_path: Path) -> None:
    url = database_at("0001", "sqlite", tmp_path).url.render_as_string(hide_password=False)
    assert "schema revision: 0001" in finnews("db", "current", "--db", url).stdout
    head = head_revision()
    assert f"schema revision: {head} (this finnews: {head})" in finnews("db", "upgrade", "--db", url).stdout


def test_db_upgrade_creates_a_new_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new/finnews.db"  # before the crawls of a distributed run start
    head = head_revision()
    assert f"schema revision: {head} (this finnews: {head})" in finnews("db", "upgrade", "--db", url).stdout


def test_reprints_lists_stories_with_their_copies(db: str) -> None:
    [story] = [json.loads(line) for line in finnews("reprints", "--db", db, "--format", "jsonl").stdout.splitlines()]
    assert (story["url"], story["copies"], story["sites"]) == ("http://p1/a/3.html", 2, ["dede", "phpcms"])
    assert [page["url"] for page in story["pages"]] == ["http://p1/a/3.html", "http://p2/x.html"]
    assert story["first_published"] == story["last_published"] == "2024-09-04T09:30:00+08:00"  # the copy has no date
    assert finnews("reprints", "--db", db, "--site", "txjr", "--format", "jsonl").stdout == ""
    assert finnews("reprints", "--db", db, "--since", "2024-09-05", "--format", "jsonl").stdout == ""
    table = finnews("reprints", "--db", db).stdout.splitlines()
    assert table[0].split() == ["copies", "first_published", "last_published", "sites", "title"]
    assert table[2].split()[0] == "2" and "dede,phpcms" in table[2]


def test_extract_saved_pages_like_a_crawl(sample_network: Any, tmp_path: Path) -> None:
    """`finnews extract` in batch mode on saved pages of every portal: fields equal the truth."""
    truth = sample_network.truth()
    pages = [next(p for p in truth if p["site"] == site) for site in ("dede", "phpcms", "txjr")]
    tasks = []
    for i, page in enumerate(pages):
        path = tmp_path / f"{i}.html"
        path.write_bytes(urllib.request.urlopen(page["url"]).read())
        tasks.append(json.dumps({"path": str(path), "url": page["url"]}))
    tasks.insert(1, json.dumps({"path": str(tmp_path / "missing.html"), "url": None}))
    result = finnews("extract", "--now", "2024-09-05", stdin="\n".join(tasks) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4 and "FileNotFoundError" in records[1]["error"]
    for record, page in zip([records[0], *records[2:]], pages, strict=True):
        for name in ("title", "published_at", "source", "author", "editor", "body", "images", "category"):
            assert record[name] == page[name], (page["url"], name)
        # read counts written by a CMS script are not fetched offline; inline ones are read
        assert record["views"] == (page["views"] if record["counter_url"] is None else None)
    assert records[2]["encoding"] == "gb18030"  # the GBK portal


def test_extract_one_file_prints_its_fields(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>央行开展逆回购_天下金融网</title></head><body><h1>央行开展逆回购</h1>"
        "<div>2024-09-03 11:54:03 来源:千龙网 阅读量:11003</div><div class='content'>"
        "<p>中新网9月3日电 央行今日开展1000亿元逆回购操作mdash;mdash;中标利率持平。</p></div></body></html>",
        encoding="utf-8",
    )
    record = json.loads(finnews("extract", str(page), "--url", "http://x.cn/a/20240903/1.html").stdout)
    assert record["title"] == "央行开展逆回购" and record["source"] == "千龙网" and record["views"] == 11003
    assert record["published_at"] == "2024-09-03T11:54:03+08:00"
    assert record["body"] == "中新网9月3日电 央行今日开展1000亿元逆回购操作——中标利率持平。"


def test_extract_with_a_profile_found_by_name_in_finnews_profile_dirs(tmp_path: Path) -> None:
    """In processes of their own: the environment variable is read at start-up."""
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>央行开展逆回购_天下金融网</title></head><body><h1>央行开展逆回购_天下金融网</h1>"
        "<div class='article'><div class='info'>2024-09-03 11:54:03 来源:天下金融网</div>"
        "<div id='article-content'><p>央行今日开展1000亿元逆回购操作。</p></div></div></body></html>",
        encoding="utf-8",
    )
    command = [FINNEWS, "extract", str(page), "--url", "http://127.0.0.1:8603/zixun/2024/0903/1.html"]
    env = {**os.environ, "FINNEWS_PROFILE_DIRS": str(PROFILE_DIR)}
    result = subprocess.run([*command, "--profile", "txjr"], env=env, capture_output=True, text=True, timeout=60)
    record = json.loads(result.stdout)
    assert record["title"] == "央行开展逆回购" and record["source"] is None  # the portal's own name, by its profile
    assert record["body"] == "央行今日开展1000亿元逆回购操作。"
    for name in ("../../etc/passwd", "/etc/passwd", f"{PROFILE_DIR}/txjr", "..", "txjr.toml"):
        refused = subprocess.run([*command, "--profile", name], env=env, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and refused.stdout == ""
        assert refused.stderr == (
            f"finnews: error: bad profile name {name!r}: a profile is named by letters, digits, _ and - only "
            "(its file NAME.toml in a profile folder), never by a path\n"
        )


def _three_free_ports() -> int:
    """A port N with N, N+1 and N+2 free just now (the command serves its portals on consecutive ports)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        sockets = [socket.socket() for _ in range(3)]
        try:
            for offset, sock in enumerate(sockets):
                sock.bind(("127.0.0.1", port + offset))
            return port
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise AssertionError("no three consecutive free ports")


def test_sample_portals_command_serves_until_interrupted(tmp_path: Path) -> None:
    truth = tmp_path / "truth.jsonl"
    port = _three_free_ports()
    server = subprocess.Popen(
        [FINNEWS, "sample-portals", "--port", str(port), "--articles", "30", "--truth", str(truth)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(3)]
        assert [line.split()[0] for line in lines] == ["dede", "phpcms", "txjr"]
        assert f"http://127.0.0.1:{port + 2}/" in lines[2]
        deadline = time.monotonic() + 30
        while not truth.exists() or not truth.read_text(encoding="utf-8").strip():
            assert time.monotonic() < deadline
            time.sleep(0.1)
        first = json.loads(truth.read_text(encoding="utf-8").splitlines()[0])
        page = urllib.request.urlopen(first["url"]).read().decode("utf-8")
        assert first["title"] in page
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
