"""A crawl killed mid-way loses nothing that was committed, and a re-run completes it without duplicates."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.crawls import PROJECT, export, run_stats, stored, truth_problems, wait_for_articles

pytestmark = pytest.mark.e2e


def start_crawl(network: Any, db_url: str, *extra: str) -> subprocess.Popen[bytes]:
    """A crawl of `network`, slowed down (two requests at a time, 0.02 s apart on its one host) unless `extra` says
    otherwise: stopped after its 20th article is stored, it has pages left to fetch."""
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *network.crawl_arguments(), "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=WARNING", "-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.02", *extra],
        cwd=PROJECT,
    )  # fmt: skip


def test_kill_9_then_rerun(sample_network: Any, tmp_path: Path) -> None:
    path = tmp_path / "finnews.db"
    db_url = f"sqlite:///{path}"
    crawl = start_crawl(sample_network, db_url)
    wait_for_articles(crawl, path, 20)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        before = {url for (url,) in db.execute("SELECT url FROM articles")}
    total = len({page["group"] for page in sample_network.truth()})
    assert 20 <= len(before) < total, "killed mid-way"

    rerun = start_crawl(sample_network, db_url, "-s", "CONCURRENT_REQUESTS=16", "-s", "DOWNLOAD_DELAY=0")
    assert rerun.wait(timeout=300) == 0
    records = export(db_url)
    # every page committed before the kill is still there: as the story's article, or as its reprint
    # where a copy published earlier (the story's origin) took the article's place
    pages = {r["url"] for r in records} | {copy["url"] for r in records for copy in r["reprints"]}
    assert before <= pages
    problems = truth_problems(records, sample_network.truth())  # ... once, and the rest is complete
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_sigint_flushes_what_was_acknowledged(sample_network: Any, tmp_path: Path) -> None:
    path = tmp_path / "finnews.db"
    db_url = f"sqlite:///{path}"
    crawl = start_crawl(sample_network, db_url)
    wait_for_articles(crawl, path, 20)
    crawl.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy closes the spider gracefully
    assert crawl.wait(timeout=120) == 0
    [stats] = run_stats(db_url)
    assert stats["finish_reason"] == "shutdown"
    assert stats["finnews/stored"] == stored(path)  # every item that left the pipeline is in the database


def test_a_crawl_paused_with_a_jobdir_resumes_where_it_stopped(sample_network: Any, tmp_path: Path) -> None:
    """Scrapy's pause and resume (JOBDIR): Ctrl-C keeps the pending requests on disk; the same command
    again fetches only those (the stored pages are not asked again) and the database ends complete."""
    path = tmp_path / "finnews.db"
    db_url = f"sqlite:///{path}"
    jobdir = ("-s", f"JOBDIR={tmp_path / 'job'}")
    crawl = start_crawl(sample_network, db_url, *jobdir)
    wait_for_articles(crawl, path, 20)
    crawl.send_signal(signal.SIGINT)
    assert crawl.wait(timeout=120) == 0
    resumed = start_crawl(sample_network, db_url, *jobdir, "-s", "CONCURRENT_REQUESTS=16", "-s", "DOWNLOAD_DELAY=0")
    assert resumed.wait(timeout=300) == 0
    paused, finished = run_stats(db_url)
    assert (paused["finish_reason"], finished["finish_reason"]) == ("shutdown", "finished")
    assert finished.get("finnews/pages/article", 0) > 0, "paused mid-way: pages left for the resumed crawl"
    pages = len(sample_network.truth())
    # each page fetched once, but those in flight when Ctrl-C came (two at a time) and asked again on resume
    assert paused["finnews/pages/article"] + finished.get("finnews/pages/article", 0) <= pages + 5
    problems = truth_problems(export(db_url), sample_network.truth())
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    # the same command once more: the job has finished, nothing is left in its JOBDIR, and the crawl says why it
    # fetched nothing (exit status 4) instead of leaving the user to guess
    again = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *sample_network.crawl_arguments(), "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=WARNING", *jobdir],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 4, again.stderr[-2000:]
    assert f"JOBDIR {tmp_path / 'job'} holds a job that had finished" in again.stderr
