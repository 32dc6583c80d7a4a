"""Golden fixtures: hand-written pages in the styles finnews meets, checked field by field.

`tests/golden/NAME.html` holds a page's raw bytes as a server would send them (several GBK/GB2312,
two with a wrong declared charset); `NAME.json` holds the page's URL (given to `finnews extract` with the
page) and every value it must print for it (the clean values of docs/contract.md; `encoding` and
`counter_url`, `page_kind`, `article_links` too; `elapsed_s` only as a time): a field printed but not expected, or expected but not printed, fails. Pages:
a 天下金融网-like syndicated portal, DedeCMS (GBK, count.php), PHPCMS v9 (GBK, api.php?op=count),
EmpireCMS (ViewClick, a data table), 网易-, 新浪- and 搜狐-like news pages, a government notice (GB2312,
table layout, no <h1>), a WeChat-like article, comments longer than the article, <br> paragraphs
(GB2312), a date only in article:published_time, 人气:1.2万, a body pasted twice, entities without "&";
then the kinds of page a held-out evaluation showed failing, each in a style of its own: UTF-8 declared
windows-1252, a date split over <span>s, an ISO time after 发布时间：, a year-less `09月03日 11:54`, a WordPress
post (.entry-content, <time datetime>), a body of <div> lines, a Discuz thread (GBK), an AMP page with
JSON-LD, an ASP portal (GBK, GetHits.asp, 佚名/本站原创), bylines at the top of the body with a channel label,
a spaced two-character name (GB2312), analysts with certificate numbers, UI words after names and an in-body
pager. Changing an expectation is a deliberate commit with a reason, never a copy of what the code happens
to print.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks.extractors import char_f1, finnews_in_process, load_pages, renamed, run_extractor
from crawler.vocabulary import SHANGHAI
from tests.console import finnews

GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = sorted(path.stem for path in GOLDEN.glob("*.html"))
NOW = "2024-09-05T12:00"  # the reference time of every page: after all their dates
REQUIRED = ("title", "published_at", "source", "author", "views", "body")  # null where the page has none
ABSENT = "<absent>"  # a field missing on one side


def expected(page: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / f"{page}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def extracted() -> dict[str, dict[str, Any]]:
    """Every golden page through one batch run of `finnews extract`, by page name."""
    tasks = [json.dumps({"path": str(GOLDEN / f"{page}.html"), "url": expected(page)["url"]}) for page in PAGES]
    result = finnews("extract", "--now", NOW, stdin="\n".join(tasks) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(PAGES), result.stderr
    return dict(zip(PAGES, records, strict=True))


def test_there_are_enough_golden_pages() -> None:
    """Every page has its expectation and every expectation its page (one left alone would be checked never)."""
    assert len(PAGES) >= 14
    assert sorted(path.stem for path in GOLDEN.glob("*.json")) == PAGES


@pytest.mark.parametrize("page", PAGES)
def test_expectation_covers_the_main_fields(page: str) -> None:
    missing = [name for name in ("url", *REQUIRED) if name not in expected(page)]
    assert not missing, f"{page}.json lacks {missing}"


@pytest.mark.parametrize("page", PAGES)
def test_page_extracts_to_its_golden_values(page: str, extracted: dict[str, dict[str, Any]]) -> None:
    """Every field `finnews extract` prints is checked: a field the expectation lacks, or one the output
    lacks, is a difference (not None against null)."""
    record, want = dict(extracted[page]), expected(page)
    assert "error" not in record, f"{page}: {record.get('error')}"
    elapsed = record.pop("elapsed_s")  # a measurement, not a value of the page
    assert isinstance(elapsed, float) and elapsed > 0
    wrong = [difference(page, name, record.get(name, ABSENT), want.get(name, ABSENT)) for name in {*record, *want}]
    assert not any(wrong), "\n".join(sorted(filter(None, wrong)))


def difference(page: str, name: str, got: Any, want: Any) -> str:
    """'' when equal, else what differs: a line diff for multi-line text (bodies), both values otherwise."""
    if got == want:
        return ""
    if isinstance(got, str) and isinstance(want, str) and "\n" in got + want:
        lines = difflib.unified_diff(want.split("\n"), got.split("\n"), "expected", "got", lineterm="", n=0)
        return f"{page} {name}:\n" + "\n".join(lines)
    return f"{page} {name}:\n  got      {got!r}\n  expected {want!r}"


@pytest.mark.parametrize("folder", [GOLDEN, Path(__file__).resolve().parents[1] / "benchmarks" / "holdout"])
def test_bodies_do_not_hang_on_class_names(folder: Path) -> None:
    """The golden and hold-out pages with every class and id value replaced by a name that means nothing
    (`benchmarks.extractors.renamed`: a site finnews has never seen) keep their bodies: character F1 >= 0.9 each."""
    pages = load_pages([folder])
    run = run_extractor(
        "finnews",
        finnews_in_process(datetime.fromisoformat(NOW).replace(tzinfo=SHANGHAI)),
        [replace(page, html=renamed(page.html)) for page in pages],
    )
    lost = [page.name for page, output in zip(pages, run.outputs, strict=True)
            if char_f1((output or {}).get("body"), page.expected.get("body")) < 0.9]  # fmt: skip
    assert lost == []
