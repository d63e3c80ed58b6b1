"""Records follow the activity: a reminder about a customer is linked to them, and a logged
contact settles their cadence check-in at once."""

from __future__ import annotations

from datetime import timedelta

from jobs.cadence import run_cadence
from jobs.context import JobContext
from jobs.stale import run_stale
from tests.jobs.helpers import add_customer, add_deal, outbox, reminders
from tests.ops.helpers import add_customer as add_firm
from tests.world import NOW, Chat, World, join_all


async def test_reminders_about_a_customer_are_linked(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    world.clock.at = NOW - timedelta(days=40)
    zhang = await add_firm(world, "rep_a", "张三", None, "华为")
    liu = await add_firm(world, "rep_a", "刘洋", None, "比亚迪")
    await add_deal(world, "rep_a", zhang, "华为年度采购", "100000", "proposal")
    world.clock.at = NOW
    rep = people["rep_a"]
    assert "客户：张三" in await rep.say("/remind 明天给张三发合同")
    assert "客户：刘洋" in await rep.say("/remind 下周五和刘洋吃饭")
    assert "客户：张三" in await rep.say("/remind 明天跟进张三")
    assert "客户：刘洋" in await rep.say("提醒我下周一给比亚迪刘洋送样品")
    linked = [r.customer_id for r in await reminders(world)]
    assert linked == [zhang, liu, zhang, liu]
    assert "发合同" in await rep.say("/customer 张三")  # on the profile
    world.clock.at = NOW.replace(hour=9, minute=1) + timedelta(days=0)
    assert await run_stale(jobs) == 0  # a next step is planned: no stale-deal alert
    assert await outbox(world, "stale:") == []


async def test_unclear_customer_is_asked_not_guessed(
    people: dict[str, Chat], world: World
) -> None:
    first = await add_firm(world, "rep_a", "张三", None, "华为")
    second = await add_firm(world, "rep_a", "张三", None, "腾讯")
    rep = people["rep_a"]
    reply = await rep.say("/remind 明天给张三发合同")
    assert "提醒你" in reply and "是哪一位" in reply  # the shared which-customer question
    assert "张三 · 华为" in reply and "张三 · 腾讯" in reply and "都不是" in reply
    [reminder] = await reminders(world)
    assert reminder.customer_id is None  # saved, not linked on a guess
    assert "已关联到 张三" in await rep.say(payload=f"rm:link:{reminder.id}:{second}")
    [reminder] = await reminders(world)
    assert reminder.customer_id == second != first
    other = await add_customer(world, "rep_b", "王五")
    assert "不存在" in await rep.say(payload=f"rm:link:{reminder.id}:{other}")  # not theirs
    assert "不存在" in await people["rep_b"].say(payload=f"rm:link:{reminder.id}:{other}")
    [reminder] = await reminders(world)
    assert reminder.customer_id == second
    await rep.say("/remind 明天给张三发报价")
    assert "都不是" in await rep.say("3")  # "none of these"
    assert "是哪一位" not in await rep.say("/remind 后天下午开周会")  # names no one: no question
    assert [r.customer_id for r in await reminders(world)] == [second, None, None]


async def test_english_reminder_is_linked(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    david = await add_firm(world, "rep_a", "David Lee", None, "Acme")
    await add_firm(world, "rep_a", "Li", None, "Tesla")
    reply = await rep.say("/remind tomorrow 3pm send the contract to David Lee")
    assert "(customer: David Lee)" in reply
    assert "Which customer" not in await rep.say("/remind friday lunch with Lily")
    [first, second] = await reminders(world)
    assert (first.customer_id, second.customer_id) == (david, None)  # "Li" is not in "Lily"


async def test_logged_call_settles_cadence_check_in_at_once(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    world.clock.at = NOW - timedelta(days=40)
    await add_customer(world, "rep_a", "孙丽", tier="A")
    world.clock.at = NOW.replace(hour=7, minute=1)
    assert await run_cadence(jobs) == 1
    world.clock.at = NOW.replace(hour=10)
    rep = people["rep_a"]
    assert "定期回访 孙丽" in await rep.say("/today")
    await rep.say("给孙丽打了电话，聊了续约")
    assert "已记录" in await rep.say("1")
    assert "定期回访 孙丽" not in await rep.say("/today")
    [cadence] = [r for r in await reminders(world) if r.kind == "cadence"]
    assert cadence.status == "cancelled"


async def test_late_logged_call_settles_but_an_old_one_does_not(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    world.clock.at = NOW - timedelta(days=400)
    await add_customer(world, "rep_a", "孙丽", tier="A")
    world.clock.at = NOW.replace(hour=7, minute=1)
    assert await run_cadence(jobs) == 1
    world.clock.at = NOW.replace(hour=10)
    rep = people["rep_a"]
    await rep.say("/visit 2026年10月1日给孙丽打了电话")
    await rep.say("1")
    [cadence] = [r for r in await reminders(world) if r.kind == "cadence"]
    assert cadence.status == "pending"  # a call from October answers no check-in due now
    await rep.say("/visit 昨天给孙丽打了电话")
    assert "已记录" in await rep.say("1")
    [cadence] = [r for r in await reminders(world) if r.kind == "cadence"]
    assert cadence.status == "cancelled"
