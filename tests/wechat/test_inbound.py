"""What WeChat is told `success` for is kept; replays, plain downgrades and strangers get nothing.

On SQLite and PostgreSQL. The database really going away under load is
tests/test_pg_restart.py; here the handling fails the way it does then (a lost connection).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.web import create_app
from bot.wechat.inbound import oa_message
from bot.wechat.routes import build_wechat
from bot.wechat.work import WeComInbox
from handlers.messages import InboundMessage
from store.models import AuditLog, CustomerLink, InboxEntry
from store.repos.inbox import InboxRepo, Pending
from store.uow import UnitOfWorkFactory
from tests.wechat.harness import QUICK, QUICK_INBOX, START, WeChat, running
from tests.wechat.test_security import _traces

OPENID = "oCustomer_wumin"
PHONE = "13978220482"


async def _customer(wx: WeChat, name: str = "吴敏") -> None:
    await wx.rep_says("rep_a", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("rep_a", f"/newcustomer {name} {PHONE} 华为")


async def _link(wx: WeChat, openid: str = OPENID) -> CustomerLink | None:
    async with wx.app.uows() as uow:
        return await uow.desk.link("wechat_oa", openid)


@asynccontextmanager
async def _second_instance(wx: WeChat) -> AsyncIterator[httpx.AsyncClient]:
    """Another server on the same database: nothing it knows is shared but the database."""
    runtime = build_wechat(wx.app, QUICK, 3.0, None, QUICK_INBOX)
    assert runtime is not None
    transport = httpx.ASGITransport(app=create_app(wx.app, routes=runtime.routes))
    async with runtime.running(), httpx.AsyncClient(transport=transport, base_url="http://b") as c:
        yield c


async def test_handling_that_fails_after_success_is_retried_once(engine: AsyncEngine) -> None:
    """The first handling loses its connection after WeChat was told `success`: the inbox
    row stays due and the worker handles it, once; a redelivery changes nothing."""
    inboxes: list[WeComInbox] = []
    lost: list[str] = []

    async def flaky(msg: InboundMessage) -> object:
        if not lost:
            lost.append(msg.dedupe_key or "")
            raise ConnectionResetError("connection lost")  # as asyncpg raises it mid-query
        return await inboxes[0](msg)

    async with running(engine, handle_wecom=flaky) as wx:
        inboxes.append(WeComInbox(wx.app.router, wx.app.uows, wx.app.clock, "zh", wx.runtime.wake))
        xml = wx.wecom_xml("newbie", "你好")
        response = await wx.post_wecom(xml)
        assert response.status_code == 200 and lost
        await wx.settled()
        assert (await wx.post_wecom(xml)).status_code == 200  # WeChat's retry, same MsgId
        await wx.settled()
        [prompt] = wx.api.sent("message/send", "newbie")
        assert "邀请码" in prompt.text
        async with wx.app.uows() as uow:
            [row] = (await uow.session.scalars(select(InboxEntry))).all()
        assert (row.dedupe_key, row.payload, row.next_attempt_at) == (lost[0], None, None)
        assert row.attempts == 1


async def test_a_reused_nonce_is_refused_and_nothing_repeats(engine: AsyncEngine) -> None:
    """Plain mode (no AES key): the signature covers the query only. A captured query string
    with a new body is refused, on every instance; the very same request again repeats nothing."""
    async with running(engine, wechat_aes_key=None) as wx:
        await _customer(wx)
        query, body = wx.oa_request(wx.oa_xml(OPENID, "在吗"), safe=False)
        first = await wx.http.post("/wechat/oa", params=query, content=body.encode())
        assert (first.status_code, first.text) == (200, "success")
        await wx.settled()
        before = await _traces(wx)
        forged = wx.oa_xml("oAttacker", "投诉")
        response = await wx.http.post("/wechat/oa", params=query, content=forged.encode())
        assert response.status_code == 403
        # The same request again (WeChat never got our answer, say): acknowledged, no repeat.
        again = await wx.http.post("/wechat/oa", params=query, content=body.encode())
        assert (again.status_code, again.text) == (200, "success")
        async with _second_instance(wx) as other:
            response = await other.post("/wechat/oa", params=query, content=forged.encode())
            assert response.status_code == 403
        await wx.settled()
        assert await _traces(wx) == before and await _link(wx, "oAttacker") is None


async def test_with_an_aes_key_plain_messages_are_refused(wx_any: WeChat) -> None:
    wx = wx_any
    before = await _traces(wx)
    query, body = wx.oa_request(wx.oa_xml(OPENID, "投诉"), safe=False)
    response = await wx.http.post("/wechat/oa", params=query, content=body.encode())
    assert response.status_code == 403
    await wx.settled()
    assert await _traces(wx) == before and not wx.api.calls
    assert (await wx.post_oa(wx.oa_xml(OPENID, "投诉"))).text == "success"  # sealed: fine


async def test_a_phone_number_alone_binds_and_reveals_nothing(wx_any: WeChat) -> None:
    wx = wx_any
    await _customer(wx)
    await wx.customer_event(OPENID, "subscribe")
    known = await wx.customer_says(OPENID, PHONE)
    await wx.customer_event("oOther", "subscribe")
    unknown = await wx.customer_says("oOther", "13800000000")
    assert known == unknown and "吴敏" not in known and "绑定码" in known
    link = await _link(wx)
    assert link is not None and link.customer_id is None
    # The customer's owner hears of it and can send the real customer a code.
    [notice] = [c.text for c in wx.sent_to("rep_a") if "手机号" in c.text]
    assert "吴敏" in notice and "/bind" in notice
    async with wx.app.uows() as uow:
        actions = (await uow.session.scalars(select(AuditLog.action))).all()
    assert "desk.bind" not in actions


async def test_binding_attempts_are_limited_per_follower(wx_any: WeChat) -> None:
    wx = wx_any
    await _customer(wx)
    code = re.search(r"绑定 ([A-Z0-9]{6})", await wx.rep_says("rep_a", "/bind 吴敏"))
    assert code is not None
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE"):
        assert "无效" in await wx.customer_says(OPENID, f"绑定 {guess}")
    late = await wx.customer_says(OPENID, f"绑定 {code.group(1)}")  # right, but too many tries
    assert "一小时后" in late and "吴敏" not in late
    assert "无效" in await wx.customer_says("oOther", "绑定 FFFFFF")  # their own count
    link = await _link(wx)
    assert link is not None and link.customer_id is None
    wx.clock.advance(timedelta(hours=1, minutes=1))
    assert "绑定成功" in await wx.customer_says(OPENID, f"绑定 {code.group(1)}")


async def test_the_48_hour_window_counts_from_receipt(wx_any: WeChat) -> None:
    """CreateTime is the sender's clock: a message stamped two days ahead opens no window
    beyond ours, and one stamped long ago still opens it now."""
    wx = wx_any
    now = wx.clock.now()
    for created in (now + timedelta(days=2), now - timedelta(minutes=4)):
        xml = wx.oa_xml(OPENID, "你好", CreateTime=int(created.timestamp()))
        assert (await wx.post_oa(xml)).text == "success"
        await wx.settled()
        link = await _link(wx)
        assert link is not None and link.last_inbound_at is not None
        assert now <= link.last_inbound_at <= wx.clock.now()


async def test_a_qr_follow_is_not_mistaken_for_a_plain_one(wx_any: WeChat) -> None:
    """Same follower, same second: a plain follow, then a follow through the rep's QR code."""
    wx = wx_any
    await _customer(wx)
    code = re.search(r"绑定 ([A-Z0-9]{6})", await wx.rep_says("rep_a", "/bind 吴敏"))
    assert code is not None
    created = int(wx.clock.now().timestamp())
    plain = wx.oa_xml(OPENID, MsgType="event", Event="subscribe", EventKey="")
    scanned = wx.oa_xml(
        OPENID, MsgType="event", Event="subscribe", EventKey=f"qrscene_{code.group(1)}"
    )
    for xml in (plain, scanned):
        assert f"<CreateTime>{created}</CreateTime>" in xml
        assert (await wx.post_oa(xml)).text == "success"
    await wx.settled()
    link = await _link(wx)
    assert link is not None and link.customer_id is not None


def test_event_dedupe_keys_stay_within_the_column() -> None:
    long_scene = {"FromUserName": "o" * 28, "CreateTime": "1764999999", "MsgType": "event"}
    msg = oa_message(long_scene | {"Event": "subscribe", "EventKey": "qrscene_" + "x" * 64})
    other = oa_message(long_scene | {"Event": "subscribe", "EventKey": "qrscene_" + "y" * 64})
    assert msg is not None and other is not None and msg.dedupe_key and other.dedupe_key
    assert len(msg.dedupe_key) <= 128 and msg.dedupe_key != other.dedupe_key


async def test_the_inbox_row_of_an_accepted_message(uows: UnitOfWorkFactory) -> None:
    """Claimed once by handling, never purged while waiting, kept when given up."""
    now = START.astimezone(UTC)
    old, due = now - timedelta(days=5), now + timedelta(seconds=15)
    async with uows() as uow:
        inbox = InboxRepo(uow.session)
        for key in ("waits", "fails", "done"):
            assert await inbox.accept("wecom", key, {"text": key}, old, due)
        assert not await inbox.accept("wecom", "waits", {"text": "again"}, now, due)
        assert await uow.chat.first_delivery("wecom", "done", now)  # handled: claimed
        assert not await uow.chat.first_delivery("wecom", "done", now)  # and only once
        await inbox.retry_at(Pending("wecom", "fails", {}, 19), None)  # given up
        await uow.commit()
    async with uows() as uow:
        inbox = InboxRepo(uow.session)
        assert [p.dedupe_key for p in await inbox.due(due, 10)] == ["waits"]
        assert await uow.chat.purge_inbox(now - timedelta(days=3), batch=10) == 2
        await uow.commit()
    async with uows() as uow:
        [row] = await InboxRepo(uow.session).pending("wecom")
        assert (row.dedupe_key, row.payload, row.attempts) == ("waits", {"text": "waits"}, 0)
        assert await uow.chat.first_delivery("wecom", "waits", now)
        assert await uow.chat.first_delivery("wecom", "fails", now)  # purged: new again
