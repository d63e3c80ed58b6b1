"""A rep sees only their own customers, a manager their team's, an admin everyone's."""

from __future__ import annotations

from sqlalchemy import func, select

from store.models import Activity, Customer, Deal
from tests.world import Chat, World


async def _customer_id(world: World, name: str) -> int:
    async with world.uows() as uow:
        return int(
            (await uow.session.scalars(select(Customer.id).where(Customer.name == name))).one()
        )


async def test_visibility_by_role(people: dict[str, Chat]) -> None:
    await people["rep_a"].say("/newcustomer 王五 13900000021 阿里巴巴")
    assert "没有找到" in await people["rep_b"].say("查客户 王五")
    assert "没有找到" in await people["rep_w"].say("查客户 王五")
    assert "没有找到" in await people["boss_west"].say("查客户 王五")
    assert "王五 · 阿里巴巴" in await people["boss_east"].say("查客户 王五")
    assert "王五 · 阿里巴巴" in await people["admin"].say("查客户 王五")


async def test_forged_buttons_cannot_reach_other_customers(
    people: dict[str, Chat], world: World
) -> None:
    await people["rep_a"].say("/newcustomer 赵六 13900000022 京东")
    cid = await _customer_id(world, "赵六")
    intruder = people["rep_b"]
    assert "无权查看" in await intruder.say(payload=f"cu:show:{cid}")
    assert "无权查看" in await intruder.say(payload=f"vi:for:{cid}")
    assert "无权查看" in await intruder.say(payload=f"dl:new:{cid}")
    assert "失效" in await intruder.say(payload="cu:show:abc")
    assert "失效" in await intruder.say(payload="zz:1")
    async with world.uows() as uow:
        activities = await uow.session.scalar(select(func.count(Activity.id)))
        deals = await uow.session.scalar(select(func.count(Deal.id)))
    assert (activities, deals) == (0, 0)


async def test_rep_cannot_move_another_reps_deal(people: dict[str, Chat], world: World) -> None:
    owner = people["rep_a"]
    await owner.say("/newcustomer 钱七 13900000023 百度")
    await owner.converse(
        [("/deal new 钱七", "名称"), ("云服务", "金额"), ("30万", "成交"), ("跳过", "新建商机")]
    )
    async with world.uows() as uow:
        deal = (await uow.session.scalars(select(Deal))).one()
    assert "无权操作" in await people["rep_b"].say(payload=f"dl:mv:{deal.id}:proposal")
    assert "无权操作" in await people["boss_west"].say(payload=f"dl:won:{deal.id}")
    assert "→" in await people["boss_east"].say(payload=f"dl:mv:{deal.id}:needs")
    async with world.uows() as uow:
        reloaded = (await uow.session.scalars(select(Deal))).one()
    assert reloaded.stage == "needs"
