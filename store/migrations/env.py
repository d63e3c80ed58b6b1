"""Alembic environment: runs on a connection handed in by store.migrate, or on its own URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from store.db import make_engine
from store.models import Base
from store.repos.customer_search import SEARCH_OBJECT_PREFIXES

config = context.config
target_metadata = Base.metadata


def _described(name: str | None, _type: str, _parent: object) -> bool:
    """Autogenerate leaves 0008_search's FTS table and GIN indexes, which no model describes."""
    return not (name or "").startswith(SEARCH_OBJECT_PREFIXES)


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        include_name=_described,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    engine = make_engine(url)
    async with engine.connect() as conn:
        await conn.run_sync(run_on)
        await conn.commit()
    await engine.dispose()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    asyncio.run(run_with_own_engine(config.get_main_option("sqlalchemy.url") or ""))


main()
