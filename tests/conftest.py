"""Shared fixtures: real SQLite files and a real PostgreSQL schema per test run."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.db import make_engine, make_sessions
from store.migrate import upgrade
from store.uow import UnitOfWorkFactory
from tests.world import Chat, World, build_world, join_all

PG_URL = os.environ.get("CHATCRM_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")
REDIS_URL = os.environ.get("CHATCRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def _pg_available() -> bool:
    try:
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""), timeout=3)
    except (OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


async def require_pg() -> None:
    """Skip without PostgreSQL on a laptop; fail in CI, where its tests must never skip."""
    if not await _pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {PG_URL}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")


async def require_redis() -> None:
    """Redis as PostgreSQL: skipped on a laptop without it, a failure in CI."""
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        await client.ping()
    except (OSError, RedisError):
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI but unreachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    finally:
        await client.aclose()


async def new_pg_engine() -> tuple[AsyncEngine, str]:
    """An engine bound to a fresh schema, so parallel runs and old data never interfere."""
    await require_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()
    engine = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    return engine, schema


async def drop_pg_schema(schema: str) -> None:
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await conn.close()


# Migrating costs a noticeable fraction of a second per test (Alembic walks every revision), so
# each test process migrates once per backend and every test starts from a copy: a file copy on
# SQLite, the template schema's DDL (from pg_dump) replayed into a fresh schema on PostgreSQL.
# Tests of the migrations themselves still call `upgrade` on empty databases.
_TEMPLATES = Path(tempfile.mkdtemp(prefix="chatcrm-templates-"))
atexit.register(shutil.rmtree, _TEMPLATES, True)
_template_lock = asyncio.Lock()
_sqlite_template: Path | None = None
_pg_template_ddl: str | None = None
_PG_TEMPLATE_MARK = "tmpl_schema_9f3c1e"  # unique enough to replace textually in the dump


async def _sqlite_template_file() -> Path:
    global _sqlite_template
    async with _template_lock:
        if _sqlite_template is None:
            path = _TEMPLATES / "migrated.db"
            eng = make_engine(f"sqlite+aiosqlite:///{path}")
            await upgrade(eng)
            await eng.dispose()
            _sqlite_template = path
    return _sqlite_template


async def migrated_sqlite_engine(path: Path) -> AsyncEngine:
    """A SQLite file at `path` with the schema at head."""
    shutil.copyfile(await _sqlite_template_file(), path)
    return make_engine(f"sqlite+aiosqlite:///{path}")


async def _pg_template() -> str:
    """The head schema as SQL, dumped once from a schema migrated by Alembic."""
    global _pg_template_ddl
    async with _template_lock:
        if _pg_template_ddl is None:
            schema = f"{_PG_TEMPLATE_MARK}_{uuid.uuid4().hex[:8]}"
            conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
            await conn.execute(f'CREATE SCHEMA "{schema}"')
            await conn.close()
            eng = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
            await upgrade(eng)
            await eng.dispose()
            dump = await asyncio.to_thread(_pg_dump_schema, schema)
            await drop_pg_schema(schema)
            _pg_template_ddl = dump.replace(schema, _PG_TEMPLATE_MARK)
    return _pg_template_ddl


def _pg_dump_schema(schema: str) -> str:
    url = PG_URL.replace("+asyncpg", "")
    dump = subprocess.run(
        [
            "pg_dump",
            "--dbname",
            url,
            "--schema",
            schema,
            "--no-owner",
            "--no-privileges",
            "--inserts",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # psql meta-commands (`\restrict`, newer pg_dump) mean nothing to a plain connection.
    return "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))


async def migrated_pg_engine() -> tuple[AsyncEngine, str]:
    """An engine on a fresh schema at head (the template replayed)."""
    await require_pg()
    ddl = await _pg_template()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    try:
        await conn.execute(ddl.replace(_PG_TEMPLATE_MARK, schema))
    finally:
        await conn.close()
    engine = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    return engine, schema


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database on each backend."""
    schema = None
    if request.param == "sqlite":
        eng = await migrated_sqlite_engine(tmp_path / "test.db")
    else:
        eng, schema = await migrated_pg_engine()
    yield eng
    await eng.dispose()
    if schema:
        await drop_pg_schema(schema)


@pytest.fixture
def uows(engine: AsyncEngine) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(make_sessions(engine))


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite file, for tests that only need one backend."""
    eng = await migrated_sqlite_engine(tmp_path / "one.db")
    yield eng
    await eng.dispose()


@pytest.fixture
async def world(uows: UnitOfWorkFactory) -> World:
    return await build_world(uows)


@pytest.fixture
async def people(world: World) -> dict[str, Chat]:
    """Everyone joined, Chinese speakers."""
    return await join_all(world)


@pytest.fixture
async def people_en(world: World) -> dict[str, Chat]:
    """Everyone joined, English speakers."""
    return await join_all(world, "en")
