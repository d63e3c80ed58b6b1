from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.telegram.harness import Harness, running


@pytest.fixture(autouse=True, scope="session")
def _ptb_timedelta() -> Iterator[None]:
    """Opt in to PTB's timedelta durations, as its deprecation warning asks."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PTB_TIMEDELTA", "true")
        yield


@pytest.fixture
async def tg(sqlite_engine: AsyncEngine) -> AsyncIterator[Harness]:
    """The Telegram stack on SQLite."""
    async with running(sqlite_engine) as harness:
        yield harness


@pytest.fixture
async def tg_any(engine: AsyncEngine) -> AsyncIterator[Harness]:
    """The Telegram stack on each backend (the shared `engine` fixture: SQLite, PostgreSQL)."""
    async with running(engine) as harness:
        yield harness
