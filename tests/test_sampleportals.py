"""The sample portal network: determinism, markup, truth, crawlability and faults (all on 127.0.0.1)."""

from __future__ import annotations

import collections
import http.client
import json
import random
import re
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pytest

from sampleportals import (
    HEALTHY,
    PORTALS,
    TRUTH_FIELDS,
    SampleNetwork,
    dates,
    newstext,
    reports,
    templates,
    vocab,
)
from sampleportals.catalog import SUMMARY_CHARS
from sampleportals.copies import Copy
from sampleportals.markup import damaged_text
from sampleportals.stories import CST, NOW_TS, is_report, story_head, story_headline, story_text
from tests import portal_snapshot

CODECS = {"dede": "utf-8", "phpcms": "gb18030", "txjr": "utf-8"}
SITE_NAMES = {"dede": "财经快讯网", "phpcms": "金融观察网", "txjr": "天下金融网"}
BOILERPLATE = (
    "声明",
    "责任编辑",
    "上一篇",
    "下一篇",
    "相关推荐",
    "扫一扫",
    "分享到",
    "专题",
    "来源",
    "作者",
    "编辑",
    "阅读",
    "点击",
    "原标题",
    "版权",
)
HREF = re.compile(r"""href=["']([^"'#]+)["']""")
ISO_CST = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")


@dataclass
class Fetched:
    status: int
    headers: Any
    body: bytes
    url: str


def fetch(url: str, timeout: float = 5, follow: bool = True) -> Fetched:
    """GET `url` with urllib; HTTP errors are answers, not exceptions."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            return Fetched(response.status, response.headers, response.read(), response.geturl())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read(), url)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch_with_retries(url: str, attempts: int = 3, timeout: float = 0.5) -> Fetched:
    """What a retrying crawler does: retry on errors, timeouts and 5xx (Scrapy: RETRY_TIMES=2)."""
    for attempt in range(attempts):
        try:
            page = fetch(url, timeout=timeout)
        except (OSError, http.client.HTTPException):
            if attempt == attempts - 1:
                raise
            continue
        if page.status < 500 or attempt == attempts - 1:
            return page
    raise AssertionError("unreachable")


def crawl(
    start: str,
    get: Callable[[str], Fetched],
    allowed: Callable[[str], bool] = lambda url: True,
    stop_at: Iterable[str] = (),
) -> tuple[set[str], collections.Counter[int]]:
    """BFS over every same-site link from `start`; returns final URLs of HTML pages and status counts."""
    stop = set(stop_at)
    seen, queue = {start}, collections.deque([start])
    reached: set[str] = set()
    statuses: collections.Counter[int] = collections.Counter()
    while queue:
        url = queue.popleft()
        page = get(url)
        statuses[page.status] += 1
        if page.status != 200 or not page.headers.get("Content-Type", "").startswith("text/html"):
            continue
        reached.add(page.url)
        if page.url in stop:
            continue
        text = page.body.decode(page.headers.get_content_charset() or "utf-8", errors="replace")
        for href in HREF.findall(text):
            link = urllib.parse.urljoin(url, href.replace("&amp;", "&"))
            if link.startswith(start) and link not in seen and allowed(link) and not link.endswith((".css", ".js")):
                seen.add(link)
                queue.append(link)
    return reached, statuses


def decode(record: dict[str, Any], body: bytes) -> str:
    return body.decode(CODECS[record["site"]])


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def strip_hosts(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Truth records with the port-dependent origin removed from URLs."""
    return [
        {**record, "url": path_of(record["url"]), "images": [path_of(url) for url in record["images"]]}
        for record in records
    ]


def copies(network: SampleNetwork) -> list[Copy]:
    return [network.book.copy(name, local) for name in PORTALS for local in range(len(network.book.indexes[name]))]


# -- determinism and scale ------------------------------------------------------------------------


def _page_bytes(network: SampleNetwork) -> list[bytes]:
    targets = ["/", "/robots.txt"]
    pages = []
    for site in network.sites.values():
        channel_pages = [site.listing_path(channel, 1) for channel in range(len(site.spec.channels))]
        articles = [site.article_path(site.index.slot(local)) for local in range(0, len(site.index), 5)]
        pages += [site.handle(target).body for target in targets + channel_pages + articles]
    return pages


def test_same_seed_gives_identical_bytes_and_truth() -> None:
    first, second = SampleNetwork(articles=60, seed=7, port=9100), SampleNetwork(articles=60, seed=7, port=9100)
    assert first.truth() == second.truth()
    assert _page_bytes(first) == _page_bytes(second)


@pytest.mark.parametrize("name", portal_snapshot.NETWORKS)
def test_output_is_pinned_across_code_changes(name: str) -> None:
    """Speed-ups must not change a byte: shipped figures and recorded results assume the same content per
    seed. The truth is pinned record by record, every page by status, content type and length (see
    tests/portal_snapshot.py); a deliberate content change rewrites the snapshot and says so (the last was
    copies moving their paragraph breaks)."""
    network = SampleNetwork(**portal_snapshot.NETWORKS[name])  # type: ignore[arg-type]
    assert portal_snapshot.truth_lines(network) == portal_snapshot.pinned(name, "truth")
    assert portal_snapshot.page_lines(network) == portal_snapshot.pinned(name, "pages")


def test_another_seed_gives_other_stories() -> None:
    one, other = SampleNetwork(articles=60, seed=1, port=9100), SampleNetwork(articles=60, seed=2, port=9100)
    titles_one = {record["title"] for record in one.truth()}
    titles_other = {record["title"] for record in other.truth()}
    assert len(titles_one & titles_other) < 5
    assert _page_bytes(one) != _page_bytes(other)


def test_truth_does_not_depend_on_faults_or_ports() -> None:
    healthy = SampleNetwork(articles=60, seed=3, port=9100)
    faulty = SampleNetwork(articles=60, seed=3, port=9200, faults=True)
    assert strip_hosts(healthy.truth()) == strip_hosts(faulty.truth())


@pytest.mark.timeout(60)  # ~3 s: pages are made on request (rendering ~150,000 pages up front: ~150 s)
def test_hundred_thousand_stories_without_storing_pages() -> None:
    network = SampleNetwork(articles=100_000, seed=1, port=9100)
    site = network.sites["txjr"]
    oldest = len(site.index) - 1
    slot = site.index.slot(oldest)
    page = site.handle(site.article_path(slot))
    assert page.status == 200
    assert network.book.copy("txjr", oldest).title in page.body.decode()
    last_listing = site.handle(site.listing_path(slot.channel, site.index.page_count(slot.channel)))
    assert site.article_path(slot) in last_listing.body.decode()


# -- generated text -------------------------------------------------------------------------------


def test_generated_text_is_gbk_encodable_and_free_of_boilerplate_words() -> None:
    texts: list[str] = [*vocab.EDITORS, *vocab.ANONYMOUS_SOURCES, *SITE_NAMES.values()]
    paragraphs: list[str] = []
    for sid in range(1500):
        head = story_head(5, sid)
        story = story_text(5, head, story_headline(5, head))
        paragraphs += story.paragraphs
        texts += [story.title, story.headline.outlet, *story.headline.authors, story.headline.dateline]
    for text in texts + paragraphs:
        text.encode("gbk")  # strict: phpcms pages are GBK
    for paragraph in paragraphs:
        assert not any(word in paragraph for word in BOILERPLATE), paragraph
        assert paragraph == paragraph.strip() and "  " not in paragraph
        assert len(paragraph) <= 200


def test_news_paragraph_lengths_and_counts() -> None:
    for sid in range(400):
        head = story_head(1, sid)
        paragraphs = story_text(1, head, story_headline(1, head)).paragraphs
        assert 4 <= len(paragraphs) <= 10
        if head.kind == "news":
            assert all(40 <= len(p) <= 200 for p in paragraphs if p != newstext.ELLIPSIS_PARAGRAPH)


def test_distinct_news_stories_rarely_share_sentences() -> None:
    sentences: collections.Counter[str] = collections.Counter()
    for sid in range(300):
        head = story_head(1, sid)
        if head.kind == "news":
            for paragraph in story_text(1, head, story_headline(1, head)).paragraphs[1:]:
                sentences.update(s for s in paragraph.split("。") if len(s) > 12)
    shared = sum(count for count in sentences.values() if count > 1)
    assert shared / sum(sentences.values()) < 0.15


def _reference_fill(template: str, rng: random.Random, cast: dict[str, str]) -> str:
    """What a compiled template must do: fill slot by slot, left to right (the generator before compiling)."""
    parts = templates.SLOT.split(template)
    out = [parts[0]]
    for slot, literal in zip(parts[1::2], parts[2::2], strict=True):
        if slot in cast:
            value = cast[slot]
        elif slot in newstext._NUMBERS:
            value = newstext._NUMBERS[slot](rng)
        else:
            value = _reference_fill(newstext.pick(rng, newstext.PHRASES[slot]), rng, cast)
        out += [value, literal]
    return "".join(out)


def test_compiled_templates_draw_like_a_slot_by_slot_fill() -> None:
    every = [*newstext.FRAMES]
    for table in (newstext.TITLES, newstext.LEADS, newstext.SENTENCES):
        every += [template for items in table.values() for template in items]
    for number, template in enumerate(every):
        for seed in range(5):
            cast = newstext.draw_cast(random.Random(seed), 9, 3)
            compiled, reference = random.Random(f"{seed}:{number}"), random.Random(f"{seed}:{number}")
            assert newstext.fill(template, compiled, cast) == _reference_fill(template, reference, cast)
            assert compiled.getstate() == reference.getstate(), template


def test_date_strings_match_strftime() -> None:
    for timestamp in range(NOW_TS - 3 * 365 * 86400, NOW_TS + 86400, 86400 * 7 + 3671):
        moment = datetime.fromtimestamp(timestamp, CST)
        assert dates.ymd(timestamp) == moment.strftime("%Y-%m-%d")
        assert dates.compact(timestamp) == moment.strftime("%Y%m%d")
        assert dates.short(timestamp) == moment.strftime("%y%m%d")
        assert dates.month_day(timestamp) == moment.strftime("%m-%d")
        assert dates.hm(timestamp) == moment.strftime("%H:%M")
        assert dates.hms(timestamp) == moment.strftime("%H:%M:%S")


def test_blurbs_are_the_headlines_title_and_lead() -> None:
    book = SampleNetwork(articles=40, seed=3, port=9100).book
    for sid in range(40):
        headline = story_headline(3, story_head(3, sid))
        assert book.head(sid) == story_head(3, sid)
        assert book.title(sid) == headline.title
        assert book.summary(sid) == headline.lead[:SUMMARY_CHARS]


# -- truth ----------------------------------------------------------------------------------------


def test_truth_values_are_clean(sample_network: SampleNetwork) -> None:
    truth = sample_network.truth()
    assert len(truth) > 150
    assert len({record["url"] for record in truth}) == len(truth)
    channel_names = {name: {c.name for c in site.spec.channels} for name, site in sample_network.sites.items()}
    for record in truth:
        assert set(record) == {"url", "group", *TRUTH_FIELDS}
        assert record["reprint_notice"] is (record["site"] == "txjr")  # its 声明 on every article page
        assert record["url"].startswith(sample_network.start_urls[record["site"]].rstrip("/"))
        assert ISO_CST.match(record["published_at"])
        assert record["published_at"] <= sample_network.now.isoformat()
        assert not record["title"].endswith(SITE_NAMES[record["site"]])
        assert record["source"] not in (*vocab.ANONYMOUS_SOURCES, SITE_NAMES[record["site"]])
        assert record["author"] is None or re.fullmatch(
            r"[\u4e00-\u9fff]{2,3}(、[\u4e00-\u9fff]{2,3})*", record["author"]
        )
        assert record["editor"] is None or record["editor"] in vocab.EDITORS
        assert record["views"] is None or (isinstance(record["views"], int) and record["views"] > 0)
        assert record["category"] in channel_names[record["site"]]
        for line in record["body"].split("\n"):
            assert line and line == line.strip() and "  " not in line
            assert "责任编辑" not in line and "声明" not in line
        assert all(url.startswith("http://127.0.0.1:") for url in record["images"])
    minute_precision = [r for r in truth if r["site"] != "txjr"]
    assert all(r["published_at"].endswith(":00+08:00") for r in minute_precision)


def test_write_truth_is_utf8_json_lines(sample_network: SampleNetwork, tmp_path: Any) -> None:
    path = tmp_path / "truth.jsonl"
    count = sample_network.write_truth(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert count == len(lines) == len(sample_network.truth())
    assert "\\u" not in path.read_text(encoding="utf-8")
    assert json.loads(lines[0])["title"] in lines[0]


def test_reprint_groups_span_portals(sample_network: SampleNetwork) -> None:
    groups: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for record in sample_network.truth():
        groups[record["group"]].append(record)
    assert len(groups) == 120
    multi = [records for records in groups.values() if len(records) > 1]
    assert 0.25 < len(multi) / len(groups) < 0.55
    assert any(len(records) == 3 for records in multi)
    for records in multi:
        assert len({record["site"] for record in records}) == len(records)
        assert len({record["title"] for record in records}) == 1
    drifted = [records for records in multi if len({record["body"] for record in records}) > 1]
    assert len(drifted) > len(multi) / 2
    published = [sorted(record["published_at"] for record in records) for records in multi]
    assert any(times[0] != times[-1] for times in published)


def test_reprint_drift_kinds_all_occur(sample_network: SampleNetwork) -> None:
    all_copies = copies(sample_network)
    bodies = [copy.paragraphs for copy in all_copies]
    assert any(re.match(r"^\S+\d+月\d+日(电|讯|消息) ", paragraphs[0]) for paragraphs in bodies)
    assert any("," in "".join(paragraphs) for paragraphs in bodies)
    assert any("，" in "".join(paragraphs) for paragraphs in bodies)
    assert any(re.search(r"[\u4e00-\u9fff] \d", "".join(paragraphs)) for paragraphs in bodies)
    assert {copy.source_style for copy in all_copies} == {"plain", "link", "gaoyuan", "glued"}
    assert any(copy.editor_line for copy in all_copies) and any(copy.editor_meta for copy in all_copies)
    by_group: dict[str, list[Copy]] = collections.defaultdict(list)
    for copy in all_copies:
        by_group[copy.group].append(copy)
    assert any(len({len(copy.paragraphs) for copy in group}) > 1 for group in by_group.values() if len(group) > 1), (
        "some reprint drops the last paragraph"
    )


def test_templated_reports_are_distinct_groups() -> None:
    network = SampleNetwork(articles=400, seed=1, port=9100)
    truth = network.truth()
    report_groups = {f"g{sid:06d}" for sid in range(400) if is_report(sid)}
    reports_truth = [record for record in truth if record["group"] in report_groups]
    assert len(report_groups) == 50
    by_title: dict[str, set[str]] = collections.defaultdict(set)
    for record in reports_truth:
        by_title[record["title"]].add(record["group"])
    assert all(len(groups) == 1 for groups in by_title.values())
    a_share = [
        record
        for record in reports_truth
        if re.match(r"^\d+月\d+日A股收盘:沪指[涨跌][\d.]+%报[\d.]+点$", record["title"])
    ]
    assert len({record["group"] for record in a_share}) >= 5
    assert len({record["title"][:6] for record in a_share}) == len({record["group"] for record in a_share}), (
        "two A-share reports never describe the same day"
    )
    syndicated = collections.Counter(record["group"] for record in reports_truth)
    pairs = [group for group, count in syndicated.items() if count == 2]
    assert pairs and all(count <= 2 for count in syndicated.values())
    for group in pairs:
        first, second = (r for r in reports_truth if r["group"] == group)
        assert re.findall(r"\d+\.\d+", first["body"])[:3] == re.findall(r"\d+\.\d+", second["body"])[:3]
    assert len(reports.REPORT_TEMPLATES) == 6


# -- pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("portal", PORTALS)
def test_home_listing_article_robots_respond(sample_network: SampleNetwork, portal: str) -> None:
    base = sample_network.start_urls[portal]
    site = sample_network.sites[portal]
    home = fetch(base)
    assert home.status == 200 and home.headers["Content-Type"].startswith("text/html; charset=")
    assert SITE_NAMES[portal] in home.body.decode(CODECS[portal])
    robots = fetch(base + "robots.txt")
    assert robots.status == 200 and b"Disallow: /private/" in robots.body
    channel = next(c for c in range(len(site.spec.channels)) if site.index.page_count(c) > 1)
    listing = fetch(urllib.parse.urljoin(base, site.listing_path(channel, 2)))
    assert listing.status == 200 and "上一页" in listing.body.decode(CODECS[portal])
    assert fetch(base + "no/such/page.html").status == 404
    assert fetch(urllib.parse.urljoin(base, site.listing_path(0, 999))).status == 404


def test_phpcms_pages_are_gbk_declared_gb2312(sample_network: SampleNetwork) -> None:
    record = next(r for r in sample_network.truth() if r["site"] == "phpcms")
    page = fetch(record["url"])
    assert page.headers["Content-Type"] == "text/html; charset=gb2312"
    assert b'<meta charset="gb2312">' in page.body
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    text = page.body.decode("gb18030")
    assert f"<title>{record['title']}-金融观察网</title>" in text


@pytest.mark.parametrize("portal", ["dede", "phpcms"])
def test_count_scripts_answer_the_truth_views(sample_network: SampleNetwork, portal: str) -> None:
    records = [r for r in sample_network.truth() if r["site"] == portal]
    with_views = [r for r in records if r["views"] is not None][:10]
    without_views = [r for r in records if r["views"] is None]
    assert with_views and without_views
    for record in with_views:
        text = decode(record, fetch(record["url"]).body)
        script = re.search(r'<script src="(/(?:plus/count|api)\.php\?[^"]+)"></script>', text)
        assert script is not None
        answer = fetch(urllib.parse.urljoin(record["url"], script.group(1)))
        assert answer.headers["Content-Type"].startswith("application/javascript")
        expected = (
            f"document.write('{record['views']}');" if portal == "dede" else f"$('#hits').html('{record['views']}');"
        )
        assert answer.body.decode() == expected
    for record in without_views:
        assert ".php?" not in decode(record, fetch(record["url"]).body).split("<h1")[1].split("</div>")[0]


def test_txjr_meta_line_is_inline_like_the_reference(sample_network: SampleNetwork) -> None:
    record = next(r for r in sample_network.truth() if r["site"] == "txjr" and r["views"] and r["source"])
    text = fetch(record["url"]).body.decode()
    stamp = record["published_at"][:19].replace("T", " ")
    assert re.search(rf'<div class="info">{stamp}(&nbsp;){{6}}', text)
    assert f"阅读量:{record['views']}" in text
    assert "您现在的位置:" in text and "&gt; 正文</div>" in text
    assert "声明:以上内容为本网站转自其它媒体" in text and "栏目排行" in text and "相关推荐" in text


def test_every_truth_url_serves_its_title(sample_network: SampleNetwork) -> None:
    for record in sample_network.truth():
        page = fetch(record["url"])
        assert page.status == 200, record["url"]
        text = decode(record, page.body)
        assert "<h1" in text and record["title"] in text
        assert f">{record['category']}</a>" in text


@pytest.mark.parametrize("portal", PORTALS)
def test_crawling_from_home_reaches_every_truth_url(sample_network: SampleNetwork, portal: str) -> None:
    expected = {r["url"] for r in sample_network.truth() if r["site"] == portal}
    reached, statuses = crawl(sample_network.start_urls[portal], fetch, stop_at=expected)
    assert expected <= reached
    assert statuses[200] > len(expected)


@pytest.mark.parametrize("portal", PORTALS)
def test_listing_pages_hold_15_to_20_dated_links(sample_network: SampleNetwork, portal: str) -> None:
    site = sample_network.sites[portal]
    for channel in range(len(site.spec.channels)):
        pages = site.index.page_count(channel)
        for page in range(1, pages + 1):
            count = len(site.index.listing(channel, page))
            assert 15 <= site.spec.page_size <= 20
            assert count == site.spec.page_size or (page == pages and count > 0)
    text = fetch(urllib.parse.urljoin(sample_network.start_urls[portal], site.listing_path(0, 1))).body.decode(
        CODECS[portal]
    )
    date_patterns = {
        "dede": r"</small>\d{2}-\d{2}</span>",
        "phpcms": r'"rt">\d{4}-\d{2}-\d{2}</span>',
        "txjr": r'"time">(\d+(分钟|小时)前|昨天 \d{2}:\d{2})</span>',
    }
    assert re.search(date_patterns[portal], text)


def test_damage_is_in_the_html_not_in_the_truth(sample_network: SampleNetwork) -> None:
    seen: collections.Counter[str] = collections.Counter()
    for copy in copies(sample_network):
        site = sample_network.sites[copy.slot.portal.name]
        url = sample_network.base_url(site.spec.name) + site.article_path(copy.slot)
        record = copy.truth(
            sample_network.base_url(site.spec.name), site.article_path(copy.slot), site.image_path(copy.slot)
        )
        text = fetch(url).body.decode(CODECS[site.spec.name])
        body = "\n".join(copy.paragraphs)
        if copy.damage.entities == "lost" and ("——" in body or " " in body):
            assert "mdash;mdash;" in text or "nbsp;" in text
            assert "mdash;" not in record["body"]
            seen["lost"] += 1
        if copy.damage.double_paste:
            assert text.count(damaged_text(copy.paragraphs[-1], copy.damage.entities)) >= 2
            seen["double"] += 1
        if copy.damage.meta_width:
            assert "：" in text.split("</h1>")[1][:400] or "：" in text.split("<h1>")[1][:400]
            seen["width"] += 1
        if copy.damage.indent == "ideographic":
            assert "<p>\u3000\u3000" in text or "\u3000\u3000" in text
            seen["indent"] += 1
        if copy.editor_line:
            assert "责任编辑" in text and copy.editor and copy.editor in text
            assert record["editor"] == copy.editor
            seen["editor"] += 1
        if copy.image:
            image = fetch(record["images"][0])
            assert image.status == 200 and image.headers["Content-Type"] == "image/jpeg"
            assert image.body[:2] == b"\xff\xd8"
            assert path_of(record["images"][0]) in text
            seen["image"] += 1
        if copy.shown_source in vocab.ANONYMOUS_SOURCES or copy.shown_source == site.spec.site_name:
            assert record["source"] is None and copy.shown_source in text
            seen["anonymous"] += 1
        if copy.source_style == "glued" and copy.shown_source:
            assert re.search(r"来源[:：]" + re.escape(copy.shown_source) + r"(作者|记者|文/)", text)
            seen["glued"] += 1
    assert set(seen) == {"lost", "double", "width", "indent", "editor", "image", "anonymous", "glued"}


def test_missing_author_and_views_are_null(sample_network: SampleNetwork) -> None:
    truth = sample_network.truth()
    assert any(r["author"] is None for r in truth) and any(r["author"] for r in truth)
    assert any(r["author"] and "、" in r["author"] for r in truth)
    assert any(r["views"] is None for r in truth)
    assert any(r["source"] is None for r in truth)


# -- faults ---------------------------------------------------------------------------------------


def test_transient_faults_fail_first_and_succeed_second(make_sample_network: Callable[..., SampleNetwork]) -> None:
    network = make_sample_network(faults=True, slow_seconds=1.0)
    by_kind: dict[str, list[str]] = collections.defaultdict(list)
    for record in network.truth():
        kind = network.sites[record["site"]].faults.transient(path_of(record["url"]))
        if kind:
            by_kind[kind].append(record["url"])
    assert set(by_kind) == {"server_error", "slow", "reset", "truncated"}
    for url in by_kind["server_error"][:3]:
        assert fetch(url).status in (500, 503)
        assert fetch(url).status == 200
    for url in by_kind["slow"][:2]:
        with pytest.raises(TimeoutError):
            fetch(url, timeout=0.3)
        assert fetch(url, timeout=0.5).status == 200
    for url in by_kind["reset"][:2]:
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected, urllib.error.URLError)):
            fetch(url)
        assert fetch(url).status == 200
    for url in by_kind["truncated"][:2]:
        with pytest.raises(http.client.IncompleteRead):
            fetch(url)
        page = fetch(url)
        assert page.status == 200 and int(page.headers["Content-Length"]) == len(page.body)
    network.reset_faults()
    assert fetch(by_kind["server_error"][0]).status in (500, 503)


def test_redirect_chains_end_at_the_truth_url(make_sample_network: Callable[..., SampleNetwork]) -> None:
    network = make_sample_network(faults=replace(HEALTHY, redirect=1.0))
    for name in PORTALS:
        site = network.sites[name]
        base = network.base_url(name)
        listing = fetch(base + site.listing_path(0, 1)).body.decode(CODECS[name])
        record = next(r for r in network.truth() if r["site"] == name and r["category"] == site.spec.channels[0].name)
        aid = int(re.findall(r"(\d+)\.html", record["url"])[-1])
        first, second = site.redirect_chain(aid)
        assert first.replace("&", "&amp;") in listing or first in listing
        hop1 = fetch(base + first, follow=False)
        assert hop1.status == 301 and hop1.headers["Location"] == second
        hop2 = fetch(base + second, follow=False)
        assert hop2.status == 302 and hop2.headers["Location"] == path_of(record["url"])
        assert fetch(base + first).url == record["url"]


def test_listing_extras_are_not_articles(make_sample_network: Callable[..., SampleNetwork]) -> None:
    rates = replace(HEALTHY, dead_link=1.0, attachment=1.0, robots=1.0)
    network = make_sample_network(faults=rates, oversize_bytes=2_000_000)
    for name in PORTALS:
        base = network.base_url(name)
        site = network.sites[name]
        links = [
            urllib.parse.urljoin(base + "/", h.replace("&amp;", "&"))
            for h in HREF.findall(fetch(base + site.listing_path(0, 1)).body.decode(CODECS[name]))
        ]
        pdf = next(link for link in links if link.endswith(".pdf"))
        assert fetch(pdf).headers["Content-Type"] == "application/pdf" and fetch(pdf).body.startswith(b"%PDF")
        assert fetch(next(link for link in links if "/chart-" in link)).headers["Content-Type"] == "image/jpeg"
        private = next(link for link in links if "/private/" in link)
        robots = urllib.robotparser.RobotFileParser()
        robots.parse(fetch(base + "/robots.txt").body.decode().splitlines())
        assert not robots.can_fetch("finnews", private) and robots.can_fetch("finnews", base + "/")
        truth_urls = {r["url"] for r in network.truth()}
        dead = [link for link in links if site.match_article(path_of(link)) is not None and link not in truth_urls]
        assert dead and all(fetch(link).status == 404 for link in dead)


def test_oversized_page_is_linked_and_large(make_sample_network: Callable[..., SampleNetwork]) -> None:
    network = make_sample_network(faults=replace(HEALTHY, oversized=True), oversize_bytes=3_000_000)
    base = network.base_url("dede")
    listing = fetch(base + "/news/").body.decode()
    href = re.search(r'href="(/special/[^"]+)"', listing)
    assert href is not None
    page = fetch(base + href.group(1))
    assert page.status == 200 and len(page.body) == 3_000_000
    assert page.url not in {r["url"] for r in network.truth()}


def test_wrong_charset_pages_declare_utf8_but_send_gbk(make_sample_network: Callable[..., SampleNetwork]) -> None:
    network = make_sample_network(faults=replace(HEALTHY, wrong_charset=1.0))
    for name in PORTALS:
        record = next(r for r in network.truth() if r["site"] == name)
        page = fetch(record["url"])
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"charset=utf-8" in page.body[:300] or b'charset="utf-8"' in page.body[:300]
        with pytest.raises(UnicodeDecodeError):
            page.body.decode("utf-8")
        assert record["title"] in page.body.decode("gb18030")


def test_crawl_with_retries_reaches_every_truth_url_under_all_faults(
    make_sample_network: Callable[..., SampleNetwork],
) -> None:
    network = make_sample_network(faults=True, slow_seconds=1.0, oversize_bytes=200_000)
    truth_urls = {r["url"] for r in network.truth()}
    disallowed: list[str] = []

    for name in PORTALS:
        base = network.start_urls[name]
        robots = urllib.robotparser.RobotFileParser()
        robots.parse(fetch(base + "robots.txt").body.decode().splitlines())

        def allowed(url: str, robots: urllib.robotparser.RobotFileParser = robots) -> bool:
            ok = robots.can_fetch("finnews", url)
            if not ok:
                disallowed.append(url)
            return ok

        expected = {url for url in truth_urls if url.startswith(base)}
        reached, statuses = crawl(base, fetch_with_retries, allowed, stop_at=expected)
        assert expected <= reached, sorted(expected - reached)[:5]
        assert statuses[404] > 0
    assert any("/private/" in url for url in disallowed)


# -- server ---------------------------------------------------------------------------------------


def test_keep_alive_head_and_connection_close(sample_network: SampleNetwork) -> None:
    port = sample_network.ports["dede"]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for target in ("/", "/robots.txt", "/news/"):
        connection.request("GET", target)
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Connection") == "keep-alive"
        assert len(response.read()) == int(response.getheader("Content-Length") or 0)
    connection.request("HEAD", "/news/")
    head = connection.getresponse()
    assert head.status == 200 and int(head.getheader("Content-Length") or 0) > 1000 and head.read() == b""
    connection.request("GET", "/", headers={"Connection": "close"})
    last = connection.getresponse()
    assert last.getheader("Connection") == "close" and last.read()
    assert last.getheader("Date") == "Tue, 03 Sep 2024 10:30:00 GMT"
    connection.close()


def _free_port_block(size: int) -> int:
    """A base port with `size` free consecutive ports."""
    import socket

    for base in range(23000, 60000, 97):
        sockets = []
        try:
            for offset in range(size):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no free ports")


def test_serve_forever_prints_start_urls_writes_truth_and_stops_on_ctrl_c(tmp_path: Any) -> None:
    import signal
    import subprocess
    import sys

    port = _free_port_block(3)
    truth_path = tmp_path / "truth.jsonl"
    code = (
        "from sampleportals import serve_forever; "
        f"serve_forever(port={port}, articles=30, seed=4, truth_path={str(truth_path)!r})"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(4)]
        assert lines[:3] == [f"{name}\thttp://127.0.0.1:{port + n}/" for n, name in enumerate(PORTALS)]
        assert lines[3].startswith("truth: ") and truth_path.exists()
        record = json.loads(truth_path.read_text(encoding="utf-8").splitlines()[0])
        assert record["title"] in fetch(record["url"]).body.decode(CODECS[record["site"]])
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()


def test_worker_processes_serve_the_same_bytes_with_consistent_faults(
    make_sample_network: Callable[..., SampleNetwork],
) -> None:
    rates = replace(HEALTHY, server_error=0.5)
    base_port = _free_port_block(len(PORTALS))
    network = make_sample_network(articles=60, seed=2, faults=rates, port=base_port, workers=3)
    twin = SampleNetwork(articles=60, seed=2, faults=rates, port=9100)
    failing: list[str] = []
    for name in PORTALS:
        site, base = twin.sites[name], network.base_url(name)
        targets = [
            "/",
            site.listing_path(1, 1),
            *(site.article_path(site.index.slot(local)) for local in range(0, len(site.index), 3)),
        ]
        for target in targets:
            served = fetch_with_retries(base + target)
            assert served.status == 200 and served.body == site.handle(target).body, target
        faultable = targets[1:]  # listings and articles (the home page never fails)
        failing += [base + target for target in faultable if site.faults.transient(target) == "server_error"]
    assert failing
    assert all(fetch(url).status == 200 for url in failing), "a retry after the first failure succeeds"
    network.reset_faults()
    assert all(fetch(url).status in (500, 503) for url in failing), "reset_faults reaches every worker"
    assert network.server_cpu_seconds() > 0
    network.stop()
    again = make_sample_network(articles=10, port=base_port, workers=2)  # the workers let go of their ports
    assert list(again.ports.values()) == [base_port + number for number in range(len(PORTALS))]


def test_workers_are_validated_and_capped() -> None:
    with pytest.raises(ValueError):
        SampleNetwork(articles=10, workers=0)
    assert SampleNetwork(articles=10, workers=8).workers == len(PORTALS)
    assert SampleNetwork(articles=10).workers == 1


def test_fault_rates_are_set_per_portal() -> None:
    network = SampleNetwork(articles=60, seed=1, port=9100, faults={"dede": replace(HEALTHY, server_error=1.0)})
    dede, txjr = network.sites["dede"], network.sites["txjr"]
    assert dede.faults.transient(dede.article_path(dede.index.slot(0))) == "server_error"
    assert not txjr.faults.enabled and txjr.faults.transient(txjr.article_path(txjr.index.slot(0))) is None
    assert SampleNetwork(articles=10, port=9100, faults=True).sites["txjr"].faults.enabled
