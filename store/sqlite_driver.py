"""aiosqlite's connection, with every statement run on the event loop instead of its thread.

SQLite answers a chat's small queries in microseconds; the trip to aiosqlite's thread and back
cost more than that, and under load far more: the thread waits for the GIL while the loop
serves other requests, and on SQLite each unit of work holds the process's one write turn
(store/turns.py) all the while. bench/telegram_webhook.py's visit path went from 64 to 106
updates/s when the statements ran on the loop. The thread is kept for what aiosqlite and
SQLAlchemy's adapter do on it: opening the connection and setting its isolation level.

Two things the thread gave are kept another way:
- Waiting for another connection's write lock must not block the loop, and with it the lock's
  holder when that is this process. SQLite's own busy handler is off (timeout 0); a statement
  refused as busy is tried again after an asyncio sleep, until `busy_timeout` seconds are gone.
  SQLite refuses such a statement before doing anything, so trying again is always safe.
- Results are read PREFETCH rows at a time: a big result (a stream, a manager's whole book)
  keeps memory bounded.
The cost: a statement that reads a lot (an export, a year's report) holds the loop while it
runs, instead of only the write turn.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from types import TracebackType
from typing import Any, TypeVar

import aiosqlite

PREFETCH = 1000
FIRST_PAUSE, LONGEST_PAUSE = 0.001, 0.05  # seconds between tries at a busy database
T = TypeVar("T")
Description = tuple[tuple[str, None, None, None, None, None, None], ...] | None


class PrefetchingCursor:
    """The part of aiosqlite.Cursor that SQLAlchemy's adapter uses; executes and prefetches."""

    arraysize = 1

    def __init__(self, conn: LoopConnection) -> None:
        self._conn = conn
        self._cursor: sqlite3.Cursor | None = None  # open only while rows are left over
        self._rows: deque[Any] = deque()
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> PrefetchingCursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def execute(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> PrefetchingCursor:
        return await self._run(lambda cur: cur.execute(sql, tuple(parameters or ())))

    async def executemany(
        self, sql: str, parameters: Iterable[Sequence[Any]]
    ) -> PrefetchingCursor:
        return await self._run(lambda cur: cur.executemany(sql, parameters))

    async def fetchone(self) -> Any:
        await self._refill(1)
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        wanted = size or self.arraysize
        await self._refill(wanted)
        return [self._rows.popleft() for _ in range(min(wanted, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        if self._cursor is not None:
            rows += await self._conn.run(self._fetch_rest)
        return rows

    async def close(self) -> None:
        self._rows.clear()
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            await self._conn.run(cursor.close)

    async def _run(self, statement: Callable[[sqlite3.Cursor], object]) -> PrefetchingCursor:
        await self.close()
        # A statement is still a point where other tasks get their turn, as it was on the
        # thread: a loop of queries (the outbox's, a job's) must not starve the webhook.
        # (Commit, rollback and close don't yield: cleanup in a cancelled task still runs.)
        await asyncio.sleep(0)
        ran = await self._conn.run(_execute_and_prefetch, self._conn._conn, statement)
        self._cursor, rows, self.description, self.rowcount, self.lastrowid = ran
        self._rows.extend(rows)
        return self

    async def _refill(self, wanted: int) -> None:
        if len(self._rows) < wanted and self._cursor is not None:
            self._rows.extend(await self._conn.run(self._fetch_more))

    def _fetch_more(self) -> Sequence[Any]:
        assert self._cursor is not None
        rows = self._cursor.fetchmany(PREFETCH)
        if len(rows) < PREFETCH:
            self._cursor.close()
            self._cursor = None
        return rows

    def _fetch_rest(self) -> Sequence[Any]:
        assert self._cursor is not None
        rows = self._cursor.fetchall()
        self._cursor.close()
        self._cursor = None
        return rows


def _execute_and_prefetch(
    conn: sqlite3.Connection, statement: Callable[[sqlite3.Cursor], object]
) -> tuple[sqlite3.Cursor | None, Sequence[Any], Description, int, int | None]:
    """Run, read up to PREFETCH rows, close the cursor if that was all."""
    cursor = conn.cursor()
    try:
        statement(cursor)
        rows = cursor.fetchmany(PREFETCH) if cursor.description else []
    except BaseException:
        cursor.close()
        raise
    ran = (cursor.description, cursor.rowcount, cursor.lastrowid)
    if len(rows) < PREFETCH:
        cursor.close()
        return None, rows, *ran
    return cursor, rows, *ran


class LoopConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_timeout: float) -> None:
        super().__init__(connector, 64)
        self.busy_timeout = busy_timeout

    def cursor(self) -> PrefetchingCursor:  # type: ignore[override]  # SQLAlchemy enters it itself
        return PrefetchingCursor(self)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on the loop; while the database is busy, again after a pause."""
        give_up, pause = None, FIRST_PAUSE
        while True:
            try:
                return fn(*args)
            except sqlite3.OperationalError as err:
                if err.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                    raise
                now = asyncio.get_running_loop().time()
                give_up = now + self.busy_timeout if give_up is None else give_up
                if now >= give_up:
                    raise
                await asyncio.sleep(min(pause, give_up - now))
                pause = min(pause * 2, LONGEST_PAUSE)

    async def _execute(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """aiosqlite's own calls (commit, rollback, close, functions) run on the loop too."""
        if not self._running or not self._connection:
            raise ValueError("Connection closed")  # as aiosqlite says it
        return await self.run(partial(fn, *args, **kwargs))

    async def opened(self) -> LoopConnection:
        await self
        return self


def connect(database: str, *, busy_timeout: float = 15.0, **kwargs: Any) -> LoopConnection:
    """Like aiosqlite.connect, minus SQLite's blocking busy wait (see the module's note)."""
    kwargs.pop("async_creator_fn", None)
    kwargs.update(timeout=0, check_same_thread=False)  # opened on the thread, used on the loop
    connection = LoopConnection(lambda: sqlite3.connect(database, **kwargs), busy_timeout)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite: never blocks exit
    return connection
