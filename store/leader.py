"""One active sender per bot account across every host: a PostgreSQL advisory lock.

Each process pacing itself would let N hosts send N x 30 msg/s to one bot, and several
claimers split one chat's messages between them, out of order. So one process sends for a
bot; the others wait to take over. The lock lives on a connection of its own: PostgreSQL
drops it when that connection ends, at once when the process is killed, and within the
keepalive time set below (about 6 s) when its host vanishes. The holder checks its connection
every second or two and stops sending when the check fails or hangs: by then the server may
have handed the lock to another host. Marks are fenced too (store/repos/outbox.py: a row's
lease names its holder), so a late holder's writes cannot undo the new one's.

The lock key includes the schema, so test runs in schemas of one database do not meet.
SQLite serves one host (its one writer is per machine): every process there leads.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
# Server-side keepalives on the lock's connection: a vanished host's lock is freed after
# idle + interval x count seconds instead of the operating system's two hours.
KEEPALIVES = {"tcp_keepalives_idle": 2, "tcp_keepalives_interval": 1, "tcp_keepalives_count": 3}


class Leader(Protocol):
    """Who may send for one bot; `exclusive` when nobody else can while this one holds it."""

    exclusive: bool

    async def acquire(self) -> bool: ...

    async def holding(self) -> bool: ...

    async def release(self) -> None: ...


class Everyone:
    """SQLite, or a test's lone sender: always leading, never exclusive."""

    exclusive = False

    async def acquire(self) -> bool:
        return True

    async def holding(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class AdvisoryLeader:
    """`pg_try_advisory_lock` on a connection kept for as long as this process leads."""

    exclusive = True

    def __init__(self, engine: AsyncEngine, name: str, check_timeout: float = 2.0) -> None:
        self.engine, self.name, self.check_timeout = engine, name, check_timeout
        self._conn: AsyncConnection | None = None
        self._held = False

    async def acquire(self) -> bool:
        """Try once; True when this process now leads."""
        try:
            conn = await self._connection()
            key = await _key(conn, self.name)
            got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))
            if got:  # named for whoever looks at pg_stat_activity; failing here is failing
                tag = f"chatcrm-sender:{os.getpid()}:{self.name}"[:63]
                named = text("SELECT set_config('application_name', :t, false)")
                await conn.execute(named, {"t": tag})
        except Exception as exc:  # the database away: not leading, try again later
            log.warning("leadership %s: %s", self.name, exc)
            await self._drop()  # closing the connection frees a lock just taken
            return False
        self._held = got
        return got

    async def holding(self) -> bool:
        """The lock's connection answers in time; otherwise step down (it may be gone)."""
        if not self._held or self._conn is None:
            return False
        try:
            async with asyncio.timeout(self.check_timeout):
                await self._conn.execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("leadership %s lost: %r", self.name, exc)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        """Closing the connection frees the lock; the next host takes over at its next try."""
        await self._drop()

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            conn = await self.engine.connect()
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for name, value in KEEPALIVES.items():
                await self._conn.execute(text(f"SET {name} = {int(value)}"))
        return self._conn

    async def _drop(self) -> None:
        conn, self._conn, self._held = self._conn, None, False
        if conn is None:
            return
        try:
            async with asyncio.timeout(self.check_timeout):
                await conn.invalidate()  # never back into the pool still holding the lock
                await conn.close()
        except Exception as exc:  # a dead connection: nothing more to free
            log.debug("closing the leadership connection: %r", exc)


async def _key(conn: AsyncConnection, name: str) -> int:
    schema = await conn.scalar(text("SELECT current_schema()"))
    digest = hashlib.blake2b(f"{schema}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def leader_for(engine: AsyncEngine, name: str) -> Leader:
    if engine.dialect.name == "postgresql":
        return AdvisoryLeader(engine, name)
    return Everyone()
