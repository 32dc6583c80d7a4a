"""Challenge and rate-limit pages: the pattern tables of `crawler.extract.blocks` (what they match and what
they must not), and a crawl of the challenge portal (`sampleportals.hostile.ChallengePortal`): none of its
guard pages stored or read as a listing, each counted by class, the portal backed off, the run flagged."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.exitcodes import ExitCode
from crawler.extract.blocks import (
    CAPTCHA,
    JS_CHALLENGE,
    RATE_LIMITED,
    SHORT_TEXT,
    SMALL_PAGE,
    TEXT_RULES,
    WAF_CHALLENGE,
    block,
    may_be_blocked,
)  # fmt: skip
from sampleportals import loopback_arguments
from sampleportals.hostile import CHALLENGES, ChallengePortal
from tests.console import finnews
from tests.crawls import PROJECT, export, run_stats

REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages"
ARTICLE = (
    "<html><head><title>央行：下调存款准备金率</title></head><body><h1>央行：下调存款准备金率</h1>"
    "<div class='content'><p>"
    + "中国人民银行决定下调金融机构存款准备金率0.5个百分点。" * 40
    + "</p></div></body></html>"
)


_RECOGNISED = [
    # a 521 and its script that writes the clearance cookie
    (
        521,
        ["__jsluid_s=5b1c; path=/"],
        "<script>document.cookie=('__jsl_clearance_s=1|0|x')</script>",
        JS_CHALLENGE,
    ),
    (521, [], "", JS_CHALLENGE),
    # the clearance cookie written by a 200 page's script, or set by the response
    (200, [], "<script>document.cookie='__jsl_clearance=1725|0|abc';location.reload()</script>", JS_CHALLENGE),
    (200, ["__jsl_clearance=1725|0|abc; path=/"], "<html></html>", JS_CHALLENGE),
    # Alibaba Cloud WAF: acw_sc__v2 computed by `var arg1=...`, the slider's acw_sc__v3
    (200, ["acw_tc=2f62; path=/"], "<script>var arg1='3A1B';setCookie('acw_sc__v2', x)</script>", WAF_CHALLENGE),
    (200, ["acw_sc__v3=66d6; path=/"], "<html></html>", WAF_CHALLENGE),
    (429, [], "", RATE_LIMITED),
    (503, [], "<p>您的请求过于频繁，请稍后再试。</p>", RATE_LIMITED),
    (200, [], "<html><body>访问过于频繁，请稍后再试</body></html>", RATE_LIMITED),
    (403, [], "<h1>访问频率过高</h1>", RATE_LIMITED),
    (200, [], "<h1>Too Many Requests</h1>", RATE_LIMITED),
    (200, [], "<title>安全验证</title><p>请输入验证码后继续访问</p>", CAPTCHA),
    (200, [], "<div>拖动下方滑块完成拼图</div>", CAPTCHA),
    (403, [], "<p>请完成下方验证后继续操作</p>", CAPTCHA),
    (403, [], "<h2>抱歉，您的访问被拒绝</h2><p>当前访问疑似黑客攻击</p>", WAF_CHALLENGE),
    (503, [], "<html><body><h1>Access Denied</h1></body></html>", WAF_CHALLENGE),
    (200, [], "<h1>Too Many<br>Requests</h1>", RATE_LIMITED),  # a tag between the words of a rule
]


@pytest.mark.parametrize(("status", "cookies", "text", "expected"), _RECOGNISED)
def test_challenge_and_rate_limit_pages_are_recognised(
    status: int, cookies: list[str], text: str, expected: str
) -> None:
    assert block(status, cookies, text, len(text.encode())) == expected


@pytest.mark.parametrize(
    ("status", "cookies", "text"),
    [
        (200, [], ARTICLE),  # an article
        (200, ["acw_tc=2f624a; path=/", "__jsluid_s=5b1c; path=/"], ARTICLE),  # the cookies every page behind them sets
        (503, [], "<h1>Server busy</h1>"),  # an overloaded server, retried as usual
        (500, [], "<h1>Internal Server Error</h1>"),
        (404, [], "<p>访问的页面不存在</p>"),
        (403, [], "<h1>403 Forbidden</h1>"),  # a forbidden page: no challenge
        # a whole page that only mentions a captcha or a rate limit, in an article
        (200, [], ARTICLE.replace("</p>", "警惕“请输入验证码”诈骗，访问过于频繁的网站要当心。</p>")),
        (200, [], "<p>验证码</p>"),  # the word alone asks nothing
        (200, [], "<script>document.write('11003');</script>"),  # a read counter
        (404, [], "<p>请输入验证码</p>"),  # a status no challenge uses
    ],
)
def test_pages_that_are_no_challenge_are_not_blocks(status: int, cookies: list[str], text: str) -> None:
    assert block(status, cookies, text, len(text.encode())) is None


def test_each_text_rule_hint_is_in_what_it_matches() -> None:
    """Each match of a rule's pattern in the pages above holds one of its hints, whole: what `block` looks for in
    a page before stripping its tags."""
    found = [
        (rule, match.group().lower())
        for _, _, text, _ in _RECOGNISED
        for rule in TEXT_RULES
        if (match := rule.text.search(" ".join(re.split(r"<[^>]*>", text))))
    ]
    assert {rule.kind for rule, _ in found} == {rule.kind for rule in TEXT_RULES}
    assert all(any(hint in match for hint in rule.hints) for rule, match in found), found


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
def test_the_test_before_decoding_lets_every_block_through_and_no_article(encoding: str) -> None:
    """`may_be_blocked` reads a page's bytes before its text is decoded: each page above that `block` reads as a
    challenge by its text passes it, in the encodings of Chinese portals; an article and a counter do not."""
    by_text = [(status, text) for status, cookies, text, _ in _RECOGNISED if text and block(status, [], text, 100)]
    assert len(by_text) >= 12
    assert all(may_be_blocked(text.encode(encoding), encoding) for _, text in by_text), encoding
    for page in (ARTICLE, "<p>市场数据</p>", "<script>document.write('11003');</script>"):
        assert not may_be_blocked(page.encode(encoding), encoding)
    assert may_be_blocked("<p>请输入验证码</p>".encode("utf-16"), "utf-16")  # no ASCII: decoded and read


def test_text_rules_read_small_pages_of_short_text_only() -> None:
    text = "<p>请输入验证码</p>"
    assert block(200, [], text, SMALL_PAGE) == CAPTCHA
    assert block(200, [], text, SMALL_PAGE + 1) is None
    assert block(200, [], text + "<p>" + "字" * (SHORT_TEXT - 6) + "</p>", 2000) == CAPTCHA
    assert block(200, [], text + "<p>" + "字" * (SHORT_TEXT - 5) + "</p>", 2000) is None
    assert block(200, [], None, 10) is None  # no text (an image)


def test_no_real_page_is_taken_for_a_block() -> None:
    if not REAL_PAGES.is_dir():
        if os.environ.get("FINNEWS_REQUIRE_SERVICES") == "1":
            pytest.fail(f"the real pages are not at {REAL_PAGES}, and FINNEWS_REQUIRE_SERVICES=1 forbids skipping")
        pytest.skip(f"the real pages are not at {REAL_PAGES}")
    pages = [path for path in REAL_PAGES.rglob("*.htm*") if path.is_file()]
    assert len(pages) > 50
    for path in pages:
        data = path.read_bytes()
        assert block(200, [], data.decode("utf-8", "replace"), len(data)) is None, path.name


# --- a crawl of the challenge portal -----------------------------------------------------------------


@pytest.fixture(scope="module")
def challenged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    portal = ChallengePortal().start()
    db_url = f"sqlite:///{tmp_path_factory.mktemp('challenge')}/finnews.db"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={portal.url}",
             "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=INFO", *loopback_arguments()],
            cwd=PROJECT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        yield {
            "portal": portal,
            "result": result,
            "records": export(db_url),
            "stats": run_stats(db_url)[-1],
            "requests": list(portal.requests),
            "summary": finnews("stats", "--db", db_url).stdout,
        }
    finally:
        portal.stop()


@pytest.mark.e2e
def test_the_run_is_flagged_blocked(challenged: dict[str, Any]) -> None:
    result = challenged["result"]
    assert result.returncode == ExitCode.BLOCKED, result.stderr[-3000:]
    assert challenged["stats"]["finnews/blocked"] == len(CHALLENGES)  # the run record says so
    runs = challenged["summary"].split("last crawl runs", 1)[1].split("\n")
    header, row = runs[1].split(), runs[-2].split()  # the columns, and the one run
    column = header.index("blocked") - len(header)  # counted from the right: the times hold spaces
    assert row[column] == str(len(CHALLENGES))  # `finnews stats` shows it
    assert "blocked (captcha, HTTP 200)" in result.stderr
    assert "Public Suffix List" not in result.stderr  # cookies were set: no suffix list was asked for online


@pytest.mark.e2e
def test_no_guard_page_is_stored_and_the_good_articles_are(challenged: dict[str, Any]) -> None:
    stored = sorted(record["url"] for record in challenged["records"])
    assert stored == sorted(challenged["portal"].good)
    assert not any("验证" in record["body"] or "频繁" in record["body"] for record in challenged["records"])
    assert challenged["stats"].get("finnews/pages/kept") == len(challenged["portal"].good)  # no guard page kept


@pytest.mark.e2e
def test_each_guard_page_is_counted_by_its_class(challenged: dict[str, Any]) -> None:
    expected = Counter(kind for *_, kind in CHALLENGES.values())
    counted = {
        key.removeprefix("finnews/blocked/"): value
        for key, value in challenged["stats"].items()
        if key.startswith("finnews/blocked/") and key != "finnews/blocked/delay_max"
    }
    assert counted == dict(expected)
    assert "finnews/failed/article" not in json.dumps(challenged["stats"])


@pytest.mark.e2e
def test_a_guard_page_is_never_read_as_a_listing_nor_retried(challenged: dict[str, Any]) -> None:
    requests = Counter(challenged["requests"])
    assert "/a/20240903/31.html" not in requests  # the link on the rate-limit page in place of page 2
    assert all(requests[path] == 1 for path in CHALLENGES)  # 429 and 503 guard pages are not retried at once
    assert challenged["stats"]["finnews/pages/listing"] == 1
    assert challenged["stats"]["finnews/discovery/missing"] == 1  # robots.txt names no sitemap: /sitemap.xml, a 404


@pytest.mark.e2e
def test_the_portal_is_backed_off(challenged: dict[str, Any]) -> None:
    """Each block doubles its portal's delay from FINNEWS_BLOCKED_DELAY (0.05 s on loopback)."""
    assert challenged["stats"]["finnews/blocked/delay_max"] == pytest.approx(0.05 * 2 ** (len(CHALLENGES) - 1))
    assert "its requests now 3.2 s apart" in challenged["result"].stderr
