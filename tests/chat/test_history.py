"""/history: who changed what about a customer, in scope, in both languages, paged."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from handlers.chat.history import ACTIONS
from handlers.i18n import catalog
from store.models import Contact
from tests.ops.helpers import add_customer, add_deal, log_visit, move_deal
from tests.world import Chat, World


async def test_history_tells_who_changed_what(people: dict[str, Chat], world: World) -> None:
    customer = await add_customer(world, "rep_a", "刘洋", "13800000001", "华为")
    deal = await add_deal(world, "rep_a", customer, "交换机", "50000", "meet")
    world.clock.at += timedelta(hours=2)
    await move_deal(world, "rep_a", deal, "proposal")
    await log_visit(world, "rep_a", customer, world.clock.now())
    boss = people["boss_east"]
    reply = await boss.say("/history 刘洋")
    assert "刘洋 的变更记录" in reply
    lines = reply.splitlines()[1:]
    assert "rep_a：记录拜访" in lines[0]  # newest first
    assert "rep_a：推进商机：阶段 见到客户 → 方案报价" in lines[1]
    assert "新建商机 交换机 · ¥50,000" in lines[2] and "新建客户 刘洋" in lines[3]
    en = await people["rep_a"].say("/lang en") and await people["rep_a"].say("/history 刘洋")
    assert "Changes to 刘洋" in en and "rep_a: moved a deal: stage Met customer → Proposal" in en


async def test_history_is_scoped(people: dict[str, Chat], world: World) -> None:
    await add_customer(world, "rep_a", "刘洋", "13800000001")
    assert "没有找到" in await people["boss_west"].say("/history 刘洋")
    assert "没有找到" in await people["rep_b"].say("/history 刘洋")
    assert "刘洋 的变更记录" in await people["admin"].say("变更记录 刘洋")
    assert "用法" in await people["admin"].say("/history")
    # A forged page button for a customer out of scope shows nothing of it.
    reply = await people["rep_w"].say(payload="hist:more:1:999999")
    assert "刘洋" not in reply


async def test_history_pages_back(people: dict[str, Chat], world: World) -> None:
    customer = await add_customer(world, "rep_a", "刘洋", "13800000001")
    for _ in range(14):
        world.clock.at += timedelta(minutes=5)
        await log_visit(world, "rep_a", customer, world.clock.now())
    rep = people["rep_a"]
    first = await rep.say("/history 刘洋")
    assert first.count("记录拜访") == 12 and "更早的记录" in first
    more = rep.last[0].choices[0].payload
    older = await rep.say(payload=more)
    assert older.count("记录拜访") == 2 and "新建客户 刘洋" in older
    assert "更早的记录" not in older


async def test_a_deleted_visit_stays_in_the_history(people: dict[str, Chat], world: World) -> None:
    await add_customer(world, "rep_a", "刘洋", "13800000001")
    rep = people["rep_a"]
    await rep.say("/visit 今天拜访刘洋，谈了报价")
    saved = await rep.say("1")
    assert "撤销" in saved
    undo = next(c.payload for c in rep.last[0].choices if "撤销" in c.label)
    assert "已撤销" in await rep.say(payload=undo)
    trail = await people["boss_east"].say("/history 刘洋")
    assert "rep_a：撤销活动记录 今天拜访刘洋，谈了报价" in trail
    assert "新建客户 刘洋" in trail


async def test_edits_notes_contacts_and_closed_reminders_read_as_what_they_were(
    people: dict[str, Chat], world: World
) -> None:
    """A profile edit read "负责人变更（edit）" (as if the customer changed hands), and a contact's
    changes were missing from the company's history."""
    rep = people["rep_a"]
    await add_customer(world, "rep_a", "刘洋", "13800000001", "华为")
    await rep.say("刘洋的邮箱是liu@huawei.com")
    await rep.say("/notes 刘洋 喜欢喝普洱茶")
    reply = await rep.say("/history 刘洋")
    assert "负责人变更" not in reply and "edit" not in reply, reply
    assert "修改资料：邮箱 （空） → liu@huawei.com" in reply and "加备注" in reply
    await rep.say("/newcontact 华为 李工 13800000002")
    await rep.say("1")  # a new company 华为, with 李工
    async with world.uows() as uow:
        contact = (await uow.session.scalars(select(Contact))).one()
    await rep.say(payload=f"ce:f:{contact.id}:title")
    await rep.say("采购总监")
    await rep.say("/lang en")
    reply = await rep.say("/history 华为")
    assert "edited a contact: title (empty) → 采购总监" in reply, reply
    assert "added a contact 李工" in reply


def test_every_audited_action_on_a_customers_records_has_words() -> None:
    """Each action written under an entity /history shows (store/repos/history.py) reads as
    words in both languages: a literal in ACTIONS, or an ownership reason."""
    written = set()
    for path in Path("handlers").rglob("*.py"):
        text = path.read_text()
        written |= set(re.findall(r'record\(\s*[\w.]+,\s*[\w.]+,\s*"([a-z_]+\.[a-z_]+)"', text))
    written |= {f"reminder.{s}" for s in ("done", "cancelled", "pending")}  # reminders.change
    shown = {"customer", "deal", "activity", "reminder", "ticket", "payment", "instalment",
             "contact"}  # fmt: skip
    reasons = {key.removeprefix("reason.") for key in catalog() if key.startswith("reason.")}
    unnamed = [
        action for action in sorted(written)
        if action.split(".")[0] in shown and action not in ACTIONS
        and not (action.startswith("customer.") and action.split(".")[1] in reasons)
    ]  # fmt: skip
    assert len(written) > 30 and unnamed == []
