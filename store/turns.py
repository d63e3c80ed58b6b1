"""On SQLite, units of work of this process take turns instead of racing for the write lock.

Every SQLite transaction here begins IMMEDIATE (a writer). Two at once make the loser sleep in
SQLite's busy handler, in steps of up to 100 ms, and under steady load one side starves. An
asyncio lock queues them fairly in the event loop instead. PostgreSQL needs none of this.
Opt-in per channel: a unit of work opened inside another would wait for itself forever.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine

from store.db import SessionFactory
from store.uow import UnitOfWork, UnitOfWorkFactory


class _TurnTakingUnitOfWork(UnitOfWork):
    def __init__(self, sessions: SessionFactory, turn: asyncio.Lock) -> None:
        super().__init__(sessions)
        self._turn = turn

    async def __aenter__(self) -> Self:
        await self._turn.acquire()
        try:
            return await super().__aenter__()
        except BaseException:
            self._turn.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc, tb)
        finally:
            self._turn.release()


class TurnTakingUnitOfWorkFactory(UnitOfWorkFactory):
    """Units of work one at a time; never open one inside another (it would wait forever)."""

    def __init__(self, sessions: SessionFactory) -> None:
        super().__init__(sessions)
        self._turn = asyncio.Lock()

    def __call__(self) -> UnitOfWork:
        return _TurnTakingUnitOfWork(self.sessions, self._turn)


def for_engine(engine: AsyncEngine, uows: UnitOfWorkFactory) -> UnitOfWorkFactory:
    if engine.dialect.name == "sqlite":
        return TurnTakingUnitOfWorkFactory(uows.sessions)
    return uows
