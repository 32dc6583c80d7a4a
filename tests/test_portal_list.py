"""The user's portal list (`scrapy crawl portal -a portals=FILE`): the file format, its bad lines, and a
crawl of 50 sample portals from one list in one job."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.profiles import ProfileError, portal_list
from sampleportals import PROFILE_DIR, loopback_arguments
from sampleportals.fleet import PortalFleet
from tests.console import finnews
from tests.crawls import PROJECT, export, run_stats


@pytest.mark.parametrize(
    ("line", "url", "name"),
    [
        ("http://www.a.cn/", "http://www.a.cn/", "www.a.cn"),  # no name: the host
        ("https://b.cn:8443/news/  b_news", "https://b.cn:8443/news/", "b_news"),
        ("  http://c.cn/\tc-1   # a comment after the portal", "http://c.cn/", "c-1"),
        ("http://d.cn/#top d", "http://d.cn/", "d.cn"),  # `#` starts a comment anywhere
    ],
)
def test_a_line_names_a_start_url_and_a_portal(line: str, url: str, name: str) -> None:
    entries, bad = portal_list.parse(line)
    assert [(e.url, e.name) for e in entries] == [(url, name)] and not bad


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("ftp://a.cn/ a", "not an http(s) URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("www.a.cn", "not an http(s) URL"),  # no scheme
        ("http://[::1/ a", "not an http(s) URL"),  # urlsplit raises
        ("http://a.cn/ ../../etc", "a name is letters, digits, _ and - only"),
        ("http://a.cn/ a b", "more than a start URL and a name"),
    ],
)
def test_a_bad_line_is_reported_with_its_number_and_skipped(line: str, reason: str) -> None:
    entries, bad = portal_list.parse(f"# my portals\n\nhttp://ok.cn/ ok\n{line}\nhttp://fine.cn/\n")
    assert [e.name for e in entries] == ["ok", "fine.cn"]
    assert [(b.number, b.reason) for b in bad] == [(4, reason)]


def test_a_name_is_used_once() -> None:
    entries, bad = portal_list.parse("http://a.cn/ a\nhttp://b.cn/ a\nhttp://c.cn/ dede", taken={"dede"})
    assert [e.number for e in entries] == [1]
    assert [str(b) for b in bad] == [
        "line 2: the name a is taken by line 1: 'http://b.cn/ a'",
        "line 3: the name dede is taken by -a site/start_url: 'http://c.cn/ dede'",
    ]


def test_a_name_with_a_profile_gets_its_rules_at_the_listed_url(tmp_path: Path) -> None:
    (tmp_path / "list.txt").write_text("http://127.0.0.1:9999/ dede\nhttp://127.0.0.1:9998/ other\n")
    dede, other = portal_list.read(tmp_path / "list.txt", PROFILE_DIR)[0]
    assert dede.start_urls == ("http://127.0.0.1:9999/",) and dede.site_name == "财经快讯网"
    assert other.site_name is None and other.classify_by_content  # no profile: the generic rules


@pytest.mark.parametrize("text", ["# only comments\n\n", "nothing here\n"])
def test_a_list_of_no_portal_cannot_start(tmp_path: Path, text: str) -> None:
    (tmp_path / "list.txt").write_text(text)
    with pytest.raises(ProfileError, match="names no portal"):
        portal_list.read(tmp_path / "list.txt")
    with pytest.raises(ProfileError, match="cannot read the portal list"):
        portal_list.read(tmp_path / "missing.txt")


@pytest.fixture(scope="module")
def fleet() -> Iterator[PortalFleet]:
    with PortalFleet(50, articles=60) as started:
        yield started


@pytest.mark.e2e
def test_fifty_portals_from_one_list_in_one_job(fleet: PortalFleet, tmp_path: Path) -> None:
    """Every story of each of 50 portals (stored, or recorded as a reprint of its story), bad lines skipped."""
    fleet.write_list(tmp_path / "portals.txt")
    with (tmp_path / "portals.txt").open("a", encoding="utf-8") as out:
        out.write("ftp://127.0.0.1/ nope\n")
    db_url = f"sqlite:///{tmp_path}/fleet.db"
    crawl = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"portals={tmp_path / 'portals.txt'}",
         *loopback_arguments(), "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=WARNING"],
        cwd=PROJECT, timeout=300, capture_output=True, text=True,
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "line 52: not an http(s) URL: 'ftp://127.0.0.1/ nope' (skipped)" in crawl.stderr
    records, truth = export(db_url), fleet.truth()
    stored = {record["url"]: record["site"] for record in records}
    copies = {copy["url"]: copy["site"] for record in records for copy in record["reprints"]}
    assert {page["url"]: page["site"] for page in truth} == stored | copies  # every page, under its portal's name
    [stats] = run_stats(db_url)
    assert stats["finnews/portal_list/bad_lines"] == 1
    per_portal = Counter(page["site"] for page in truth)
    assert len(per_portal) == 50 and min(per_portal.values()) > 0
    lines = json.loads(finnews("stats", "--db", db_url, "--format", "json").stdout)["portals"]  # the run's report
    assert {line["portal"]: line["articles"] + line["reprints"] for line in lines} == per_portal
    assert all(line["errors"] == line["blocks"] == 0 and line["date"] == line["body"] == 1 for line in lines)
    assert all(line["warnings"] == [] for line in lines)
    table = finnews("stats", "--db", db_url).stdout
    section = table.split("\nportals, as their last crawl found them")[1].split("\nlast crawl runs")[0]
    assert sum(line.startswith(("dede", "phpcms", "txjr")) for line in section.splitlines()) == 50
