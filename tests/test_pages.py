"""Kept pages: a crawl keeps its article pages, `finnews page` prints them as served, `finnews reextract`
reads them again with no network, and a refetch asks conditionally (304s change nothing)."""

from __future__ import annotations

import shutil
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler
from sqlalchemy import event, insert, select, update

from crawler import db
from crawler.batchwrite import write_batch
from crawler.models import SHANGHAI, FieldChange, PageRow
from crawler.pagekeeping import KEEP, KeepPagesMiddleware
from crawler.pagestore import ARTICLE, KeptPage, PageWriter, Retention, space_used
from crawler.reextract import reextract
from crawler.spiders.portal import PortalSpider
from sampleportals import PROFILE_DIR, SampleNetwork
from tests.console import finnews
from tests.crawls import crawl, export, run_stats
from tests.rows import NOW, row
from tests.services import database_at, drop_schema


def _comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Export records without the times of their crawl, their reprints by URL (they are listed in the order
    they were stored, which follows the crawl's timing)."""
    comparable = [
        {**{k: v for k, v in r.items() if k != "crawled_at"}, "reprints": sorted(r["reprints"], key=lambda c: c["url"])}
        for r in records
    ]
    return sorted(comparable, key=lambda r: r["url"])


def test_kept_pages_reextract_and_conditional_refetch(
    make_sample_network: Callable[..., SampleNetwork], tmp_path: Path
) -> None:
    network = make_sample_network(articles=40)
    kept_url, fresh_url = f"sqlite:///{tmp_path}/kept.db", f"sqlite:///{tmp_path}/fresh.db"
    new_rule = tmp_path / "profiles"
    shutil.copytree(PROFILE_DIR, new_rule)
    dede = new_rule / "dede.toml"
    dede.write_text(dede.read_text(encoding="utf-8") + 'category = "div.info"\n', encoding="utf-8")

    crawl(network, kept_url)
    first = export(kept_url)
    engine = db.make_engine(kept_url, create=False)
    used = space_used(engine)
    assert used["pages"] >= len(first) and 0 < used["bytes_stored"] < used["bytes_served"]

    article = first[0]["url"]  # the page as served, byte for byte
    with urllib.request.urlopen(article) as response:
        served = response.read()
    assert "etag: " in finnews("page", article, "--db", kept_url, "--headers").stdout
    finnews("page", article, "--db", kept_url, "-o", str(tmp_path / "page.html"))
    assert (tmp_path / "page.html").read_bytes() == served

    crawl(network, kept_url, "-a", "full=1")  # a full refetch: every kept article page answers 304, nothing changes
    not_modified = run_stats(kept_url)[-1].get("finnews/not_modified", 0)
    assert not_modified >= len(first) and sum(server.not_modified for server in network._servers) == not_modified
    assert _comparable(export(kept_url)) == _comparable(first)

    crawl(network, fresh_url, "-s", f"FINNEWS_PROFILE_DIRS={new_rule}")  # a fresh crawl with the new rule
    network.stop()

    dry = reextract(engine, str(new_rule), dry_run=True)
    assert dry.fields["category"] > 0 and _comparable(export(kept_url)) == _comparable(first)
    summary = reextract(engine, str(new_rule))
    assert summary.fields == dry.fields
    fresh = _comparable(export(fresh_url))
    assert _comparable(export(kept_url)) == fresh and fresh != _comparable(first)
    with engine.connect() as connection:
        changes = connection.execute(select(FieldChange.field, FieldChange.version)).all()
    assert {field for field, _ in changes} == set(summary.fields) and len(changes) == sum(summary.fields.values())
    assert reextract(engine, str(new_rule)).changed_pages == 0  # a second run finds nothing more to change


def test_retention_off_keeps_no_pages(sample_network: SampleNetwork, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/off.db"
    crawl(sample_network, url, "-s", "FINNEWS_KEEP_PAGES=off", only="dede")
    assert export(url)
    assert space_used(db.make_engine(url, create=False))["pages"] == 0


@pytest.mark.parametrize(
    ("text_", "expected"),
    [("all", Retention(True)), ("off", Retention(False)), ("30", Retention(True, 30)), ("7d", Retention(True, 7))],
)
def test_retention_forms(text_: str, expected: Retention) -> None:
    assert Retention.parse(text_) == expected


def test_retention_refuses_other_words() -> None:
    with pytest.raises(ValueError, match="FINNEWS_KEEP_PAGES"):
        Retention.parse("forever")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_migration_0007_adds_the_page_tables(backend: str, tmp_path: Any) -> None:
    old = database_at("0006", backend, tmp_path)
    db.upgrade(old)
    assert db.schema_revision(old) == db.head_revision()
    page = {
        "url": "http://p1/a/1.html", "site": "dede", "kind": "article", "response_url": "http://p1/a/1.html",
        "status": 200, "content_type": "text/html", "last_modified": None, "etag": '"x"', "listing_date": None,
        "fetched_at": datetime(2024, 9, 3, 12, tzinfo=SHANGHAI), "size": 3, "compression": "zstd", "content": b"\x00" * 70_000,
    }  # fmt: skip
    with old.begin() as connection:
        connection.execute(insert(PageRow), [page])
        assert connection.execute(select(PageRow.content)).scalar_one() == b"\x00" * 70_000  # more than a BLOB
    url = old.url.render_as_string(hide_password=False)
    old.dispose()
    if backend != "sqlite":
        drop_schema(url)


def test_conditional_requests_ask_the_database_nothing(tmp_path: Path) -> None:
    """The kept validators are read once, when the crawl opens: a request asks no query on the event loop,
    and a page kept whose article never reached the database is fetched whole."""
    url = f"sqlite:///{tmp_path}/validators.db"
    engine = db.make_engine(url)
    stored, lost = "http://127.0.0.1:1/a/1.html", "http://127.0.0.1:1/a/2.html"
    with engine.begin() as connection:
        write_batch(connection, [row(stored)], [], None)
    writer = PageWriter(engine)
    for page_url in (stored, lost):
        writer.submit(
            KeptPage(page_url, "dede", ARTICLE, page_url, 200, "text/html", "Tue, 03 Sep 2024 03:54:00 GMT", '"e1"',
                     None, NOW, b"<html></html>")
        )  # fmt: skip
    writer.close()
    crawler = get_crawler(settings_dict={"FINNEWS_DB_URL": url})
    middleware = KeepPagesMiddleware.from_crawler(crawler)
    spider = PortalSpider(site="dede", profile_dirs=str(PROFILE_DIR))
    middleware.spider_opened(spider)
    assert middleware.engine is not None
    statements: list[str] = []
    event.listen(middleware.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    requests = [Request(page_url, meta={KEEP: ARTICLE}) for page_url in (stored, lost, stored)]
    for request in requests:
        middleware.process_request(request)
    assert statements == []
    assert requests[0].headers[b"If-None-Match"] == b'"e1"' and b"If-Modified-Since" in requests[0].headers
    assert b"If-None-Match" not in requests[1].headers and requests[2].headers[b"If-None-Match"] == b'"e1"'
    middleware.spider_closed(spider)


def test_reextract_groups_again_an_article_whose_body_changed(
    make_sample_network: Callable[..., SampleNetwork], tmp_path: Path
) -> None:
    """An article whose page now reads as another story's text (as a changed body rule can make it) is
    grouped again: it and that story become one story, its former reprints with it, no copy lost."""
    network = make_sample_network(articles=30)
    url = f"sqlite:///{tmp_path}/regroup.db"
    crawl(network, url)
    network.stop()
    before = {record["url"]: record for record in export(url)}
    moved = next(r for r in before.values() if r["reprints"])  # a story with copies ...
    other = next(r for r in before.values() if r["site"] == moved["site"] and r["url"] != moved["url"])
    engine = db.make_engine(url, create=False)
    with engine.begin() as connection:  # ... whose page now reads as another story of its portal
        content = connection.execute(select(PageRow.content).where(PageRow.url == other["url"])).scalar_one()
        connection.execute(update(PageRow).where(PageRow.url == moved["url"]).values(content=content))

    summary = reextract(engine, str(PROFILE_DIR))

    assert summary.fields["body"] == 1 and summary.changed_pages == 1
    after = {record["url"]: record for record in export(url)}
    [story] = [after[u] for u in (moved["url"], other["url"]) if u in after]  # one story of the two
    copies = {copy["url"] for copy in story["reprints"]}
    expected = {moved["url"], other["url"]} - {story["url"]}
    for record in (moved, other):
        expected |= {copy["url"] for copy in record["reprints"]}
    assert copies == expected  # both stories' copies, and the one of the two that is not the origin
    assert after.keys() == before.keys() - expected  # the other stories are as they were
    assert all(after[u] == before[u] for u in after if u != story["url"])
    assert story["body"] == other["body"]

    # The moved story's former copies followed it; read again, they are no copies of the story they are in:
    # the next run takes them out, and they are one story of their own again.
    again = reextract(engine, str(PROFILE_DIR))
    former = {copy["url"] for copy in moved["reprints"]}
    assert again.split == len(former) and again.fields == {"story": len(former)}
    final = {record["url"]: record for record in export(url)}
    [regained] = [final[u] for u in former if u in final]
    assert {copy["url"] for copy in regained["reprints"]} == former - {regained["url"]}
    assert {copy["url"] for copy in final[story["url"]]["reprints"]} == expected - former
    assert reextract(engine, str(PROFILE_DIR)).changed_pages == 0
