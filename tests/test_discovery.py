"""Articles found beside HTML listings: the readers of `crawler.extract.discovery` (sitemaps, feeds, JSON
listings) on documents in the forms portals serve, and crawls of kuaibao, the sample portal whose HTML
listings are empty (`sampleportals.kuaibao`): every article found through its sitemap, feed and JSON listing,
stored with the right fields, and its reprints joined to their stories in a crawl of the whole network."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from parsel import Selector
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, text

from crawler import profiles
from crawler.extract.discovery import (
    Listed,
    feed_entries,
    feed_links,
    json_entries,
    robots_sitemaps,
    sitemaps,
)
from crawler.middlewares import RobotsTxtOnceMiddleware
from sampleportals import DISCOVERY_PROFILE_DIR, PORTALS, SampleNetwork, loopback_arguments
from sampleportals.kuaibao import OFF_PORTAL, WAYS, KuaibaoSite
from tests.crawls import PROJECT, PROJECT_SETTINGS, export, run_stats, truth_problems

BASE = "http://www.example.cn"
URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    "<url><loc>http://www.example.cn/a/20240903/1.html</loc><lastmod>2024-09-03</lastmod>"
    "<changefreq>always</changefreq><priority>0.8</priority></url>\n"
    "<url><loc> http://www.example.cn/a/20240903/2.html </loc><lastmod>2024-09-03T03:54:03Z</lastmod></url>\n"
    "<url><loc>/a/20240903/3.html</loc></url>\n"  # relative: made absolute against the sitemap's URL
    "<url><loc>http://[::1</loc></url>\n"  # malformed: costs itself
    "<url><lastmod>2024-09-03</lastmod></url>\n"  # no loc
    "</urlset>\n"
)


def test_a_sitemap_lists_its_pages_with_their_lastmod() -> None:
    document = sitemaps(URLSET.encode(), f"{BASE}/sitemap.xml", 1 << 20)
    assert document.sitemaps == []
    assert document.pages == [
        Listed(f"{BASE}/a/20240903/1.html", None, "2024-09-03"),  # a date without a zone: as written
        Listed(f"{BASE}/a/20240903/2.html", None, "2024-09-03T11:54:03+08:00"),  # UTC, in Beijing time
        Listed(f"{BASE}/a/20240903/3.html"),
    ]


def test_a_sitemap_index_lists_sitemaps_and_a_gzipped_sitemap_is_read() -> None:
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://www.example.cn/'
        "s/1.xml.gz</loc><lastmod>2024-09-03T18:00:00+08:00</lastmod></sitemap></sitemapindex>"
    )
    document = sitemaps(index.encode(), f"{BASE}/sitemap_index.xml", 1 << 20)
    assert document.pages == [] and document.sitemaps == [
        Listed(f"{BASE}/s/1.xml.gz", None, "2024-09-03T18:00:00+08:00")
    ]
    packed = gzip.compress(URLSET.encode())
    assert len(sitemaps(packed, f"{BASE}/s/1.xml.gz", 1 << 20).pages) == 3
    assert sitemaps(packed, f"{BASE}/s/1.xml.gz", 100).pages == []  # unpacks past the size limit: refused


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body>404 Not Found</body></html>", b"\x1f\x8b not gzip", b"{}", b"<urlset><url><loc>"],
)
def test_what_is_no_sitemap_lists_nothing(body: bytes) -> None:
    assert sitemaps(body, f"{BASE}/sitemap.xml", 1 << 20).pages == []


def test_robots_txt_names_its_sitemaps() -> None:
    robots = b"User-agent: *\nDisallow: /search/\nSitemap: http://www.example.cn/sitemap.xml\n SITEMAP: /news.xml\n"
    assert robots_sitemaps(robots, f"{BASE}/robots.txt") == [f"{BASE}/sitemap.xml", f"{BASE}/news.xml"]
    assert robots_sitemaps(b"\xff\xfe garbage\nSitemap: \xff\n", f"{BASE}/robots.txt") == []


RSS = """<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0"><channel><title>财经</title>
<item><title>央行下调准备金率</title><link>http://www.example.cn/a/20240903/1.html</link>
<pubDate>Tue, 03 Sep 2024 11:54:03 +0800</pubDate></item>
<item><title>A股收评</title><link>/a/20240903/2.html</link><pubDate>2024-09-03 15:10:00</pubDate></item>
<item><title>A股午评</title><link>/a/20240903/4.html</link><pubDate>Tue, 03 Sep 2024 11:30:00 CST</pubDate></item>
<item><title>no link</title></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>财经</title>
<entry><title>保险业新规</title><link href="http://www.example.cn/a/20240903/3.html"/>
<updated>2024-09-03T03:00:00Z</updated></entry></feed>"""


def test_the_spiders_robots_txt_request_is_answered_with_the_one_scrapy_fetched() -> None:
    """Scrapy's robots.txt download (redirected here) is kept; the spider's request of the same URL gets it,
    with the spider's request attached (its meta: a 404 goes to the callback) and a flag in the log line."""
    keeper = RobotsTxtOnceMiddleware.from_crawler(get_crawler(settings_dict=PROJECT_SETTINGS))
    redirected = {"dont_obey_robotstxt": True, "redirect_urls": [f"{BASE}/robots.txt"]}
    scrapys = Request("https://www.example.cn/robots.txt", meta=redirected)
    answer = Response(scrapys.url, status=404, body=b"gone")
    assert keeper.process_request(scrapys) is None  # Scrapy's own goes on to the download
    assert keeper.process_response(scrapys, answer) is answer
    spiders = Request(f"{BASE}/robots.txt", meta={"handle_httpstatus_all": True})
    served = keeper.process_request(spiders)
    assert served is not None and (served.status, served.body, served.url) == (404, b"gone", answer.url)
    assert served.meta["handle_httpstatus_all"] and served.flags == ["robots.txt fetched once"]
    assert keeper.process_request(spiders) is None  # answered once: memory holds no answer asked for
    assert keeper.process_request(Request(f"{BASE}/a/1.html")) is None


@pytest.mark.parametrize("settings", [{"ROBOTSTXT_OBEY": False}, {"FINNEWS_DISCOVER": False}])
def test_without_robots_txt_obeyed_or_discovery_nothing_is_kept(settings: dict[str, Any]) -> None:
    with pytest.raises(NotConfigured):
        RobotsTxtOnceMiddleware.from_crawler(get_crawler(settings_dict={**PROJECT_SETTINGS, **settings}))


def test_an_rss_feed_lists_its_items_with_their_dates() -> None:
    assert feed_entries(RSS.encode("gb2312"), f"{BASE}/rss.xml", "application/rss+xml") == [
        Listed(f"{BASE}/a/20240903/1.html", "央行下调准备金率", "2024-09-03T11:54:03+08:00"),
        Listed(f"{BASE}/a/20240903/2.html", "A股收评", "2024-09-03 15:10:00"),  # no zone: Beijing time, as written
        Listed(f"{BASE}/a/20240903/4.html", "A股午评", "2024-09-03T11:30:00+08:00"),  # CST: China Standard Time
    ]


def test_an_atom_feed_lists_its_entries() -> None:
    assert feed_entries(ATOM.encode(), f"{BASE}/atom.xml") == [
        Listed(f"{BASE}/a/20240903/3.html", "保险业新规", "2024-09-03T11:00:00+08:00")
    ]


@pytest.mark.parametrize("body", [b"", b"<html><body>not a feed</body></html>", b"/etc/passwd", BASE.encode()])
def test_what_is_no_feed_lists_nothing_and_is_never_fetched_or_opened(body: bytes) -> None:
    assert feed_entries(body, f"{BASE}/rss.xml") == []


def test_feed_links_of_a_page() -> None:
    page = Selector(
        text='<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="Alternate" type="application/atom+xml" href="http://www.example.cn/atom.xml">'
        '<link rel="alternate" hreflang="en" href="/en/"></head><body>'
        '<link rel="alternate" type="application/rss+xml" href="/body.xml"></body></html>'
    )
    assert feed_links(page, f"{BASE}/news/") == [f"{BASE}/rss.xml", f"{BASE}/atom.xml"]


@pytest.mark.parametrize(
    ("text", "items", "expected"),
    [
        (
            '{"data": {"list": [{"url": "/a/1.html", "title": "甲", "ctime": "2024-09-03 11:54"}]}}',
            "data.list",
            [Listed(f"{BASE}/a/1.html", "甲", "2024-09-03 11:54")],
        ),
        (
            'jQuery18305_1725({"data": {"list": [{"url": "/a/1.html", "title": " 甲 ", "ctime": 1725335643000}]}});',
            "data.list",
            [Listed(f"{BASE}/a/1.html", "甲", "2024-09-03T11:54:03+08:00")],
        ),  # JSONP, milliseconds
        (
            '/**/cb([{"url": "http://www.example.cn/a/2.html", "ctime": 1725335643}])',
            "",
            [Listed(f"{BASE}/a/2.html", None, "2024-09-03T11:54:03+08:00")],
        ),  # a top-level list, seconds
        ('{"data": {"list": [{"url": 5}, {"title": "no url"}, "x", {"url": "http://[::1"}]}}', "data.list", []),
        ('{"data": {"list": {"url": "/a/1.html"}}}', "data.list", []),  # no list where the profile says
        ('{"data": [{"list": []}]}', "data.0.list", []),
        ("<html>busy</html>", "data.list", []),
        ("cb(not json)", "data.list", []),
        ("cb(" + " " * 100_000 + "x", "data.list", []),  # (7 s for 2,000 spaces, once)
        (' /**/ cb ( {"data": {"list": [{"url": "/a/3.html"}]}} ) ;\n', "data.list", [Listed(f"{BASE}/a/3.html")]),
    ],
)
def test_json_listings(text: str, items: str, expected: list[Listed]) -> None:
    assert json_entries(text, f"{BASE}/api/list?page=1", items, "url", "title", "ctime") == expected


def test_a_profile_names_json_listings_feeds_headers_cookies_and_a_proxy() -> None:
    profile = profiles.load("kuaibao", DISCOVERY_PROFILE_DIR)
    [listing] = profile.json_listings
    assert listing.page_url(2) == "/api/list.php?page=2&callback=jQuery18305" and listing.items == "data.list"
    data = {
        "start_urls": [BASE],
        "feeds": ["/rss.xml"],
        "headers": {"Referer": f"{BASE}/"},
        "cookies": {"acw_tc": "2f62"},
        "proxy": "http://127.0.0.1:3128",
    }
    profile = profiles.from_dict("x", data)
    assert (profile.feeds, profile.headers, profile.cookies, profile.proxy) == (
        ("/rss.xml",), {"Referer": f"{BASE}/"}, {"acw_tc": "2f62"}, "http://127.0.0.1:3128",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("json_listings", [{"url": "/api?p=1", "items": "data", "link": "url"}], "needs {page}"),
        ("json_listings", [{"url": "/api?p={page}", "items": "data"}], "needs url, items and link"),
        ("json_listings", [{"url": "/api?p={page}", "items": "d", "link": "u", "colour": "red"}], "needs url"),
        ("proxy", "socks5://127.0.0.1:1080", "proxy must be an http"),
        ("proxy", "127.0.0.1:3128", "proxy must be an http"),
        ("headers", {"Referer": 5}, "must be a table of strings"),
        ("feeds", "/rss.xml", "must be a list of strings"),
    ],
)
def test_bad_discovery_and_request_keys_are_refused(key: str, value: Any, message: str) -> None:
    with pytest.raises(profiles.ProfileError, match=message):
        profiles.from_dict("x", {"start_urls": [BASE], key: value})


def test_kuaibao_changes_nothing_of_the_three_portals() -> None:
    """The three portals serve the same stories whether kuaibao is served beside them or not."""
    plain, with_kuaibao = SampleNetwork(articles=40, port=40000), SampleNetwork(articles=40, port=40000, discovery=True)
    assert [page for page in with_kuaibao.truth() if page["site"] in PORTALS] == plain.truth()
    reprints = [page for page in with_kuaibao.truth() if page["site"] == "kuaibao"]
    assert reprints and {page["group"] for page in reprints} <= {page["group"] for page in plain.truth()}


# --- crawls ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def network() -> Iterator[SampleNetwork]:
    with SampleNetwork(articles=90, seed=2, discovery=True) as net:
        yield net


def _crawl(network: SampleNetwork, db_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", *arguments, "-s", f"FINNEWS_DB_URL={db_url}",
         "-s", "LOG_LEVEL=INFO", *loopback_arguments()],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def kuaibao_alone(network: SampleNetwork, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """kuaibao crawled on its own, article pages' links not followed: only discovery finds its articles."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('kuaibao')}/finnews.db"
    result = _crawl(
        network, db_url, "-a", "site=kuaibao", "-a", f"start_url={network.start_urls['kuaibao']}",
        "-s", f"FINNEWS_PROFILE_DIRS={DISCOVERY_PROFILE_DIR}", "-s", "FINNEWS_FOLLOW_RELATED=False",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return {"records": export(db_url), "stats": run_stats(db_url)[-1], "log": result.stderr}


@pytest.mark.e2e
def test_every_kuaibao_article_is_found_and_stored_with_its_fields(
    network: SampleNetwork, kuaibao_alone: dict[str, Any]
) -> None:
    truth = [page for page in network.truth() if page["site"] == "kuaibao"]
    assert len(truth) == 30
    assert len(kuaibao_alone["records"]) == len(truth)  # 100% found and stored
    assert truth_problems(kuaibao_alone["records"], truth) == []  # and every field as the truth says


@pytest.mark.e2e
def test_each_way_finds_its_third_and_off_portal_entries_are_dropped(
    network: SampleNetwork, kuaibao_alone: dict[str, Any]
) -> None:
    site = network.sites["kuaibao"]
    assert isinstance(site, KuaibaoSite)
    stats = kuaibao_alone["stats"]
    assert stats["finnews/discovered/sitemap"] == len(site.locals_of("sitemap")) + 1  # + the page off the portal
    assert stats["finnews/discovered/feed"] == len(site.locals_of("feed"))
    assert stats["finnews/discovered/json"] == len(site.locals_of("json"))
    assert all(site.locals_of(way) for way in WAYS)
    assert stats["finnews/offsite"] == 2  # the sitemap and the page off the portal, never requested
    assert f"not fetched (offsite): {OFF_PORTAL}/sitemap.xml" in kuaibao_alone["log"]
    assert stats["finnews/pages/listing"] >= 1 and "finnews/failed/article" not in stats
    assert not {"finnews/discovery/missing", "finnews/discovery/failed", "finnews/discovery/empty"} & set(stats)


@pytest.mark.e2e
def test_listing_dates_come_from_the_sitemap_feed_and_json(network: SampleNetwork, tmp_path: Any) -> None:
    """Pages kept by the crawl carry the date their sitemap, feed or JSON entry gave (for incremental crawls)."""
    db_url = f"sqlite:///{tmp_path}/finnews.db"
    result = _crawl(
        network, db_url, "-a", "site=kuaibao", "-a", f"start_url={network.start_urls['kuaibao']}",
        "-s", f"FINNEWS_PROFILE_DIRS={DISCOVERY_PROFILE_DIR}", "-s", "FINNEWS_FOLLOW_RELATED=False",
        "-s", "FINNEWS_KEEP_PAGES=all",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    with create_engine(db_url).connect() as connection:
        rows = connection.execute(text("SELECT url, listing_date FROM pages WHERE kind = 'article'")).all()
    dates: dict[str, str | None] = {url: listed for url, listed in rows}
    truth = {page["url"]: page["published_at"] for page in network.truth() if page["site"] == "kuaibao"}
    assert set(dates) == set(truth)
    for url, listed in dates.items():  # the same moment as the page's (sitemap/JSON to the second, RSS too)
        assert listed is not None and listed[:16] == truth[url][:16], url


@pytest.fixture(scope="module")
def whole_network(network: SampleNetwork, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The four portals crawled together: what was stored, and how often each portal was asked for its robots.txt."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('network')}/finnews.db"
    before = network.requests("/robots.txt")
    result = _crawl(network, db_url, *network.crawl_arguments())
    assert result.returncode == 0, result.stderr[-3000:]
    after = network.requests("/robots.txt")
    return {
        "records": export(db_url),
        "stats": run_stats(db_url)[-1],
        "robots.txt": {name: after[name] - before[name] for name in after},
    }


@pytest.mark.e2e
def test_kuaibao_reprints_join_their_stories_in_a_crawl_of_the_network(
    network: SampleNetwork, whole_network: dict[str, Any]
) -> None:
    assert truth_problems(whole_network["records"], network.truth()) == []  # each story once, kuaibao's copies included


@pytest.mark.e2e
def test_each_portals_robots_txt_is_fetched_once_and_read_for_sitemaps(whole_network: dict[str, Any]) -> None:
    """Scrapy asks for robots.txt to obey it, discovery to read its sitemaps: one download serves both."""
    assert whole_network["robots.txt"] == {name: 1 for name in (*PORTALS, "kuaibao")}
    stats = whole_network["stats"]
    assert stats["robotstxt/request_count"] == 4  # Scrapy's middleware: obeyed for every portal
    assert stats["finnews/discovered/sitemap"] > 0  # kuaibao's sitemaps, named in its robots.txt


def test_the_sample_portals_command_serves_kuaibao_with_discovery() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "sample-portals", "--port", "0", "--articles", "30", "--discovery"],
        cwd=PROJECT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline().split() for _ in range(4)]
        assert [line[0] for line in lines] == [*PORTALS, "kuaibao"]
        robots = urllib.request.urlopen(lines[3][1] + "robots.txt", timeout=10).read().decode()
        assert f"Sitemap: {lines[3][1]}sitemap_index.xml" in robots
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
