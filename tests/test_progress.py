"""Progress: the periodic progress line of a crawl (`crawler.logstats`), and the progress bar of the long
commands (`crawler.cli.progress`), drawn on a terminal only."""

from __future__ import annotations

import logging
import os
import pty
import subprocess
import termios
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawler import db
from crawler.db import make_engine
from crawler.logstats import ProgressLog
from crawler.writer import ArticleWriter
from tests.crawls import PROJECT, PROJECT_SETTINGS
from tests.rows import row
from tests.services import database_at

FINNEWS = str(PROJECT / ".venv" / "bin" / "finnews")


def on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run `finnews ARGS` with stderr on a terminal (a pseudo-terminal of 100 columns): status, stdout, stderr."""
    leader, follower = pty.openpty()
    termios.tcsetwinsize(follower, (24, 100))
    command = subprocess.Popen([FINNEWS, *args], stdout=subprocess.PIPE, stderr=follower, cwd=PROJECT)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the command
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    out, _ = command.communicate(timeout=120)
    return command.returncode, out.decode(), screen.decode()


def test_db_upgrade_shows_a_bar_on_a_terminal_and_none_elsewhere(tmp_path: Path) -> None:
    old = database_at("0003", "sqlite", tmp_path)
    steps = db.pending_migrations(old)  # 0004 ... head
    old.dispose()
    status, out, screen = on_a_terminal("db", "upgrade", "--db", f"sqlite:///{tmp_path}/old.db")
    assert status == 0 and f"schema revision: {db.head_revision()}" in out
    assert steps >= 5 and "100%" in screen and f"{steps}/{steps}" in screen and "migrations" in screen
    (tmp_path / "again").mkdir()
    database_at("0003", "sqlite", tmp_path / "again").dispose()
    piped = subprocess.run([FINNEWS, "db", "upgrade", "--db", f"sqlite:///{tmp_path}/again/old.db"],
                           capture_output=True, text=True, cwd=PROJECT)  # fmt: skip
    assert piped.returncode == 0 and piped.stderr == ""


def test_export_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    writer = ArticleWriter(make_engine(db_url))
    for i in range(30):
        writer.submit(row(f"http://p1/a/{i}.html", body_hash=i))
    writer.close()
    status, _, screen = on_a_terminal("export", "--db", db_url, "-o", str(tmp_path / "out.jsonl"))
    assert status == 0 and "30/30" in screen and "articles" in screen and "exported 30 articles" in screen
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 30


def test_the_progress_line_says_pages_articles_reprints_and_queue(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(settings_dict=PROJECT_SETTINGS | {"LOGSTATS_INTERVAL": 30})
    progress = ProgressLog.from_crawler(crawler)
    assert crawler.stats is not None
    progress.pagesprev = progress.itemsprev = progress.articles_before = 0  # as the crawl opens
    for name, value in {"response_received_count": 1200, "finnews/stored": 400, "finnews/dropped/reprint": 55}.items():
        crawler.stats.set_value(name, value)
    with caplog.at_level(logging.INFO, logger="crawler.logstats"):
        progress.log(crawler.spider)  # type: ignore[arg-type]  # no engine yet: the queue is "?"
    assert caplog.messages == [
        "progress: 1,200 pages (2,400/min), 400 articles stored (800/min), 55 reprints, ? requests queued"
    ]
