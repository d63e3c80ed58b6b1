"""A forwarded message is offered as a note on a customer, never logged as the rep's visit."""

from __future__ import annotations

from sqlalchemy import select

from store.models import Activity, AuditLog, Customer
from tests.world import Chat, World, join_all


async def _customer(world: World, name: str) -> Customer:
    async with world.uows() as uow:
        return (await uow.session.scalars(select(Customer).where(Customer.name == name))).one()


async def _activities(world: World) -> int:
    async with world.uows() as uow:
        return len((await uow.session.scalars(select(Activity))).all())


async def test_forwarded_text_becomes_a_note(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为")
    reply = await rep.say("Can 明天拜访华为张三，带上报价单", forwarded=True)
    assert "转发的消息" in reply and "不会记成你的拜访" in reply and "1. 张三" in reply
    assert "没找到" not in reply and await _activities(world) == 0
    assert "已把转发的内容记到 张三" in await rep.say("1")
    customer = await _customer(world, "张三")
    assert customer.notes is not None and "Can 明天拜访华为张三，带上报价单" in customer.notes
    assert await _activities(world) == 0
    async with world.uows() as uow:
        actions = (await uow.session.scalars(select(AuditLog.action))).all()
    assert "customer.note" in actions
    assert "张三" in await rep.say("/customer 张三") and "带上报价单" in await rep.say(
        "/customer 张三"
    )


async def test_forwarded_english_by_name_and_declined(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/newcustomer David Lee 13900000033 Acme")
    reply = await rep.say("Can we move the meeting to Tuesday?", forwarded=True)
    assert "forwarded message" in reply and "won't log it as your visit" in reply
    reply = await rep.say("David Lee")
    assert "Pick the customer" in reply and "David Lee" in reply
    assert "Added the forwarded text to David Lee" in await rep.say("1")
    assert "Tuesday" in ((await _customer(world, "David Lee")).notes or "")
    await rep.say("/visit met David Lee, sent the quote", forwarded=True)
    assert "nothing was saved" in await rep.say(payload="fw:no")
    assert await _activities(world) == 0
    assert "no text" in await rep.say(forwarded=True)
