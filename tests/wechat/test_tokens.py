"""Access tokens: fetched once for all instances, read from the database, replaced once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.wechat.api import AppKeys, WeChatApi
from bot.wechat.tokens import DbTokenStore
from handlers.clock import Clock
from store.uow import UnitOfWorkFactory
from tests.fakes.wechat_api import APP_SECRET, APPID, CORP_ID, CORP_SECRET, FakeWeChatApi
from tests.wechat.harness import START, MovableClock


def _api(fake: FakeWeChatApi, kind: str, uows: UnitOfWorkFactory, clock: Clock) -> WeChatApi:
    return WeChatApi(_keys(fake, kind), DbTokenStore(uows, clock), clock)


def _keys(fake: FakeWeChatApi, kind: str) -> AppKeys:
    if kind == "oa":
        return AppKeys("oa", APPID, APP_SECRET, fake.base_url)
    return AppKeys("wecom", CORP_ID, CORP_SECRET, fake.base_url, agent_id=1000002)


@pytest.mark.parametrize("kind", ["oa", "wecom"])
async def test_instances_share_one_token(
    uows: UnitOfWorkFactory, fake: FakeWeChatApi, kind: str
) -> None:
    clock = MovableClock(START)
    instances = [_api(fake, kind, uows, clock) for _ in range(4)]  # 4 "processes"
    tokens = await asyncio.gather(*(api.token() for api in instances for _ in range(3)))
    assert len(set(tokens)) == 1
    [fetch] = fake.token_fetches()
    assert fetch.path == ("stable_token" if kind == "oa" else "gettoken")
    late = _api(fake, kind, uows, clock)  # started later: reads the stored one
    assert await late.token() == tokens[0] and len(fake.token_fetches()) == 1


async def test_near_expiry_is_refreshed_once(uows: UnitOfWorkFactory, fake: FakeWeChatApi) -> None:
    clock = MovableClock(START)
    a, b = (_api(fake, "oa", uows, clock) for _ in range(2))
    first = await a.token()
    clock.advance(timedelta(seconds=7200 - 60))  # inside the safety margin
    renewed = await asyncio.gather(a.token(), b.token())
    assert renewed[0] == renewed[1] != first
    assert len(fake.token_fetches()) == 2


async def test_rejected_token_is_replaced_and_the_call_retried(
    uows: UnitOfWorkFactory, fake: FakeWeChatApi
) -> None:
    clock = MovableClock(START)
    api = _api(fake, "wecom", uows, clock)

    def send(client: Any) -> dict[str, Any]:
        return dict(client.message.send_text(1000002, "rep", "hi"))

    assert (await api.call(send))["errcode"] == 0
    fake.expire_tokens()  # WeChat voided it early
    assert (await api.call(send))["errcode"] == 0
    assert len(fake.token_fetches()) == 2
    assert [c.answer["errcode"] for c in fake.calls if c.path == "message/send"] == [0, 42001, 0]
