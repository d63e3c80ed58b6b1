"""#22 through WeCom and the Official Account: a customer's complaint reaches the rep's
/tickets; the rep replies by number, the customer reads it on the OA; a satisfaction score
reaches the rep; the profile shows both; lists page with 更多 as a typed label."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.services import deals
from store.models import AuditLog, Customer, Ticket
from tests.wechat.harness import WeChat
from tests.wechat.test_oa import OPENID, _bind, _rep_with_customer


async def test_ticket_reply_reaches_the_customer_and_close(wx: WeChat) -> None:
    customer_id = await _rep_with_customer(wx)
    await wx.customer_event(OPENID, "subscribe")
    await wx.customer_says(OPENID, "1")
    await _bind(wx)
    await wx.customer_says(OPENID, "我要投诉，发票抬头开错了")
    await wx.rep_says("rep_b", f"/start {wx.invites['rep_b']}")
    assert "没有待处理的工单" in await wx.rep_says("rep_b", "/tickets")  # not rep_b's customer

    listing = await wx.rep_says("rep_a", "工单")
    assert "投诉 · 张三" in listing and "发票抬头开错了" in listing
    assert "回复 1 💬 回复 #1" in listing and "回复 2 ✅ 关闭 #1" in listing
    assert "公众号" in await wx.rep_says("rep_a", "1")
    before = len(wx.sent_to(OPENID))
    sent = await wx.rep_says("rep_a", "您好，今天重开发票，明天寄出。")
    assert "已发给 张三" in sent
    await wx.settled()
    to_customer = [c.text for c in wx.sent_to(OPENID)[before:]]
    assert any("您的顾问 rep_a 回复" in t and "今天重开发票" in t for t in to_customer)

    profile = await wx.rep_says("rep_a", "查客户 张三")
    assert "🎫 待处理工单" in profile and "发票抬头开错了" in profile
    assert "发票抬头开错了" in await wx.rep_says("rep_a", "/tickets")
    assert "工单 #1 已关闭" in await wx.rep_says("rep_a", "2")  # ✅ 关闭 #1
    assert "没有待处理的工单" in await wx.rep_says("rep_a", "/tickets")
    assert "待处理工单" not in await wx.rep_says("rep_a", "查客户 张三")
    async with wx.app.uows() as uow:
        ticket = (await uow.session.scalars(select(Ticket))).one()
        actions = [a.action for a in (await uow.session.scalars(select(AuditLog))).all()]
    assert ticket.status == "closed" and ticket.customer_id == customer_id
    assert "ticket.reply" in actions and "ticket.close" in actions


async def test_satisfaction_reaches_the_rep_and_the_profile(wx: WeChat) -> None:
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
        offered = {"_choices": [[str(n), f"fb:{deal.id}:{n}"] for n in range(1, 6)]}
        await uow.chat.save_state(
            ("wechat_oa", OPENID, OPENID), "desk.ask", offered, wx.clock.now()
        )
        await uow.commit()
    mark = len(wx.sent_to("rep_a"))
    assert "谢谢您的评价" in await wx.customer_says(OPENID, "2")
    await wx.settled()
    notices = [c.text for c in wx.sent_to("rep_a")[mark:]]
    assert any("张三" in n and "「服务器」的满意度评分：2/5" in n and "偏低" in n for n in notices)
    assert "⭐ 满意度 2/5" in await wx.rep_says("rep_a", "查客户 张三")


async def test_lists_page_on_wecom_by_typed_label(wx: WeChat) -> None:
    await wx.rep_says("rep_a", f"/start {wx.invites['rep_a']}")
    for n in range(10):
        when = wx.clock.now() + timedelta(days=1 + n)
        text = f"/remind {when.month}月{when.day}日上午10点 回访{n:02d}"
        assert "提醒你" in await wx.rep_says("rep_a", text)
    first = await wx.rep_says("rep_a", "提醒列表")
    assert "回访07" in first and "回访08" not in first and "回复 17 ▶ 更多" in first
    rest = await wx.rep_says("rep_a", "更多")
    assert "回访08" in rest and "回访09" in rest and "回访00" not in rest
