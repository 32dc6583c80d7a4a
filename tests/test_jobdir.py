"""Pause and resume (`-s JOBDIR=...`) of a crawl of a portal list: a crawl interrupted by SIGINT (Ctrl-C)
and resumed by the same command stores what an uninterrupted crawl stores: the same articles, the same
reprint groups, no story twice."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.exitcodes import ExitCode
from sampleportals import loopback_arguments
from sampleportals.fleet import PortalFleet
from tests.crawls import PROJECT, export, run_stats, wait_for_articles

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fleet() -> Iterator[PortalFleet]:
    with PortalFleet(6, articles=60, seed=7) as started:
        yield started


def groups(records: list[dict[str, Any]]) -> set[frozenset[str]]:
    """Each stored story as the set of its pages' URLs (the article and its reprints)."""
    return {frozenset([record["url"], *(copy["url"] for copy in record["reprints"])]) for record in records}


def test_an_interrupted_and_resumed_crawl_equals_an_uninterrupted_one(fleet: PortalFleet, tmp_path: Path) -> None:
    fleet.write_list(tmp_path / "portals.txt")

    def command(db: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"portals={tmp_path / 'portals.txt'}",
                *loopback_arguments(), "-s", f"FINNEWS_DB_URL=sqlite:///{db}", "-s", "LOG_LEVEL=INFO", *extra]  # fmt: skip

    whole = subprocess.run(command(tmp_path / "whole.db"), cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert whole.returncode == ExitCode.DONE, whole.stderr[-2000:]

    paused = command(tmp_path / "paused.db", "-s", f"JOBDIR={tmp_path / 'job'}")
    slow = ["-s", "DOWNLOAD_DELAY=0.02", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]  # time to interrupt it
    first = subprocess.Popen([*paused, *slow], cwd=PROJECT, stderr=subprocess.PIPE)
    wait_for_articles(first, tmp_path / "paused.db", 40)
    first.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy finishes what is in flight, keeps the queue in JOBDIR
    _, log = first.communicate(timeout=120)
    assert first.returncode == ExitCode.DONE, log[-2000:].decode(errors="replace")
    resumed = subprocess.run([*paused, *slow], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == ExitCode.DONE, resumed.stderr[-2000:]  # not judged: it saw what was left

    wanted, got = export(f"sqlite:///{tmp_path / 'whole.db'}"), export(f"sqlite:///{tmp_path / 'paused.db'}")
    assert sorted(r["url"] for r in got) == sorted(r["url"] for r in wanted)
    assert groups(got) == groups(wanted)
    truth = {page["url"] for page in fleet.truth()}
    assert set().union(*groups(got)) == truth  # every page once: stored, or a reprint of its story
    interrupted, rest = run_stats(f"sqlite:///{tmp_path / 'paused.db'}")
    assert interrupted["finish_reason"] == "shutdown" and rest["finish_reason"] == "finished"
    assert 0 < interrupted["finnews/pages/article"] < len(truth)
    assert rest["finnews/pages/article"] < len(truth)  # resumed where it stopped, not started again
    assert interrupted["finnews/pages/article"] + rest["finnews/pages/article"] >= len(truth)
