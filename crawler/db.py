"""The database: its URL, engines, the schema (migrations and the lock that serialises them), and the
dialect-specific statements the writer and the reprint index share (reads live in `crawler.queries`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from crawler.models import Base

#: Where finnews stores articles unless told otherwise (`FINNEWS_DB_URL`, `--db`).
DEFAULT_DB_URL = "sqlite:///data/finnews.db"

# Arbitrary constants naming finnews's locks on PostgreSQL (pg_advisory_xact_lock) and MySQL (GET_LOCK):
# the writers' lock (`crawler.writer`) and, one above it, the schema's.
WRITER_LOCK = 0x66696E6E  # "finn"
_SCHEMA_LOCK = WRITER_LOCK + 1


def database_url(url: str | None = None) -> str:
    """The URL to use: an explicit one, else `FINNEWS_DB_URL`, else the SQLite default."""
    return url or os.environ.get("FINNEWS_DB_URL") or DEFAULT_DB_URL


class SchemaError(RuntimeError):
    """The database's schema is not the one this version of finnews uses."""


def make_engine(url: str | None = None, *, create: bool = True, check: bool = True) -> Engine:
    """An engine for `url`.

    `create`: a new database gets the schema (through the migrations), a SQLite file its directory;
    without it, a missing SQLite file raises FileNotFoundError. `check`: an existing database whose
    schema is not this version's raises `SchemaError` (run `finnews db upgrade`). SQLite connections
    get WAL, a busy timeout and foreign keys. A URL that cannot be parsed raises `ArgumentError`.
    """
    try:
        sa_url = make_url(database_url(url))
    except ValueError as exc:  # "postgresql://u@host:notaport/db": the port's int() fails inside SQLAlchemy
        raise ArgumentError(str(exc)) from exc
    if sa_url.get_backend_name() == "sqlite":
        path = sa_url.database
        if path and path != ":memory:":
            if create:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            elif not Path(path).exists():
                raise FileNotFoundError(f"no database at {path}")
        engine = create_engine(sa_url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif sa_url.get_backend_name() == "postgresql":
        # Server-side date arithmetic (articles per day) in Beijing time, like the stored values.
        engine = create_engine(sa_url, pool_pre_ping=True, connect_args={"options": "-c timezone=Asia/Shanghai"})
    else:
        engine = create_engine(sa_url, pool_pre_ping=True)
    if create or check:
        revision = schema_revision(engine)
        if revision is None and create:
            upgrade(engine)
        elif check and revision != head_revision():
            found = f"at revision {revision}" if revision else "not a finnews database (no schema revision)"
            raise SchemaError(
                f"the database is {found}, this finnews needs {head_revision()}: run `finnews db upgrade`"
            )
    return engine


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "crawler:migrations")
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for a database without the finnews schema."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the schema migrations up to `revision` (the first one creates the schema)."""
    from alembic import command

    config = _alembic_config()
    with engine.begin() as connection:
        _lock_schema(connection)  # crawls starting at once on a new database: one creates it, the others wait
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, revision)
        finally:
            if connection.dialect.name in ("mysql", "mariadb"):
                connection.exec_driver_sql("SELECT RELEASE_LOCK('finnews-schema')")


def _lock_schema(connection: Connection) -> None:
    """Serialise schema migrations of one database across processes, until the transaction ends."""
    name = connection.dialect.name
    if name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, and the DDL inside this transaction
    elif name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
    elif name in ("mysql", "mariadb"):
        connection.exec_driver_sql("SELECT GET_LOCK('finnews-schema', 300)")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# --- dialect-specific writes ---------------------------------------------------------------------


def _dialect_insert(connection: Connection, model: type[Base]) -> Any:
    table = model.__table__  # the dialects' insert() accept any table; mypy knows it only as a FromClause
    name = connection.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)  # type: ignore[arg-type]
    if name == "postgresql":
        return postgresql.insert(table)  # type: ignore[arg-type]
    if name in ("mysql", "mariadb"):
        return mysql.insert(table)  # type: ignore[arg-type]
    raise NotImplementedError(f"finnews does not support {name} databases (SQLite, PostgreSQL, MySQL/MariaDB)")


def insert_ignore(connection: Connection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """INSERT, skipping rows that break a unique constraint (ON CONFLICT DO NOTHING / INSERT IGNORE)."""
    if not rows:
        return
    statement = _dialect_insert(connection, model)
    if connection.dialect.name in ("mysql", "mariadb"):
        statement = statement.prefix_with("IGNORE")
    else:
        statement = statement.on_conflict_do_nothing()
    connection.execute(statement, rows)


def upsert(
    connection: Connection,
    model: type[Base],
    rows: list[dict[str, Any]],
    updates: Sequence[str],
    first: Callable[[Any], list[tuple[str, Any]]] = lambda new: [],
) -> None:
    """INSERT ... ON CONFLICT (url) DO UPDATE / ON DUPLICATE KEY UPDATE, executemany.

    `first(new)` gives extra (column, expression) assignments made before `updates`, where `new`
    holds the proposed row's values (MySQL evaluates assignments in order, each seeing the ones before).
    """
    if not rows:
        return
    statement = _dialect_insert(connection, model)
    if connection.dialect.name in ("mysql", "mariadb"):
        new = statement.inserted
        statement = statement.on_duplicate_key_update([*first(new), *((name, new[name]) for name in updates)])
    else:
        new = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=["url"], set_=dict([*first(new), *((name, new[name]) for name in updates)])
        )
    connection.execute(statement, rows)
