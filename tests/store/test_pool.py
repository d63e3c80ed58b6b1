"""PostgreSQL connections are kept for reuse: a connection per transaction is the costly kind."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, text

from bot.bootstrap import build_app
from bot.settings import Settings
from store.db import make_engine
from tests.conftest import PG_URL, require_pg

AT_ONCE = 12


async def test_bursts_of_transactions_reuse_the_pools_connections() -> None:
    await require_pg()
    engine = make_engine(PG_URL, pool_size=AT_ONCE)
    opened = 0

    @event.listens_for(engine.sync_engine, "connect")
    def _count(*_: object) -> None:
        nonlocal opened
        opened += 1

    async def transaction(together: asyncio.Barrier) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT 1"))
            await together.wait()  # all AT_ONCE hold a connection at the same time

    try:
        for _ in range(3):
            together = asyncio.Barrier(AT_ONCE)
            await asyncio.gather(*(transaction(together) for _ in range(AT_ONCE)))
    finally:
        await engine.dispose()
    # SQLAlchemy's default pool keeps 5: each burst would open and close 7 more
    assert opened == AT_ONCE


async def test_the_pool_size_comes_from_the_settings() -> None:
    app = await build_app(Settings(database_url=PG_URL, db_pool_size=7), migrate=False)
    try:
        assert app.engine.pool.size() == 7  # type: ignore[attr-defined]
    finally:
        await app.close()
