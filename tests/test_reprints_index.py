"""The candidate index of stored articles: band keys written by the writer, pages looked up in them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from crawler import db
from crawler.batchwrite import ReprintRecord, write_batch
from crawler.models import FingerprintRow, FullBandKey
from crawler.reprints import index
from crawler.reprints.fingerprint import fingerprint
from crawler.reprints.index import Match, Page, find_copies
from crawler.reprints.matching import Matching
from crawler.writer import ArticleWriter
from tests.rows import NOW, STORY, row


def test_find_copies_of_one_page(engine: Any) -> None:
    writer = ArticleWriter(engine)
    writer.submit(row(body=STORY)).result()
    later = NOW + timedelta(hours=1)
    writer.submit(ReprintRecord("http://p1/a/1.html", "http://p2/b/7.html", "txjr", later, 42, 0.8, later))
    writer.close()

    def canonical(url: str = "http://p3/new.html", body: str = "") -> Any:
        with engine.connect() as connection:
            return find_copies(connection, [Page(url, fingerprint(body))], Matching()).get(url)

    paragraphs = STORY.split("\n")
    assert canonical("http://p1/a/1.html", STORY) is None  # the stored page itself: a re-crawl
    assert canonical("http://p2/b/7.html") == Match("http://p1/a/1.html", 1.0)  # a known reprint
    assert canonical(body=STORY.replace("。", ".")) == Match("http://p1/a/1.html", 1.0)  # the same body
    assert canonical(body="".join(paragraphs[:-1])) == Match("http://p1/a/1.html", 1.0)  # contained
    assert canonical(body=STORY + "\n另据了解,多家券商研究所近期密集发布四季度策略报告。").similarity == 1.0
    assert 0.6 < canonical(body=STORY.replace("适度宽松", "一定宽松")).similarity < 1  # edited
    assert canonical(body=STORY.replace("1.70%", "1.80%")) is None  # other figures: another article
    assert canonical(body=paragraphs[0]) is None  # a quarter of the story: too short a part to be a copy
    assert canonical(body="央行开展逆回购") is None  # too short to compare, and no equal body


def stored_reports(engine: Any, days: int, batch_size: int) -> list[str]:
    """Templated daily reports (the story's wording, each day's figures), stored in order by a writer of
    `batch_size` rows a batch as http://p1/a/{day}.html; their bodies."""
    writer = ArticleWriter(engine, batch_size=batch_size)
    reports = [STORY.replace("1000亿元", f"{1000 + day}亿元").replace("1.70%", f"1.{day:02d}%") for day in range(days)]
    for day, body in enumerate(reports):
        writer.submit(row(f"http://p1/a/{day}.html", body=body))
    writer.close()
    return reports


def test_band_keys_shared_by_many_articles_stop_growing(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Templated reports share most bands: past MAX_BAND_HOLDERS a key takes no more holders, so a lookup
    reads a bounded number of rows however many reports are stored; each report keeps its own bands."""
    monkeypatch.setattr(index, "MAX_BAND_HOLDERS", 4)
    reports = stored_reports(engine, days=10, batch_size=1)
    with engine.connect() as connection:
        holders = dict(connection.execute(select(FingerprintRow.key, func.count()).group_by(FingerprintRow.key)).all())
        assert max(holders.values()) <= 4
        full = {key for key, count in holders.items() if count == 4}
        assert full and set(connection.scalars(select(FullBandKey.key))) == full  # what a new process learns
        for day in (0, 9):  # an early report and the last one: an edited copy of each finds it, and no sibling
            copy = Page("http://p2/copy.html", fingerprint(reports[day].replace("适度宽松", "一定宽松")))
            match = find_copies(connection, [copy], Matching())[copy.url]
            assert (match.url, match.similarity) == (f"http://p1/a/{day}.html", pytest.approx(0.95, abs=0.05))


def test_a_lookup_reads_no_holders_of_full_keys(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key full of holders tells no story apart: a lookup, in this process or another, does not look it up,
    and a copy is found through its other keys."""
    monkeypatch.setattr(index, "MAX_BAND_HOLDERS", 4)
    reports = stored_reports(engine, days=10, batch_size=1)
    other_process = db.make_engine(engine.url.render_as_string(hide_password=False), create=False)
    looked_up: list[int] = []

    @event.listens_for(other_process, "before_cursor_execute")
    def keys_looked_up(connection: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "fingerprints.article_id FROM fingerprints WHERE" in " ".join(statement.split()):  # the holders' query
            looked_up.extend(parameters.values() if isinstance(parameters, dict) else parameters)

    copy = Page("http://p2/copy.html", fingerprint(reports[9].replace("适度宽松", "一定宽松")))
    with other_process.connect() as connection:
        full = set(connection.scalars(select(FullBandKey.key)))
        assert full & set(copy.fingerprint.bands)  # the copy carries full keys
        assert find_copies(connection, [copy], Matching())[copy.url].url == "http://p1/a/9.html"
    other_process.dispose()
    assert looked_up and not full & set(looked_up)


def test_keys_filled_by_a_write_are_full_once_it_commits(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fills keys and is rolled back leaves them as they were: not full, and looked up."""
    monkeypatch.setattr(index, "MAX_BAND_HOLDERS", 4)
    reports = stored_reports(engine, days=3, batch_size=1)
    fourth = row("http://p1/a/3.html", body=reports[0].replace("1000亿元", "1003亿元").replace("1.00%", "1.03%"))
    with engine.connect() as connection:
        assert not index.full_keys(connection)
        with pytest.raises(RuntimeError), connection.begin():
            write_batch(connection, [fourth], [])
            raise RuntimeError("the database went away")
        assert not index.full_keys(connection)
        with connection.begin():
            write_batch(connection, [fourth], [])
        full = index.full_keys(connection)
        assert full and full == set(connection.scalars(select(FullBandKey.key)))


def test_a_page_whose_keys_are_all_crowded_finds_its_story_among_its_siblings(
    engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Holders of crowded keys are read only for a page that found nothing through rare keys: the articles
    sharing two keys or more with it are its candidates. With every key crowded, a copy of each templated
    report finds that report, not a sibling (other figures), and a new story finds nothing, all looked up
    at once."""
    monkeypatch.setattr(index, "CROWDED", 1)
    reports = stored_reports(engine, days=12, batch_size=20)
    pages = [Page(f"http://p2/{day}.html", fingerprint(body.replace("适度宽松", "一定宽松"))) for day, body in
             enumerate(reports)]  # fmt: skip
    new = Page("http://p2/new.html", fingerprint(STORY.replace("1000亿元", "900亿元").replace("1.70%", "1.90%")))
    with engine.connect() as connection:
        found = find_copies(connection, [*pages, new], Matching())
    assert {url: match.url for url, match in found.items()} == {
        f"http://p2/{day}.html": f"http://p1/a/{day}.html" for day in range(12)
    }
