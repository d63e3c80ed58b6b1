"""/deal: create, advance with choices, won or lost with a reason; history for every move."""

from __future__ import annotations

from sqlalchemy import select

from store.models import AuditLog, Deal, DealStageHistory
from tests.world import Chat, World, join_all


async def _deal(world: World) -> Deal:
    async with world.uows() as uow:
        return (await uow.session.scalars(select(Deal))).one()


async def test_deal_lifecycle(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 吴十 13900000041 海尔")
    await rep.converse(
        [
            ("商机 新建 吴十", "名称"),
            ("冰箱采购", "金额"),
            ("一百二十万", "成交"),
            ("月底", "新建商机"),
        ]
    )
    deal = await _deal(world)
    assert (deal.stage, str(deal.amount)) == ("meet", "1200000.00") or deal.amount == 1200000
    assert "推进到「发现机会」" in await rep.say(payload=f"dl:open:{deal.id}")
    assert "见到客户 → 发现机会" in await rep.say("1")
    stages = await rep.say(payload=f"dl:stages:{deal.id}")
    assert "方案报价" in stages
    assert "发现机会 → 方案报价" in await rep.say("方案报价")
    assert "原因" in await rep.say(payload=f"dl:won:{deal.id}")
    assert "方案报价 → 赢单" in await rep.say("价格有优势")
    deal = await _deal(world)
    assert deal.stage == "won" and deal.close_reason == "价格有优势" and deal.closed_at
    async with world.uows() as uow:
        history = (await uow.session.scalars(select(DealStageHistory))).all()
        moves = (
            await uow.session.scalars(select(AuditLog).where(AuditLog.action == "deal.move"))
        ).all()
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, "meet"),
        ("meet", "discover"),
        ("discover", "proposal"),
        ("proposal", "won"),
    ]
    assert len(moves) == 3 and (moves[-1].before or {}).get("stage") == "proposal"
    assert "已经结束" in await rep.say(payload=f"dl:mv:{deal.id}:needs")


async def test_deal_list_and_pipeline(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 郑一 13900000042 格力")
    await rep.converse(
        [("/deal new 郑一", "名称"), ("空调", "金额"), ("50万", "成交"), ("跳过", "新建")]
    )
    listing = await rep.say("/deal")
    assert "空调 · 见到客户 · ¥500,000" in listing and "新建商机" in listing
    pipeline = await rep.say("/pipeline")
    assert "见到客户：1 个 · ¥500,000" in pipeline and "加权 ¥25,000" in pipeline
    assert "我的漏斗" in await rep.say("我的漏斗")


async def test_deal_lost_in_english_and_bad_amount(world: World) -> None:
    rep = (await join_all(world, lang="en"))["rep_a"]
    await rep.say("/newcustomer Bob Stone 13900000043 Globex")
    await rep.converse(
        [
            ("/deal new Bob", "Did you mean"),  # a first name alone is no certainty
            ("1", "title"),
            ("Licences", "Amount"),
            ("lots of money", "couldn't read"),
            ("$20k", "Expected close"),
            ("skip", "Deal created"),
        ]
    )
    deal = await _deal(world)
    assert deal.currency == "USD"
    assert "lost? (reply" in await rep.say(payload=f"dl:lost:{deal.id}")
    assert "→ Lost" in await rep.say("skip")
    assert (await _deal(world)).close_reason is None
