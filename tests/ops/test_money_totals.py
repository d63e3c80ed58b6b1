"""Money is never added across currencies: funnel, leaderboard, digest and ABC/RFM segments."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from handlers.services import payments as payment_svc
from handlers.services.ops.segments import recompute_segments
from store.models import Customer, Deal
from tests.ops.helpers import add_customer, add_deal, move_deal, rows, user_named
from tests.world import NOW, Chat, World


async def _won(world: World, owner: str, name: str, amount: str, currency: str) -> int:
    customer = await add_customer(world, owner, name)
    deal = await add_deal(world, owner, customer, "单", amount, "proposal", currency)
    await move_deal(world, owner, deal, "won")
    return customer


async def _closed(world: World) -> None:
    """rep_a wins ¥100,000 and $30,000; rep_b wins ¥200,000 and $1,000."""
    world.clock.at = NOW - timedelta(days=10)
    await _won(world, "rep_a", "甲", "100000", "CNY")
    await _won(world, "rep_a", "乙", "30000", "USD")
    await _won(world, "rep_b", "丙", "200000", "CNY")
    await _won(world, "rep_b", "丁", "1000", "USD")
    world.clock.at = NOW


async def test_leaderboard_and_funnel_keep_currencies_apart(
    people: dict[str, Chat], world: World
) -> None:
    await _closed(world)
    board = await people["boss_east"].say("/leaderboard")
    assert "rep_b ¥200,000 + $1,000 · 2 单" in board and "rep_a ¥100,000 + $30,000" in board
    assert board.index("rep_b") < board.index("rep_a")  # ranked by yuan, the main currency
    funnel = await people["admin"].say("/funnel month")
    assert "平均单额 ¥150,000 / $15,500" in funnel  # never ($31,000 + ¥300,000) / 4


async def test_leaderboard_in_english_labels_dollars(
    people_en: dict[str, Chat], world: World
) -> None:
    world.clock.at = NOW - timedelta(days=10)
    await _won(world, "rep_a", "Acme", "30000", "USD")
    world.clock.at = NOW
    board = await people_en["boss_east"].say("/leaderboard")
    assert "rep_a $30,000 · 1 won" in board and "¥" not in board
    funnel = await people_en["rep_a"].say("/funnel")
    assert "average deal $30,000" in funnel


async def test_digest_overdue_payments_per_currency(
    people: dict[str, Chat], world: World
) -> None:
    await _closed(world)
    async with world.uows() as uow:
        actor = await user_named(uow, "rep_a")
        for deal in await uow.session.scalars(select(Deal).where(Deal.owner_id == actor.id)):
            assert deal.amount is not None
            await payment_svc.add_instalment(
                uow, actor, deal, date(2026, 11, 1), deal.amount, NOW - timedelta(days=30)
            )
        await uow.commit()
    digest = await people["boss_east"].say("/digest")
    assert "逾期回款：2 笔，¥100,000 + $30,000" in digest


async def test_abc_ranks_each_currency_on_its_own(people: dict[str, Chat], world: World) -> None:
    """Before: $30,000 counted as 30,000 "units" next to ¥ amounts, so the dollar customer was
    class C; within dollars it is the top customer, class A."""
    world.clock.at = NOW - timedelta(days=10)
    for name, amount in (("甲", "900000"), ("乙", "800000"), ("丙", "50000")):
        await _won(world, "rep_a", name, amount, "CNY")
    await _won(world, "rep_a", "Acme", "30000", "USD")
    world.clock.at = NOW
    async with world.uows() as uow:
        await recompute_segments(uow, world.org_id, NOW)
        await uow.commit()
    got = {c.name: (c.segment_abc, (c.rfm or "")[2:]) for c in await rows(world, Customer)}
    assert got["Acme"] == ("A", "5") and got["甲"] == ("A", "5")
    assert got["丙"][0] == "C"
