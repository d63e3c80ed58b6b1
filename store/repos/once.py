"""Insert a row unless its unique key is already taken: the heart of every "only once".

One `INSERT … ON CONFLICT DO NOTHING` statement, on SQLite and PostgreSQL alike. It used to be a
savepoint around an ORM insert, three round trips where one does; every inbound message and
every queued reply goes through here, so the difference is felt on the hot path.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Base

Insert = Any  # the two dialects' Insert classes share their API but not a public base


async def insert_once(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert one row; False (and nothing added) when one of its unique keys already holds."""
    stmt = _insert_once(is_postgres(session), model.__table__)
    result = await session.execute(stmt, values)
    return bool(getattr(result, "rowcount", 0))


async def insert_many_once(
    session: AsyncSession, model: type[Base], rows: Sequence[dict[str, Any]]
) -> int:
    """Insert rows in one statement, skipping those whose unique key holds; returns how many
    were really added."""
    if not rows:
        return 0
    stmt = _insert_once_returning(is_postgres(session), model.__table__)
    return len((await session.execute(stmt, list(rows))).all())


async def upsert(
    session: AsyncSession,
    model: type[Base],
    values: dict[str, Any] | Sequence[dict[str, Any]],
    key: tuple[str, ...],
    changes: tuple[str, ...],
    only_if: ColumnElement[bool] | None = None,
) -> None:
    """Insert rows, or update `changes` of a row that already holds the unique `key` (and, with
    `only_if`, only when the existing row satisfies it). Rows must not repeat a key."""
    table, postgres = cast(Table, model.__table__), is_postgres(session)
    if only_if is None:
        stmt = _upsert(postgres, table, key, changes)
    else:  # rare enough not to cache (and a clause has no stable identity to cache by)
        stmt = _build_upsert(postgres, table, key, changes, only_if)
    await session.execute(stmt, values if isinstance(values, dict) else list(values))


# Built once per table and reused: a statement built per call costs as much CPU as the round
# trip itself (SQLAlchemy derives its cache key each time). Column defaults still apply.


@functools.cache
def _insert_once(postgres: bool, table: Table) -> Insert:
    return (pg_insert if postgres else sqlite_insert)(table).on_conflict_do_nothing()


@functools.cache
def _insert_once_returning(postgres: bool, table: Table) -> Insert:
    return _insert_once(postgres, table).returning(*table.primary_key)


def _build_upsert(
    postgres: bool,
    table: Table,
    key: tuple[str, ...],
    changes: tuple[str, ...],
    where: ColumnElement[bool] | None = None,
) -> Insert:
    stmt = (pg_insert if postgres else sqlite_insert)(table)
    set_ = {name: stmt.excluded[name] for name in changes}
    return stmt.on_conflict_do_update(index_elements=list(key), set_=set_, where=where)


_upsert = functools.cache(_build_upsert)


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"
