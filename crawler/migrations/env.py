"""Alembic environment: migrations of the finnews schema (`finnews db upgrade`)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from crawler.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with create_engine(config.get_main_option("sqlalchemy.url") or "").connect() as connection:
        _run(connection)


def _step_applied(ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
    """Tell `crawler.db.upgrade`'s `on_step` (if any) of each migration applied."""
    on_step = config.attributes.get("on_step")
    if on_step is not None:
        on_step(step.up_revision_id)


def _run(connection: object) -> None:
    context.configure(
        on_version_apply=_step_applied,
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
