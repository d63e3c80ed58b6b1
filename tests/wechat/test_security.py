"""Forged, malformed, hostile and oversized callbacks are refused and leave no trace."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.wechat.work import WeComInbox
from bot.wechat.xmlsafe import MAX_BODY
from handlers.messages import InboundMessage
from store.models import AuditLog, CustomerLink, InboxEntry, OutboxEntry
from tests.wechat.harness import WeChat, running

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>oEvil</FromUserName>"
    "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content>"
    "<MsgId>1</MsgId></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>oEvil</FromUserName>"
    "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content>"
    "<MsgId>2</MsgId></xml>"
)


async def _traces(wx: WeChat) -> tuple[int, ...]:
    async with wx.app.uows() as uow:
        counts = []
        for model in (InboxEntry, CustomerLink, OutboxEntry, AuditLog):
            counts.append(int(await uow.session.scalar(select(func.count(model.id))) or 0))
    return tuple(counts)


async def test_forged_signatures_are_403_and_store_nothing(wx_any: WeChat) -> None:
    wx = wx_any
    before = await _traces(wx)
    query, body = wx.wecom_request(wx.wecom_xml("rep", "hello"))
    forged = {**query, "msg_signature": "0" * 40}
    response = await wx.http.post("/wechat/work", params=forged, content=body.encode())
    assert response.status_code == 403
    query, body = wx.oa_request(wx.oa_xml("oCustomer", "投诉"))
    for bad in ({"signature": "0" * 40}, {"msg_signature": "0" * 40}):
        response = await wx.http.post("/wechat/oa", params=query | bad, content=body.encode())
        assert response.status_code == 403
    query, body = wx.oa_request(wx.oa_xml("oCustomer", "投诉"), safe=False)
    response = await wx.http.post(
        "/wechat/oa", params={**query, "timestamp": "1"}, content=body.encode()
    )
    assert response.status_code == 403
    await wx.settled()
    assert await _traces(wx) == before


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("<xml><FromUserName>oA</FromUserName>", 400),  # cut short
        ("not xml at all", 400),
        ("<html><body>hi</body></html>", 400),
        (BILLION_LAUGHS, 400),
        (XXE, 400),
        ("<xml><Content>" + "长" * MAX_BODY + "</Content></xml>", 413),
    ],
    ids=["truncated", "garbage", "not-wechat", "billion-laughs", "xxe", "oversized"],
)
async def test_bad_bodies_are_refused_cleanly(wx: WeChat, body: str, status: int) -> None:
    before = await _traces(wx)
    query, _ = wx.oa_request(wx.oa_xml("oA", "x"), safe=False)
    response = await wx.http.post("/wechat/oa", params=query, content=body.encode())
    assert response.status_code == status
    await wx.settled()
    assert await _traces(wx) == before


async def test_hostile_xml_inside_a_validly_encrypted_message(wx: WeChat) -> None:
    """Even a correctly signed envelope may not smuggle entities into the inner XML."""
    before = await _traces(wx)
    for inner in (BILLION_LAUGHS, XXE):
        assert (await wx.post_wecom(inner)).status_code == 400
        assert (await wx.post_oa(inner)).status_code == 400
    query, body = wx.wecom_request(wx.wecom_xml("rep", "hi"))
    broken = body.replace("<Encrypt><![CDATA[", "<Encrypt><![CDATA[AAAA")
    assert (await wx.http.post("/wechat/work", params=query, content=broken)).status_code in (
        400,
        403,
    )
    assert await _traces(wx) == before


async def test_unknown_types_are_acknowledged_and_ignored(wx: WeChat) -> None:
    before = await _traces(wx)
    # (voice is no longer one: it is answered, see test_wecom_files.py)
    video = wx.oa_xml("oA", MsgType="shortvideo", MediaId="m1", ThumbMediaId="t1", MsgId=99)
    response = await wx.post_oa(video)
    assert (response.status_code, response.text) == (200, "success")
    odd = wx.oa_xml("oA", MsgType="event", Event="TEMPLATESENDJOBFINISH", Status="success")
    assert (await wx.post_oa(odd)).text == "success"
    enter = wx.wecom_xml("rep", MsgType="event", Event="enter_agent", EventKey="")
    assert (await wx.post_wecom(enter)).status_code == 200
    weird = wx.wecom_xml("rep", MsgType="hologram", MsgId=5)
    assert (await wx.post_wecom(weird)).status_code == 200
    await wx.settled()
    assert await _traces(wx) == before


async def test_slow_work_is_still_answered_within_five_seconds(
    sqlite_engine: AsyncEngine,
) -> None:
    """6 s of work behind a callback: WeChat hears back in ~3 s, the reply comes later."""
    inboxes: list[WeComInbox] = []

    async def slow(msg: InboundMessage) -> object:
        await asyncio.sleep(6.0)  # a stalled database, say
        return await inboxes[0](msg)

    async with running(sqlite_engine, handle_wecom=slow) as wx:
        inboxes.append(WeComInbox(wx.app.router, wx.app.uows, wx.app.clock, "zh", wx.runtime.wake))
        started = time.monotonic()
        response = await wx.post_wecom(wx.wecom_xml("newbie", "你好"))
        answered = time.monotonic() - started
        assert response.status_code == 200 and answered < 5.0
        assert not wx.api.sent("message/send", "newbie")  # the work is still going
        await wx.settled()
        [prompt] = wx.api.sent("message/send", "newbie")
        assert "邀请码" in prompt.text and prompt.at - started >= 6.0
