"""Conversation state and choices: a new intent leaves a question, numbers pick only what is
on screen, and anything else gets a clear answer."""

from __future__ import annotations

# Deals are named by their contact: a company alone is a did-you-mean (test_matching.py).
from sqlalchemy import select

from store.models import Deal, Reminder
from tests.world import Chat, World, join_all


async def _deals(world: World) -> dict[str, Deal]:
    async with world.uows() as uow:
        rows = (await uow.session.scalars(select(Deal))).all()
    return {d.title: d for d in rows}


ZH = (("张三 13900000031 华为", "张三", "华为服务器"), ("李四 13900000032 腾讯", "李四", "腾讯云"))
EN = (("David Lee 13900000033 Acme", "David Lee", "Acme servers"),
      ("Amy Wong 13900000034 Globex", "Amy Wong", "Globex cloud"))


Book = tuple[tuple[str, str, str], ...]


async def _two_customers_with_deals(rep: Chat, book: Book = ZH) -> None:
    for line, name, title in book:
        await rep.say(f"/newcustomer {line}")
        await rep.converse([(f"/deal new {name}", ""), (title, ""), ("跳过", ""), ("跳过", "")])


async def test_new_intent_leaves_the_reason_question(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await _two_customers_with_deals(rep)
    assert "原因" in await rep.say("张三那单赢了")
    reply = await rep.say("李四那单丢了")
    assert "已先放下" in reply and "「腾讯云」输单的原因" in reply  # asks Tencent's reason
    deals = await _deals(world)
    assert deals["华为服务器"].stage != "won" and deals["华为服务器"].close_reason is None
    assert "腾讯云" in await rep.say("价格太高")
    deals = await _deals(world)
    assert deals["腾讯云"].stage == "lost" and deals["腾讯云"].close_reason == "价格太高"
    assert deals["华为服务器"].stage not in ("won", "lost")


async def test_a_misjudged_leave_is_taken_back(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await _two_customers_with_deals(rep)
    await rep.say("张三那单赢了")
    reply = await rep.say("李四那单丢了")
    assert "这句是回答刚才的问题" in reply
    number = reply.split("这句是回答刚才的问题")[0].rsplit("\n", 1)[-1].strip(" .↩️不，")
    await rep.say(number)
    deals = await _deals(world)
    assert deals["华为服务器"].stage == "won" and deals["腾讯云"].stage not in ("won", "lost")


async def test_plain_answers_still_fill_the_form(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await _two_customers_with_deals(rep)
    await rep.say("张三那单赢了")
    assert "已先放下" not in await rep.say("客户认可我们的方案")
    assert (await _deals(world))["华为服务器"].stage == "won"
    await rep.say("/remind 给张三打电话")  # asks when: a sentence with 提醒 is the answer
    assert "提醒你" in await rep.say("提醒我明天上午10点")


async def test_english_new_intent_and_commands_say_so(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    await _two_customers_with_deals(rep, EN)
    assert 'Why was "Acme servers" won' in await rep.say("David Lee deal was won")
    reply = await rep.say("Amy Wong deal was lost")
    assert "set aside the unfinished deal" in reply and 'Why was "Globex cloud" lost' in reply
    assert "No, that was my answer" in reply
    reply = await rep.say("/today")
    assert "set aside the unfinished deal" in reply and "nothing of it was saved" in reply
    assert "No, that was my answer" not in reply  # a /command is never a form's answer
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in reply)
    deals = await _deals(world)
    assert all(d.stage not in ("won", "lost") for d in deals.values())


async def test_out_of_range_numbers_ask_for_one_on_screen(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    await rep.say("/remind 今天下午3点给李总打电话")
    listing = await rep.say("/today")
    assert "4. 📅 改时间" in listing and "5." not in listing
    for bad in ("99", "0", "-1", "5"):
        reply = await rep.say(bad)
        assert "1–4" in reply and "记为拜访" not in reply, (bad, reply)
    assert "改到" in await rep.say("2")  # the choices stayed on screen
    assert "没有可以选的选项" in await rep.say("3")  # the reply before showed no choices


async def test_out_of_range_in_english(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/remind today 3pm call Li")
    await rep.say("/today")
    assert "from 1 to 4" in await rep.say("-1")
    assert "Done" in await rep.say("1")
    assert "nothing on screen to pick" in await rep.say("1")
    async with world.uows() as uow:
        [row] = (await uow.session.scalars(select(Reminder))).all()
    assert row.status == "done"


async def test_a_new_visit_on_an_open_card_starts_the_next_one(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await _two_customers_with_deals(rep)
    assert "请确认" in await rep.say("今天拜访了华为张三，聊了报价")
    reply = await rep.say("下午拜访了腾讯李四，谈了续约")
    assert "李四" in reply and "已先放下" in reply and "拜访记录" in reply
    assert "已记录" in await rep.say("1") and "李四" in rep.last[0].text
