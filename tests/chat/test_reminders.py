"""/remind and /today with Done / Snooze / Tomorrow / Reschedule."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from store.models import Reminder
from tests.world import NOW, Chat, World, join_all


async def _reminders(world: World) -> list[Reminder]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(Reminder).order_by(Reminder.id))).all())


async def test_set_and_act_on_reminders(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    assert "今天没有待办" in await rep.say("今天")
    assert "提醒你" in await rep.say("/remind 今天下午3点给李总打电话")
    assert "提醒你" in await rep.say("提醒我明天上午10点发报价")
    [today, tomorrow] = await _reminders(world)
    assert today.due_at.astimezone(NOW.tzinfo).hour == 15
    listing = await rep.say("/today")
    assert "给李总打电话" in listing and "发报价" not in listing
    assert "1. ✅ 完成" in listing and "4. 📅 改时间" in listing
    assert "改到" in await rep.say("2")  # snooze one hour
    [snoozed, _] = await _reminders(world)
    assert snoozed.due_at == today.due_at.replace() or snoozed.status == "snoozed"
    assert snoozed.due_at == NOW + timedelta(hours=1)
    await rep.say("/today")
    assert "改到" in await rep.say("明早9点")
    await rep.say(payload=f"rm:res:{tomorrow.id}")
    assert "改到" in await rep.say("下周一下午2点")
    assert "已完成" in await rep.say(payload=f"rm:done:{tomorrow.id}")
    assert "已经处理过" in await rep.say(payload=f"rm:done:{tomorrow.id}")
    [first, second] = await _reminders(world)
    assert first.due_at.astimezone(NOW.tzinfo).hour == 9 and second.status == "done"


async def test_overdue_shows_in_today(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/remind 今天中午12点回访客户")
    world.clock.at = NOW + timedelta(hours=5)
    assert "逾期" in await rep.say("/today")


async def test_reminder_bad_input(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    assert "什么时候" in await rep.say("/remind 给张总打电话")
    assert "没看懂" in await rep.say("改天吧")
    assert "已经过去了" in await rep.say("昨天")
    assert "提醒你" in await rep.say("明天")
    assert "已经过去了" in await rep.say("/remind 昨天下午给张总打电话")
    assert "这个提醒不存在" in await people["rep_b"].say(payload="rm:done:1")
    assert len(await _reminders(world)) == 1


async def test_english_reminder(world: World) -> None:
    rep = (await join_all(world, lang="en"))["rep_a"]
    assert "remind you" in await rep.say("/remind tomorrow 3pm call Li")
    listing = await rep.say("/today")
    assert "Nothing due" in listing
    [reminder] = await _reminders(world)
    local = reminder.due_at.astimezone(NOW.tzinfo)
    assert (local.day, local.hour) == (24, 15)
    assert "Moved to" in await rep.say(payload=f"rm:tmr:{reminder.id}")
