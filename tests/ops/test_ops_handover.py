"""Handover: a leaving rep's customers, deals, reminders and plans move, balanced and audited."""

from __future__ import annotations

from datetime import date, timedelta

from store.models import AuditLog, Customer, Deal, OutboxEntry, OwnerChange, Reminder, User
from tests.ops.helpers import (
    add_customer,
    add_deal,
    add_instalment,
    add_reminder,
    count,
    log_visit,
    rows,
    user_id,
)
from tests.world import Chat, World


async def _book(world: World) -> list[int]:
    """rep_a: four customers, an open and a won deal (with a plan), reminders, a visit."""
    ids = [await add_customer(world, "rep_a", n) for n in ("张三", "李四", "王五", "赵六")]
    now = world.clock.now()
    await add_deal(world, "rep_a", ids[0], "服务器采购", "80000", "proposal")
    won = await add_deal(world, "rep_a", ids[1], "年度维保", "20000", "won")
    await add_instalment(world, won, world.org_id, date(2026, 12, 20))
    await add_reminder(world, "rep_a", ids[0], now + timedelta(days=2))
    await add_reminder(world, "rep_a", None, now + timedelta(days=3))
    await log_visit(world, "rep_a", ids[0], now - timedelta(days=1))
    return ids


async def test_admin_hands_everything_over_balanced(people: dict[str, Chat], world: World) -> None:
    ids = await _book(world)
    admin = people["admin"]
    reply = await admin.say("/handover rep_a 给 rep_b,boss_east")
    assert "4 位客户" in reply and "2 个商机" in reply and "2 个待办提醒" in reply
    assert await count(world, OwnerChange) == 0  # nothing moves before the confirmation
    assert "交接完成" in await admin.say("确认交接")
    a, b, boss = [await user_id(world, n) for n in ("rep_a", "rep_b", "boss_east")]
    owners = {c.id: c.owner_id for c in await rows(world, Customer)}
    assert set(owners) == set(ids) and a not in owners.values()
    assert sorted(list(owners.values()).count(u) for u in (b, boss)) == [2, 2]
    for deal in await rows(world, Deal):  # deals (and the plan on the won one) follow customers
        assert deal.owner_id == owners[deal.customer_id]
    reminders = await rows(world, Reminder)
    assert all(r.user_id in (b, boss) for r in reminders)
    assert next(r for r in reminders if r.customer_id == ids[0]).user_id == owners[ids[0]]
    changes = await rows(world, OwnerChange, reason="handover")
    assert len(changes) == 4 and all(c.from_owner_id == a for c in changes)
    assert await count(world, AuditLog, action="user.handover") == 1
    assert await count(world, AuditLog, action="deal.owner") == 2
    assert (await rows(world, User, id=a))[0].away is True
    briefs = [
        o for o in await rows(world, OutboxEntry) if o.idempotency_key.startswith("handover")
    ]
    assert len(briefs) == 2
    text = "\n".join(str(o.body["text"]) for o in briefs)
    assert "张三" in text and "服务器采购" in text and "带报价单回访" in text


async def test_handover_refused_and_cancelled_in_english(
    people_en: dict[str, Chat], world: World
) -> None:
    await _book(world)
    assert "Only an admin" in await people_en["boss_east"].say("/handover rep_a to rep_b")
    admin = people_en["admin"]
    assert "Usage" in await admin.say("/handover rep_a")
    assert "No colleague" in await admin.say("/handover rep_a to nobody")
    reply = await admin.say("/handover rep_a to rep_b")
    assert "4 customers, 2 deals and 2 open reminders" in reply
    assert "nothing was handed over" in await admin.say("Cancel")
    assert await count(world, OwnerChange) == 0
    await admin.say("/handover rep_a to rep_b")
    assert "Handed over" in await admin.say("1")
    assert await count(world, OwnerChange, reason="handover") == 4
    history = await people_en["rep_b"].say("/owners 张三")
    assert "Owner history" in history and "rep_a → rep_b (handover)" in history
