"""A date that looks wrong is asked about with choices, never guessed or saved silently.

NOW is Monday 2026-11-23 (tests/world.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from store.models import Activity, Deal, Instalment, Reminder
from tests.world import Chat, World, join_all


async def _rows(world: World, model: type) -> list:  # type: ignore[type-arg]
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(model))).all())


async def _customer_with_deal(rep: Chat) -> None:
    await rep.say("/newcustomer 陈静 13900000041 招商银行")
    await rep.converse([("/deal new 陈静", ""), ("信息化", ""), ("50万", ""), ("跳过", "")])


async def test_a_day_just_gone_offers_both_years(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await _customer_with_deal(rep)
    reply = await rep.say("/payment 计划 陈静 10万 11月1日")
    assert "11月1日今年已经过去了" in reply
    assert "1. 📅 2026年11月1日" in reply and "2. 📅 2027年11月1日" in reply
    assert await _rows(world, Instalment) == []  # nothing until the answer
    assert "已给" in await rep.say("1")
    [row] = await _rows(world, Instalment)
    assert row.due_date == date(2026, 11, 1)
    await rep.say("/payment 计划 陈静 10万 11月1日")
    assert "2027年11月1日" in await rep.say("2")
    assert sorted(r.due_date for r in await _rows(world, Instalment))[-1] == date(2027, 11, 1)
    await rep.say("/payment 计划 陈静 10万 11月1日")
    assert "没有保存" in await rep.say("3")
    assert len(await _rows(world, Instalment)) == 2


async def test_years_ago_and_years_ahead_are_asked(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await _customer_with_deal(rep)
    reply = await rep.say("/visit 2020年1月1日拜访了招商银行陈静，聊了方案")
    assert "一年多以前" in reply and "2020年1月1日" in reply
    assert "没有保存" in await rep.say("2")  # "no, I'll type it again"
    assert await _rows(world, Activity) == []
    await rep.say("/visit 2020年1月1日拜访了招商银行陈静，聊了方案")
    assert "请确认" in await rep.say("1")
    assert "已记录" in await rep.say("1")
    [visit] = await _rows(world, Activity)
    assert visit.happened_at.year == 2020

    await rep.converse([("/deal new 陈静", ""), ("二期", ""), ("跳过", "")])
    assert "一年多以前" in await rep.say("2020-01-01")
    assert "新建商机" in await rep.say("1")
    closes = {d.title: d.expected_close for d in await _rows(world, Deal)}
    assert closes["二期"] == date(2020, 1, 1)

    assert "一年多以后" in await rep.say("/remind 2028年1月1日 续约")
    assert await _rows(world, Reminder) == []
    assert "提醒你" in await rep.say("1")


async def test_a_date_question_is_dropped_by_anything_else(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    assert "一年多以后" in await rep.say("/remind 2028年1月1日 续约")
    await rep.say("/help")
    reply = await rep.say(payload="dq:0")
    assert "过期" in reply


async def test_english_date_questions(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    await _customer_with_deal(rep)
    reply = await rep.say("/payment plan 陈静 ¥100000 Nov 1")
    assert "01 Nov has already passed this year" in reply and "2027" in reply
    assert "Added" in await rep.say("2")
    [row] = await _rows(world, Instalment)
    assert row.due_date == date(2027, 11, 1)
    reply = await rep.say("/remind 1 Jan 2028 renewal")
    assert "more than a year ahead" in reply and "Yes, Sat 01 Jan 2028" in reply
    assert "type it again" in reply
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in reply)


async def test_a_button_that_raised_the_question_is_pressed_again(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await _customer_with_deal(rep)
    reply = await rep.say("2020年1月1日 陈静 有点意思")
    assert "记为拜访" in reply
    number = next(line for line in reply.splitlines() if "记为拜访" in line).split(".")[0].strip()
    assert "一年多以前" in await rep.say(number)
    assert "哪个客户" in await rep.say("1")  # the button pressed again, with the date confirmed
    card = await rep.say("陈静")
    assert "请确认" in card and "2020年1月1日" in card
    assert "已记录" in await rep.say("1")
    [visit] = await _rows(world, Activity)
    assert visit.happened_at.year == 2020


async def test_a_day_without_a_year_moved_a_year_is_confirmed(world: World) -> None:
    """On Mon 23 Nov: a reminder for 11月20日 became next year's, a visit on 11月30日 last
    year's; both are asked about (in both languages) before anything is saved."""
    people = await join_all(world, "zh")
    zh = people["rep_a"]
    await _customer_with_deal(zh)
    reply = await zh.say("/remind 11月20日 催款")
    assert "是指明年的 2027年11月20日" in reply and await _rows(world, Reminder) == []
    assert "提醒你" in await zh.say("1")
    reply = await zh.say("/visit 11月30日拜访了招商银行陈静，聊了方案")
    assert "今年还没到，是指去年的 2025年11月30日" in reply
    assert "没有保存" in await zh.say("2") and await _rows(world, Activity) == []
    en = people["rep_b"]
    await en.say("/lang en")
    reply = await en.say("/remind 20 Nov call the bank")
    assert "has already passed this year" in reply and "next year" in reply
