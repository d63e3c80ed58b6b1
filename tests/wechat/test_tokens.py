"""Access tokens: fetched once for all instances, read from the database, replaced once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.wechat.api import AppKeys, WeChatApi
from bot.wechat.tokens import DbTokenStore
from handlers.clock import Clock
from store.uow import UnitOfWorkFactory
from tests.fakes.wechat_api import APP_SECRET, APPID, CORP_ID, CORP_SECRET, FakeWeChatApi
from tests.wechat.conftest import MakeApi
from tests.wechat.harness import START, MovableClock


@pytest.fixture
def api_of(make_api: MakeApi, fake: FakeWeChatApi, uows: UnitOfWorkFactory) -> ApiOf:
    """An instance of the bot's API for the fake WeChat, tokens in this test's database."""

    def api(kind: str, clock: Clock) -> WeChatApi:
        return make_api(_keys(fake, kind), DbTokenStore(uows, clock), clock)

    return api


ApiOf = Callable[[str, Clock], WeChatApi]


def _keys(fake: FakeWeChatApi, kind: str) -> AppKeys:
    if kind == "oa":
        return AppKeys("oa", APPID, APP_SECRET, fake.base_url)
    return AppKeys("wecom", CORP_ID, CORP_SECRET, fake.base_url, agent_id=1000002)


@pytest.mark.parametrize("kind", ["oa", "wecom"])
async def test_instances_share_one_token(api_of: ApiOf, fake: FakeWeChatApi, kind: str) -> None:
    clock = MovableClock(START)
    instances = [api_of(kind, clock) for _ in range(4)]  # 4 "processes"
    tokens = await asyncio.gather(*(api.token() for api in instances for _ in range(3)))
    assert len(set(tokens)) == 1
    [fetch] = fake.token_fetches()
    assert fetch.path == ("stable_token" if kind == "oa" else "gettoken")
    late = api_of(kind, clock)  # started later: reads the stored one
    assert await late.token() == tokens[0] and len(fake.token_fetches()) == 1


async def test_near_expiry_is_refreshed_once(api_of: ApiOf, fake: FakeWeChatApi) -> None:
    clock = MovableClock(START)
    a, b = (api_of("oa", clock) for _ in range(2))
    first = await a.token()
    clock.advance(timedelta(seconds=7200 - 60))  # inside the safety margin
    renewed = await asyncio.gather(a.token(), b.token())
    assert renewed[0] == renewed[1] != first
    assert len(fake.token_fetches()) == 2


async def test_rejected_token_is_replaced_and_the_call_retried(
    api_of: ApiOf, fake: FakeWeChatApi
) -> None:
    clock = MovableClock(START)
    api = api_of("wecom", clock)

    body = {"touser": "rep", "agentid": 1000002, "msgtype": "text", "text": {"content": "hi"}}
    assert (await api.post("message/send", body))["errcode"] == 0
    fake.expire_tokens()  # WeChat voided it early
    assert (await api.post("message/send", body))["errcode"] == 0
    assert len(fake.token_fetches()) == 2
    assert [c.answer["errcode"] for c in fake.calls if c.path == "message/send"] == [0, 42001, 0]
