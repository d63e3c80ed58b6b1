"""Insert a row unless its unique key is already taken: the heart of every "only once".

One `INSERT … ON CONFLICT DO NOTHING` statement, on SQLite and PostgreSQL alike. It used to be a
savepoint around an ORM insert, three round trips where one does; every inbound message and
every queued reply goes through here, so the difference is felt on the hot path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Base

Insert = Any  # the two dialects' Insert classes share their API but not a public base


def dialect_insert(session: AsyncSession, model: type[Base]) -> Insert:
    """The INSERT of this session's database, with its ON CONFLICT clauses."""
    postgres = session.get_bind().dialect.name == "postgresql"
    return (pg_insert if postgres else sqlite_insert)(model)


async def insert_once(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert one row; False (and nothing added) when one of its unique keys already holds."""
    stmt = dialect_insert(session, model).values(values).on_conflict_do_nothing()
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def upsert(
    session: AsyncSession,
    model: type[Base],
    values: dict[str, Any],
    key: Sequence[str],
    changes: Sequence[str],
) -> None:
    """Insert a row, or update `changes` of the row that already holds the unique `key`."""
    stmt = dialect_insert(session, model).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key), set_={name: stmt.excluded[name] for name in changes}
    )
    await session.execute(stmt)
