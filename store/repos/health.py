"""What /readyz and /metrics ask the database: is it there, is its schema this version's,
how much is waiting in the outbox."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import func, literal, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from store.migrate import alembic_config
from store.models import OutboxEntry

WAITING = ("pending", "sending")  # not yet delivered (or given up)


@cache
def code_heads() -> frozenset[str]:
    """The migration heads this code expects (read once; files don't change under a process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


class HealthRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ping(self) -> None:
        """Raises when the database does not answer."""
        await self.session.scalar(select(literal(1)))

    async def schema_current(self) -> bool:
        """True when the database stands at this code's migration head(s)."""
        try:
            rows = await self.session.scalars(text("SELECT version_num FROM alembic_version"))
        except SQLAlchemyError:  # no version table: never migrated
            return False
        return frozenset(rows) == code_heads()

    async def outbox_backlog(self) -> tuple[int, datetime | None]:
        """Undelivered outbox rows, and when the oldest of them was queued."""
        query = select(func.count(), func.min(OutboxEntry.created_at)).where(
            OutboxEntry.status.in_(WAITING)
        )
        count, oldest = (await self.session.execute(query)).one()
        return int(count), oldest
