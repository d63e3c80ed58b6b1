"""Lists that used to stop silently (/pool at 20 and 10 buttons, /segment at 20, /dupes at 10,
/deal at 12, the profile at 5 deals) now page with ▶ more (#22)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from store.models import Customer, Team
from tests.chat.views_data import add_customers, add_deal
from tests.world import Chat, World


def _ids(text: str, pattern: str) -> list[str]:
    return re.findall(pattern, text)


async def test_pool_pages(people: dict[str, Chat], world: World) -> None:
    names = [f"公海{n:02d}" for n in range(12)]
    made = await add_customers(world, "rep_a", names)
    async with world.uows() as uow:
        east = (await uow.session.scalars(select(Team).where(Team.name == "East"))).one()
        for i, c in enumerate(made):
            at = world.clock.now() - timedelta(minutes=i)
            values = {"owner_id": None, "pool_team_id": east.id, "pooled_at": at}
            await uow.session.execute(update(Customer).where(Customer.id == c.id).values(values))
        await uow.commit()
    rep = people["rep_b"]
    first = await rep.say("/pool")
    assert _ids(first, r"🙋 (公海\d\d)") == names[:8] and "▶ 更多" in first
    assert "第 1–8 条" in first
    rest = await rep.say("更多")
    assert _ids(rest, r"🙋 (公海\d\d)") == names[8:] and "▶ 更多" not in rest
    assert "公海里现在没有客户" in await people["rep_w"].say("/pool")


async def test_segment_pages_and_refuses_forged_filters(
    people: dict[str, Chat], world: World
) -> None:
    names = [f"沉睡{n:02d}" for n in range(11)]
    await add_customers(world, "rep_a", names, lifecycle="dormant")
    await add_customers(world, "rep_a", ["活跃客户"], lifecycle="loyal")
    rep = people["rep_a"]
    first = await rep.say("/segment 沉睡")
    assert "找到 11 位客户" in first and "第 1–8 条" in first
    assert _ids(first, r"• (沉睡\d\d)") == names[:8] and "活跃客户" not in first
    rest = await rep.say("更多")
    assert _ids(rest, r"• (沉睡\d\d)") == names[8:]
    for forged in ("seg:Z:-:-:-:1", "seg:-:asleep:-:-:1", "seg:-:-:-:soon:1", "seg:-:-:-:-"):
        assert "失效" in await rep.say(payload=forged), forged
    assert "没有更多" in await rep.say(payload="seg:-:dormant:-:-:9")


async def test_deal_list_pages(people: dict[str, Chat], world: World) -> None:
    [customer] = await add_customers(world, "rep_a", ["大客户"])
    for n in range(13):
        await add_deal(world, "rep_a", customer, str(1000 + n))
    rep = people["rep_a"]
    first = await rep.say("/deal")
    assert first.count("项目大客户") == 8 and "▶ 更多" in first and "➕" in first
    rest = await rep.say("更多")
    assert rest.count("项目大客户") == 5 and "▶ 更多" not in rest
    shown = set(re.findall(r"¥1,0\d\d", first + rest))
    assert len(shown) == 13  # each deal once
    profile = await rep.say("/customer 大客户")
    assert profile.count("项目大客户") == 5 and "更多商机：/deal 大客户" in profile
    assert "项目大客户" not in await people["rep_b"].say("/deal")


async def test_dupes_pages(people: dict[str, Chat], world: World) -> None:
    for n in range(10):
        twins = await add_customers(world, "rep_a", [f"重复{n:02d}", f"另一个{n:02d}"])
        async with world.uows() as uow:
            await uow.session.execute(
                update(Customer)
                .where(Customer.id.in_([c.id for c in twins]))
                .values(phone=f"1370000{n:04d}")
            )
            await uow.commit()
    admin = people["admin"]
    first = await admin.say("/dupes")
    assert len(_ids(first, r"合并 另一个\d\d")) == 8 and "▶ 更多" in first
    rest = await admin.say("更多")
    assert len(_ids(rest, r"合并 另一个\d\d")) == 2 and "▶ 更多" not in rest
