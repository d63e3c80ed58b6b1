"""aiosqlite with one trip to its thread per statement instead of four.

SQLAlchemy's aiosqlite adapter opens a cursor, executes, fetches and closes, and aiosqlite
runs each of those on its connection's thread and wakes the event loop after each. SQLite
answers a chat's small queries in microseconds, so those four hand-offs were most of a
statement's time, and on SQLite they are taken while holding the one write lock. This cursor
does all four in one hand-off: it executes, reads the first PREFETCH rows and, when that was
all, closes. Bigger results (streams, a manager's whole book) go on fetching from the open
cursor, PREFETCH rows a trip, so memory stays bounded.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar

import aiosqlite

PREFETCH = 1000
T = TypeVar("T")
Description = tuple[tuple[str, None, None, None, None, None, None], ...] | None


class OneTripCursor:
    """The part of aiosqlite.Cursor that SQLAlchemy's adapter uses, at one trip a statement."""

    arraysize = 1

    def __init__(self, conn: OneTripConnection) -> None:
        self._conn = conn
        self._cursor: sqlite3.Cursor | None = None  # open only while rows are left over
        self._rows: deque[Any] = deque()
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneTripCursor:
        return await self._run(lambda cur: cur.execute(sql, tuple(parameters or ())))

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
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
            rows += await self._conn.on_thread(self._fetch_rest)
        return rows

    async def close(self) -> None:
        self._rows.clear()
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            await self._conn.on_thread(cursor.close)

    async def _run(self, statement: Callable[[sqlite3.Cursor], object]) -> OneTripCursor:
        await self.close()
        ran = await self._conn.on_thread(_execute_and_prefetch, self._conn._conn, statement)
        self._cursor, rows, self.description, self.rowcount, self.lastrowid = ran
        self._rows.extend(rows)
        return self

    async def _refill(self, wanted: int) -> None:
        if len(self._rows) < wanted and self._cursor is not None:
            self._rows.extend(await self._conn.on_thread(self._fetch_more))

    def _fetch_more(self) -> Sequence[Any]:  # on the connection's thread
        assert self._cursor is not None
        rows = self._cursor.fetchmany(PREFETCH)
        if len(rows) < PREFETCH:
            self._cursor.close()
            self._cursor = None
        return rows

    def _fetch_rest(self) -> Sequence[Any]:  # on the connection's thread
        assert self._cursor is not None
        rows = self._cursor.fetchall()
        self._cursor.close()
        self._cursor = None
        return rows


def _execute_and_prefetch(
    conn: sqlite3.Connection, statement: Callable[[sqlite3.Cursor], object]
) -> tuple[sqlite3.Cursor | None, Sequence[Any], Description, int, int | None]:
    """On the connection's thread: run, read up to PREFETCH rows, close if that was all."""
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


class OneTripConnection(aiosqlite.Connection):
    def cursor(self) -> OneTripCursor:  # type: ignore[override]  # SQLAlchemy enters it itself
        return OneTripCursor(self)

    async def on_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the connection's thread (aiosqlite's own hand-off)."""
        result: T = await self._execute(fn, *args)  # type: ignore[no-untyped-call]
        return result

    async def opened(self) -> OneTripConnection:
        await self
        return self


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """Like aiosqlite.connect; SQLAlchemy passes what it would pass to aiosqlite."""
    kwargs.pop("async_creator_fn", None)
    connection = OneTripConnection(lambda: sqlite3.connect(database, **kwargs), 64)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite: never blocks exit
    return connection
