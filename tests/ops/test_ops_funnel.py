"""Funnel for a period (reach, conversion, days in stage, win rate, size, cycle); leaderboard."""

from __future__ import annotations

from datetime import timedelta

from tests.ops.helpers import add_customer, add_deal, move_deal
from tests.world import NOW, Chat, World

PNG = b"\x89PNG"


async def _deals(world: World) -> None:
    """rep_a: won after three stages, lost after two, one still open; rep_b: won at once."""
    world.clock.at = NOW - timedelta(days=20)
    plans = [("rep_a", "100000"), ("rep_a", "5000"), ("rep_a", "1"), ("rep_b", "300000")]
    deals = []
    for n, (owner, amount) in enumerate(plans):
        customer = await add_customer(world, owner, f"客户{n}")
        deals.append((owner, await add_deal(world, owner, customer, "单", amount, "meet")))
    moves = [(15, 0, "discover"), (10, 0, "confirm"), (5, 0, "won"),
             (10, 1, "discover"), (5, 1, "lost"), (5, 3, "won")]  # fmt: skip
    for days_ago, index, stage in moves:
        world.clock.at = NOW - timedelta(days=days_ago)
        await move_deal(world, deals[index][0], deals[index][1], stage)
    world.clock.at = NOW


async def test_funnel_and_leaderboard_in_chinese(people: dict[str, Chat], world: World) -> None:
    await _deals(world)
    admin = people["admin"]
    text = await admin.say("/funnel month")
    assert "1. 见到客户：4 个，75% 进入下一阶段，平均停留 10.0 天" in text
    assert "2. 发现机会：3 个，67% 进入下一阶段，平均停留 5.0 天" in text
    assert "成交 2 单 / 输单 1 单，赢单率 67%；平均单额 ¥200,000；平均销售周期 15.0 天" in text
    assert admin.last[0].image_png is not None and admin.last[0].image_png.startswith(PNG)
    board = await people["boss_east"].say("排行榜")
    assert board.index("rep_b ¥300,000 · 1 单") < board.index("rep_a ¥100,000 · 1 单 · 赢单率 50%")
    assert "只有经理" in await people["rep_a"].say("/leaderboard")
    assert "还没有成交" in await people["boss_west"].say("/leaderboard")


async def test_rep_sees_own_funnel_in_english(people_en: dict[str, Chat], world: World) -> None:
    await _deals(world)
    text = await people_en["rep_a"].say("/funnel quarter")
    assert "last 90 days" in text and "1. Met customer: 3, 67% moved on" in text
    assert "Won 1 / lost 1, win rate 50%; average deal ¥100,000" in text
    empty = await people_en["rep_w"].say("/funnel week")
    assert "Won 0 / lost 0, win rate —" in empty
