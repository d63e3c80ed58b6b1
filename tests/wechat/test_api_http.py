"""The WeChat API over aiohttp: everything goes to the configured base URL, a download has a
size cap and a deadline, and WeChat's error codes still mean the same delivery outcomes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from wechatpy.exceptions import WeChatClientException

from bot.delivery import SendResult
from bot.wechat.api import AppKeys, WeChatApi
from bot.wechat.media import PhotoRefused, media_get
from bot.wechat.send import outcome_of
from bot.wechat.tokens import DbTokenStore
from store.uow import UnitOfWorkFactory
from tests.fakes.wechat_api import AGENT_ID, CORP_ID, CORP_SECRET, FakeWeChatApi
from tests.wechat.conftest import MakeApi
from tests.wechat.harness import START, MovableClock

JPEG = b"\xff\xd8\xff\xe0" + os.urandom(200_000)


@pytest.fixture
async def proxied() -> AsyncIterator[FakeWeChatApi]:
    """WeChat's API behind a path no default would guess: only the configured base finds it."""
    api = FakeWeChatApi(prefix="/wx-proxy/cgi-bin/", media_chunked=True)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def wecom(make_api: MakeApi, proxied: FakeWeChatApi, uows: UnitOfWorkFactory) -> WeChatApi:
    clock = MovableClock(START)
    keys = AppKeys("wecom", CORP_ID, CORP_SECRET, proxied.base_url, agent_id=AGENT_ID)
    return make_api(keys, DbTokenStore(uows, clock), clock)


async def test_media_is_downloaded_from_the_configured_base(
    wecom: WeChatApi, proxied: FakeWeChatApi
) -> None:
    proxied.media["M1"] = (JPEG, "image/jpeg")
    got = await wecom.call(media_get(wecom, "M1", len(JPEG), 5.0))
    assert got.data == JPEG and got.content_type == "image/jpeg"
    assert [c.path for c in proxied.calls] == ["gettoken", "media/get"]
    assert proxied.calls[-1].query["media_id"] == "M1"


@pytest.mark.parametrize("chunked", [False, True], ids=["declared-size", "streamed"])
async def test_a_file_over_the_cap_is_refused(
    wecom: WeChatApi, proxied: FakeWeChatApi, chunked: bool
) -> None:
    proxied.media_chunked = chunked
    proxied.media["BIG"] = (JPEG, "image/jpeg")
    with pytest.raises(PhotoRefused) as refused:
        await wecom.call(media_get(wecom, "BIG", len(JPEG) - 1, 5.0))
    assert refused.value.why == "too_big"


@pytest.mark.parametrize("stall", ["headers", "body"])
async def test_a_download_that_hangs_times_out(
    wecom: WeChatApi, proxied: FakeWeChatApi, stall: str
) -> None:
    proxied.media_stall = stall  # no answer at all, or the first piece and then nothing
    proxied.media["SLOW"] = (JPEG, "image/jpeg")
    with pytest.raises(TimeoutError):
        await wecom.call(media_get(wecom, "SLOW", len(JPEG), 0.3))
    assert [c.path for c in proxied.calls] == ["gettoken", "media/get"]  # not retried


@pytest.mark.parametrize(
    ("errcode", "outcome"),
    [
        (45009, "retry_after"),  # rate limited
        (43004, "blocked"),  # unfollowed
        (81013, "blocked"),  # unknown WeCom user
        (40056, "failed"),  # a request WeChat will never take
        (-1, "error"),  # system busy: retried
    ],
)
async def test_errcodes_mean_the_same_outcomes(
    wecom: WeChatApi, proxied: FakeWeChatApi, errcode: int, outcome: str
) -> None:
    proxied.errcodes["rep"] = errcode
    body = {"touser": "rep", "agentid": AGENT_ID, "msgtype": "text", "text": {"content": "hi"}}
    with pytest.raises(WeChatClientException) as raised:
        await wecom.post("message/send", body)
    assert raised.value.errcode == errcode
    result: SendResult = outcome_of(raised.value)
    assert result.outcome == outcome and str(errcode) in result.detail


async def test_a_hanging_send_is_an_error_to_retry(
    wecom: WeChatApi, proxied: FakeWeChatApi
) -> None:
    await wecom.token()
    proxied.delay = 10.0
    wecom.http.timeout = 0.3
    body = {"touser": "rep", "agentid": AGENT_ID, "msgtype": "text", "text": {"content": "hi"}}
    with pytest.raises(TimeoutError) as raised:
        await wecom.post("message/send", body)
    assert outcome_of(raised.value).outcome == "error"
