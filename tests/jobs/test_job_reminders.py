"""Due reminders become exactly one outbox row per occurrence, with the action buttons."""

from __future__ import annotations

from datetime import timedelta

from jobs.context import JobContext
from jobs.reminders import deliver_due_reminders
from tests.jobs.helpers import add_customer, outbox, payloads, reminders
from tests.world import NOW, Chat, World


async def test_due_reminder_queued_once_with_buttons(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    rep = people["rep_a"]
    await rep.say("/remind 今天下午3点给李总打电话")
    assert await deliver_due_reminders(jobs) == 0  # not due yet
    world.clock.at = NOW.replace(hour=15, minute=0, second=30)
    assert await deliver_due_reminders(jobs) == 1
    assert await deliver_due_reminders(jobs) == 0
    [row] = await outbox(world, "reminder:")
    [reminder] = await reminders(world)
    assert reminder.status == "sent"
    assert row.idempotency_key == f"reminder:{reminder.id}:{reminder.due_at.isoformat()}"
    assert (row.channel, row.recipient) == ("console", "rep_a")
    assert "给李总打电话" in row.body["text"]
    assert payloads(row.body) == [f"rm:{a}:{reminder.id}" for a in ("done", "snz", "tmr", "res")]


async def test_snoozed_reminder_fires_again_with_new_key(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    rep = people["rep_a"]
    await rep.say("/remind 今天中午12点回访客户")
    world.clock.at = NOW.replace(hour=12, minute=1)
    await deliver_due_reminders(jobs)
    [reminder] = await reminders(world)
    assert "改到" in await rep.say(payload=f"rm:snz:{reminder.id}")
    assert await deliver_due_reminders(jobs) == 0
    world.clock.at += timedelta(hours=1)
    assert await deliver_due_reminders(jobs) == 1
    rows = await outbox(world, "reminder:")
    assert len({r.idempotency_key for r in rows}) == 2
    assert "已完成" in await rep.say(payload=f"rm:done:{reminder.id}")
    world.clock.at += timedelta(days=1)
    assert await deliver_due_reminders(jobs) == 0
    assert (await reminders(world))[0].status == "done"


async def test_blocked_identity_gets_nothing_but_reminder_is_settled(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    await people["rep_a"].say("/remind 今天中午12点回访客户")
    async with world.uows() as uow:
        await uow.outbox.mark_blocked("console", "rep_a", NOW)
        await uow.commit()
    world.clock.at = NOW.replace(hour=12, minute=1)
    assert await deliver_due_reminders(jobs) == 0
    assert await outbox(world, "reminder:") == []
    assert (await reminders(world))[0].status == "sent"


async def test_customer_reminder_offers_log_visit(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    rep = people["rep_a"]
    await add_customer(world, "rep_a", "张三")
    await rep.say("/remind 明天上午10点给张三打电话")
    world.clock.at = NOW + timedelta(days=1, hours=1)
    await deliver_due_reminders(jobs)
    [row] = await outbox(world, "reminder:")
    [reminder] = await reminders(world)
    assert reminder.customer_id is not None
    assert payloads(row.body)[-1] == f"vi:for:{reminder.customer_id}"
    assert "张三" in row.body["text"]


async def test_typed_number_answers_the_reminder_where_choices_are_numbered(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    rep, busy = people["rep_a"], people["rep_b"]
    await rep.say("/remind 今天中午12点回访客户")
    await busy.say("/remind 今天中午12点给王总发报价")
    assert "名字" in await busy.say("新客户")  # rep_b is halfway through a form
    world.clock.at = NOW.replace(hour=12, minute=1)
    assert await deliver_due_reminders(jobs) == 2
    mine, theirs = sorted(await reminders(world), key=lambda r: r.id)
    assert "已完成" in await rep.say("1")  # the reminder's first choice: Done
    assert "电话" in await busy.say("1")  # a form's answer is never taken for a choice
    statuses = {r.id: r.status for r in await reminders(world)}
    assert statuses == {mine.id: "done", theirs.id: "sent"}


async def test_reminders_shown_together_are_numbered_across_them(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    """Two reminders on screen showed 1–5 each and "2" acted on the last only: the numbers now
    run on (1–4, 5–8, then 9–12 for one that arrives later) and each picks its own."""
    from bot.console.chat import render
    from handlers.messages import reply_from_dict

    rep = people["rep_a"]
    await rep.say("/remind 今天中午12点回访客户")
    await rep.say("/remind 今天中午12点给王总发报价")
    await rep.say("/remind 今天下午1点准备合同")
    world.clock.at = NOW.replace(hour=12, minute=1)
    assert await deliver_due_reminders(jobs) == 2
    first, second = await outbox(world, "reminder:")
    assert (first.body["first_choice"], second.body["first_choice"]) == (1, 5)
    shown = render([reply_from_dict(second.body)], second.body["first_choice"])
    assert "5. ✅ 完成" in shown and "6. ⏱ 1小时后" in shown
    world.clock.at = NOW.replace(hour=13, minute=1)
    assert await deliver_due_reminders(jobs) == 1
    assert (await outbox(world, "reminder:"))[2].body["first_choice"] == 9
    visit, quote, contract = await reminders(world)
    assert "已完成" in await rep.say("5") and "发报价" in rep.last[0].text  # the second one
    assert {r.id: r.status for r in await reminders(world)} == {
        visit.id: "sent", quote.id: "done", contract.id: "sent"
    }


async def test_english_reminder_numbers_follow_on(world: World, jobs: JobContext) -> None:
    from tests.world import join_all

    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/remind today 12:00 call Li")
    await rep.say("/remind today 12:00 send Wang the quote")
    world.clock.at = NOW.replace(hour=12, minute=1)
    assert await deliver_due_reminders(jobs) == 2
    assert [r.body["first_choice"] for r in await outbox(world, "reminder:")] == [1, 5]
    assert "pick a number from 1 to 8" in (await rep.say("9")).lower()
    reply = await rep.say("5")
    assert "Done" in reply and "send Wang the quote" in reply
