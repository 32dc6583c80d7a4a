"""finnews deploys to scrapyd with `scrapyd-deploy` and crawls there, for real: a scrapyd on a free loopback
port with temporary folders of its own, scrapyd-client's `scrapyd-deploy` run in a git checkout of the
project's files (which it leaves as it was: setup.py keeps the egg's build out of it), a crawl of the
sample portals scheduled through `schedule.json` with spider arguments and `setting=`, and its articles in
the database.
"""

from __future__ import annotations

import json
import os
import shutil
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

from sampleportals.crawling import LOOPBACK_SETTINGS
from sampleportals.network import PROFILE_DIR
from tests.crawls import PROJECT, export, truth_problems

pytest.importorskip("scrapyd")
pytest.importorskip("scrapyd_client")
pytestmark = pytest.mark.e2e


def git_status(checkout: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=checkout, capture_output=True, text=True, check=True
    ).stdout


def checkout_copy(target: Path) -> Path:
    """A git checkout at `target` of the files git lists in the project, committed as they are now."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode("utf-8").split("\0")):
        if (PROJECT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, target / name)
    git = ["git", "-c", "user.name=finnews tests", "-c", "user.email=tests@localhost"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the checkout"]):
        subprocess.run([*git, *command], cwd=target, capture_output=True, check=True)
    return target


def scrapyd_deploy(checkout: Path, base: str, home: Path) -> str:
    """`scrapyd-deploy loopback` run in `checkout`, the target `loopback` (scrapyd at `base`) in a user
    scrapy.cfg under `home` (XDG_CONFIG_HOME), as a user who deploys to several servers keeps them; its output."""
    home.mkdir()
    (home / "scrapy.cfg").write_text(f"[deploy:loopback]\nurl = {base}/\nproject = finnews\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "loopback", "--version", "1"],
        cwd=checkout, env={**os.environ, "XDG_CONFIG_HOME": str(home)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(base: str, endpoint: str, fields: list[tuple[str, str]] | None = None) -> Any:
    """A scrapyd API call: GET without fields, else a form POST."""
    data = None if fields is None else urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{base}/{endpoint}", data=data), timeout=60) as answer:
        result = json.loads(answer.read())
    assert result["status"] == "ok", result
    return result


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    """A scrapyd on a free loopback port, its eggs, logs and databases under `tmp_path`; its base URL."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home}/eggs\n"
        f"logs_dir = {home}/logs\ndbs_dir = {home}/dbs\nitems_dir =\nmax_proc = 2\npoll_interval = 0.5\n",
        encoding="utf-8",
    )
    with (home / "scrapyd.out").open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", "from scrapyd.__main__ import main; main()"],
            cwd=home,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            call(base, "daemonstatus.json")
            break
        except OSError:
            assert server.poll() is None, (home / "scrapyd.out").read_text()
            assert time.monotonic() < deadline, "scrapyd does not answer"
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)


def test_scrapyd_deploy_leaves_the_checkout_clean_and_a_scheduled_crawl_stores_the_articles(
    scrapyd: str, sample_network: Any, tmp_path: Path
) -> None:
    checkout = checkout_copy(tmp_path / "checkout")
    before, project_before = git_status(checkout), git_status(PROJECT)
    output = scrapyd_deploy(checkout, scrapyd, tmp_path / "config")
    assert '"status": "ok"' in output and '"project": "finnews"' in output, output
    assert git_status(checkout) == before  # the checkout is left as it was: no setup.py, build/ or egg-info
    assert git_status(PROJECT) == project_before
    assert call(scrapyd, "listversions.json?project=finnews")["versions"] == ["1"]
    assert call(scrapyd, "listspiders.json?project=finnews")["spiders"] == ["portal"]
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    settings = {**LOOPBACK_SETTINGS, "FINNEWS_DB_URL": db_url, "FINNEWS_PROFILE_DIRS": str(PROFILE_DIR),
                # a crawl of several seconds: its extraction worker, spawned from the egg, starts while it runs (the
                # pages before are read in the crawl's process; 4 s of crawl were once over before it started)
                "DOWNLOAD_DELAY": "0.02", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}  # fmt: skip
    job = call(
        scrapyd,
        "schedule.json",
        [
            ("project", "finnews"),
            ("spider", "portal"),
            ("site", ",".join(sample_network.start_urls)),
            ("start_url", ",".join(sample_network.start_urls.values())),
            *(("setting", f"{name}={value}") for name, value in settings.items()),
        ],
    )["jobid"]
    deadline = time.monotonic() + 240
    while not any(j["id"] == job for j in call(scrapyd, "listjobs.json?project=finnews")["finished"]):
        assert time.monotonic() < deadline, "the scheduled crawl does not finish"
        time.sleep(0.5)

    logs = list((tmp_path / "scrapyd" / "logs").rglob("*.log"))
    log = logs[0].read_text(encoding="utf-8") if logs else ""
    problems = truth_problems(export(db_url), sample_network.truth())
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:20]) + log[-3000:]
    assert "migrations of a zipped package copied to" in log  # the egg's code ran, not the checkout's
    assert "'finnews/pages/read_in_worker':" in log  # and its extraction worker, spawned from it
