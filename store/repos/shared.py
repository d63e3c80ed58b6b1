"""Small values all instances share (access tokens), refreshed by one instance at a time."""

from __future__ import annotations

import zlib
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import SharedValue


class SharedRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> SharedValue | None:
        return (
            await self.session.scalars(select(SharedValue).where(SharedValue.key == key))
        ).first()

    async def lock(self, key: str) -> None:
        """Hold `key` until this transaction ends, so only one instance refreshes it.

        PostgreSQL: a transaction-scoped advisory lock (the row may not exist yet, so a row lock
        would not do). SQLite: the transaction began IMMEDIATE and already excludes writers.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            lock_id = zlib.crc32(key.encode()) - 2**31  # fits a signed 32-bit int
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:ns, :id)"), {"ns": 0x77C, "id": lock_id}
            )

    async def put(self, key: str, value: str, expires_at: datetime | None) -> None:
        row = await self.get(key)
        if row is None:
            self.session.add(SharedValue(key=key, value=value, expires_at=expires_at))
        else:
            row.value, row.expires_at = value, expires_at
        await self.session.flush()
