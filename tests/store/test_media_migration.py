"""0002 adds media_file to a live 0001 database without touching its rows, and comes off again."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, column, inspect, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from store.migrate import downgrade, upgrade
from store.types import UTCDateTime

# The table as 0001 made it, so this test doesn't depend on today's models.
ORG = table("org", column("name"), column("settings", JSON()), column("created_at", UTCDateTime()))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


async def test_0002_on_an_existing_database(engine: AsyncEngine) -> None:
    await downgrade(engine, "0001")
    async with engine.begin() as conn:
        assert "media_file" not in await conn.run_sync(_tables)
        at = datetime(2026, 11, 20, 8, tzinfo=UTC)
        await conn.execute(ORG.insert().values(name="老客户", settings={}, created_at=at))
    await upgrade(engine)
    async with engine.connect() as conn:
        assert "media_file" in await conn.run_sync(_tables)
        assert (await conn.execute(text("SELECT name FROM org"))).scalar_one() == "老客户"
    await downgrade(engine, "0001")
    async with engine.connect() as conn:
        tables = await conn.run_sync(_tables)
    assert "media_file" not in tables and "org" in tables
    await upgrade(engine)
