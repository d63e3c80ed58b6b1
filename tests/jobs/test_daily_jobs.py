"""Brief, payments, stale deals and cadence: what each queues, once, at local times (DST too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from handlers.services import payments as pay_svc
from jobs.brief import run_briefs
from jobs.cadence import run_cadence
from jobs.context import JobContext
from jobs.payments import run_payment_reminders
from jobs.reminders import deliver_due_reminders
from jobs.slots import latest_slot
from jobs.stale import run_stale
from store.models import Customer, Deal, Reminder, User
from tests.jobs.helpers import add_customer, add_deal, log_visit, outbox, reminders, user_named
from tests.world import NOW, Chat, World

NY = ZoneInfo("America/New_York")


async def test_brief_lists_due_overdue_birthdays_payments(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    rep = people["rep_a"]
    await rep.say("/remind 明天下午3点给李总打电话")
    await rep.say("/remind 今天中午12点回访客户")
    world.clock.at = NOW.replace(hour=12, minute=5)
    await deliver_due_reminders(jobs)  # sent, never acted on: overdue in tomorrow's brief
    zhang = await add_customer(world, "rep_a", "张三", birthday=date(1980, 11, 24))
    await add_customer(
        world, "rep_a", "农历生日", birthday=date(1970, 10, 16), birthday_lunar=True
    )
    deal = await add_deal(world, "rep_a", zhang, "华为年度采购", "100000", "proposal")
    async with world.uows() as uow:
        actor, found = await user_named(uow, "rep_a"), await uow.session.get(Deal, deal)
        assert found is not None
        await pay_svc.add_instalment(uow, actor, found, date(2026, 11, 25), Decimal(30000), NOW)
        await uow.commit()
    world.clock.at = datetime(2026, 11, 24, 8, 30, 1, tzinfo=NOW.tzinfo)
    assert await run_briefs(jobs) == 5  # 3 reps + 2 managers in Shanghai
    assert await run_briefs(jobs) == 0
    [row] = [r for r in await outbox(world, "brief:") if r.recipient == "rep_a"]
    text = str(row.body["text"])
    assert "今天的待办（1）" in text and "15:00 明天下午3点给李总打电话" in text
    assert "逾期未处理（1）" in text and "回访客户" in text
    assert "张三" in text and "农历生日" in text  # 2026-11-24 is lunar 10/16
    assert "¥30,000" in text


async def test_brief_at_0830_new_york_across_dst(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    async with world.uows() as uow:
        await uow.session.execute(update(User).values(tz="America/New_York"))
        await uow.commit()
    for day in (date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9), date(2026, 11, 1)):
        local = datetime.combine(day, time(8, 29), NY)
        world.clock.at = local.astimezone(UTC)
        before = len(await outbox(world, "brief:"))
        await run_briefs(jobs)
        assert len(await outbox(world, "brief:")) == before, day
        world.clock.at = (local + timedelta(minutes=1)).astimezone(UTC)
        assert await run_briefs(jobs) == 5, day
        world.clock.at += timedelta(hours=1)  # on 1 Nov the clock repeats 1:00–2:00, not 8:30
        assert await run_briefs(jobs) == 0
    slot = latest_slot(
        "b", datetime(2026, 3, 8, 12, 31, tzinfo=UTC), "America/New_York", time(8, 30)
    )
    assert slot is not None and slot.at.utcoffset() == timedelta(hours=-4)


def test_slot_in_spring_gap_and_autumn_repeat() -> None:
    gap = latest_slot("j", datetime(2026, 3, 8, 8, 0, tzinfo=UTC), "America/New_York", time(2, 30))
    assert gap is not None and gap.at.astimezone(UTC).hour == 7  # 02:30 EST = 03:30 EDT
    twice = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)  # 02:00 EST, after both 01:30s
    slot = latest_slot("j", twice, "America/New_York", time(1, 30))
    assert slot is not None and slot.at.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


async def test_payment_reminders_before_and_overdue(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    zhang = await add_customer(world, "rep_a", "张三")
    deal_id = await add_deal(world, "rep_a", zhang, "华为年度采购", "100000", "won")
    reply = await people["rep_a"].say("/payment 计划 张三 5万 11月26日")
    assert "11月26日" in reply
    world.clock.at = NOW.replace(hour=9, minute=1)
    assert await run_payment_reminders(jobs) == 1
    world.clock.at += timedelta(days=4)  # 27 Nov: overdue
    assert await run_payment_reminders(jobs) == 1
    world.clock.at += timedelta(days=1)
    assert await run_payment_reminders(jobs) == 0  # once per kind, not daily
    keys = [r.idempotency_key for r in await outbox(world, "payment:")]
    assert [k.split(":")[2] for k in keys] == ["soon", "overdue"]
    assert "剩余应收 ¥20,000" in await people["rep_a"].say("回款 张三 3万")
    assert deal_id


async def test_stale_deal_alerted_once_and_cadence(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    world.clock.at = NOW - timedelta(days=40)
    old = await add_customer(world, "rep_a", "老客户", tier="A")
    await add_deal(world, "rep_a", old, "停滞商机", "80000", "proposal")
    fresh = await add_customer(world, "rep_a", "新客户", tier="A")
    await add_deal(world, "rep_a", fresh, "活跃商机", "10000", "proposal")
    await log_visit(world, "rep_a", fresh, NOW - timedelta(days=2))
    world.clock.at = NOW.replace(hour=9, minute=1)
    assert await run_stale(jobs) == 1
    [alert] = await outbox(world, "stale:")
    assert "停滞商机" in str(alert.body["text"]) and alert.recipient == "rep_a"
    world.clock.at = NOW.replace(hour=7, minute=1)
    assert await run_cadence(jobs) == 1  # 老客户: tier A, 40 days; 新客户 visited 2 days ago
    assert await run_cadence(jobs) == 0
    [cadence] = [r for r in await reminders(world) if r.kind == "cadence"]
    assert cadence.due_at == NOW.replace(hour=9, minute=0)
    await log_visit(world, "rep_a", old, NOW.replace(hour=8))
    world.clock.at += timedelta(days=1)
    await run_cadence(jobs)
    async with world.uows() as uow:
        row = await uow.session.get(Reminder, cadence.id)
        assert row is not None and row.status == "cancelled"
        left = await uow.session.scalars(select(Customer).where(Customer.id == old))
        assert left.one().last_contact_at is not None


async def test_nightly_ops_release_to_pool_and_segment_once(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    """02:00 org time: a customer untouched for 30 days goes back to the team pool, once."""
    from jobs.ops import run_ops
    from store.models import OwnerChange

    forgotten = await add_customer(world, "rep_a", "久未联系")
    kept = await add_customer(world, "rep_a", "常联系")
    await log_visit(world, "rep_a", kept, NOW + timedelta(days=35))
    world.clock.at = datetime(2026, 12, 29, 2, 0, 30, tzinfo=NOW.tzinfo)  # 36 days on
    assert await run_ops(jobs) >= 1
    assert await run_ops(jobs) == 0  # the night's slot is taken
    async with world.uows() as uow:
        gone = await uow.session.get(Customer, forgotten)
        stays = await uow.session.get(Customer, kept)
        changes = (await uow.session.scalars(select(OwnerChange))).all()
    assert gone is not None and gone.owner_id is None and gone.pool_team_id is not None
    assert stays is not None and stays.owner_id is not None
    assert [(c.customer_id, c.to_owner_id) for c in changes] == [(forgotten, None)]
    assert stays.segmented_at is not None
