"""The SQLite driver: aiosqlite's behaviour at results of every size, on the event loop."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.db import make_engine
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


async def test_statements_run_on_the_event_loop_thread(sqlite_engine: AsyncEngine) -> None:
    ran_on: list[int] = []

    def probe() -> int:
        ran_on.append(threading.get_ident())
        return 1

    async with sqlite_engine.connect() as conn:
        raw = await conn.get_raw_connection()
        await raw.driver_connection.create_function("probe", 0, probe)  # type: ignore[union-attr]
        assert (await conn.execute(text("SELECT probe()"))).scalar() == 1
    assert ran_on == [threading.get_ident()]


async def test_a_busy_database_is_waited_for_without_blocking_the_loop(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'busy.db'}"
    holder, waiter = make_engine(url), make_engine(url)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        async with holder.connect() as held:
            await held.execute(text("CREATE TABLE t (n INTEGER)"))
            await held.commit()
            await held.execute(text("INSERT INTO t VALUES (1)"))  # the write lock, kept

            async def write() -> int:
                async with waiter.begin() as conn:
                    await conn.execute(text("INSERT INTO t VALUES (2)"))
                    return int((await conn.execute(text("SELECT count(*) FROM t"))).scalar_one())

            waiting = asyncio.create_task(write())
            await asyncio.sleep(0)  # the writer starts and meets the lock
            seen = ticks
            while ticks < seen + 10:  # the loop goes on while the writer waits …
                await asyncio.wait({waiting}, timeout=0.01)
                assert not waiting.done()  # … and the writer does not get in
            await held.commit()
        assert await asyncio.wait_for(waiting, 5) == 2
    finally:
        ticker.cancel()
        await holder.dispose()
        await waiter.dispose()


async def test_a_database_busy_for_too_long_is_an_error(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'busy.db'}"
    holder, waiter = make_engine(url), make_engine(url, sqlite_busy_timeout=0.2)
    try:
        async with holder.connect() as held:
            await held.execute(text("CREATE TABLE t (n INTEGER)"))
            await held.commit()
            await held.execute(text("INSERT INTO t VALUES (1)"))
            started = time.monotonic()
            with pytest.raises(OperationalError, match="database is locked"):
                async with waiter.begin() as conn:
                    await conn.execute(text("INSERT INTO t VALUES (2)"))
            assert time.monotonic() - started >= 0.2  # it waited its busy timeout first
            await held.rollback()
        async with waiter.connect() as conn:  # and nothing of it was kept
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 0
    finally:
        await holder.dispose()
        await waiter.dispose()


async def test_every_transaction_takes_the_write_lock_at_begin(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE even for a transaction that has only read so far: two writers never
    both hold a read lock and deadlock upgrading it. (A plain BEGIN would let `other` in.)"""
    url = f"sqlite+aiosqlite:///{tmp_path / 'immediate.db'}"
    engine, other = make_engine(url), make_engine(url, sqlite_busy_timeout=0.2)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (n INTEGER)"))
        async with engine.connect() as reading:
            assert (await reading.execute(text("SELECT count(*) FROM t"))).scalar() == 0
            with pytest.raises(OperationalError, match="database is locked"):
                async with other.begin() as conn:
                    await conn.execute(text("SELECT count(*) FROM t"))
            await reading.rollback()
        async with other.begin() as conn:  # free again once the first one ended
            await conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        await engine.dispose()
        await other.dispose()
