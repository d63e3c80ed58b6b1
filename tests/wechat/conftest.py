from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.wechat.api import AppKeys, WeChatApi
from bot.wechat.tokens import TokenStore
from handlers.clock import Clock
from tests.conftest import REDIS_URL, require_redis
from tests.fakes.wechat_api import FakeWeChatApi
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


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeChatApi]:
    api = FakeWeChatApi()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own on the real Redis; its keys are deleted afterwards."""
    await require_redis()
    prefix = f"chatcrm-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


MakeApi = Callable[[AppKeys, TokenStore, Clock], WeChatApi]


@pytest.fixture
async def make_api() -> AsyncIterator[MakeApi]:
    """WeChatApi instances (as separate processes would have), their HTTP sessions closed
    after the test."""
    made: list[WeChatApi] = []

    def make(keys: AppKeys, tokens: TokenStore, clock: Clock) -> WeChatApi:
        made.append(WeChatApi(keys, tokens, clock))
        return made[-1]

    yield make
    for api in made:
        await api.close()
