"""A profile's headers, cookies and proxy go with every request of its portal (`PortalRequestMiddleware`).

End to end: a small portal on loopback that records the headers it receives, and a forwarding HTTP proxy on
loopback that records the requests it forwards; a crawl whose profile names the proxy sends every request,
robots.txt's included, through it, with the profile's headers and cookies.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares import cookies as scrapy_cookies
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import profiles
from crawler.logstats import CrawlStats
from crawler.middlewares import OfflineCookiesMiddleware, QuickMetaRefreshMiddleware
from sampleportals import loopback_arguments
from tests.crawls import PROJECT, PROJECT_SETTINGS, export

PARAGRAPHS = (
    "中国人民银行决定于9月5日下调金融机构存款准备金率0.5个百分点，释放长期流动性约1万亿元。",
    "国家统计局今日发布数据，8月份全国规模以上工业增加值同比增长4.5%，环比增长0.32%。",
)


def _article(number: int) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>央行降准第{number}篇_代理财经网</title></head><body>"
        f"<h1>央行降准第{number}篇</h1><div class='info'>2024-09-03 11:54 来源：新华社</div>"
        f"<div class='content'>{''.join(f'<p>{PARAGRAPHS[number - 1]}{n}</p>' for n in range(6))}</div></body></html>"
    ).encode()


def _serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Any]]:
    seen: dict[str, Any] = {"portal": [], "proxy": []}

    class Portal(_Quiet):
        def do_GET(self) -> None:
            seen["portal"].append((self.path, dict(self.headers)))
            if self.path == "/":
                links = "".join(
                    f"<li><span>09-03</span><a href='/a/20240903/{n}.html'>央行降准第{n}篇</a></li>" for n in (1, 2)
                )
                self.answer(200, "text/html; charset=utf-8", f"<html><body><ul>{links}</ul></body></html>".encode())
            elif self.path in ("/a/20240903/1.html", "/a/20240903/2.html"):
                self.answer(200, "text/html; charset=utf-8", _article(int(self.path[-6])))
            elif self.path == "/robots.txt":
                self.answer(200, "text/plain", b"User-agent: *\nAllow: /\n")
            else:
                self.answer(404, "text/plain", b"not found")

    class Proxy(_Quiet):
        """A forwarding proxy: `GET http://host:port/path` is asked of host:port, the answer passed back."""

        def do_GET(self) -> None:
            seen["proxy"].append(self.path)
            target = urlsplit(self.path)
            if target.scheme != "http" or target.hostname != "127.0.0.1":  # loopback only, never further
                self.answer(403, "text/plain", b"this proxy forwards to 127.0.0.1 only")
                return
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            headers = {name: value for name, value in self.headers.items() if name.lower() != "proxy-connection"}
            connection.request("GET", target.path or "/", headers=headers)
            response = connection.getresponse()
            self.answer(response.status, response.getheader("Content-Type") or "text/plain", response.read())
            connection.close()

    portal, proxy = _serve(Portal), _serve(Proxy)
    seen["portal_url"] = f"http://127.0.0.1:{portal.server_port}/"
    seen["proxy_url"] = f"http://127.0.0.1:{proxy.server_port}"
    yield seen
    for server in (portal, proxy):
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def crawled(servers: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("profiles")
    (folder / "proxied.toml").write_text(
        f'start_urls = ["{servers["portal_url"]}"]\n'
        f'proxy = "{servers["proxy_url"]}"\n'
        '[headers]\nReferer = "http://127.0.0.1/"\nAccept-Language = "zh-CN,zh;q=0.9"\n'
        '[cookies]\nacw_tc = "2f624a1c17253408"\n',
        encoding="utf-8",
    )
    db_url = f"sqlite:///{folder}/finnews.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "site=proxied", "-s", f"FINNEWS_PROFILE_DIRS={folder}",
         "-s", f"FINNEWS_DB_URL={db_url}", "-s", "LOG_LEVEL=INFO", *loopback_arguments()],
        cwd=PROJECT, capture_output=True, text=True, timeout=120, env=_without_proxy_variables(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return {"records": export(db_url)}


def _without_proxy_variables() -> dict[str, str]:
    """The environment without http_proxy & co, so that only the profile names a proxy."""
    return {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}


@pytest.mark.e2e
def test_every_request_goes_through_the_profiles_proxy(servers: dict[str, Any], crawled: dict[str, Any]) -> None:
    assert len(crawled["records"]) == 2
    asked = [path for path, _ in servers["portal"]]
    assert {"/robots.txt", "/", "/a/20240903/1.html", "/a/20240903/2.html"} <= set(asked)
    assert sorted(servers["proxy"]) == sorted(servers["portal_url"].rstrip("/") + path for path in asked)


@pytest.mark.e2e
def test_the_profiles_headers_and_cookies_go_with_every_request(
    servers: dict[str, Any], crawled: dict[str, Any]
) -> None:
    for path, headers in servers["portal"]:
        assert headers.get("Referer") == "http://127.0.0.1/", path
        assert headers.get("Accept-Language") == "zh-CN,zh;q=0.9", path
        assert "acw_tc=2f624a1c17253408" in headers.get("Cookie", ""), path


def test_a_profile_proxy_must_be_an_http_url(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('start_urls = ["http://127.0.0.1:1/"]\nproxy = "file:///etc/passwd"\n')
    with pytest.raises(profiles.ProfileError, match="proxy must be an http"):
        profiles.load("bad", tmp_path)


def test_cookies_are_kept_as_scrapy_keeps_them_with_the_bundled_suffix_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cookie for a public suffix ("com.cn") is refused, one for the registrable domain is shared by its hosts,
    a host-only cookie stays on its host, and Scrapy's own suffix check (which fetches the list online) is
    never asked."""

    def online(domain: str) -> None:
        raise AssertionError(f"Scrapy's public-suffix check asked about {domain}")

    monkeypatch.setattr(scrapy_cookies, "_split_domain", online)
    middleware = OfflineCookiesMiddleware()
    request = Request("http://www.example.com.cn/a.html")
    set_cookies = [b"host=1; path=/", b"suffix=2; Domain=.com.cn; path=/", b"site=3; Domain=.example.com.cn; path=/"]
    middleware.process_response(request, HtmlResponse(request.url, headers={"Set-Cookie": set_cookies}))
    for url, expected in [
        ("http://news.example.com.cn/", b"site=3"),
        ("http://www.example.com.cn/b.html", b"host=1; site=3"),
        ("http://www.other.com.cn/", None),
    ]:
        following = Request(url)
        middleware.process_request(following)
        assert following.headers.get("Cookie") == expected, url
    loopback = Request("http://127.0.0.1:8601/")
    middleware.process_response(loopback, HtmlResponse(loopback.url, headers={"Set-Cookie": [b"acw_tc=2f62; path=/"]}))
    again = Request("http://127.0.0.1:8601/a/1.html")
    middleware.process_request(again)
    assert again.headers.get("Cookie") == b"acw_tc=2f62"


@pytest.mark.parametrize(
    ("head", "encoding", "redirected"),
    [
        ('<meta http-equiv="refresh" content="0; url=/a/2.html">', "utf-8", True),
        ('<META HTTP-EQUIV="Refresh" CONTENT="0;URL=/a/2.html">', "gbk", True),
        ('<meta http-equiv="refresh" content="0; url=/a/2.html">', "utf-16", True),  # no "refresh" in single bytes
        ('<meta name="description" content="刷新">', "utf-8", False),
    ],
)
def test_a_meta_refresh_is_followed_whatever_its_case_and_encoding(head: str, encoding: str, redirected: bool) -> None:
    """`QuickMetaRefreshMiddleware` rules pages out by their bytes, and follows the refresh of every other page as
    Scrapy's middleware does."""
    crawler = get_crawler(settings_dict=PROJECT_SETTINGS)
    middleware = QuickMetaRefreshMiddleware.from_crawler(crawler)
    request = Request("http://www.example.com/a/1.html")
    page = f"<html><head>{head}</head><body><p>{'正文' * 5000}</p></body></html>"
    response = HtmlResponse(request.url, body=page.encode(encoding), encoding=encoding)
    answer = middleware.process_response(request, response)
    if redirected:
        # (Scrapy encodes the URL of a UTF-16 page's refresh in UTF-16: "2.html?%FF%FE")
        assert isinstance(answer, Request) and answer.url.startswith("http://www.example.com/a/2.html")
    else:
        assert answer is response


def test_the_crawl_counts_its_stats_in_the_quick_collector() -> None:
    """The project's stats class: Scrapy's in-memory collector, its methods called without Scrapy's shim."""
    crawler = get_crawler(settings_dict=PROJECT_SETTINGS)
    crawler._apply_settings()
    assert isinstance(crawler.stats, CrawlStats)
    crawler.stats.inc_value("finnews/x")
    crawler.stats.inc_value("finnews/x", 2)
    crawler.stats.max_value("finnews/y", 3)
    assert crawler.stats.get_stats() == {"finnews/x": 3, "finnews/y": 3}
