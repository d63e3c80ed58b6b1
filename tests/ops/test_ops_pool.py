"""公海: neglected customers return to the team pool after a warning; reps claim, capped."""

from __future__ import annotations

from datetime import timedelta

from handlers.services.ops.pool import sweep_pool
from store.models import AuditLog, Customer, Deal, OutboxEntry, OwnerChange, Reminder
from tests.ops.helpers import add_customer, add_deal, add_reminder, count, log_visit, rows, user_id
from tests.world import Chat, World


async def _sweep(world: World, days: int) -> tuple[int, int]:
    world.clock.at += timedelta(days=days)
    async with world.uows() as uow:
        result = await sweep_pool(uow, world.org_id, world.clock.now())
        await uow.commit()
    return result.released, result.warned


async def test_warn_then_release_then_claim(people: dict[str, Chat], world: World) -> None:
    quiet = await add_customer(world, "rep_a", "张三", phone="13912345678")
    busy = await add_customer(world, "rep_a", "李四")
    deal = await add_deal(world, "rep_a", quiet, "服务器", "50000", "proposal")
    await add_reminder(world, "rep_a", quiet, world.clock.now() + timedelta(days=40))
    await log_visit(world, "rep_a", busy, world.clock.now() + timedelta(days=20))
    assert await _sweep(world, 28) == (0, 1)  # 张三 due in two days: warned once
    assert await _sweep(world, 0) == (0, 0)  # the same warning is not queued twice
    warning = (await rows(world, OutboxEntry))[0]
    assert "张三" in str(warning.body["text"]) and "公海" in str(warning.body["text"])
    assert [p for _, p in warning.body["choices"]] == [
        f"vi:for:{quiet}", f"pool:ask:{quiet}", f"pool:rel:{quiet}"
    ]
    assert await _sweep(world, 3) == (1, 0)
    customer = (await rows(world, Customer, id=quiet))[0]
    east = customer.pool_team_id
    assert customer.owner_id is None and east is not None and customer.pooled_at is not None
    assert (await rows(world, Deal, id=deal))[0].owner_id is None
    assert (await rows(world, Reminder))[0].status == "cancelled"
    assert (await rows(world, Customer, id=busy))[0].owner_id is not None
    assert "公海里现在没有客户" in await people["rep_w"].say("/pool")  # another team's pool
    listing = await people["rep_b"].say("公海")
    assert "张三" in listing and "139****5678" in listing and "13912345678" not in listing
    assert "被领走" in await people["rep_w"].say(payload=f"pool:claim:{quiet}")
    assert "现在由你负责" in await people["rep_b"].say("1")
    b = await user_id(world, "rep_b")
    assert (await rows(world, Customer, id=quiet))[0].owner_id == b
    assert (await rows(world, Deal, id=deal))[0].owner_id == b
    reasons = [c.reason for c in await rows(world, OwnerChange, customer_id=quiet)]
    assert reasons == ["pool_auto", "claim"]
    assert await count(world, AuditLog, action="customer.claim") == 1
    history = await people["rep_b"].say("/owners 张三")
    assert "rep_a → 公海（自动退回公海）" in history and "公海 → rep_b（从公海领取）" in history


async def test_release_button_rules_and_daily_cap_in_english(
    people_en: dict[str, Chat], world: World
) -> None:
    ids = [await add_customer(world, "rep_a", n) for n in ("Ann", "Bob", "Cai")]
    rep_a, rep_b = people_en["rep_a"], people_en["rep_b"]
    assert "Only an admin" in await people_en["boss_east"].say("/poolrules 30 90 3 1")
    assert "Usage" in await people_en["admin"].say("/poolrules 30 x")
    assert "at most 1 claims" in await people_en["admin"].say("/poolrules 30 90 3 1")
    for cid in ids[:2]:
        assert "Give" in await rep_a.say(payload=f"pool:rel:{cid}")  # named and confirmed
        assert "went back to the team pool" in await rep_a.say("1")
    assert "isn't yours" in await rep_b.say(payload=f"pool:rel:{ids[2]}")
    assert "isn't yours" in await rep_b.say(payload=f"pool:go:{ids[2]}")
    assert "Give Cai back to the team pool?" in await rep_a.say("/release Cai")
    assert "stays yours" in await rep_a.say("2")
    await rep_a.say("/release Cai")
    assert "went back" in await rep_a.say("1")
    assert "claim 1 more today" in await rep_b.say("/pool")
    assert "yours now" in await rep_b.say(payload=f"pool:claim:{ids[0]}")
    assert "daily limit" in await rep_b.say(payload=f"pool:claim:{ids[1]}")
    world.clock.at += timedelta(days=1)
    assert "yours now" in await rep_b.say(payload=f"pool:claim:{ids[1]}")
    assert await count(world, OwnerChange, reason="release") == 3
    assert await count(world, AuditLog, action="org.ops_settings") == 1
