from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.db import make_engine
from store.migrate import upgrade
from tests.wechat.harness import WeChat, running


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'wx.db'}")
    await upgrade(engine)
    yield engine
    await engine.dispose()


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
