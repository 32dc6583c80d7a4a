"""Following a story: the trace (`finnews story`), one definition of a copy (`story_copies`) shared by
`reprints` and `stats`, `reprints --search/--source`, exports of what is new, against real crawls of the
sample portals (whose truth groups say which pages are one story) and real databases."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from crawler import db, queries
from crawler.batchwrite import ReprintRecord
from crawler.models import ArticleRow, story_copies
from crawler.writer import ArticleWriter
from tests.console import finnews
from tests.crawls import crawl
from tests.rows import NOW, row
from tests.services import database_at, drop_schema


@pytest.fixture(scope="module")
def crawled(sample_network: Any, tmp_path_factory: Any) -> dict[str, Any]:
    db_url = f"sqlite:///{tmp_path_factory.mktemp('story')}/finnews.db"
    crawl(sample_network, db_url)
    groups: dict[int, set[str]] = defaultdict(set)
    for page in sample_network.truth():
        groups[page["group"]].add(page["url"])
    return {"db_url": db_url, "groups": groups}


def test_the_trace_of_every_copy_lists_exactly_its_truth_group(crawled: dict[str, Any]) -> None:
    engine = db.make_engine(crawled["db_url"], create=False)
    wrong = []
    for group, urls in crawled["groups"].items():
        for url in sorted(urls):
            copies = queries.trace(engine, url)
            if {copy["url"] for copy in copies} != urls or len(copies) != len(urls):
                wrong.append(f"group {group}, trace of {url}: {sorted(c['url'] for c in copies)} != {sorted(urls)}")
            if sum(copy["first_publisher"] for copy in copies) != 1:
                wrong.append(f"group {group}: not one first publisher")
    assert wrong == []
    assert len(crawled["groups"]) == 120


def test_story_command_prints_the_trace_as_a_table_and_as_json_lines(crawled: dict[str, Any]) -> None:
    groups: dict[str, set[str]] = crawled["groups"]
    biggest = max(len(group) for group in groups.values())
    urls = sorted(next(group for group in groups.values() if len(group) == biggest))
    lines = finnews("story", urls[-1], "--db", crawled["db_url"], "--json").stdout.splitlines()
    copies = [json.loads(line) for line in lines]
    assert sorted(copy["url"] for copy in copies) == urls
    times = [copy["published_at"] for copy in copies if copy["published_at"]]
    assert times == sorted(times)  # publication order
    assert all(copy["views_history"][-1]["views"] == copy["views"] for copy in copies if copy["views"] is not None)
    table = finnews("story", urls[0], "--db", crawled["db_url"]).stdout
    assert f"({len(urls)} copies; * first publisher)" in table
    assert sum(line.startswith("*") for line in table.splitlines()) == 1
    error = finnews("story", "http://127.0.0.1:1/nowhere.html", "--db", crawled["db_url"], ok=False)
    assert "no stored page at http://127.0.0.1:1/nowhere.html" in error.stderr


def test_reprints_and_stats_count_copies_as_the_trace_does(crawled: dict[str, Any]) -> None:
    db_url = crawled["db_url"]
    stories = [
        json.loads(line) for line in finnews("reprints", "--db", db_url, "--format", "jsonl").stdout.splitlines()
    ]
    by_size = sorted(len(urls) for urls in crawled["groups"].values() if len(urls) > 1)
    assert sorted(story["copies"] for story in stories) == by_size
    engine = db.make_engine(db_url, create=False)
    for story in stories:
        assert story["copies"] == len(queries.trace(engine, story["url"])) == len(story["pages"])
    stats = json.loads(finnews("stats", "--db", db_url, "--format", "json").stdout)
    assert [copies for _, copies in stats["reprinted_most"]] == [story["copies"] for story in stories[:5]]


def test_reprints_finds_stories_by_text_and_by_the_source_a_copy_states(crawled: dict[str, Any]) -> None:
    db_url = crawled["db_url"]
    engine = db.make_engine(db_url, create=False)
    with engine.connect() as connection:
        copy = connection.execute(
            select(story_copies).where(story_copies.c.is_origin == 0, story_copies.c.source.is_not(None))
        ).first()
    assert copy is not None and copy.source
    word = copy.title[:4]

    def found(*options: str) -> list[dict[str, Any]]:
        out = finnews("reprints", "--db", db_url, "--format", "jsonl", *options).stdout
        return [json.loads(line) for line in out.splitlines()]

    stories = found("--search", word)
    assert copy.story_id in {queries.trace(engine, s["url"])[0]["story_id"] for s in stories}
    matching = {r["url"] for r in queries.iter_articles(engine, queries.Filters(search=word))}
    assert {s["url"] for s in stories} <= matching
    assert [s["first_published"] for s in stories] == sorted((s["first_published"] for s in stories), reverse=True)
    with_source = found("--source", copy.source)
    assert with_source and all(copy.source in {p["source"] for p in s["pages"]} for s in with_source)
    assert copy.url in {p["url"] for s in with_source for p in s["pages"]}
    assert found("--source", "没有这个来源") == []


def test_limit_has_one_meaning(crawled: dict[str, Any]) -> None:
    db_url = crawled["db_url"]
    every = len(finnews("export", "--db", db_url).stdout.splitlines())
    assert every > 100
    for command in (["query", "--format", "jsonl"], ["export"], ["reprints", "--format", "jsonl"]):
        everything = finnews(*command, "--db", db_url).stdout.splitlines()
        assert finnews(*command, "--db", db_url, "--limit", "0").stdout.splitlines() == everything
        assert len(finnews(*command, "--db", db_url, "--limit", "3").stdout.splitlines()) == 3
        assert "not a count" in finnews(*command, "--db", db_url, "--limit", "-1", ok=False).stderr
        assert "0 or absent: no limit" in finnews(command[0], "--help").stdout


def test_two_exports_around_one_crawl_the_second_holds_that_crawls_rows(sample_network: Any, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/finnews.db"

    def export_new() -> list[dict[str, Any]]:
        out = finnews("export", "--db", db_url, "--new", "--name", "downstream").stdout
        return [json.loads(line) for line in out.splitlines()]

    crawl(sample_network, db_url, only="dede")
    first = export_new()
    assert len(first) == len(finnews("export", "--db", db_url).stdout.splitlines()) > 0
    crawl(sample_network, db_url, only="phpcms")
    second = export_new()
    before = {record["url"]: record for record in first}
    after = [json.loads(line) for line in finnews("export", "--db", db_url).stdout.splitlines()]
    changed = [record for record in after if before.get(record["url"]) != record]  # new, or another record
    assert sorted(r["url"] for r in second) == sorted(r["url"] for r in changed)
    assert any(r["url"] in before for r in second) and any(r["url"] not in before for r in second)
    assert export_new() == []  # nothing stored since
    assert len(finnews("export", "--db", db_url, "--new", "--name", "another").stdout.splitlines()) == len(after)


def test_crawled_since_selects_by_fetch_time(crawled: dict[str, Any]) -> None:
    db_url = crawled["db_url"]
    assert finnews("export", "--db", db_url, "--crawled-since", "2999-01-01").stdout == ""
    assert (
        finnews("export", "--db", db_url, "--crawled-since", "2000-01-01").stdout
        == finnews("export", "--db", db_url).stdout
    )


# --- edits and take-downs, on every database ------------------------------------------------------


def test_an_edit_keeps_the_former_version_and_a_take_down_sets_removed_at(engine: Any) -> None:
    from datetime import timedelta

    from crawler.changes import Removal

    later, latest = NOW + timedelta(hours=1), NOW + timedelta(hours=2)
    writer = ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html")).result()
    copy = row("http://p2/b.html", site="phpcms", source="新华社")
    writer.submit(ReprintRecord("http://p1/a/1.html", copy["url"], "phpcms", None, 7, 0.9, NOW, source="新华社",
                                title=copy["title"], body_hash=copy["body_hash"])).result()  # fmt: skip
    writer.submit(row("http://p1/a/1.html", crawled_at=later)).result()  # fetched again, unchanged
    writer.submit(row("http://p1/a/1.html", title="央行开展逆回购(更新)", crawled_at=latest)).result()
    writer.submit(Removal("http://p2/b.html", latest)).result()
    writer.close()
    [origin, reprint] = queries.trace(engine, "http://p2/b.html")
    assert origin["first_publisher"] and origin["title"] == "央行开展逆回购(更新)"
    assert [(v["title"], v["seen_at"], v["changed_at"]) for v in origin["former_versions"]] == [
        ("央行开展逆回购", later, latest)
    ]
    assert origin["edited_at"] == latest and origin["removed_at"] is None
    assert (reprint["source"], reprint["removed_at"], reprint["edited_at"]) == ("新华社", latest, None)
    [record] = queries.iter_articles(engine)
    assert record["edited_at"] == latest and record["reprints"][0]["removed_at"] == latest
    writer = ArticleWriter(engine)
    writer.submit(Removal("http://p1/a/1.html", latest)).result()
    writer.close()
    assert next(queries.iter_articles(engine))["removed_at"] == latest
    writer = ArticleWriter(engine)
    writer.submit(row("http://p1/a/1.html", title="央行开展逆回购(更新)", crawled_at=latest + timedelta(hours=1)))
    writer.close()
    assert next(queries.iter_articles(engine))["removed_at"] is None  # back on the portal


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_migration_0008_adds_the_story_view_over_stored_rows(backend: str, tmp_path: Any) -> None:
    old = database_at("0007", backend, tmp_path)
    with old.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sites (name, site_name, first_crawled_at) VALUES ('dede', NULL, '2024-09-03 12:00:00')"
        )
        connection.execute(text(
            "INSERT INTO articles (url, site, title, views_lower_bound, body, images, crawled_at, updated_at,"
            " body_hash, n_shingles, figures, date_conflict, reprint_notice, authors, published_at, source) VALUES"
            " ('http://p1/a/1.html', 'dede', '央行开展逆回购', FALSE, '第一段。', '[]', '2024-09-03 12:00:00',"
            " '2024-09-03 12:00:00', 1, 0, '', FALSE, FALSE, '[]', '2024-09-03 11:54:00', '千龙网')"
        ))  # fmt: skip
        article_id = connection.scalar(select(ArticleRow.id))
        connection.execute(text(
            "INSERT INTO reprints (article_id, url, site, published_at, views, similarity, crawled_at) VALUES"
            " (:id, 'http://p2/b.html', 'phpcms', '2024-09-03 13:00:00', 5, 0.9, '2024-09-03 12:00:00')"
        ), {"id": article_id})  # fmt: skip
    db.upgrade(old)
    assert db.schema_revision(old) == db.head_revision()
    copies = queries.trace(old, "http://p2/b.html")
    assert [(c["url"], c["first_publisher"], c["source"], c["title"]) for c in copies] == [
        ("http://p1/a/1.html", True, "千龙网", "央行开展逆回购"),
        ("http://p2/b.html", False, None, "央行开展逆回购"),  # its title: its story's, until re-crawled
    ]
    [story] = queries.reprinted_stories(old)
    assert story["copies"] == 2
    url = old.url.render_as_string(hide_password=False)
    old.dispose()
    if backend != "sqlite":
        drop_schema(url)


def test_a_removal_the_database_refused_is_kept_in_the_recovery_file(tmp_path: Path) -> None:
    from crawler.changes import Removal
    from crawler.recovery import RecoveryFile, import_recovery, read_recovery

    removal = Removal("http://p1/a/1.html", NOW)
    recovery = RecoveryFile(tmp_path / "recovery.jsonl")
    recovery.append([row("http://p1/a/1.html"), removal])
    recovery.close()
    assert list(read_recovery(recovery.path))[1] == removal
    engine = db.make_engine(f"sqlite:///{tmp_path}/finnews.db")
    assert import_recovery(engine, recovery.path, None) == 2
    assert next(queries.iter_articles(engine))["removed_at"] == NOW


def test_stories_by_text_source_and_time_on_every_database(engine: Any) -> None:
    from datetime import timedelta

    from crawler.normalize.outlets import canonical_source

    writer = ArticleWriter(engine)
    older = row("http://p1/a/1.html", title="央行开展逆回购", body="央行开展逆回购操作。", body_hash=1, source=None)
    newer = row("http://p1/a/2.html", title="储能装机增长", body="新型储能装机增长。", body_hash=2, source=None,
                published_at=older["published_at"] + timedelta(days=1))  # fmt: skip
    undated = row(
        "http://p1/a/3.html",
        title="央行发布报告",
        body="央行发布货币政策报告。",
        body_hash=3,
        published_at=None,
        source=None,
    )
    for article, copy_source in ((older, "千龙网"), (newer, "新华社"), (undated, "新华社")):
        writer.submit(article).result()
        copy = article["url"].replace("p1/a", "p2/b")
        record = ReprintRecord(
            article["url"],
            copy,
            "phpcms",
            None,
            5,
            0.9,
            NOW,
            source=copy_source,
            source_canonical=canonical_source(copy_source),
        )
        writer.submit(record).result()
    writer.submit(row("http://p1/a/4.html", title="无人转载", body="只有一份。", body_hash=4)).result()
    writer.close()

    def urls(**filters: Any) -> list[str]:
        return [story["url"] for story in queries.reprinted_stories(engine, queries.StoryFilters(**filters))]

    assert urls(newest_first=True) == ["http://p1/a/2.html", "http://p1/a/1.html", "http://p1/a/3.html"]
    assert urls(source="千龙网") == ["http://p1/a/1.html"]
    assert urls(source="新华网", newest_first=True) == ["http://p1/a/2.html", "http://p1/a/3.html"]  # the outlet
    assert urls(search="央行", newest_first=True) == ["http://p1/a/1.html", "http://p1/a/3.html"]
    assert urls(search="央行", source="新华社") == ["http://p1/a/3.html"]
    assert urls(since=newer["published_at"]) == ["http://p1/a/2.html"]
