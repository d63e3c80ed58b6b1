"""Insert a row unless its unique key is already taken: the heart of every "only once"."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Base


async def insert_once(session: AsyncSession, row: Base) -> bool:
    """Add `row` in a savepoint; False (and nothing added) when a unique key already holds."""
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True
