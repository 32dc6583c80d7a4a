"""The database: its URL, engines, the schema (migrations and the lock that serialises them), and the
dialect-specific statements the writer and the reprint index share (reads live in `crawler.queries`)."""

from __future__ import annotations

import atexit
import functools
import importlib.resources
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from crawler.models import Base

logger = logging.getLogger(__name__)

#: Where finnews stores articles unless told otherwise (`FINNEWS_DB_URL`, `--db`).
DEFAULT_DB_URL = "sqlite:///data/finnews.db"

# Arbitrary constants naming finnews's locks on PostgreSQL (pg_advisory_xact_lock, per database): the
# writers' lock (`crawler.batchwrite`) and, one above it, the schema's. MySQL's: `mysql_lock_name`.
WRITER_LOCK = 0x66696E6E  # "finn"
_SCHEMA_LOCK = WRITER_LOCK + 1


def database_url(url: str | None = None) -> str:
    """The URL to use: an explicit one, else `FINNEWS_DB_URL`, else the SQLite default."""
    return url or os.environ.get("FINNEWS_DB_URL") or DEFAULT_DB_URL


class SchemaError(RuntimeError):
    """The database's schema is not the one this version of finnews uses."""


class LockTimeout(RuntimeError):
    """A finnews lock (MySQL `GET_LOCK`) was not granted within its timeout: another process holds it."""


#: Seconds a SQLite connection waits for another connection's write lock before "database is locked".
SQLITE_BUSY_SECONDS = 30.0
#: Seconds a schema migration waits for another process's migration of the same database.
SCHEMA_LOCK_SECONDS = 300
#: Prepared statements each SQLite connection keeps for reuse (the sqlite3 module's `cached_statements`; its
#: default: 128): none. finnews' statements are batched, and a batch's lookups are IN lists whose every length is
#: a statement of its own, ~150 bytes a parameter (a 500-article batch's band keys: 12,500 parameters, 1.8 MB),
#: rarely run again. Kept, they filled SQLite's heap to 40 MB as a long crawl's batches grew (README, Measured);
#: preparing a statement again costs ~10 microseconds, beside a batch's milliseconds.
SQLITE_CACHED_STATEMENTS = 0


def make_engine(
    url: str | None = None, *, create: bool = True, check: bool = True, busy_seconds: float = SQLITE_BUSY_SECONDS
) -> Engine:
    """An engine for `url`.

    `create`: a new database gets the schema (through the migrations), a SQLite file its directory;
    without it, a missing SQLite file raises FileNotFoundError. `check`: an existing database whose
    schema is not this version's raises `SchemaError` (run `finnews db upgrade`). SQLite connections
    get WAL, a busy timeout of `busy_seconds`, foreign keys and no statement cache (`SQLITE_CACHED_STATEMENTS`).
    A URL that cannot be parsed raises `ArgumentError`.
    """
    try:
        sa_url = make_url(database_url(url))
    except ValueError as exc:  # "postgresql://u@host:notaport/db": the port's int() fails inside SQLAlchemy
        raise ArgumentError(str(exc)) from exc
    if sa_url.get_backend_name() == "sqlite":
        path = sa_url.database
        if path and path != ":memory:" and not sa_url.query.get("uri"):  # a URI filename (`file:...?mode=ro`)
            if create:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            elif not Path(path).exists():
                raise FileNotFoundError(f"no database at {path}")
        engine = create_engine(
            sa_url, connect_args={"timeout": busy_seconds, "cached_statements": SQLITE_CACHED_STATEMENTS}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    elif sa_url.get_backend_name() == "postgresql":
        # Server-side date arithmetic (articles per day) in Beijing time, like the stored values.
        engine = create_engine(sa_url, pool_pre_ping=True, connect_args={"options": "-c timezone=Asia/Shanghai"})
    else:
        engine = create_engine(sa_url, pool_pre_ping=True)
    if create or check:
        revision = schema_revision(engine)
        if create and revision not in (None, head_revision()):  # another process may be migrating it now
            revision = _revision_after_migrations(engine)
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
    config.set_main_option("script_location", migrations_folder())
    return config


@functools.cache
def migrations_folder() -> str:
    """A real folder holding the migrations (Alembic reads a folder): the package's own when it is
    installed as files, else (a zipped egg, as scrapyd runs it) a temporary copy made once per process
    and removed at exit (`importlib.resources.as_file` cannot unpack a folder out of a zip on Python 3.11)."""
    package = importlib.resources.files("crawler") / "migrations"
    if isinstance(package, Path) and package.is_dir():
        return str(package)
    folder = Path(tempfile.mkdtemp(prefix="finnews-migrations-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _copy_tree(package, folder)
    logger.info("migrations of a zipped package copied to %s", folder)
    return str(folder)


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(exist_ok=True)
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy_tree(entry, target / entry.name)
        elif not entry.name.endswith(".pyc"):
            (target / entry.name).write_bytes(entry.read_bytes())


@functools.cache  # the package's migrations are read once a process (a crawl's engines each ask)
def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for a database without the finnews schema."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _revision_after_migrations(engine: Engine) -> str | None:
    """The schema revision once no other process is migrating the database: read under the schema lock
    (MySQL's DDL commits statement by statement, so a migration in progress shows its intermediate revisions)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        try:
            with connection.begin():
                _lock_schema(connection, SCHEMA_LOCK_SECONDS)
                return MigrationContext.configure(connection).get_current_revision()
        finally:
            _release_named_lock(connection, "schema")


def pending_migrations(engine: Engine, revision: str = "head") -> int:
    """How many migrations `upgrade(engine, revision)` would apply."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return sum(1 for _ in script.iterate_revisions(revision, schema_revision(engine) or "base"))


def upgrade(
    engine: Engine,
    revision: str = "head",
    lock_seconds: float = SCHEMA_LOCK_SECONDS,
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Apply the schema migrations up to `revision` (the first one creates the schema), calling
    `on_step(revision)` after each one.

    Raises `LockTimeout` if another process's migration holds the schema lock for `lock_seconds` (MySQL).
    """
    from alembic import command

    config = _alembic_config()
    with engine.connect() as connection:
        try:
            with connection.begin():  # committed before the lock is released: the next holder sees the new revision
                _lock_schema(connection, lock_seconds)  # crawls starting at once on a new database: one creates it
                config.attributes["connection"] = connection
                config.attributes["on_step"] = on_step
                command.upgrade(config, revision)
        finally:
            _release_named_lock(connection, "schema")


def _lock_schema(connection: Connection, seconds: float) -> None:
    """Serialise schema migrations of one database across processes, until the transaction ends."""
    name = connection.dialect.name
    if name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, and the DDL inside this transaction
    elif name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
    elif name in ("mysql", "mariadb"):
        _get_named_lock(connection, "schema", seconds)


def lock_writers(connection: Connection, seconds: float) -> None:
    """Take the lock that serialises finnews writers (of any process) until the transaction ends
    (`unlock_writers` releases MySQL's, which outlives transactions). Raises `LockTimeout` (MySQL) or
    the driver's "locked" error (SQLite's busy timeout) when another writer holds it that long."""
    name = connection.dialect.name
    if name == "sqlite":
        connection.exec_driver_sql("UPDATE sites SET name = name WHERE 0")  # takes SQLite's write lock now
    elif name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
    elif name in ("mysql", "mariadb"):
        _get_named_lock(connection, "writers", seconds)


def unlock_writers(connection: Connection) -> None:
    """Release the writers' lock where it outlives the transaction (MySQL); a no-op where it is not held."""
    _release_named_lock(connection, "writers")


def mysql_lock_name(connection: Connection, kind: str) -> str:
    """The name of finnews's MySQL lock `kind` ("schema", "writers") on the connection's database: named
    locks are server-wide, and writers of two databases on one server must not wait for each other."""
    query = "SELECT CONCAT('finnews-', %s, ':', LEFT(DATABASE(), 40))"
    return str(connection.exec_driver_sql(query, (kind,)).scalar_one())


def _get_named_lock(connection: Connection, kind: str, seconds: float) -> None:
    """MySQL's GET_LOCK, checked: 1 is granted; 0 (timeout) or NULL (an error) raise `LockTimeout`."""
    name = mysql_lock_name(connection, kind)
    granted = connection.exec_driver_sql("SELECT GET_LOCK(%s, %s)", (name, max(0, int(seconds)))).scalar()
    if granted != 1:
        raise LockTimeout(f"lock {name!r} not granted within {int(seconds)} s: another finnews process holds it")


def _release_named_lock(connection: Connection, kind: str) -> None:
    """Release every hold of this session on MySQL lock `kind` (GET_LOCK nests: one release per grant)."""
    if connection.dialect.name in ("mysql", "mariadb"):
        name = mysql_lock_name(connection, kind)
        while connection.exec_driver_sql("SELECT RELEASE_LOCK(%s)", (name,)).scalar() == 1:
            pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()  # the busy timeout: sqlite3.connect(timeout=busy_seconds)
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# --- failures ------------------------------------------------------------------------------------

#: SQLSTATEs of PostgreSQL errors that a retry of the transaction may not meet again: serialization
#: failure, deadlock, lock not available, connection failures (class 08), admin/crash shutdown.
_PG_TRANSIENT = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03"}
#: MySQL/MariaDB error numbers of the same kind: lock wait timeout, deadlock, too many connections,
#: can't connect, server has gone away, lost connection, query interrupted (a KILL QUERY or shutdown).
_MYSQL_TRANSIENT = {1205, 1213, 1040, 2002, 2003, 2006, 2013, 1317}
#: SQLite result codes: SQLITE_BUSY (another connection's write lock, after the busy timeout), SQLITE_LOCKED.
_SQLITE_TRANSIENT = {"SQLITE_BUSY", "SQLITE_LOCKED"}


def is_transient(error: BaseException) -> bool:
    """Whether a failed transaction may succeed if tried again: a lock held by another process, a
    serialization failure or deadlock, a dropped connection. Anything else (a read-only file, a full
    disk, a constraint, a bug) is not.

    >>> is_transient(LockTimeout("held"))
    True
    >>> is_transient(ValueError("bad value"))
    False
    """
    if isinstance(error, LockTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if any(getattr(original, "sqlite_errorname", "").startswith(code) for code in _SQLITE_TRANSIENT):
        return True
    sqlstate = getattr(original, "sqlstate", None) or ""
    if sqlstate in _PG_TRANSIENT or sqlstate.startswith("08"):
        return True
    code = next(iter(getattr(original, "args", ())), None)  # pymysql: (errno, message)
    return isinstance(code, int) and code in _MYSQL_TRANSIENT


_Result = TypeVar("_Result")


def retrying(call: Callable[[], _Result], seconds: float, doing: str) -> _Result:
    """`call()`, tried again after transient failures (`is_transient`) until `seconds` have passed since the first
    try, waiting `backoff` between tries, each retry a WARNING line ("`doing` failed (...): try N again in S s");
    raises the last error, or at once one that is not transient."""
    deadline = time.monotonic() + seconds
    attempt = 0
    while True:
        try:
            return call()
        except Exception as exc:
            attempt += 1
            wait = backoff(attempt)
            if not is_transient(exc) or time.monotonic() + wait > deadline:
                raise
            logger.warning("%s failed (%s): try %d again in %.2f s", doing, describe(exc), attempt, wait)
            time.sleep(wait)


def backoff(attempt: int, cap: float = 8.0) -> float:
    """Seconds to wait before retry `attempt` (1, 2, ...): doubling from a quarter second, at most `cap`.

    >>> [backoff(n) for n in (1, 2, 3, 6, 7)]
    [0.25, 0.5, 1.0, 8.0, 8.0]
    """
    return min(cap, 0.25 * 2 ** (attempt - 1))


def describe(error: BaseException) -> str:
    """An error as one line: the driver's message, without SQLAlchemy's SQL and background link.

    >>> describe(ValueError("bad\\nvalue"))
    'ValueError: bad'
    """
    original = getattr(error, "orig", None) or error
    return f"{type(original).__name__}: {str(original).splitlines()[0] if str(original) else ''}"


# --- dialect-specific writes ---------------------------------------------------------------------


def _dialect_insert(name: str, model: type[Base]) -> Any:
    table = model.__table__  # the dialects' insert() accept any table; mypy knows it only as a FromClause
    if name == "sqlite":
        return sqlite.insert(table)  # type: ignore[arg-type]
    if name == "postgresql":
        return postgresql.insert(table)  # type: ignore[arg-type]
    if name in ("mysql", "mariadb"):
        return mysql.insert(table)  # type: ignore[arg-type]
    raise NotImplementedError(f"finnews does not support {name} databases (SQLite, PostgreSQL, MySQL/MariaDB)")


def insert_ignore(connection: Connection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """INSERT, skipping rows that break a unique constraint (ON CONFLICT DO NOTHING / INSERT IGNORE)."""
    if rows:
        connection.execute(_insert_ignore_statement(connection.dialect.name, model), rows)


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
    Pass the same `first` function each time: the statement is built once per dialect, model, `updates`
    and `first` (a crawl's writer runs it for every batch; building it cost more than a small batch's rows).
    """
    if rows:
        connection.execute(_upsert_statement(connection.dialect.name, model, tuple(updates), first), rows)


@functools.lru_cache(maxsize=64)
def _insert_ignore_statement(dialect: str, model: type[Base]) -> Any:
    statement = _dialect_insert(dialect, model)
    return statement.prefix_with("IGNORE") if dialect in ("mysql", "mariadb") else statement.on_conflict_do_nothing()


@functools.lru_cache(maxsize=64)
def _upsert_statement(
    dialect: str, model: type[Base], updates: tuple[str, ...], first: Callable[[Any], list[tuple[str, Any]]]
) -> Any:
    statement = _dialect_insert(dialect, model)
    if dialect in ("mysql", "mariadb"):
        new = statement.inserted
        return statement.on_duplicate_key_update([*first(new), *((name, new[name]) for name in updates)])
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["url"], set_=dict([*first(new), *((name, new[name]) for name in updates)])
    )
