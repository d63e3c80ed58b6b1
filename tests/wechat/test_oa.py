"""A customer on the Official Account: follow, consent, link, complain, call back, opt out."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.models import AuditLog, Customer, CustomerLink, Reminder, Ticket
from store.repos.outbox import outbox_row
from store.uow import UnitOfWork
from tests.wechat.harness import WeChat, running

OPENID = "oCustomer_zhangsan"


async def _rep_with_customer(wx: WeChat) -> int:
    await wx.rep_says("rep_a", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("rep_a", "/newcustomer 张三 13900000031 华为")
    async with wx.app.uows() as uow:
        customer = (await uow.session.scalars(select(Customer))).one()
    return customer.id


async def _link(wx: WeChat, openid: str = OPENID) -> CustomerLink:
    async with wx.app.uows() as uow:
        link = await uow.desk.link("wechat_oa", openid)
    assert link is not None
    return link


async def _bind(wx: WeChat, openid: str = OPENID) -> None:
    """The customer links the way a rep tells them: the code /bind made, sent back."""
    code = re.search(r"绑定 ([A-Z0-9]{6})", await wx.rep_says("rep_a", "/bind 张三"))
    assert code is not None
    assert "绑定成功" in await wx.customer_says(openid, f"绑定 {code.group(1)}")


async def _queue_care(uow: UnitOfWork, kind: str, key: str, text: str, wx: WeChat) -> None:
    """What the care job (jobs/care.py) queues for a consenting customer."""
    body = {"text": text, "private": False, "care": kind}
    row = outbox_row("wechat_oa", OPENID, body, f"care:{key}", wx.clock.now())
    assert await uow.outbox.enqueue_many([row]) == 1


async def test_url_verification_in_plain_signature(wx: WeChat) -> None:
    query, _ = wx.oa_request(wx.oa_xml(OPENID, "x"), safe=False)
    response = await wx.http.get("/wechat/oa", params={**query, "echostr": "e-123"})
    assert (response.status_code, response.text) == (200, "e-123")
    forged = {**query, "signature": "f" * 40, "echostr": "e-123"}
    assert (await wx.http.get("/wechat/oa", params=forged)).status_code == 403


async def test_customer_transcript(wx: WeChat) -> None:
    customer_id = await _rep_with_customer(wx)
    welcome = await wx.customer_event(OPENID, "subscribe")
    assert "欢迎关注" in welcome and "回复 1 同意" in welcome and "回复 2 不用了" in welcome
    assert "退订" in await wx.customer_says(OPENID, "1")
    assert (await _link(wx)).consent

    code_text = await wx.rep_says("rep_a", "/bind 张三")
    code = re.search(r"绑定 ([A-Z0-9]{6})", code_text)
    assert code is not None, code_text
    assert "绑定成功" in await wx.customer_says(OPENID, f"绑定 {code.group(1)}")
    assert "无效" in await wx.customer_says("oSomeoneElse", f"绑定 {code.group(1)}")  # spent

    mark = len(wx.api.calls)
    answer = await wx.customer_says(OPENID, "我要投诉，设备坏了三天没人来修")
    assert "已收到您的留言" in answer and "专属顾问" in answer
    notices = [c.text for c in wx.api.calls[mark:] if c.to == "rep_a"]
    assert len(notices) == 1 and "投诉" in notices[0] and "张三" in notices[0]
    assert "已补充" in await wx.customer_says(OPENID, "今天之内能来吗？")  # same ticket
    assert "回电" in await wx.customer_says(OPENID, "人工")

    assert "已退订" in await wx.customer_says(OPENID, "退订")
    async with wx.app.uows() as uow:
        tickets = (await uow.session.scalars(select(Ticket).order_by(Ticket.id))).all()
        reminders = (await uow.session.scalars(select(Reminder))).all()
        customer = await uow.desk.customer(customer_id)
        actions = set((await uow.session.scalars(select(AuditLog.action))).all())
    assert [(t.kind, t.customer_id) for t in tickets] == [
        ("complaint", customer_id),
        ("callback", customer_id),
    ]
    assert "今天之内能来吗" in tickets[0].text
    assert len(reminders) == 2 and {r.kind for r in reminders} == {"follow_up"}
    assert customer is not None and not customer.care_consent
    assert {"desk.consent", "desk.bind", "ticket.create", "desk.opt_out"} <= actions
    link = await _link(wx)
    assert link.opted_out_at is not None and not link.consent


async def test_care_queued_before_opt_out_is_not_sent(wx: WeChat) -> None:
    await _rep_with_customer(wx)
    await wx.customer_event(OPENID, "subscribe")
    await wx.customer_says(OPENID, "同意")
    await _bind(wx)
    async with wx.app.uows() as uow:  # a care job queues a greeting …
        await _queue_care(uow, "holiday", "h:1", "节日快乐", wx)
        link = await uow.desk.link("wechat_oa", OPENID)
        assert link is not None
        link.opted_out_at = wx.clock.now()  # … and the customer opts out before it is sent
        await uow.commit()
    await wx.settled()
    assert not any("节日快乐" in c.text for c in wx.sent_to(OPENID))
    [row] = await wx.rows("care:h:1")
    assert row.status == "failed" and "opted out" in (row.last_error or "")


async def test_unfollow_records_opt_out_and_stops_sending(wx: WeChat) -> None:
    await wx.customer_event(OPENID, "subscribe")
    await wx.customer_says(OPENID, "1")
    assert await wx.customer_event(OPENID, "unsubscribe") == ""
    link = await _link(wx)
    assert not link.subscribed and link.opted_out_at is not None


async def test_unlinked_request_goes_to_a_manager(wx: WeChat) -> None:
    await wx.rep_says("boss", f"/start {wx.invites['boss']}")
    answer = await wx.customer_says("oStranger", "你们的产品怎么开发票？")
    assert "客服团队" in answer
    [notice] = [c.text for c in wx.sent_to("boss") if "服务请求" in c.text]
    assert "未绑定" in notice and "开发票" in notice


async def test_outside_48_hours_uses_the_template(sqlite_engine: AsyncEngine) -> None:
    async with running(sqlite_engine, wechat_template_id="TPL-care") as wx:
        await _rep_with_customer(wx)
        await wx.customer_event(OPENID, "subscribe")
        await _bind(wx)
        await wx.customer_says(OPENID, "同意")
        wx.clock.advance(timedelta(hours=49))
        async with wx.app.uows() as uow:
            await _queue_care(uow, "birthday", "b:1", "生日快乐！", wx)
            await uow.commit()
        wx.runtime.wake()
        await wx.settled()
        [template] = wx.api.sent("message/template/send", OPENID)
        assert template.body["template_id"] == "TPL-care" and template.text == "生日快乐！"
        wx.api.outside_window.add(OPENID)  # WeChat's own clock says 45015: same fallback
        wx.clock.advance(timedelta(hours=-48))
        await wx.customer_says(OPENID, "人工")
        assert len(wx.api.sent("message/template/send", OPENID)) == 2


async def test_outside_48_hours_without_template_goes_to_the_rep(wx: WeChat) -> None:
    customer_id = await _rep_with_customer(wx)
    await wx.customer_event(OPENID, "subscribe")
    await _bind(wx)
    await wx.customer_says(OPENID, "同意")
    wx.clock.advance(timedelta(hours=49))
    before = len(wx.sent_to(OPENID))
    async with wx.app.uows() as uow:
        await _queue_care(uow, "birthday", "b:2", "生日快乐！", wx)
        await uow.commit()
    wx.runtime.wake()
    await wx.settled()
    assert len(wx.sent_to(OPENID)) == before  # WeChat would refuse it: not even tried
    assert any("生日快乐" in c.text and "48h" in c.text for c in wx.sent_to("rep_a"))
    async with wx.app.uows() as uow:
        task = (await uow.session.scalars(select(Reminder))).one()
    assert task.customer_id == customer_id and "生日快乐" in task.text


async def test_post_sale_rating_by_number_is_stored(wx: WeChat) -> None:
    """The care job offers 1–5 (buttons fb:<deal>:<n>); the customer answers "4" on the OA."""
    from handlers.services import deals
    from handlers.services.feedback import parse_payload
    from store.models import Feedback

    customer_id = await _rep_with_customer(wx)
    await wx.customer_event(OPENID, "subscribe")
    await wx.customer_says(OPENID, "1")
    await _bind(wx)
    async with wx.app.uows() as uow:
        customer = await uow.session.get(Customer, customer_id)
        rep = await uow.users.get(customer.owner_id or 0) if customer else None
        assert customer is not None and rep is not None
        deal = await deals.create(
            uow, rep, customer, deals.NewDeal("服务器"), "won", wx.clock.now()
        )
        await uow.commit()
    offered = {"_choices": [[str(n), f"fb:{deal.id}:{n}"] for n in range(1, 6)]}
    async with wx.app.uows() as uow:  # what jobs.care leaves after a post-sale question
        key = ("wechat_oa", OPENID, OPENID)
        await uow.chat.save_state(key, "desk.ask", offered, wx.clock.now())
        await uow.commit()
    assert "1–5" in await wx.customer_says(OPENID, "9")  # the question stays open
    assert "谢谢您的评价" in await wx.customer_says(OPENID, "4")
    assert "如果需要帮助" in await wx.customer_says(OPENID, "5")  # a second digit: no ticket
    async with wx.app.uows() as uow:
        rows = (await uow.session.scalars(select(Feedback))).all()
        tickets = (await uow.session.scalars(select(Ticket))).all()
    assert [(r.customer_id, r.deal_id, r.score) for r in rows] == [(customer_id, deal.id, 4)]
    assert tickets == []  # the answer is not mistaken for a complaint
    assert parse_payload("fb:77:9") is None
