"""Engine and session factory; built by the composition root, never at import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from store import sqlite_driver
from store.sqlite_driver import LoopConnection

SessionFactory = async_sessionmaker[AsyncSession]


def make_engine(
    url: str,
    *,
    sqlite_synchronous: str = "normal",
    sqlite_busy_timeout: float = 15.0,
    pool_size: int = 20,
    **kwargs: Any,
) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and write-locking transactions.

    `sqlite_synchronous` is SQLite's own setting: "normal" (the default with WAL, as Rails and
    litestream use it) survives a crash of the program, "full" also a power cut.
    `sqlite_busy_timeout` is how many seconds a statement waits, without blocking the event
    loop, for another connection's write lock.
    `pool_size` (PostgreSQL) is how many connections stay open. As many again may be opened
    for a burst; those are closed when returned, so a pool smaller than the usual number of
    transactions at once opens a connection per transaction (a new server process each).
    SQLite needs few: its units of work take turns.
    """
    if url.startswith("sqlite"):
        database = make_url(url).database or ":memory:"

        async def connect() -> LoopConnection:  # aiosqlite, statements run on the loop
            return await sqlite_driver.connect(database, busy_timeout=sqlite_busy_timeout).opened()

        engine = create_async_engine(url, async_creator=connect, **kwargs)
        _tune_sqlite(engine, sqlite_synchronous)
        return engine
    return create_async_engine(
        url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size, **kwargs
    )


def make_sessions(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


def _tune_sqlite(engine: AsyncEngine, synchronous: str) -> None:
    if synchronous not in ("normal", "full"):
        raise ValueError(f"sqlite synchronous must be normal or full, not {synchronous!r}")

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so "begin" below decides the kind.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.close()

    # IMMEDIATE takes the write lock up front: no upgrade deadlock between two writers.
    # SQLAlchemy's recipe emits it from a "begin" event listener, but any connection event
    # listener makes the engine dispatch events around every statement (a measurable share
    # of a visit's CPU). The dialect's own begin hook, on this engine's dialect only, does not.
    engine.sync_engine.dialect.do_begin = _begin_immediate  # type: ignore[method-assign]


def _begin_immediate(dbapi_connection: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    finally:
        cursor.close()
