"""Which failures mean "the database is away for now" (retry later) rather than a bug.

A caller that acknowledges a message must tell the two apart: a message that failed because
the database was restarting has to be tried again (Telegram resends on a non-200, our inbox
worker retries), while a bug would fail the same way every time. The driver says which one it
was, but not through the class SQLAlchemy wraps it in: asyncpg's CannotConnectNowError ("the
database system is starting up") and ConnectionDoesNotExistError reach us as a plain
DBAPIError. So the whole chain of causes is read, by SQLSTATE class and by what the driver
itself calls a lost connection.
"""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import exc as sa

# SQLSTATE classes: 08 connection exception, 57 operator intervention (admin shutdown, crash
# shutdown, cannot connect now, statement cancelled), 53 insufficient resources (too many
# connections, disk full), 58 system error; and the two a retry is the documented answer to.
_RETRY_CLASSES = ("08", "57", "53", "58")
_RETRY_STATES = ("40001", "40P01")  # serialization failure, deadlock detected


def is_unavailable(error: BaseException) -> bool:
    """True when `error`, or anything that caused it, says the database could not be used
    just now: nothing was committed, and the same work may well succeed in a moment."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if _says_unavailable(e):
            return True
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return False


def _says_unavailable(e: BaseException) -> bool:
    if isinstance(e, sa.DBAPIError) and e.connection_invalidated:
        return True
    if isinstance(e, sa.OperationalError | sa.InterfaceError | sa.TimeoutError):
        return True  # lost connections, locked SQLite files, an exhausted pool
    if isinstance(e, OSError | TimeoutError | asyncio.TimeoutError | asyncpg.InterfaceError):
        return True  # refused, reset, timed out; asyncpg: "connection is closed"
    state = getattr(e, "sqlstate", None) or getattr(e, "pgcode", None)
    return isinstance(state, str) and (state[:2] in _RETRY_CLASSES or state in _RETRY_STATES)
