"""Segments: nightly ABC / RFM / value class / lifecycle in SQL, and chat queries by segment."""

from __future__ import annotations

from datetime import timedelta

from handlers.chat.cards import segment_line
from handlers.services.ops.segments import recompute_segments
from store.models import AuditLog, Customer
from tests.ops.helpers import add_customer, add_deal, count, log_visit, move_deal, rows
from tests.world import NOW, Chat, World


async def _scored(world: World) -> dict[str, Customer]:
    world.clock.at = NOW - timedelta(days=400)
    ids = {n: await add_customer(world, "rep_a", n, f"1390000000{i}") for i, n in
           enumerate(("张三", "李四", "王五", "赵六"))}  # fmt: skip
    world.clock.at = NOW - timedelta(days=10)
    for name, amount in (("张三", "800000"), ("张三", "800000"), ("李四", "150000")):
        deal = await add_deal(world, "rep_a", ids[name], "订单", amount, "proposal")
        await move_deal(world, "rep_a", deal, "won")
    await move_deal(
        world, "rep_a", await add_deal(world, "rep_a", ids["赵六"], "x", "1", "proposal"), "lost"
    )
    for name in ("张三", "李四"):
        await log_visit(world, "rep_a", ids[name], NOW - timedelta(days=5))
    world.clock.at = NOW
    async with world.uows() as uow:
        assert await recompute_segments(uow, world.org_id, NOW) == 4
        await uow.commit()
    return {c.name: c for c in await rows(world, Customer)}


async def test_nightly_scores(people: dict[str, Chat], world: World) -> None:
    scored = await _scored(world)
    got = {n: (c.segment_abc, c.rfm, c.value_class, c.lifecycle) for n, c in scored.items()}
    assert got == {
        "张三": ("A", "555", "value", "loyal"),
        "李四": ("B", "533", "value", "customer"),
        "王五": ("C", "311", "potential", "dormant"),
        "赵六": ("C", "311", "potential", "lost"),
    }
    assert await count(world, AuditLog, action="segments.recompute") == 1
    assert segment_line(scored["张三"], "zh") == "🏷 A类 · RFM 555 · 价值客户 · 忠诚客户"
    assert segment_line(scored["王五"], "en") == "🏷 Class C · RFM 311 · potential · dormant"


async def test_queries_by_segment_in_both_languages(people: dict[str, Chat], world: World) -> None:
    await _scored(world)
    rep = people["rep_a"]
    listing = await rep.say("A类")
    assert "找到 1 位客户" in listing and "张三" in listing and "13900000000" in listing
    assert "没有符合条件" in await rep.say("A类 30天未联系")
    quiet = await rep.say("C类 30天未联系")
    assert "找到 2 位客户" in quiet and "王五" in quiet and "从未联系" in quiet
    assert "王五" in await rep.say("沉睡客户")
    summary = await rep.say("/segment")
    assert "A:1 B:1 C:2" in summary and "忠诚客户:1" in summary
    assert "没有符合条件" in await people["rep_b"].say("A类")  # rep_b sees only their own
    assert "例如" in await rep.say("/segment hello")


async def test_english_query_and_manager_masking(people_en: dict[str, Chat], world: World) -> None:
    await _scored(world)
    boss = people_en["boss_east"]
    english = await boss.say("dormant C customers")
    assert "Customers matching: 1 (longest" in english and "王五" in english
    assert "139****0002" in english  # a manager sees a team member's phones masked
    assert "No customers match" in await boss.say("/segment lost A")
    assert "e.g." in await boss.say("/segment hello")
