"""Access tokens in the real Redis: several instances, one refresh; a dead refresher's lock
expires; the whole WeChat runtime uses Redis (and not the database) when configured."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.wechat.api import AppKeys, WeChatApi
from bot.wechat.redis_tokens import RedisTokenStore
from store.models import SharedValue
from tests.conftest import REDIS_URL
from tests.fakes.wechat_api import (
    AGENT_ID,
    APP_SECRET,
    APPID,
    CORP_ID,
    CORP_SECRET,
    FakeWeChatApi,
)
from tests.wechat.conftest import MakeApi
from tests.wechat.harness import START, MovableClock, running

KINDS = ["oa", "wecom"]


def _keys(fake: FakeWeChatApi, kind: str) -> AppKeys:
    if kind == "oa":
        return AppKeys("oa", APPID, APP_SECRET, fake.base_url)
    return AppKeys("wecom", CORP_ID, CORP_SECRET, fake.base_url, agent_id=AGENT_ID)


@pytest.fixture
async def clients() -> AsyncIterator[list[Redis]]:
    """Three separate connections, as three instances of the bot would have."""
    made = [Redis.from_url(REDIS_URL, decode_responses=True) for _ in range(3)]
    yield made
    for client in made:
        await client.aclose()


def _instances(
    make_api: MakeApi,
    fake: FakeWeChatApi,
    kind: str,
    clients: list[Redis],
    prefix: str,
    clock: MovableClock,
) -> list[WeChatApi]:
    stores = [RedisTokenStore(client, clock, prefix) for client in clients]
    return [make_api(_keys(fake, kind), store, clock) for store in stores]


@pytest.mark.parametrize("kind", KINDS)
async def test_three_instances_refresh_once(
    make_api: MakeApi, fake: FakeWeChatApi, clients: list[Redis], redis_prefix: str, kind: str
) -> None:
    fake.token_delay = 0.3  # a slow fetch: the others are certainly waiting meanwhile
    clock = MovableClock(START)
    apis = _instances(make_api, fake, kind, clients, redis_prefix, clock)
    tokens = await asyncio.gather(*(api.token() for api in apis for _ in range(4)))
    assert len(set(tokens)) == 1 and len(fake.token_fetches()) == 1
    stored = json.loads(await clients[0].get(f"{redis_prefix}{apis[0].keys.token_key}") or "")
    assert stored["value"] == tokens[0]

    fake.expire_tokens()  # WeChat voids it; every instance sees 42001 at once
    sends = await asyncio.gather(*(_send(api, kind) for api in apis))
    assert all(r["errcode"] == 0 for r in sends)
    assert len(fake.token_fetches()) == 2  # one replacement, not three
    assert [c.body.get("force_refresh") for c in fake.token_fetches()] == (
        [False, True] if kind == "oa" else [None, None]
    )

    clock.advance(timedelta(seconds=7200 - 60))  # inside the safety margin: refresh early
    renewed = await asyncio.gather(*(api.token() for api in apis))
    assert len(set(renewed)) == 1 and len(fake.token_fetches()) == 3


async def _send(api: WeChatApi, kind: str) -> dict[str, Any]:
    text = {"msgtype": "text", "text": {"content": "hi"}}
    if kind == "oa":
        return await api.post("message/custom/send", {"touser": "oCustomer", **text})
    return await api.post("message/send", {"touser": "rep", "agentid": AGENT_ID, **text})


async def test_a_dead_refreshers_lock_expires(
    make_api: MakeApi, fake: FakeWeChatApi, clients: list[Redis], redis_prefix: str
) -> None:
    """An instance killed mid-refresh leaves its lock; the next one waits it out, then fetches."""
    clock = MovableClock(START)
    keys = _keys(fake, "wecom")
    await clients[0].set(f"{redis_prefix}lock:{keys.token_key}", "dead-owner", px=400)
    store = RedisTokenStore(clients[1], clock, redis_prefix, lock_ttl=0.4, poll=0.02)
    api = make_api(keys, store, clock)
    started = asyncio.get_running_loop().time()
    assert await api.token()
    assert asyncio.get_running_loop().time() - started >= 0.3
    assert len(fake.token_fetches()) == 1


async def test_a_waiter_gives_up_when_the_lock_never_frees(
    make_api: MakeApi, fake: FakeWeChatApi, clients: list[Redis], redis_prefix: str
) -> None:
    clock = MovableClock(START)
    keys = _keys(fake, "oa")
    await clients[0].set(f"{redis_prefix}lock:{keys.token_key}", "stuck", px=60_000)
    store = RedisTokenStore(clients[1], clock, redis_prefix, lock_ttl=0.1, poll=0.02)
    with pytest.raises(TimeoutError):
        await make_api(keys, store, clock).token()
    assert not fake.token_fetches()


async def test_the_runtime_keeps_tokens_in_redis_when_configured(
    sqlite_engine: AsyncEngine, redis_prefix: str
) -> None:
    async with running(sqlite_engine, redis_url=REDIS_URL, redis_prefix=redis_prefix) as wx:
        assert "邀请码" in await wx.rep_says("newbie", "你好")
        async with wx.app.uows() as uow:
            rows = await uow.session.scalar(select(func.count()).select_from(SharedValue))
        check = Redis.from_url(REDIS_URL, decode_responses=True)
        try:
            keys = [k async for k in check.scan_iter(match=f"{redis_prefix}token:*")]
        finally:
            await check.aclose()
    assert rows == 0 and keys == [f"{redis_prefix}token:wecom:{CORP_ID}:{AGENT_ID}"]
