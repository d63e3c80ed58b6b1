"""Correcting saved records (#22): undo, edit and delete a visit; edit and reopen a deal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.db import make_sessions
from store.models import Activity, AuditLog, Customer, Deal, Reminder
from store.uow import UnitOfWorkFactory
from tests.world import NOW, Chat, World, build_world, join_all


@pytest.fixture
async def sq_world(sqlite_engine: AsyncEngine) -> World:
    """SQLite alone, for what does not depend on the backend (wording, parsing, checks)."""
    return await build_world(UnitOfWorkFactory(make_sessions(sqlite_engine)))


async def _deals(world: World) -> list[Deal]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(Deal).order_by(Deal.id))).all())


async def _reminders(world: World) -> list[Reminder]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(Reminder).order_by(Reminder.id))).all())


async def _customer(world: World) -> Customer:
    async with world.uows() as uow:
        return (await uow.session.scalars(select(Customer))).one()


async def _activities(world: World) -> list[Activity]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(Activity).order_by(Activity.id))).all())


async def _audits(world: World, action: str) -> list[AuditLog]:
    async with world.uows() as uow:
        stmt = select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        return list((await uow.session.scalars(stmt)).all())


async def _log(rep: Chat, text: str) -> str:
    await rep.say(text)
    return await rep.say(payload="vi:ok")


async def _two_visits(rep: Chat) -> None:
    await rep.say("/newcustomer 张三 13900000031 华为")
    await _log(rep, "/visit 上周一拜访了张三，聊了方案，下周三回访")
    await _log(rep, "/visit 今天给张三打电话，确认需求，下周五回访")


async def test_undo_puts_last_contact_back_and_cancels_the_follow_up(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为")
    await _log(rep, "/visit 上周一拜访了张三，聊了方案")
    saved = await _log(rep, "/visit 今天给张三打电话，确认需求，下周五回访")
    assert "↩️ 撤销（10 分钟内）" in saved and "✏️ 修改" in saved
    first, second = await _activities(world)
    assert (await _customer(world)).last_contact_at == second.happened_at
    undone = await rep.say("1")  # the typed number picks Undo, as on WeCom
    assert "已撤销" in undone and "最近联系改为" in undone
    assert [a.id for a in await _activities(world)] == [first.id]
    assert (await _customer(world)).last_contact_at == first.happened_at
    [follow_up] = await _reminders(world)
    assert follow_up.status == "cancelled"
    [audit] = await _audits(world, "activity.undo")
    assert (audit.entity, audit.entity_id) == ("customer", second.customer_id)
    assert (audit.before or {})["id"] == second.id
    assert (audit.before or {})["summary"] == second.summary
    again = await rep.say(payload=f"ae:undo:{second.id}")
    assert "不存在" in again and len(await _activities(world)) == 1


async def test_undo_expires_and_changes_nothing(sq_world: World) -> None:
    world = sq_world
    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/newcustomer Jane Doe 13900000032 Acme")
    await _log(rep, "/visit called Jane Doe today about pricing")
    [activity] = await _activities(world)
    world.clock.at = NOW + timedelta(minutes=11)
    late = await rep.say(payload=f"ae:undo:{activity.id}")
    assert "Undo only works for 10 minutes" in late and "nothing changed" in late
    assert len(await _activities(world)) == 1 and not await _audits(world, "activity.undo")


async def test_edit_time_type_text_and_follow_up_from_the_profile(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await _two_visits(rep)
    old, new = await _activities(world)
    [first_fu, second_fu] = await _reminders(world)
    profile = await rep.say("/customer 张三")
    assert "📋 活动记录" in profile
    listing = await rep.say("3")
    assert "活动记录" in listing and "确认需求" in listing.splitlines()[1]
    card = await rep.say("1")  # the latest first
    assert "记录人：rep_a" in card and "确认需求" in card
    await rep.say("1")  # ✏️ time
    moved = await rep.say("上周二下午3点")
    assert "已修改" in moved and "11月17日" in moved
    # The call moved before nothing newer: last contact is now that moved call.
    customer = await _customer(world)
    async with world.uows() as uow:
        moved_call = await uow.session.get(Activity, new.id)
    assert moved_call is not None and customer.last_contact_at == moved_call.happened_at
    assert moved_call.happened_at > old.happened_at
    await rep.say(payload=f"ae:ed:{new.id}:kind")
    assert "会议" in await rep.say(payload=f"ae:kind:{new.id}:meeting")
    await rep.say(payload=f"ae:ed:{new.id}:text")
    assert "电话确认了需求和预算" in await rep.say("电话确认了需求和预算")
    await rep.say(payload=f"ae:ed:{new.id}:fu")
    assert "12月4日" in await rep.say("12月4日")
    reminders = {r.id: r for r in await _reminders(world)}
    assert len(reminders) == 2  # the same reminder moved, none added
    assert reminders[second_fu.id].due_at.day == 4 and reminders[second_fu.id].status == "pending"
    await rep.say(payload=f"ae:ed:{new.id}:fu")
    assert "下次回访：无" in await rep.say("无")
    reminders = {r.id: r for r in await _reminders(world)}
    assert reminders[second_fu.id].status == "cancelled"
    assert reminders[first_fu.id].status == "pending"  # the other visit's follow-up stays
    edits = await _audits(world, "activity.edit")
    assert [list(e.after or {}) for e in edits] == [["happened_at"], ["kind"], ["summary"]]
    assert edits[1].before == {"kind": "call"} and edits[1].after == {"kind": "meeting"}


async def test_a_date_that_looks_wrong_is_asked_about(sq_world: World) -> None:
    world = sq_world
    rep = (await join_all(world))["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为")
    await _log(rep, "/visit 今天拜访张三")
    [activity] = await _activities(world)
    await rep.say(payload=f"ae:ed:{activity.id}:when")
    asked = await rep.say("2024年3月1日")
    assert "一年多以前" in asked
    assert (await _activities(world))[0].happened_at == activity.happened_at  # not yet
    assert "已修改" in await rep.say("1")
    assert (await _activities(world))[0].happened_at.year == 2024
    await rep.say(payload=f"ae:ed:{activity.id}:when")
    assert "还没到" in await rep.say("下周五")  # an activity cannot be in the future
    await rep.say(payload=f"ae:ed:{activity.id}:fu")
    assert "已经过去" in await rep.say("昨天")


async def test_deleting_the_newest_visit_restarts_the_pool_clock_from_the_older_one(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为")
    async with world.uows() as uow:  # an old contact, as if logged 40 days ago
        customer = (await uow.session.scalars(select(Customer))).one()
        customer.created_at = NOW - timedelta(days=60)
        await uow.commit()
    await _log(rep, "/visit 今天拜访张三，聊了方案")
    [visit] = await _activities(world)
    async with world.uows() as uow:
        row = await uow.session.get(Activity, visit.id)
        assert row is not None
        row.happened_at = NOW - timedelta(days=40)
        await uow.commit()
    await _log(rep, "/visit 今天给张三打电话")
    cutoff = NOW - timedelta(days=30)
    async with world.uows() as uow:
        assert not await uow.ops.pool_candidates(world.org_id, cutoff, NOW - timedelta(days=365))
    _, call = await _activities(world)
    asked = await rep.say(payload=f"ae:del:{call.id}")
    assert "确定删除" in asked and len(await _activities(world)) == 2  # asked, not done
    assert "已删除" in await rep.say("1")
    async with world.uows() as uow:
        due = await uow.ops.pool_candidates(world.org_id, cutoff, NOW - timedelta(days=365))
    assert [c.id for c, _, _ in due] == [customer.id]  # the 40-day-old visit is the last now
    [deleted] = await _audits(world, "activity.delete")
    assert deleted.before and deleted.before["kind"] == "call" and deleted.after is None


async def test_who_may_change_an_activity(people: dict[str, Chat], world: World) -> None:
    await people["rep_a"].say("/newcustomer 张三 13900000031 华为")
    await _log(people["rep_a"], "/visit 今天拜访张三")
    [activity] = await _activities(world)
    for who in ("rep_b", "rep_w", "boss_west"):  # another rep, another team
        for payload in (f"ae:open:{activity.id}", f"ae:del:{activity.id}",
                        f"ae:delok:{activity.id}", f"ae:kind:{activity.id}:call"):  # fmt: skip
            assert "无权修改" in await people[who].say(payload=payload), (who, payload)
    assert "只有记录人本人" in await people["boss_east"].say(payload=f"ae:undo:{activity.id}")
    assert "会议" in await people["boss_east"].say(payload=f"ae:kind:{activity.id}:meeting")
    assert "电话" in await people["admin"].say(payload=f"ae:kind:{activity.id}:call")
    await people["boss_east"].say(payload=f"ae:ed:{activity.id}:fu")
    assert "已修改" in await people["boss_east"].say("下周三")
    [follow_up] = await _reminders(world)  # the rep's to make, not the manager's
    assert follow_up.user_id == activity.user_id and follow_up.activity_id == activity.id
    for forged in ("ae:open:99999999999", "ae:open:abc", "ae:kind:1:party", "ae:zap:1", "ae:"):
        reply = await people["rep_a"].say(payload=forged.replace(":1:", f":{activity.id}:"))
        assert "失效" in reply or "不存在" in reply, forged
    [activity] = await _activities(world)
    assert activity.kind == "call" and len(await _audits(world, "activity.edit")) == 2


async def _closed_deal(rep: Chat, world: World) -> Deal:
    await rep.say("/newcustomer 吴十 13900000041 海尔")
    for text in ("商机 新建 吴十", "冰箱采购", "50万", "月底"):
        await rep.say(text)
    [deal] = await _deals(world)
    world.clock.at = NOW + timedelta(days=3)
    await rep.say(payload=f"dl:mv:{deal.id}:discover")
    world.clock.at = NOW + timedelta(days=5)
    await rep.say(payload=f"dl:won:{deal.id}")
    await rep.say("价格好")
    return deal


async def test_deal_card_history_and_reopen_with_a_reason(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    deal = await _closed_deal(rep, world)
    listing = await rep.say("/deal 吴十")  # won and lost deals are listed for the customer
    assert "冰箱采购 · 赢单" in listing
    card = await rep.say("1")
    assert "11月23日 周一 见到客户（3 天）" in card and "发现机会（2 天）" in card
    assert "赢单（0 天，至今）" in card and "↩️ 重新打开" in card
    stages = await rep.say("2")
    assert "重新打开到哪个阶段" in stages
    assert "原因" in await rep.say("确认机会")
    assert "需要写原因" in await rep.say("跳过")  # a reason is required
    reopened = await rep.say("客户又改了需求")
    assert "赢单 → 确认机会" in reopened and "确认机会（0 天，至今）" in reopened
    [deal] = await _deals(world)
    assert (deal.stage, deal.closed_at, deal.close_reason) == ("confirm", None, None)
    [audit] = await _audits(world, "deal.reopen")
    assert audit.before and audit.before["stage"] == "won" and audit.before["close_reason"]
    assert audit.after and audit.after["reason"] == "客户又改了需求"
    stale = await rep.say(payload=f"de:ro:{deal.id}:needs:won")  # the old question's button
    assert "失效" in stale
    assert "还没有结束" in await rep.say(payload=f"de:reopen:{deal.id}")


async def test_edit_amount_currency_close_and_title(sq_world: World) -> None:
    world = sq_world
    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/newcustomer Bob Stone 13900000043 Globex")
    for text in ("/deal new Bob Stone", "Licences", "$20k", "skip"):
        await rep.say(text)
    [deal] = await _deals(world)
    await rep.say(payload=f"de:ed:{deal.id}:amount")
    assert "amount $20,000 → $25,000" in await rep.say("25k")  # no currency: the deal's
    await rep.say(payload=f"de:ed:{deal.id}:amount")
    assert "Changing only the currency" in await rep.say("EUR")
    asked = await rep.say("€30k")
    assert "a different currency" in asked and "Change to €30,000" in asked
    assert "€30,000" in await rep.say("1")
    await rep.say(payload=f"de:ed:{deal.id}:amount")
    assert "too large" in await rep.say("€90000000000000")
    await rep.say(payload=f"de:ed:{deal.id}:amount")
    assert "can't be negative" in await rep.say("-5k")
    await rep.say(payload=f"de:ed:{deal.id}:title")
    assert '"Licences": title Licences → Site licences' in await rep.say("Site licences")
    await rep.say(payload=f"de:ed:{deal.id}:close")
    assert "expected close" in await rep.say("Dec 20")
    [deal] = await _deals(world)
    assert (deal.amount, deal.currency) == (Decimal(30000), "EUR")
    assert deal.title == "Site licences" and str(deal.expected_close) == "2026-12-20"
    amounts = await _audits(world, "deal.amount")
    last = amounts[-1]
    assert last.before and last.after and last.before["currency"] == "USD"
    assert Decimal(last.before["amount"]) == 25000 and Decimal(last.after["amount"]) == 30000
    assert last.after["currency"] == "EUR"
    stale = f"de:amt:{deal.id}:1000:USD:25000:USD"  # asked when it was $25k: not any more
    assert "changed since" in await rep.say(payload=stale)


async def test_currency_never_changes_under_booked_money(sq_world: World) -> None:
    world = sq_world
    rep = (await join_all(world))["rep_a"]
    await rep.say("/newcustomer 吴十 13900000041 海尔")
    for text in ("商机 新建 吴十", "冰箱采购", "50万", "跳过"):
        await rep.say(text)
    [deal] = await _deals(world)
    assert "已记录" in await rep.say("/payment 吴十 10万")
    await rep.say(payload=f"de:ed:{deal.id}:amount")
    refused = await rep.say("$8万")
    assert "不能改成 USD" in refused
    forged = f"de:amt:{deal.id}:80000:USD:500000:CNY"
    assert "不能改成 USD" in await rep.say(payload=forged)
    [deal] = await _deals(world)
    assert deal.currency == "CNY"


async def test_who_may_change_a_deal(sq_world: World) -> None:
    world = sq_world
    people = await join_all(world)
    deal = await _closed_deal(people["rep_a"], world)
    for who in ("rep_b", "boss_west"):
        for payload in (f"de:menu:{deal.id}", f"de:reopen:{deal.id}", f"de:ed:{deal.id}:title"):
            assert "无权操作" in await people[who].say(payload=payload)
    boss = people["boss_east"]
    await boss.say(payload=f"de:ed:{deal.id}:title")
    assert "冰箱大单" in await boss.say("冰箱大单")
    for forged in ("de:ed:{id}:owner", "de:amt:{id}:1e999:CNY:500000:CNY", "de:ro:{id}:won:won"):
        assert "失效" in await people["admin"].say(payload=forged.format(id=deal.id)), forged
    [deal] = await _deals(world)
    assert deal.title == "冰箱大单" and deal.stage == "won"


async def test_undo_also_puts_back_what_the_save_did_to_deals(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为")
    saved = await _log(rep, "/visit 今天拜访张三，谈了报价")  # opens a deal at 方案报价
    assert "新商机" in saved
    [deal] = await _deals(world)
    [visit] = await _activities(world)
    assert "对商机「华为」的改动也已撤回" in await rep.say(payload=f"ae:undo:{visit.id}")
    assert await _deals(world) == [] and await _activities(world) == []
    # A stage move: the stage and the pool's deal clock go back, the history row goes.
    await rep.say("/deal new 张三")
    for text in ("服务器", "50万", "跳过"):
        await rep.say(text)
    [deal] = await _deals(world)
    world.clock.at = NOW + timedelta(days=2)
    saved = await _log(rep, "/visit 今天拜访张三，客户确认了需求")
    assert "明确需求" in saved
    [visit] = await _activities(world)
    undone = await rep.say(payload=f"ae:undo:{visit.id}")
    assert "改动也已撤回" in undone
    [deal] = await _deals(world)
    assert deal.stage == "meet" and deal.stage_changed_at == deal.created_at
    async with world.uows() as uow:
        assert [h.to_stage for h in await uow.deals.history(deal.id)] == ["meet"]
    # Changed again after the visit: the deal stays, and the reply says so.
    await _log(rep, "/visit 今天拜访张三，客户确认了需求")
    [visit] = await _activities(world)
    world.clock.at += timedelta(minutes=2)
    await rep.say(payload=f"dl:mv:{deal.id}:proposal")
    kept = await rep.say(payload=f"ae:undo:{visit.id}")
    assert "之后又改过" in kept and await _activities(world) == []
    [deal] = await _deals(world)
    assert deal.stage == "proposal"


async def test_activity_list_pages_by_eight(sq_world: World) -> None:
    world = sq_world
    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/newcustomer Jane Doe 13900000032 Acme")
    for day in range(1, 10):
        world.clock.at = NOW + timedelta(days=day)
        await _log(rep, f"/visit called Jane Doe today, note {day}")
    customer = await _customer(world)
    first = await rep.say("/activities Jane Doe")
    assert "note 9" in first and "note 2" in first and "note 1" not in first
    assert "9. ▶ More" in first
    more = await rep.say("9")
    assert "note 1" in more and "note 2" not in more
    forged = await rep.say(payload=f"ae:list:{customer.id}:99999999999")
    assert "no longer valid" in forged
