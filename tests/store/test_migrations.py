"""Migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from store.db import make_engine
from store.migrate import SchemaStatus, downgrade, schema_status, upgrade
from store.models import Base
from store.repos.customer_search import SEARCH_OBJECT_PREFIXES
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]


def _described(name: str | None, type_: str, _parent: object) -> bool:
    """Migration 0008_search's dialect-specific search objects are not in the models."""
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


async def _another_host(engine: AsyncEngine) -> AsyncEngine:
    """An engine of its own on the same database (and the test's schema), as a host has."""
    if engine.dialect.name != "postgresql":
        return make_engine(engine.url.render_as_string(hide_password=False))
    async with engine.connect() as conn:
        schema = await conn.scalar(text("SELECT current_schema()"))
    return make_engine(PG_URL, connect_args={"server_settings": {"search_path": str(schema)}})


async def test_hosts_starting_together_migrate_one_at_a_time(engine: AsyncEngine) -> None:
    await downgrade(engine, "base")
    others = [await _another_host(engine) for _ in range(3)]
    try:
        await asyncio.gather(upgrade(engine), *(upgrade(e) for e in others))
    finally:
        for other in others:
            await other.dispose()
    assert (await schema_status(engine)).ok


async def test_a_schema_behind_or_ahead_is_explained_in_one_line(engine: AsyncEngine) -> None:
    await downgrade(engine, "0004")
    behind = await schema_status(engine)
    assert not behind.ok and behind.current == ("0004",)
    assert "behind" in behind.explain() and "main.py migrate" in behind.explain()
    ahead = SchemaStatus(("0009_future",), behind.head)
    assert "newer version" in ahead.explain() and "\n" not in ahead.explain()


def test_serve_on_a_schema_behind_refuses_to_start(tmp_path: Path) -> None:
    """The command an operator runs: one line on stderr, exit code 2, nothing served."""
    db = tmp_path / "behind.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCRM_")}
    env["CHATCRM_DATABASE_URL"] = f"sqlite+aiosqlite:///{db}"
    main = [sys.executable, "main.py"]
    subprocess.run([*main, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    engine = make_engine(env["CHATCRM_DATABASE_URL"])
    asyncio.run(_downgrade_and_dispose(engine, "0004"))
    env |= {"CHATCRM_MIGRATE_ON_START": "false", "CHATCRM_TELEGRAM_TOKEN": "1:x"}
    done = subprocess.run([*main, "serve"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "schema is behind: it is at 0004" in done.stderr


async def _downgrade_and_dispose(engine: AsyncEngine, revision: str) -> None:
    await downgrade(engine, revision)
    await engine.dispose()
