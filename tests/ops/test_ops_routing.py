"""Lead routing: weighted turns within a team, away and capacity respected, rule set in chat."""

from __future__ import annotations

from collections import Counter

from handlers.services.ops.routing import route_new
from store.models import AuditLog, Customer, OwnerChange
from tests.ops.helpers import count, rows, user_id
from tests.world import Chat, World


async def _leads(world: World, team_of: str, n: int) -> None:
    async with world.uows() as uow:
        boss = await uow.users.get(await user_id(world, team_of))
        assert boss is not None
        for i in range(n):
            now = world.clock.now()
            lead = Customer(org_id=world.org_id, name=f"线索{i}", pool_team_id=boss.team_id)
            lead.created_at = lead.updated_at = now
            uow.session.add(lead)
        await uow.commit()


async def _route(world: World) -> Counter[int | None]:
    async with world.uows() as uow:
        await route_new(uow, world.org_id, world.clock.now())
        await uow.commit()
    return Counter(c.owner_id for c in await rows(world, Customer))


async def test_weighted_round_robin_with_away_and_cap(
    people: dict[str, Chat], world: World
) -> None:
    boss = people["boss_east"]
    assert "按权重轮流" in await boss.say("/routing")
    assert "权重 3" in await boss.say("/routing weight rep_a 3")
    assert "不在你的团队" in await boss.say("/routing weight rep_w 3")
    await _leads(world, "boss_east", 8)
    owners = await _route(world)
    a, b = await user_id(world, "rep_a"), await user_id(world, "rep_b")
    assert owners == Counter({a: 6, b: 2})  # 3:1 weights; managers get no leads
    assert await count(world, OwnerChange, reason="routing") == 8
    assert "休假中" in await boss.say("/routing away rep_a")
    await boss.say("/routing cap rep_b 3")
    await _leads(world, "boss_east", 3)
    owners = await _route(world)
    assert owners[b] == 3 and owners[None] == 2  # rep_a away, rep_b full: two leads wait
    assert await count(world, AuditLog, action="user.routing") == 3


async def test_rule_changes_in_english(people_en: dict[str, Chat], world: World) -> None:
    assert "Only a manager" in await people_en["rep_a"].say("/routing off")
    admin = people_en["admin"]
    assert "round-robin" in await admin.say("/routing round_robin")
    assert "Usage" in await admin.say("/routing weight rep_a lots")
    assert "off (no automatic routing)" in await admin.say("/routing off")
    await _leads(world, "boss_west", 2)
    assert (await _route(world))[None] == 2
    await admin.say("/routing least_loaded")
    assert (await _route(world))[await user_id(world, "rep_w")] == 2
