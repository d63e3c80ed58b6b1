"""Money typed in chat: never negative, and a deal's currency or scale changes only when asked."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from store.models import Deal, Instalment, Payment
from tests.world import Chat, World, join_all


async def _deals(world: World) -> list[Deal]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(Deal).order_by(Deal.id))).all())


async def _payments(world: World) -> list[Payment]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(Payment))).all())


async def _deal_for(rep: Chat, who: str, amount: str) -> None:
    await rep.converse(
        [(f"/deal new {who}", "名称" if rep.lang == "zh" else "title"),
         ("服务器", "金额" if rep.lang == "zh" else "Amount"),
         (amount, "成交" if rep.lang == "zh" else "close"),
         ("跳过" if rep.lang == "zh" else "skip", "商机" if rep.lang == "zh" else "Deal")]
    )


async def test_negative_payment_and_deal_amount_refused(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 陈静 13900000051 美的")
    await _deal_for(rep, "陈静", "10万")
    reply = await rep.say("/payment 陈静 -5万")
    assert "不能是负数" in reply and "-5万" in reply
    assert "不能是负数" in await rep.say("/payment 陈静 负5万")
    assert await _payments(world) == []
    await rep.converse([("/deal new 陈静", "名称"), ("二期", "金额")])
    assert "不能是负数" in await rep.say("-5万")
    assert "成交" in await rep.say("5万")  # the form is still open; a good value goes on
    assert "不能是负数" in await rep.say("/visit 今天拜访了陈静，报价 -5万")
    assert "太大" in await rep.say("/payment 陈静 9999999999亿")
    assert "请确认" in await rep.say("/visit 今天拜访了陈静，报价减5万，预算100万-120万")
    assert "已记录" in await rep.say("/payment 陈静 5万")
    [payment] = await _payments(world)
    assert payment.amount == Decimal(50000)


async def test_negative_amounts_refused_in_english(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/newcustomer David Lee 13900000052 Acme")
    await _deal_for(rep, "David Lee", "$30k")
    assert "can't be negative" in await rep.say("/payment David Lee -$5k")
    assert "can't be negative" in await rep.say("/payment David Lee minus 5000 USD")
    assert await _payments(world) == []
    assert "3-5万" not in await rep.say("/payment David Lee $5k")  # a range's dash is no sign


async def test_visit_quote_in_another_currency_is_asked_about(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/newcustomer David Lee 13900000052 Acme")
    await _deal_for(rep, "David Lee", "$30k")
    await rep.say("/visit met David Lee today, quote 200万")
    saved = await rep.say("1")
    assert "Logged" in saved and "is $30,000; this visit says ¥2,000,000" in saved
    assert "a different currency" in saved and "Change to ¥2,000,000" in saved
    [deal] = await _deals(world)
    assert (deal.amount, deal.currency) == (Decimal(30000), "USD")  # nothing changed unasked
    assert "stays at $30,000" in await rep.say("2")
    assert "Added to" in await rep.say("/payment plan David Lee $10k Dec 30")
    await rep.say("/visit met David Lee today, quote 200万")
    await rep.say("1")
    assert "amount ¥2,000,000" in await rep.say("1")
    [deal] = await _deals(world)
    assert (deal.amount, deal.currency) == (Decimal(2_000_000), "CNY")
    assert "Recorded ¥50,000" in await rep.say("/payment David Lee 5万")
    async with world.uows() as uow:
        [dollars] = (await uow.session.scalars(select(Instalment))).all()
    assert (dollars.currency, dollars.paid_amount) == ("USD", Decimal(0))  # yuan never pay $


async def test_visit_amount_ten_times_off_is_asked_about(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 陈静 13900000051 美的")
    await _deal_for(rep, "陈静", "5万")
    saved = await rep.say("/visit 今天拜访了陈静，报价 80万")
    saved = await rep.say("1")
    assert "现在是 ¥50,000，这次记录写的是 ¥800,000（相差超过 10 倍）" in saved
    [deal] = await _deals(world)
    assert deal.amount == Decimal(50000)
    assert "金额 ¥800,000" in await rep.say("1")
    await rep.say("/visit 今天拜访了陈静，报价 90万")  # a small change needs no question
    assert "金额 ¥900,000" in await rep.say("1")
    [deal] = await _deals(world)
    assert deal.amount == Decimal(900000)


async def test_forged_amount_buttons_change_nothing(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 陈静 13900000051 美的")
    await _deal_for(rep, "陈静", "5万")
    [deal] = await _deals(world)
    was = f"{deal.amount}:CNY"
    for payload in (
        f"vd:amt:{deal.id}:-5:CNY:{was}",
        f"vd:amt:{deal.id}:NaN:CNY:{was}",
        f"vd:amt:{deal.id}:1e30:CNY:{was}",
        f"vd:amt:{deal.id}:5:cny;drop:{was}",
        f"vd:amt:{deal.id}:5:CNY",
        f"vd:amt:{deal.id}",
    ):
        reply = await rep.say(payload=payload)
        assert "按钮已经失效" in reply, (payload, reply)
    assert "又改过了" in await rep.say(payload=f"vd:amt:{deal.id}:5:CNY:60000:CNY")
    assert "不存在" in await people["rep_b"].say(payload=f"vd:amt:{deal.id}:5:CNY:{was}")
    [deal] = await _deals(world)
    assert (deal.amount, deal.currency) == (Decimal(50000), "CNY")


async def test_payment_in_another_currency_is_refused(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    await rep.say("/newcustomer David Lee 13900000052 Acme")
    await _deal_for(rep, "David Lee", "$30k")
    reply = await rep.say("/payment David Lee ¥5000")
    assert "another currency than ¥5,000" in reply and "$30,000" in reply
    assert "another currency" in await rep.say("/payment plan David Lee 5000 RMB Dec 30")
    assert await _payments(world) == []
    assert "Recorded $5,000" in await rep.say("/payment David Lee 5000 USD")
    assert "Recorded $10,000" in await rep.say("/payment David Lee 1万")  # 万 alone: the deal's
