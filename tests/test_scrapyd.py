"""finnews deploys to scrapyd as an egg and crawls there, for real: a scrapyd on a free loopback port with
temporary folders of its own, an egg built from a copy of the checkout (which stays as it was), a crawl of
the sample portals scheduled through `schedule.json`, and its articles in the database.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sampleportals.crawling import LOOPBACK_SETTINGS
from sampleportals.network import PROFILE_DIR
from tests.crawls import PROJECT, export, truth_problems

pytest.importorskip("scrapyd")
pytestmark = pytest.mark.e2e


def git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout


def build_egg(target: Path) -> Path:
    """An egg of the checkout's files (as git lists them), built in a copy under `target`."""
    source = target / "source"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode("utf-8").split("\0")):
        if (PROJECT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, source / name)
    subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "bdist_egg", "-d", str(target / "dist")],
        cwd=source, capture_output=True, check=True,
    )  # fmt: skip
    (egg,) = (target / "dist").glob("*.egg")
    return egg


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(base: str, endpoint: str, fields: list[tuple[str, str]] | None = None, egg: bytes | None = None) -> Any:
    """A scrapyd API call: GET without fields, else a POST (multipart when it carries an egg)."""
    if fields is None:
        request = urllib.request.Request(f"{base}/{endpoint}")
    elif egg is None:
        request = urllib.request.Request(f"{base}/{endpoint}", data=urllib.parse.urlencode(fields).encode())
    else:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; filename="finnews.egg"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + egg
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            f"{base}/{endpoint}",
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    with urllib.request.urlopen(request, timeout=60) as answer:
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


def test_finnews_deploys_to_scrapyd_and_a_scheduled_crawl_stores_the_articles(
    scrapyd: str, sample_network: Any, tmp_path: Path
) -> None:
    before = git_status()
    egg = build_egg(tmp_path / "build")
    assert git_status() == before  # the checkout is left as it was

    call(scrapyd, "addversion.json", [("project", "finnews"), ("version", "1")], egg=egg.read_bytes())
    assert call(scrapyd, "listspiders.json?project=finnews")["spiders"] == ["portal"]
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    settings = {**LOOPBACK_SETTINGS, "FINNEWS_DB_URL": db_url, "FINNEWS_PROFILE_DIRS": str(PROFILE_DIR)}
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
