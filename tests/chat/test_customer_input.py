"""/newcustomer: phones in the forms people write them, names with no letters, and invisible
control characters that never reach a stored name, company or note."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.services.phones import find, normalize
from store.models import Activity, ConversationState, Customer, Reminder
from tests.world import Chat, World, join_all


async def _customers(world: World) -> list[Customer]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(Customer).order_by(Customer.id))).all())


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("+86 139 1234 5678", "13912345678"),
        ("0086 139-1234-5678", "13912345678"),
        ("+86-139-1234-5678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("(010) 6552 1234", "01065521234"),
        ("010-65521234", "01065521234"),
        ("+86 10 6552 1234", "01065521234"),
        ("+86 (10) 6552-1234", "01065521234"),
        ("+1 (415) 555-0100", "+14155550100"),
        ("+44 20 7946 0958", "+442079460958"),
        ("１３９１２３４５６７８", "13912345678"),
    ],
)
def test_phone_forms_are_read_and_normalised(written: str, stored: str) -> None:
    assert normalize(written) == stored
    found = find(f"王五 {written} 测试公司")
    assert found is not None and found[0] == stored
    assert f"王五 {written} 测试公司"[found[1] : found[2]] == written


def test_numbers_that_are_not_phones() -> None:
    assert find("张三 2号楼 3M") is None and normalize("12") is None
    assert find("客户000 13900000000") == ("13900000000", 6, 17)  # a name's digits stay put
    assert find("王五 13912345678测试公司") == ("13912345678", 3, 14)
    assert normalize("1" * 16) is None


async def test_newcustomer_with_spaced_phone(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    assert "已新建客户" in await rep.say("/newcustomer 王五 +86 139 1234 5678 测试公司")
    assert "已新建客户" in await rep.say("/newcustomer 赵六 (010) 6552-1234 北京分公司")
    [wang, zhao] = await _customers(world)
    assert (wang.name, wang.phone, wang.company) == ("王五", "13912345678", "测试公司")
    assert (zhao.phone, zhao.company) == ("01065521234", "北京分公司")
    dup = await rep.say("/newcustomer 老周 0086 13912345678")  # same number, other form
    assert "可能已经有这个客户了" in dup and "王五 · 测试公司" in dup


async def test_newcustomer_english_phone(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    assert "Customer added" in await rep.say("/newcustomer Jane Doe +1 (415) 555-0100 Acme")
    [jane] = await _customers(world)
    assert (jane.name, jane.phone, jane.company) == ("Jane Doe", "+14155550100", "Acme")


async def test_name_without_letters_gets_a_clear_reply(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    reply = await rep.say("/newcustomer 😀")
    assert "不能当名字" in reply and "请重新输入名字" not in reply and "没有保存" in reply
    async with world.uows() as uow:
        forms = (await uow.session.scalars(select(ConversationState))).all()
    assert all(f.state is None for f in forms)  # no form left open
    assert "不能当名字" in await rep.say("/newcustomer \u202e\u200b 13912345678")
    assert await _customers(world) == []
    await rep.say("/newcustomer")  # the guided form does ask again
    assert "请重新输入名字" in await rep.say("😀")


async def test_name_without_letters_in_english(world: World) -> None:
    rep = (await join_all(world, "en"))["rep_a"]
    reply = await rep.say("/newcustomer 😀")
    assert "can't be a name" in reply and "Nothing was saved" in reply


async def test_invisible_controls_are_stripped_everywhere(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张\u200b三\u202e 13912345678 华\u2066为\u2069")
    [zhang] = await _customers(world)
    assert (zhang.name, zhang.company) == ("张三", "华为")
    assert "\u200b" not in zhang.search_key
    await rep.say("/visit 今天拜访了张三，\u202e聊了续约")
    assert "已记录" in await rep.say("1")
    await rep.say("/remind 明天给张三发\u200b合同")
    async with world.uows() as uow:
        [activity] = (await uow.session.scalars(select(Activity))).all()
        [reminder] = (await uow.session.scalars(select(Reminder))).all()
        zhang_row = await uow.session.get(Customer, zhang.id)
        assert zhang_row is not None
        zhang_row.notes = "喜欢\u202e普洱"
        await uow.commit()
    assert "\u202e" not in activity.summary and "发合同" in reminder.text
    [zhang] = await _customers(world)
    assert zhang.notes == "喜欢普洱"
