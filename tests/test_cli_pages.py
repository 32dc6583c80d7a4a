"""`finnews reextract` and `finnews page` as a user runs them, over a real crawl's kept pages."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import termios
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from crawler import db
from crawler import settings as project_settings
from crawler.models import ArticleRow, PageRow
from crawler.pagestore import COUNTER
from sampleportals import PROFILE_DIR, SampleNetwork
from tests.console import finnews
from tests.crawls import PROJECT, crawl, export


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A database of a crawl of a small network (its pages kept), and some article pages as served."""
    network = SampleNetwork(articles=20, seed=3, faults=False, port=0).start()
    path = tmp_path_factory.mktemp("kept") / "kept.db"
    try:
        crawl(network, f"sqlite:///{path}")
        served = {}
        for record in export(f"sqlite:///{path}")[:3]:
            with urllib.request.urlopen(record["url"]) as response:
                served[record["url"]] = response.read()
    finally:
        network.stop()  # what follows reads kept pages only
    return path, served


@pytest.fixture
def changed(
    kept: tuple[Path, dict[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, dict[str, str]]:
    """A copy of the kept database with the stored title of each portal's first article made wrong (as an
    older extractor might have read it): the URL of the copy, and those articles' URLs by portal."""
    monkeypatch.setattr(project_settings, "FINNEWS_PROFILE_DIRS", str(PROFILE_DIR))
    shutil.copy(kept[0], tmp_path / "changed.db")
    url = f"sqlite:///{tmp_path}/changed.db"
    engine = db.make_engine(url, create=False)
    with engine.begin() as connection:
        firsts: dict[str, str] = {}
        for site, article_url in connection.execute(select(ArticleRow.site, ArticleRow.url).order_by(ArticleRow.id)):
            firsts.setdefault(site, article_url)
        connection.execute(update(ArticleRow).where(ArticleRow.url.in_(firsts.values())).values(title="旧标题"))
    engine.dispose()
    return url, firsts


def titles(url: str) -> dict[str, str]:
    return {record["url"]: record["title"] for record in export(url)}


def pages_read(output: str) -> int:
    return int(output.split(" kept pages read")[0])


def test_reextract_dry_run_prints_what_would_change_and_changes_nothing(changed: tuple[str, dict[str, str]]) -> None:
    url, firsts = changed
    before = titles(url)
    result = finnews("reextract", "--db", url, "--dry-run")
    assert f"{len(firsts)} would change" in result.stdout and f"  title: {len(firsts)}" in result.stdout
    assert pages_read(result.stdout) > len(before)  # the articles' pages, their reprints' too
    assert titles(url) == before and result.stderr == ""  # no progress bar off a terminal


def test_reextract_stores_what_changed(changed: tuple[str, dict[str, str]]) -> None:
    url, firsts = changed
    result = finnews("reextract", "--db", url)
    assert f"{len(firsts)} changed\n  title: {len(firsts)}\n" in result.stdout + "\n"
    assert all(titles(url)[u] != "旧标题" for u in firsts.values())
    assert finnews("reextract", "--db", url).stdout.startswith(
        f"{pages_read(result.stdout)} kept pages read, 0 changed"
    )


def test_reextract_site_reads_only_that_portal(changed: tuple[str, dict[str, str]]) -> None:
    url, firsts = changed
    everything = pages_read(finnews("reextract", "--db", url, "--dry-run").stdout)
    result = finnews("reextract", "--db", url, "--site", "dede")
    assert "1 changed\n  title: 1" in result.stdout and pages_read(result.stdout) < everything
    after = titles(url)
    assert after[firsts["dede"]] != "旧标题" and all(after[u] == "旧标题" for s, u in firsts.items() if s != "dede")


def test_reextract_since_reads_only_pages_fetched_since(changed: tuple[str, dict[str, str]]) -> None:
    url, firsts = changed
    engine = db.make_engine(url, create=False)
    with engine.connect() as connection:
        times = sorted(connection.scalars(select(PageRow.fetched_at).where(PageRow.kind != COUNTER)))
        since = times[len(times) // 2]  # about half the pages were fetched since
        later = connection.execute(
            select(func.count()).where(PageRow.kind != COUNTER, PageRow.fetched_at >= since)
        ).scalar_one()
        changes = connection.execute(
            select(func.count()).where(PageRow.url.in_(firsts.values()), PageRow.fetched_at >= since)
        ).scalar_one()
    assert 0 < later < len(times)
    result = finnews("reextract", "--db", url, "--since", since.isoformat(), "--dry-run")
    assert result.stdout.startswith(f"{later} kept pages read, {changes} would change")
    everything = finnews("reextract", "--db", url, "--since", times[0].date().isoformat(), "--dry-run").stdout
    assert everything.startswith(f"{len(times)} kept pages read, {len(firsts)} would change")


def reextract_process(url: str, stderr: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "FINNEWS_PROFILE_DIRS": str(PROFILE_DIR)}
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "reextract", "--db", url, "--dry-run"],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=stderr, check=True, timeout=120,
    )  # fmt: skip


def test_reextract_shows_a_progress_bar_on_a_terminal_only(kept: tuple[Path, dict[str, bytes]]) -> None:
    url = f"sqlite:///{kept[0]}"
    terminal, other_end = pty.openpty()
    termios.tcsetwinsize(other_end, (24, 100))  # a terminal of 100 columns
    try:
        on_terminal = reextract_process(url, other_end)
        os.close(other_end)
        bar = b""
        while chunk := _read(terminal):
            bar += chunk
    finally:
        os.close(terminal)
    read = pages_read(on_terminal.stdout.decode())
    assert b"100%" in bar and f"{read}/{read}".encode() in bar and b" pages/s" in bar
    piped = reextract_process(url, subprocess.PIPE)
    assert piped.stderr == b"" and piped.stdout == on_terminal.stdout


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal's other end is closed: all is read
        return b""


def test_page_prints_the_page_as_served_or_writes_it_to_a_file(
    kept: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    url, served = f"sqlite:///{kept[0]}", kept[1]
    for article_url, body in served.items():
        stdout = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "page", article_url, "--db", url],
            cwd=PROJECT, stdout=subprocess.PIPE, check=True, timeout=60,
        ).stdout  # fmt: skip
        assert stdout == body  # byte for byte, whatever its encoding
        finnews("page", article_url, "--db", url, "-o", str(tmp_path / "page.html"))
        assert (tmp_path / "page.html").read_bytes() == body
    headers = finnews("page", next(iter(served)), "--db", url, "--headers").stdout
    assert f"url: {next(iter(served))}\n" in headers and "status: 200\n" in headers and "etag: " in headers


def test_page_of_an_unknown_url_is_one_line_and_status_1(kept: tuple[Path, dict[str, bytes]]) -> None:
    result = finnews("page", "http://127.0.0.1:1/nowhere.html", "--db", f"sqlite:///{kept[0]}", ok=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "finnews: error: no page kept for http://127.0.0.1:1/nowhere.html\n"
