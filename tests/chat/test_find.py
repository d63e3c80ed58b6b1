"""/find (搜索) and /customer's fallback: customers whose visits or notes mention some words,
each in the asker's scope, with snippet and date, paged; buttons forged or old change nothing."""

from __future__ import annotations

from sqlalchemy import func, select, update

from store.models import AuditLog, Customer
from tests.world import Chat, World


async def _customer_id(world: World, name: str) -> int:
    async with world.uows() as uow:
        found = await uow.session.scalar(select(Customer.id).where(Customer.name == name))
    assert found is not None
    return found


async def _visit(rep: Chat, customer: str, text: str) -> None:
    await rep.say(f"/newcustomer {customer}")
    assert "请确认" in await rep.say(f"/visit 今天拜访{customer}，{text}")
    assert "已记录" in await rep.say("1")


async def test_find_lists_who_mentions_the_words_in_each_scope(
    people: dict[str, Chat], world: World
) -> None:
    await _visit(people["rep_a"], "张三 13900000031 华为", "送了两饼普洱，谈了报价")
    await _visit(people["rep_b"], "李四 13900000032 小米", "普洱茶样品已签收")
    await _visit(people["rep_w"], "王五 13900000033 腾讯", "聊了普洱")
    reply = await people["rep_a"].say("/find 普洱")
    assert "提到「普洱」" in reply and "张三" in reply and "李四" not in reply
    assert "今天" in reply and "送了两饼普洱，谈了报价" in reply
    tap = f"cu:show:{await _customer_id(world, '张三')}"
    assert [c.payload for c in people["rep_a"].last[0].choices] == [tap]
    team = await people["boss_east"].say("搜索 普洱")
    assert "张三" in team and "李四" in team and "王五" not in team
    everyone = await people["admin"].say("/find 普洱")
    assert all(name in everyone for name in ("张三", "李四", "王五"))
    assert "张三" not in await people["rep_a"].say("/find 普洱 样品")  # every word
    assert "李四" in await people["boss_east"].say("/find 普洱 样品")
    profile = await people["rep_a"].say(payload=tap)
    assert "张三" in profile and "谈了报价" in profile
    li = await _customer_id(world, "李四")
    assert "无权查看" in await people["rep_a"].say(payload=f"cu:show:{li}")  # a forged tap


async def test_customer_falls_back_to_text_matches(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    await _visit(rep, "张三 13900000031 华为", "他喜欢普洱")
    reply = await rep.say("/customer 普洱")
    assert "没有叫「普洱」的客户" in reply and "文字匹配" in reply and "张三" in reply
    assert "没有找到「龙井」" in await rep.say("/customer 龙井")
    assert "张三 · 华为" in await rep.say("/customer 张三")  # a name still opens the profile


async def test_long_lists_are_paged_and_odd_buttons_change_nothing(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    for i in range(10):
        await rep.say(f"/newcustomer 客户{i} 1390000010{i} 公司{i}")
    async with world.uows() as uow:
        notes = f"[2026-11-{10:02d}] 要报价单"
        await uow.session.execute(update(Customer).values(notes=notes))
        await uow.commit()
    first = await rep.say("/find 报价")
    assert "第 1/2 页" in first and "11月10日" in first and "备注：要报价单" in first
    assert len(rep.last[0].choices) == 9 and rep.last[0].choices[-1].payload == "fd:more:1:报价"
    second = await rep.say(payload="fd:more:1:报价")
    assert "第 2/2 页" in second and second.count("公司") == 2 + 2  # two lines, two buttons
    assert not any(c.payload.startswith("fd:") for c in rep.last[0].choices)
    async with world.uows() as uow:
        audited = await uow.session.scalar(select(func.count(AuditLog.id)))
    odd = ("fd:more:2:报价", "fd:more:99999999999:报价", "fd:more:-1:报价", "fd:more:x:报价",
           "fd:more:1:", "fd:zzz", "fd")  # fmt: skip
    for payload in odd:
        answer = await rep.say(payload=payload)
        assert "没有更多结果" in answer or "按钮已经失效" in answer, (payload, answer)
    assert "没有更多结果" in await people["rep_b"].say(payload="fd:more:1:报价")  # not hers
    async with world.uows() as uow:
        assert await uow.session.scalar(select(func.count(AuditLog.id))) == audited


async def test_find_in_english(people_en: dict[str, Chat]) -> None:
    rep = people_en["rep_a"]
    await rep.say("/newcustomer Alice 13900000077 Acme")
    assert "Alice" in await rep.say("/visit met Alice today, she wants Pu-erh TEA samples")
    assert "Logged" in await rep.say("1")
    reply = await rep.say("/find tea samples")
    assert 'mention "tea samples"' in reply and "Alice · Acme" in reply
    assert "Pu-erh TEA samples" in reply
    assert "No customer's visits or notes mention" in await rep.say("/find oolong")
    assert "Which words?" in await rep.say("/find")
    fallback = await rep.say("/customer samples")
    assert 'No customer is called "samples"' in fallback and "text matches" in fallback
