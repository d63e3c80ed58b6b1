"""The one-trip SQLite cursor behaves as aiosqlite's does, at results of every size."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.sqlite_driver import PREFETCH

METADATA = MetaData()
ITEMS = Table(
    "driver_item", METADATA, Column("id", Integer, primary_key=True), Column("n", String)
)
MANY = PREFETCH * 2 + 500  # results that need several trips


async def _filled(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
        await conn.execute(insert(ITEMS), [{"n": f"n{i}"} for i in range(MANY)])


async def test_small_and_large_results_and_row_counts(sqlite_engine: AsyncEngine) -> None:
    await _filled(sqlite_engine)
    async with sqlite_engine.begin() as conn:
        assert (await conn.execute(select(func.count()).select_from(ITEMS))).scalar() == MANY
        rows = (await conn.execute(select(ITEMS.c.n).order_by(ITEMS.c.id))).all()
        assert [r.n for r in rows] == [f"n{i}" for i in range(MANY)]
        first = (await conn.execute(select(ITEMS.c.id).order_by(ITEMS.c.id))).first()
        assert first is not None and first.id == 1
        changed = await conn.execute(update(ITEMS).where(ITEMS.c.id <= 7).values(n="x"))
        assert changed.rowcount == 7
        added = await conn.execute(insert(ITEMS).values(n="last"))
        assert added.inserted_primary_key == (MANY + 1,)


async def test_a_stream_comes_in_bounded_parts(sqlite_engine: AsyncEngine) -> None:
    await _filled(sqlite_engine)
    async with sqlite_engine.connect() as conn:
        stmt = select(ITEMS.c.id).order_by(ITEMS.c.id).execution_options(yield_per=300)
        result = await conn.stream(stmt)
        parts = [len(part) async for part in result.partitions()]
    assert sum(parts) == MANY and max(parts) == 300


async def test_a_failed_statement_leaves_the_connection_usable(
    sqlite_engine: AsyncEngine,
) -> None:
    async with sqlite_engine.connect() as conn:
        with pytest.raises(OperationalError, match="no such table"):
            await conn.execute(text("SELECT * FROM no_such_table"))
        await conn.rollback()
        assert (await conn.execute(text("SELECT 41 + 1"))).scalar() == 42
