"""/tickets (#22): who sees which ticket, reply and close, bad input; both backends."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.desk.config import DeskConfig
from handlers.desk.tickets import open_ticket
from store.migrate import downgrade, upgrade
from store.models import AuditLog, CustomerLink, OutboxEntry, Reminder, Ticket
from tests.chat.views_data import add_customers
from tests.world import Chat, World


async def _ticket(world: World, owner: str, name: str, text: str, subscribed: bool = True) -> int:
    [customer] = await add_customers(world, owner, [name])
    async with world.uows() as uow:
        link = CustomerLink(
            org_id=world.org_id,
            customer_id=customer.id,
            channel="wechat_oa",
            external_id=f"o-{customer.id}",
            subscribed=subscribed,
            lang="zh",
            created_at=world.clock.now(),
        )
        uow.session.add(link)
        await uow.session.flush()
        config = DeskConfig(org_id=world.org_id)
        ticket, _ = await open_ticket(uow, config, link, "complaint", text, world.clock.now())
        await uow.commit()
        return ticket.id


async def test_tickets_scope(people: dict[str, Chat], world: World) -> None:
    east = await _ticket(world, "rep_a", "东区客户", "设备坏了")
    west = await _ticket(world, "rep_w", "西区客户", "发票错了")
    assert "东区客户" in await people["rep_a"].say("/tickets")
    assert "没有待处理的工单" in await people["rep_b"].say("/tickets")
    boss = await people["boss_east"].say("工单")
    assert "设备坏了" in boss and "发票错了" not in boss
    everyone = await people["admin"].say("/tickets")
    assert "设备坏了" in everyone and "发票错了" in everyone
    for who, payload in (("rep_b", f"tk:c:{east}"), ("boss_east", f"tk:r:{west}")):
        assert "不归你处理" in await people[who].say(payload=payload)
    for forged in ("tk:c:x", "tk:", "tk:q:1", "tk:p:abc"):
        assert "失效" in await people["rep_a"].say(payload=forged), forged
    async with world.uows() as uow:
        statuses = {t.id: t.status for t in (await uow.session.scalars(select(Ticket))).all()}
    assert statuses == {east: "open", west: "open"}


async def test_reply_is_queued_to_the_customer_and_audited(
    people: dict[str, Chat], world: World
) -> None:
    ticket_id = await _ticket(world, "rep_a", "张三", "设备坏了")
    rep = people["rep_a"]
    assert "请输入给 张三 的回复" in await rep.say(payload=f"tk:r:{ticket_id}")
    assert "回复太长了" in await rep.say("好" * 1001)
    assert "已发给 张三" in await rep.say("明天上午派人上门")  # a time in it: still the reply
    async with world.uows() as uow:
        rows = (await uow.session.scalars(select(OutboxEntry))).all()
        audit = (
            await uow.session.scalars(select(AuditLog).where(AuditLog.action == "ticket.reply"))
        ).one()
    [to_customer] = [r for r in rows if r.channel == "wechat_oa"]
    assert to_customer.recipient.startswith("o-")
    assert "您的顾问 rep_a 回复" in to_customer.body["text"]
    assert "明天上午派人上门" in to_customer.body["text"]
    assert audit.after == {"reply": "明天上午派人上门", "channel": "wechat_oa"}
    assert "已关闭" in await rep.say("1")  # the ✅ Close offered with "sent"
    assert "已经关闭" in await rep.say(payload=f"tk:r:{ticket_id}")


async def test_unsubscribed_customer_cannot_be_replied_to(
    people_en: dict[str, Chat], world: World
) -> None:
    ticket_id = await _ticket(world, "rep_a", "Gone", "broken", subscribed=False)
    rep = people_en["rep_a"]
    listing = await rep.say("/tickets")
    assert "Open tickets" in listing and "complaint · Gone" in listing
    assert "can't be messaged" in await rep.say(payload=f"tk:r:{ticket_id}")
    assert "Ticket #" in await rep.say(payload=f"tk:c:{ticket_id}")


async def test_closing_a_ticket_clears_its_reminder(people: dict[str, Chat], world: World) -> None:
    """The desk reminded the rep to handle the ticket; once it is closed, /today and the
    07:00 reminder must not still ask for it. The customer's other reminders stay."""
    ticket_id = await _ticket(world, "rep_a", "张三", "设备坏了")
    rep = people["rep_a"]
    await rep.say("/remind 明天下午3点给张三打电话")
    await rep.say("1")
    async with world.uows() as uow:
        texts = {r.text: r.status for r in (await uow.session.scalars(select(Reminder))).all()}
    assert any(f"#{ticket_id}" in text for text in texts), texts
    assert "已关闭" in await rep.say(payload=f"tk:c:{ticket_id}")
    async with world.uows() as uow:
        rows = (await uow.session.scalars(select(Reminder))).all()
        audit = (await uow.session.scalars(select(AuditLog.action))).all()
    desk = [r for r in rows if f"#{ticket_id}" in r.text]
    other = [r for r in rows if f"#{ticket_id}" not in r.text]
    assert [r.status for r in desk] == ["done"] and [r.status for r in other] == ["pending"]
    assert "reminder.done" in audit


async def test_0018_links_the_reminders_of_tickets_already_open(
    engine: AsyncEngine, people: dict[str, Chat], world: World
) -> None:
    ticket_id = await _ticket(world, "rep_a", "张三", "设备坏了")
    await people["rep_a"].say("/remind 明天10点 给张三寄样品")  # no ticket's
    await downgrade(engine, "0017_scope_stats")
    await upgrade(engine)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT ticket_id FROM reminder ORDER BY id"))).all()
    assert [r.ticket_id for r in rows] == [ticket_id, None]
