"""Re-extraction: the current extraction and normalisation over the kept pages, with no network.

`reextract` reads the kept article pages (`crawler.pagestore`) in the order they were fetched, reads
each as the crawl does (`crawler.extract.page.read_article`, the kept read-count script for its views,
`crawler.normalize.article` with one title-suffix learner, as a crawl's pipeline keeps), compares the
result with the stored article (or reprint) of its URL, and, unless `dry_run`, writes what changed
through `crawler.batchwrite.write_batch` and records each changed value in `field_changes`. An article whose
body changed is grouped again: it is written as new, so the writer's reprint check decides whether it is
still its own story or now a copy of another, and its former reprints follow it. A reprint whose body, read
again, is no longer a copy of its story's article is taken out of that story and written as new the same
way (its own story, or a copy of another): the change is recorded as field `story`, from the story's URL
to the new one (null: its own).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import orjson
from parsel import Selector
from scrapy.http import HtmlResponse
from sqlalchemy import Connection, Engine, Select, delete, func, insert, select, update

from crawler import profiles
from crawler.batchwrite import ROW_FIELDS, ReprintRecord, article_row, write_batch
from crawler.db import unlock_writers
from crawler.extract.article import RawArticle
from crawler.extract.kind import ARTICLE as ARTICLE_KIND
from crawler.extract.kind import page_kind
from crawler.extract.links import site_links
from crawler.extract.mainlist import main_list
from crawler.extract.page import add_part, page_selector, read_article
from crawler.models import ArticleRow, FieldChange, FingerprintRow, PageRow, ReprintRow
from crawler.normalize.article import normalize_article
from crawler.normalize.titles import TitleSuffixLearner
from crawler.pagestore import ARTICLE, COUNTER, PAGE, PART, KeptPage, load_page
from crawler.reprints.fingerprint import fingerprint
from crawler.reprints.matching import Matching
from crawler.vocabulary import SHANGHAI

logger = logging.getLogger(__name__)

#: The fields compared with the stored article (what a crawl writes, but for its own time and the site's name).
COMPARED = tuple(name for name in ROW_FIELDS if name not in ("url", "crawled_at", "site_name"))
REPRINT_COMPARED = ("published_at", "views")
_CHUNK = 500


def finnews_version() -> str:
    try:
        return version("finnews")
    except PackageNotFoundError:  # pragma: no cover - a checkout without its metadata
        return "unknown"


@dataclass
class Summary:
    """What a re-extraction read and changed: values changed per field, pages per outcome."""

    pages: int = 0
    changed_pages: int = 0
    regrouped: int = 0
    split: int = 0  # reprints no longer copies of their story
    fields: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)  # not html, a listing, no title/body, not stored


@dataclass
class _Change:
    url: str
    row: dict[str, Any]
    diffs: dict[str, tuple[Any, Any]]
    reprint: bool


def reextract(
    engine: Engine,
    profile_dirs: profiles.ProfileDirs,
    *,
    site: str | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
    matching: Matching | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Re-extract the kept article pages (of `site`, fetched since `since`) and store what changed."""
    summary = Summary()
    matching = matching or Matching()
    titles = TitleSuffixLearner()
    now = datetime.now(SHANGHAI)
    stamp = finnews_version()
    counters = _counter_texts(engine, site)
    reader = _Reader(engine, profile_dirs)
    with engine.connect() as connection:
        for chunk in _chunks(_kept_pages(engine, site, since)):
            articles = [article for page in chunk if (article := reader.article(page, counters, titles, summary))]
            summary.pages += len(chunk)
            changes = _changes(connection, articles, summary, matching)
            connection.rollback()  # end the reads' transaction: the writes take their own
            summary.changed_pages += len(changes)
            summary.split += sum(1 for change in changes if "story" in change.diffs)
            for change in changes:
                summary.fields.update(change.diffs.keys())
            if changes and not dry_run:
                try:
                    with connection.begin():
                        summary.regrouped += _apply(connection, changes, matching, stamp, now)
                finally:
                    unlock_writers(connection)
            if progress is not None:
                progress(len(chunk))
    return summary


class _Reader:
    """Reads kept pages as the crawl does; profiles loaded once per site."""

    def __init__(self, engine: Engine, profile_dirs: profiles.ProfileDirs) -> None:
        self.engine = engine
        self.profile_dirs = profile_dirs
        self.profiles: dict[str, profiles.Profile] = {}

    def profile(self, page: KeptPage) -> profiles.Profile:
        if page.site not in self.profiles:
            try:
                self.profiles[page.site] = profiles.load(page.site, self.profile_dirs)
            except profiles.ProfileError:  # a portal crawled by its URL: the generic rules, as then
                self.profiles[page.site] = profiles.generic(page.site, [page.url])
        return self.profiles[page.site]

    def article(self, page: KeptPage, counters: dict[str, str], titles: TitleSuffixLearner, summary: Summary) -> Any:
        """The normalised Article of a kept page, else None (counted in `summary.skipped`)."""
        profile = self.profile(page)
        selector = _selector(page)
        if (
            page.kind == PAGE
            and page_kind(selector, main_list(site_links(selector, page.response_url, profile.host)), page.listing_date)
            != ARTICLE_KIND
        ):
            summary.skipped["listing"] += 1
            return None
        raw, article = read_article(selector, page.response_url, profile, page.listing_date, page.fetched_at)
        self._add_parts(article, raw, page, profile)
        if raw.counter_url:
            article.views_raw = counters.get(raw.counter_url)
        titles.observe(article.site, article.title_tag)
        normalize_article(article, page.fetched_at, titles.suffix(article.site))
        if not article.title or not article.body:
            summary.skipped["no title or body"] += 1
            return None
        return article

    def _add_parts(self, article: Any, raw: RawArticle, page: KeptPage, profile: profiles.Profile) -> None:
        """The later parts of a paginated article, as the crawl kept them, added to it in order (as far as kept)."""
        next_url, read = raw.next_part, {page.response_url}
        while next_url is not None and next_url not in read:
            read.add(next_url)
            part = load_page(self.engine, next_url, PART)
            if part is None:
                return
            part_raw, _ = read_article(
                _selector(part), part.response_url, profile, None, part.fetched_at, page.response_url
            )
            add_part(article, part_raw)
            next_url = part_raw.next_part


def _selector(page: KeptPage) -> Selector:
    """The kept page read as the crawl read it (`page_selector`)."""
    headers = {"Content-Type": page.content_type or "text/html"}
    return page_selector(HtmlResponse(page.response_url, body=page.content, headers=headers))[0]


def _kept_query(site: str | None, since: datetime | None) -> Select[PageRow]:
    query = select(PageRow).where(PageRow.kind.in_((ARTICLE, PAGE)))
    if site:
        query = query.where(PageRow.site.in_(site.split(",")))
    if since:
        query = query.where(PageRow.fetched_at >= since)
    return query


def count_pages(engine: Engine, *, site: str | None = None, since: datetime | None = None) -> int:
    """How many kept pages `reextract` with these filters reads."""
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(_kept_query(site, since).subquery())) or 0)


def _kept_pages(engine: Engine, site: str | None, since: datetime | None) -> Iterator[KeptPage]:
    query = _kept_query(site, since).order_by(PageRow.fetched_at, PageRow.id)
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=_CHUNK).execute(query):
            yield KeptPage.of(row)


def _counter_texts(engine: Engine, site: str | None) -> dict[str, str]:
    """The kept read-count scripts by URL, as text (they are a few bytes each)."""
    query = select(PageRow).where(PageRow.kind == COUNTER)
    if site:
        query = query.where(PageRow.site.in_(site.split(",")))
    with engine.connect() as connection:
        pages = [KeptPage.of(row) for row in connection.execute(query)]
    return {
        page.url: HtmlResponse(
            page.url, body=page.content, headers={"Content-Type": page.content_type or "text/plain"}
        ).text
        for page in pages
    }


def _chunks(pages: Iterator[KeptPage]) -> Iterator[list[KeptPage]]:
    chunk: list[KeptPage] = []
    for page in pages:
        chunk.append(page)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _changes(connection: Connection, articles: list[Any], summary: Summary, matching: Matching) -> list[_Change]:
    """What differs between each article read and what is stored at its URL (as an article or a reprint;
    a reprint whose body is no longer a copy of its story's article differs in its `story`)."""
    by_url = {article.url: article for article in articles}
    rows = {url: {name: getattr(article, name) for name in ROW_FIELDS} for url, article in by_url.items()}
    stored = {row.url: row._mapping for row in connection.execute(select(ArticleRow).where(ArticleRow.url.in_(rows)))}
    copies = {
        row.url: row._mapping
        for row in connection.execute(
            select(ReprintRow, ArticleRow.url.label("story"), ArticleRow.body.label("story_body"))
            .join(ArticleRow, ReprintRow.article_id == ArticleRow.id)
            .where(ReprintRow.url.in_(rows.keys() - stored.keys()))
        )
    }
    changes = []
    for url, row in rows.items():
        if url in stored:
            old, names, reprint = stored[url], COMPARED, False
        elif url in copies:
            old, names, reprint = copies[url], REPRINT_COMPARED, True
        else:
            summary.skipped["not stored"] += 1
            continue
        diffs = {name: (old[name], row[name]) for name in names if name in row and old[name] != row[name]}
        if reprint and matching.compare(fingerprint(row["body"]), fingerprint(old["story_body"])) is None:
            diffs["story"] = (old["story"], None)  # the story it joins instead, once written
        if diffs:  # the fingerprint (body_hash, n_shingles, figures) only where something changed
            full = article_row(by_url[url]) | {"crawled_at": old["crawled_at"]}
            changes.append(_Change(url, full, diffs, reprint))
    return changes


def _apply(connection: Connection, changes: list[_Change], matching: Matching, stamp: str, now: datetime) -> int:
    """Write the changes and record them; returns how many articles were grouped again."""
    regrouped = 0
    for change in changes:
        if "story" in change.diffs:
            change.diffs["story"] = (change.diffs["story"][0], _split(connection, change.row, matching))
        elif change.reprint:
            values = {name: change.row[name] for name in change.diffs}
            connection.execute(update(ReprintRow).where(ReprintRow.url == change.url).values(**values))
        elif "body" in change.diffs:
            regrouped += _regroup(connection, change.row, matching)
    plain = [change.row for change in changes if not change.reprint and "body" not in change.diffs]
    if plain:
        write_batch(connection, plain, [], None, skip_stored_snapshots=True)
    connection.execute(
        insert(FieldChange),
        [
            {
                "url": change.url,
                "field": name,
                "old": _json(old),
                "new": _json(new),
                "version": stamp,
                "changed_at": now,
            }
            for change in changes
            for name, (old, new) in change.diffs.items()
        ],
    )
    return regrouped


def _regroup(connection: Connection, row: dict[str, Any], matching: Matching) -> int:
    """Store an article whose body changed as if new: the writer's reprint check decides its story; its
    former reprints follow it (to it, or to the story it is now a copy of). Returns 1 if it joined another."""
    article_id = connection.scalar(select(ArticleRow.id).where(ArticleRow.url == row["url"]))
    former = [
        ReprintRecord(
            "",
            r.url,
            r.site,
            r.published_at,
            r.views,
            r.similarity,
            r.crawled_at,
            source=r.source,
            source_canonical=r.source_canonical,
            title=r.title,
            body_hash=r.body_hash,
        )
        for r in connection.execute(select(ReprintRow).where(ReprintRow.article_id == article_id))
    ]
    connection.execute(delete(ReprintRow).where(ReprintRow.article_id == article_id))
    connection.execute(delete(FingerprintRow).where(FingerprintRow.article_id == article_id))
    connection.execute(delete(ArticleRow).where(ArticleRow.id == article_id))
    copies = write_batch(connection, [row], [], matching, skip_stored_snapshots=True)
    canonical = copies.get(row["url"], row["url"])
    for record in former:
        record.canonical_url = canonical
    if former:
        write_batch(connection, [], former, None, skip_stored_snapshots=True)
    return int(row["url"] in copies)


def _split(connection: Connection, row: dict[str, Any], matching: Matching) -> str | None:
    """Take a reprint that is no longer a copy of its story out of it and store it as if new: returns the
    URL of the story it is now a copy of, or None (its own story)."""
    connection.execute(delete(ReprintRow).where(ReprintRow.url == row["url"]))
    return write_batch(connection, [row], [], matching, skip_stored_snapshots=True).get(row["url"])


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()
