"""/newcustomer and /customer: one line or guided, duplicates caught, fuzzy lookup."""

from __future__ import annotations

from sqlalchemy import func, select

from store.models import AuditLog, Customer
from tests.world import Chat, World


async def _count(world: World) -> int:
    async with world.uows() as uow:
        return int(await uow.session.scalar(select(func.count(Customer.id))) or 0)


async def test_one_line_new_customer_then_lookup_by_pinyin(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    reply = await rep.say("/newcustomer 欧阳锋 13912345678 白驼山庄")
    assert "已新建客户" in reply and "欧阳锋" in reply and "13912345678" in reply
    for query in ("欧阳锋", "ouyangfeng", "oyf", "白驼", "13912345678", "5678"):
        assert "欧阳锋 · 白驼山庄" in await rep.say(f"查客户 {query}"), query


async def test_guided_new_customer_with_skip(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.converse(
        [
            ("新客户", "名字"),
            ("张三", "电话"),
            ("not a phone", "不像电话号码"),
            ("139 1111 2222", "公司"),
            ("跳过", "已新建客户"),
        ]
    )
    async with world.uows() as uow:
        customer = (await uow.session.scalars(select(Customer))).one()
    assert (customer.name, customer.phone, customer.company) == ("张三", "13911112222", None)


async def test_duplicate_phone_or_similar_name_asks_first(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000001 华为技术有限公司")
    reply = await rep.say("/newcustomer 张叁 13900000001 华为")
    assert "可能已经有这个客户" in reply and "张三" in reply
    assert await _count(world) == 1
    assert "已新建客户" in await rep.say("不是，新建")
    assert await _count(world) == 2
    reply = await rep.say("/newcustomer zhang san 13900000002")
    assert "可能已经有这个客户" in reply
    assert "没有新建" in await rep.say("取消")
    assert await _count(world) == 2


async def test_duplicate_owned_by_a_colleague_is_named_not_shown(
    people: dict[str, Chat],
) -> None:
    await people["rep_a"].say("/newcustomer 李四 13900000003 腾讯")
    reply = await people["rep_w"].say("/newcustomer 李四 13900000003 腾讯")
    assert "同事 rep_a" in reply and "13900000003" not in reply
    assert all(not c.payload.startswith("cu:") for c in people["rep_w"].last[0].choices)


async def test_several_matches_give_a_choice_list(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张伟 13900000011 华为")
    await rep.say("/newcustomer 张薇 13900000012 腾讯")
    reply = await rep.say("/customer 张")
    assert "是哪一位" in reply and "1. 张伟" in reply and "2. 张薇" in reply
    assert "➕ 新客户" in reply and "都不是" in reply
    card = await rep.say("1")
    assert "👤 张伟 · 华为" in card and "还没有联系记录" in card


async def test_bad_input_changes_nothing(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    assert "没有找到" in await rep.say("查客户 不存在的人")
    assert "没有找到" in await rep.say("/customer '; DROP TABLE customer; --")
    assert "名字需要" in await rep.say("/newcustomer 🙂🙂")
    assert "太长" in await rep.say("/newcustomer " + "长" * 5000)
    assert await _count(world) == 0
    async with world.uows() as uow:
        creates = await uow.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "customer.create")
        )
    assert creates == 0


async def test_english_transcript(world: World) -> None:
    from tests.world import join_all

    rep = (await join_all(world, lang="en"))["rep_a"]
    await rep.converse(
        [
            ("/newcustomer", "name"),
            ("Jane Doe", "Phone"),
            ("+1 415 555 0100", "Company"),
            ("Acme Corp", "Customer added"),
            ("/customer jane", "Jane Doe · Acme Corp"),
            ("/customer acme", "Did you mean"),  # a company alone is no certainty
            ("1", "+14155550100"),
        ]
    )
