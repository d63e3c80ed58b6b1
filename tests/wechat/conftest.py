from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.wechat.harness import WeChat, running


@pytest.fixture
async def wx(sqlite_engine: AsyncEngine) -> AsyncIterator[WeChat]:
    """Both WeChat channels on SQLite."""
    async with running(sqlite_engine) as harness:
        yield harness


@pytest.fixture
async def wx_any(engine: AsyncEngine) -> AsyncIterator[WeChat]:
    """Both WeChat channels on each backend (SQLite, PostgreSQL)."""
    async with running(engine) as harness:
        yield harness
