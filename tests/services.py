"""The machine's database and Redis services for tests: their URLs, or a skip with the reason.

Each test process gets databases of its own (`finnews_test_<pid>`, dropped at exit), so two test runs
on one machine never drop each other's tables. On a user's machine without a service its tests skip
and say why; CI sets FINNEWS_REQUIRE_SERVICES=1, which turns that skip into a failure.
"""

from __future__ import annotations

import atexit
import os
import socket
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from crawler import db
from crawler.models import Base

SERVICES = {
    "postgresql": ("127.0.0.1", 5432, "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mysql": ("127.0.0.1", 3306, "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"),
    "redis": ("127.0.0.1", 6379, "redis://127.0.0.1:6379/0"),
}


def service_url(name: str) -> str:
    """The URL of service `name` (env `FINNEWS_TEST_<NAME>_URL` overrides the server); for a database,
    one of this test process's own. Skips if the service is not listening."""
    host, port, default = SERVICES[name]
    url = os.environ.get(f"FINNEWS_TEST_{name.upper()}_URL", default)
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError as exc:
        reason = f"{name} is not reachable at {host}:{port} ({exc})"
        if os.environ.get("FINNEWS_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}, and FINNEWS_REQUIRE_SERVICES=1 forbids skipping")
        pytest.skip(reason)
    return _own_database(url) if name in ("postgresql", "mysql") else url


@cache
def _own_database(server_url: str) -> str:
    """A fresh database on the server of `server_url`, dropped when the test process ends."""
    name = f"finnews_test_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")

    def drop() -> None:
        with admin.connect() as connection:
            if admin.dialect.name == "postgresql":  # close what the tests left open
                connection.exec_driver_sql(
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                )
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()

    atexit.register(drop)
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_schema(url: str) -> None:
    """Empty a server database of the finnews schema (views, tables and the migration stamp)."""
    engine = db.make_engine(url, create=False, check=False)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP VIEW IF EXISTS story_copies")
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()


def database_at(revision: str, backend: str, tmp_path: Path) -> Engine:
    """A database of an earlier finnews, as a test of a migration starts from: an empty SQLite file in
    `tmp_path` (backend "sqlite") or this process's database on the machine's server, emptied, then
    brought to schema `revision`."""
    if backend == "sqlite":
        (tmp_path / "old.db").touch()
        url = f"sqlite:///{tmp_path}/old.db"
    else:
        url = service_url(backend)
        drop_schema(url)
    engine = db.make_engine(url, create=False, check=False)
    db.upgrade(engine, revision)
    return engine
