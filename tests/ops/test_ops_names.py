"""Colleagues named as people write them: names with spaces, Chinese keywords, no spaces."""

from __future__ import annotations

from collections import Counter

from handlers.services import org as org_svc
from handlers.services.ops.routing import route_new
from store.models import Customer, OutboxEntry, User
from tests.ops.helpers import add_customer, rows, user_id
from tests.world import Chat, World


async def _join(world: World, name: str, team_of: str, lang: str) -> Chat:
    async with world.uows() as uow:
        team = (await uow.users.get(await user_id(world, team_of)))
        assert team is not None
        invite = await org_svc.create_invite(
            uow, world.org_id, "rep", world.clock.now(), team.team_id, name=name
        )
        await uow.commit()
    chat = world.chat(name.replace(" ", "_"), lang)
    assert name in await chat.say(f"/start {invite.code}")
    return chat


async def _rep(world: World, name: str) -> User:
    return next(u for u in await rows(world, User) if u.name == name)


async def test_routing_takes_names_with_spaces_and_chinese_words(
    people: dict[str, Chat], world: World
) -> None:
    await _join(world, "Emily Chen", "boss_east", "en")
    await _join(world, "Emily", "boss_east", "en")
    boss = people["boss_east"]
    assert "Emily Chen 权重 3" in await boss.say("/routing weight Emily Chen 3")
    assert "Emily 权重 1" in await boss.say("/routing")  # the shorter name was left alone
    assert "Emily Chen 权重 5" in await boss.say("分配规则 权重 Emily Chen 5")
    reply = await boss.say("分配规则 请假 Emily Chen")
    assert "Emily Chen 权重 5 · 上限 无 · 休假中" in reply
    assert "上限 20" in await boss.say("分配规则 上限 rep_a 20")
    assert "上限 无" in await boss.say("分配规则 上限rep_a 不限")
    assert "接单中" in (await boss.say("分配规则 回来 Emily Chen")).split("Emily Chen")[1]
    assert "平均轮流" in await boss.say("分配规则 轮流")
    assert "用法" in await boss.say("分配规则 权重 Emily Chen 很多")
    assert "没有找到同事" in await boss.say("分配规则 请假 Nobody Here")
    assert (await _rep(world, "Emily Chen")).lead_weight == 5


async def test_a_rep_hears_of_each_lead_routed_to_them(
    people: dict[str, Chat], world: World
) -> None:
    await people["boss_east"].say("/routing away rep_b")
    await people["rep_a"].say("/lang en")
    async with world.uows() as uow:
        boss = await uow.users.get(await user_id(world, "boss_east"))
        assert boss is not None
        for name in ("Acme Li", "华为张总"):
            lead = Customer(org_id=world.org_id, name=name, pool_team_id=boss.team_id)
            lead.created_at = lead.updated_at = world.clock.now()
            uow.session.add(lead)
        await uow.commit()
    async with world.uows() as uow:
        assert await route_new(uow, world.org_id, world.clock.now()) == 2
        await uow.commit()
    rep_a = await user_id(world, "rep_a")
    assert Counter(c.owner_id for c in await rows(world, Customer)) == Counter({rep_a: 2})
    sent = [o for o in await rows(world, OutboxEntry) if o.idempotency_key.startswith("route:")]
    assert len(sent) == 1 and sent[0].recipient == "rep_a"
    text = str(sent[0].body["text"])
    assert "2 new leads were routed to you" in text and "Acme Li" in text and "华为张总" in text
    payloads = [c[1] for c in sent[0].body["choices"]]
    lead_ids = sorted(c.id for c in await rows(world, Customer))
    assert payloads == [f"cu:show:{i}" for i in lead_ids]
    card = await people["rep_a"].say(payload=payloads[0])
    assert "Acme Li" in card


async def test_handover_to_names_with_spaces(people: dict[str, Chat], world: World) -> None:
    await _join(world, "Emily Chen", "boss_east", "en")
    await add_customer(world, "rep_w", "周一", "13800000001")
    await add_customer(world, "rep_w", "周二", "13800000002")
    admin = people["admin"]
    reply = await admin.say("/handover rep_w to rep_a, Emily Chen")
    assert "rep_a、Emily Chen" in reply
    await admin.say(payload=admin.last[0].choices[0].payload)
    owners = {c.owner_id for c in await rows(world, Customer)}
    assert owners == {await user_id(world, "rep_a"), await user_id(world, "Emily Chen")}
    assert "确认" in await admin.say("交接 rep_a给rep_b、Emily Chen")
    assert "没有找到同事「Emily Chan」" in await admin.say("交接 rep_a 给 rep_b, Emily Chan")
