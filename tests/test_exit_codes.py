"""`scrapy crawl portal` exit statuses (crawler/exitcodes.py): what cron and scrapyd users alert on.

Storage failures (status 3) are tested with their faults in tests/test_storage_faults.py.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.exitcodes import ExitCode
from sampleportals import PROFILE_DIR, SampleNetwork
from tests.crawls import PROJECT

pytestmark = pytest.mark.e2e


def scrapy_crawl(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl` into tmp_path's database (a `-s FINNEWS_DB_URL=` in `arguments` comes later and wins)."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "-s", f"FINNEWS_DB_URL=sqlite:///{tmp_path}/finnews.db",
         "-s", f"FINNEWS_RECOVERY_DIR={tmp_path}/recovery", *arguments],
        cwd=PROJECT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["portal", "-a", "site=nosuch"], "no profile 'nosuch'"),
        (["portal"], "give -a site=NAME"),
        (["portal", "-a", "start_url=www.example.cn"], "'www.example.cn' is not an http(s) URL"),
        (["portal", "-a", "start_url=file:///etc/passwd"], "is not an http(s) URL"),
        (
            [
                "portal",
                "-a",
                "site=dede,txjr",
                "-a",
                "start_url=http://127.0.0.1:1/",
                "-s",
                f"FINNEWS_PROFILE_DIRS={PROFILE_DIR}",
            ],
            "one URL per profile",
        ),
        (["portal", "-a", "site=all", "-s", "FINNEWS_MAX_PAGINATION=0"], "FINNEWS_MAX_PAGINATION must be at least 1"),
        (["portal", "-a", "start_url=http://127.0.0.1:1/", "-a", "since=yesterday"], "neither a date"),
        (["portal", "-a", "start_url=http://127.0.0.1:1/", "-s", "FINNEWS_REFRESH_AFTER=soon"], "no duration"),
        (["nosuch"], "Spider not found: nosuch"),
        (
            [
                "portal",
                "-a",
                "start_url=http://127.0.0.1:1/",
                "-s",
                "FINNEWS_DB_URL=postgresql+psycopg://nobody@127.0.0.1:1/x",
            ],
            "cannot store",
        ),
    ],
)
def test_a_crawl_that_cannot_start_says_why_in_one_line_and_exits_1(
    tmp_path: Path, arguments: list[str], says: str
) -> None:
    result = scrapy_crawl(tmp_path, *arguments)
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line]
    assert result.returncode == ExitCode.CANNOT_START, result.stderr[-2000:]
    assert len(errors) == 1 and says in errors[0], errors
    assert "Traceback" not in result.stderr


def test_a_portal_that_answers_nothing_exits_4(tmp_path: Path) -> None:
    result = scrapy_crawl(tmp_path, "portal", "-a", f"start_url=http://127.0.0.1:{closed_port()}/")
    assert result.returncode == ExitCode.NOTHING_CRAWLED, result.stderr[-2000:]


def test_a_crawl_that_stored_its_articles_exits_0_and_a_rerun_with_nothing_new_too(
    sample_network: SampleNetwork, tmp_path: Path
) -> None:
    arguments = ["portal", *sample_network.crawl_arguments(), "-s", "LOG_LEVEL=WARNING"]
    assert scrapy_crawl(tmp_path, *arguments).returncode == ExitCode.DONE
    assert scrapy_crawl(tmp_path, *arguments).returncode == ExitCode.DONE  # articles fetched, all known already


def test_usage_errors_keep_scrapys_status_2(tmp_path: Path) -> None:
    assert scrapy_crawl(tmp_path, "portal", "--no-such-option").returncode == ExitCode.USAGE
