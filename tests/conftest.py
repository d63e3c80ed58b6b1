"""Shared fixtures: real SQLite files and a real PostgreSQL schema per test run."""

from __future__ import annotations

import os
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


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database on each backend."""
    schema = None
    if request.param == "sqlite":
        eng = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    else:
        eng, schema = await new_pg_engine()
    await upgrade(eng)
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
    eng = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    await upgrade(eng)
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
