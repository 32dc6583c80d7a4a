"""SQLAlchemy 2.x typed models: the database users keep.

Table and column names are meant to be read in the sqlite3 CLI or Datasette. Times are stored as
Beijing wall time (UTC+8) in SQLite and MySQL, and as `timestamptz` in PostgreSQL; every datetime read
back is aware (Asia/Shanghai).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.mysql import LONGBLOB
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crawler.normalize.limits import FIELD_CAPS  # the widths of the capped text columns
from crawler.vocabulary import SHANGHAI  # re-exported: the database's times are Beijing time


class BeijingTime(TypeDecorator[datetime]):
    """An aware datetime; dialects without time zones store Beijing wall time."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=SHANGHAI)
        value = value.astimezone(SHANGHAI)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=SHANGHAI)
        return value.astimezone(SHANGHAI)


# JSONB on PostgreSQL: plain `json` has no equality operator, which re-crawl upserts compare with.
_JSON = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    type_annotation_map = {datetime: BeijingTime, dict[str, Any]: _JSON, list[str]: _JSON}


class Site(Base):
    """A portal that has been crawled (profile name, or host for profile-less crawls)."""

    __tablename__ = "sites"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    site_name: Mapped[str | None] = mapped_column(String(200))
    first_crawled_at: Mapped[datetime]


class ArticleRow(Base):
    """One story, stored once: the canonical copy of every reprint group."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(768), unique=True)
    site: Mapped[str] = mapped_column(ForeignKey("sites.name"), index=True)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    date_source: Mapped[str | None] = mapped_column(String(20))
    date_conflict: Mapped[bool] = mapped_column(default=False)
    reprint_notice: Mapped[bool] = mapped_column(default=False)  # the page says it carries another medium's article
    source: Mapped[str | None] = mapped_column(String(FIELD_CAPS["source"]), index=True)
    source_raw: Mapped[str | None] = mapped_column(Text)
    source_canonical: Mapped[str | None] = mapped_column(String(FIELD_CAPS["source_canonical"]), index=True)
    author: Mapped[str | None] = mapped_column(String(FIELD_CAPS["author"]))
    authors: Mapped[list[str]] = mapped_column(default=list)
    editor: Mapped[str | None] = mapped_column(String(FIELD_CAPS["editor"]))
    views: Mapped[int | None]
    views_lower_bound: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    images: Mapped[list[str]] = mapped_column(default=list)
    category: Mapped[str | None] = mapped_column(String(FIELD_CAPS["category"]))
    crawled_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    body_hash: Mapped[int] = mapped_column(BigInteger, index=True)
    n_shingles: Mapped[int] = mapped_column(Integer, default=0)  # fingerprint size: distinct shingles of the body
    figures: Mapped[str] = mapped_column(Text, default="")  # the numbers the body states, sorted, space-separated
    removed_at: Mapped[datetime | None]  # when a refetch found the page gone (404/410, a "not found" page)
    change_id: Mapped[int] = mapped_column(Integer, default=0, index=True)  # the write that last stored or changed it

    reprints: Mapped[list[ReprintRow]] = relationship(back_populates="article", order_by="ReprintRow.id")


class ReprintRow(Base):
    """A copy of an article seen on another page, dropped from the item stream."""

    __tablename__ = "reprints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(768), unique=True)
    site: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime | None]
    views: Mapped[int | None]
    similarity: Mapped[float]
    crawled_at: Mapped[datetime]
    source: Mapped[str | None] = mapped_column(String(FIELD_CAPS["source"]))  # the 来源 this copy states
    source_canonical: Mapped[str | None] = mapped_column(String(FIELD_CAPS["source_canonical"]))
    title: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[int | None] = mapped_column(BigInteger)
    removed_at: Mapped[datetime | None]

    article: Mapped[ArticleRow] = relationship(back_populates="reprints")


class FingerprintRow(Base):
    """LSH band keys of stored articles' bodies: the persistent index reprint detection looks up."""

    __tablename__ = "fingerprints"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True)


class FullBandKey(Base):
    """Band keys held by `crawler.reprints.index.MAX_BAND_HOLDERS` stored articles: boilerplate that tells no story
    apart. They take no more holders, and lookups do not read them (`crawler.reprints.index.full_keys`)."""

    __tablename__ = "full_band_keys"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class FingerprintVersion(Base):
    """One row: the fingerprint version (`crawler.reprints.fingerprint.VERSION`) of the stored articles'
    band keys, body hashes, sizes and figures, and while `crawler.rekey` brings them to a newer one, the
    last article id it has done (`resume_after`; NULL when none is under way)."""

    __tablename__ = "fingerprint_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # always 1
    version: Mapped[int]
    resume_after: Mapped[int | None]


class ViewSnapshot(Base):
    """The read count a crawl saw on a page (article or reprint) at a time."""

    __tablename__ = "view_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(768), index=True)
    crawled_at: Mapped[datetime]
    views: Mapped[int]


class CrawlRun(Base):
    """One `scrapy crawl`: when it ran and its closing stats."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spider: Mapped[str] = mapped_column(String(100))
    sites: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    stats: Mapped[dict[str, Any] | None]
    #: Per portal: pages, articles, reprints, errors, blocks, field coverage; and the warnings (crawler.reports).
    report: Mapped[dict[str, Any] | None]


class CrawlLease(Base):
    """A portal being crawled into this database, and by whom (`crawler.leases`): one run at a time."""

    __tablename__ = "crawl_leases"

    portal: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))  # a token of the holding crawl, new each run
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # pushed forward while the holder lives


# LONGBLOB on MySQL/MariaDB: a plain BLOB holds 64 KB, less than many compressed pages.
_BYTES = LargeBinary().with_variant(LONGBLOB(), "mysql", "mariadb")


class PageRow(Base):
    """A page a crawl fetched, kept as served (compressed, `crawler.pagestore`): the evidence behind an
    article's fields, what `finnews reextract` reads, and the validators of a conditional refetch."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(768), unique=True)  # the URL requested
    site: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # article, page (classified by its content), counter or part
    response_url: Mapped[str] = mapped_column(Text)  # after redirects
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    etag: Mapped[str | None] = mapped_column(String(200))
    listing_date: Mapped[str | None] = mapped_column(String(100))  # the date its listing showed beside it
    fetched_at: Mapped[datetime] = mapped_column(index=True)
    size: Mapped[int] = mapped_column(Integer)  # bytes as served
    compression: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes] = mapped_column(_BYTES)


class FieldChange(Base):
    """A stored value `finnews reextract` changed: which field of which page, from what to what (JSON),
    by which finnews version."""

    __tablename__ = "field_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(768), index=True)
    field: Mapped[str] = mapped_column(String(50))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime]


class ArticleVersion(Base):
    """A page's former version, kept when a re-crawl found its title or body changed (改稿)."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(768), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[int | None] = mapped_column(BigInteger)
    seen_at: Mapped[datetime]  # the last time a crawl saw this version
    changed_at: Mapped[datetime]  # the crawl that found the new one


class ExportCursor(Base):
    """How far the `finnews export --new --name NAME` of each name has read (`articles.change_id`)."""

    __tablename__ = "export_cursors"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    change_id: Mapped[int] = mapped_column(Integer)
    exported_at: Mapped[datetime]


class Watch(Base):
    """A `finnews watch` term, and the last article id its alerts have covered (new articles have higher ids)."""

    __tablename__ = "watches"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


#: The view `story_copies` (created by migration 0008; kept out of `Base.metadata`, which has tables only):
#: one row per copy of a story, the stored article (is_origin 1: the first publisher) and each reprint.
#: What "a copy" means for `finnews reprints`, `stats` and `story`.
story_copies = Table(
    "story_copies",
    MetaData(),
    Column("story_id", Integer),
    Column("url", String(768)),
    Column("site", String(100)),
    Column("title", Text),
    Column("published_at", BeijingTime()),
    Column("source", String(FIELD_CAPS["source"])),
    Column("source_canonical", String(FIELD_CAPS["source_canonical"])),
    Column("views", Integer),
    Column("crawled_at", BeijingTime()),
    Column("removed_at", BeijingTime()),
    Column("edited_at", BeijingTime()),
    Column("is_origin", Integer),
    Column("similarity", Float),
)
