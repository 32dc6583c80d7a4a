"""Every `finnews` error is one line on stderr and a non-zero status: 2 for a bad input, 1 for anything else
(a full device, a bug); `finnews --debug` shows the traceback. And `--limit` means the same everywhere."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crawler.batchwrite import ReprintRecord
from crawler.cli import main
from crawler.db import make_engine
from crawler.models import SHANGHAI
from crawler.writer import ArticleWriter
from tests.console import finnews
from tests.rows import row

FINNEWS = str(Path(sys.executable).with_name("finnews"))
HUGE = "99999999999999999999"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-errors')}/finnews.db"
    writer = ArticleWriter(make_engine(url))
    base = datetime(2024, 9, 1, 9, 30, tzinfo=SHANGHAI)
    for i in range(3):
        writer.submit(row(f"http://p1/a/{i}.html", published_at=base + timedelta(days=i), body_hash=i))
    writer.submit(ReprintRecord("http://p1/a/1.html", "http://p2/x.html", "phpcms", None, 7, 0.9, base)).result()
    writer.close()
    return url


def device_full() -> Path:
    """/dev/full, the device whose every write fails with ENOSPC (a full disk without filling one)."""
    full = Path("/dev/full")
    if not full.exists() or not stat.S_ISCHR(full.stat().st_mode):
        pytest.skip("no /dev/full on this machine")
    return full


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "--since", "0001-01-01T00:00+08:00"], "date out of range"),
        (["query", "--until", "9999-12-31T23:59-12:00"], "date out of range"),
        (["reprints", "--since", "0001-01-01"], "date out of range"),
        (["query", "--limit", HUGE], "not a count from 0 to 9223372036854775807"),
        (["export", "--min-views", HUGE], "not a count"),
        (["stats", "--top", HUGE], "not a count"),
        (["query", "--limit", "-1"], "not a count"),
        (["export", "--limit", "-1"], "not a count"),
        (["reprints", "--limit", "-1"], "not a count"),
        (["query", "--limit", "1e3"], "not a count"),
    ],
)
def test_values_out_of_range_are_refused_in_one_line(db: str, args: list[str], message: str) -> None:
    result = finnews(*args, "--db", db, ok=False)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_bad_files_and_revisions_are_one_line_and_status_2(db: str, tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("these are notes, not a database\n" * 100)
    cases = [
        (["query", "--db", f"sqlite:///{not_a_database}"], "file is not a database"),
        (["db", "upgrade", "bogus", "--db", db], "Can't locate revision identified by 'bogus'"),
        (["extract", str(tmp_path)], "Is a directory"),
    ]
    for args, message in cases:
        result = finnews(*args, ok=False)
        assert result.returncode == 2, args
        assert result.stderr.startswith("finnews: error: ") and message in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        main(["--debug", "extract", str(tmp_path)])


def test_export_to_a_full_device_is_one_line_and_leaves_the_device_alone(db: str) -> None:
    full = device_full()
    result = finnews("export", "--db", db, "-o", str(full), ok=False)
    assert result.returncode == 1
    assert result.stderr == "finnews: error: OSError: [Errno 28] No space left on device\n"
    assert stat.S_ISCHR(full.stat().st_mode)  # written to, not replaced by a file


@pytest.mark.parametrize("command", ["query", "export", "reprints"])
def test_stdout_on_a_full_device_is_one_line(db: str, command: str) -> None:
    with device_full().open("w") as out:
        result = subprocess.run([FINNEWS, command, "--db", db], stdout=out, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 1
    assert result.stderr == "finnews: error: OSError: [Errno 28] No space left on device\n"


def test_limit_zero_is_no_limit_everywhere(db: str) -> None:
    for command in (["query", "--format", "jsonl"], ["export"], ["reprints", "--format", "jsonl"]):
        everything = finnews(*command, "--db", db).stdout
        assert everything and finnews(*command, "--db", db, "--limit", "0").stdout == everything
    assert len(finnews("export", "--db", db, "--limit", "2").stdout.splitlines()) == 2
    [story] = finnews("reprints", "--db", db, "--limit", "5", "--format", "jsonl").stdout.splitlines()
    assert json.loads(story)["copies"] == 2
