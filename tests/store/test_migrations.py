"""Migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from store.migrate import downgrade, upgrade
from store.models import Base
from store.repos.customer_search import SEARCH_OBJECT_PREFIXES


def _described(name: str | None, type_: str, _parent: object) -> bool:
    """Migration 0006_search's dialect-specific search objects are not in the models."""
    return not (name or "").startswith(SEARCH_OBJECT_PREFIXES)


def _diff(conn: Connection) -> list[object]:
    opts = {"compare_type": True, "include_name": _described}
    context = MigrationContext.configure(conn, opts=opts)
    return list(compare_metadata(context, Base.metadata))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


async def test_migrated_schema_matches_models(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_downgrade_to_base_and_back(engine: AsyncEngine) -> None:
    await downgrade(engine, "base")
    async with engine.connect() as conn:
        assert await conn.run_sync(_tables) <= {"alembic_version"}
    await upgrade(engine)
    async with engine.connect() as conn:
        assert {"customer", "deal", "outbox", "audit_log"} <= await conn.run_sync(_tables)
