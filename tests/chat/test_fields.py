"""Editing a customer's profile: ✏️ Edit on the card, /notes, /tag and plain sentences."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handlers.services.ops.privacy import anonymise
from store.models import AuditLog, Customer
from tests.world import Chat, World


async def _customer(world: World, name: str) -> Customer:
    async with world.uows() as uow:
        return (await uow.session.scalars(select(Customer).where(Customer.name == name))).one()


async def _edits(world: World) -> list[AuditLog]:
    async with world.uows() as uow:
        stmt = select(AuditLog).where(AuditLog.action == "customer.edit").order_by(AuditLog.id)
        return list((await uow.session.scalars(stmt)).all())


async def test_sentences_change_fields_with_old_and_new_audited(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 刘洋 13900000101 美的")
    reply = await rep.say("把刘洋的等级改成B")
    assert "等级已从「C」改为「B」" in reply, reply
    assert "邮箱已从「（空）」改为「li@x.com」" in await rep.say("刘洋的邮箱是Li@X.com")
    assert "生日已从「（空）」改为「3-5」" in await rep.say("刘洋生日是3月5日")
    assert "3-5（农历）" in await rep.say("刘洋生日是农历三月初五")
    customer = await _customer(world, "刘洋")
    assert (customer.tier, customer.email) == ("B", "li@x.com")
    assert (customer.birthday, customer.birthday_lunar) == (date(1904, 3, 5), True)
    edits = await _edits(world)
    changes = [
        (e.before, {k: v for k, v in (e.after or {}).items() if k != "org_id"}) for e in edits
    ]
    assert changes[:2] == [
        ({"tier": "C"}, {"tier": "B"}),
        ({"email": None}, {"email": "li@x.com"}),
    ]
    assert edits[-1].before == {"birthday": "1904-03-05", "birthday_lunar": False}
    assert all(e.user_id is not None and e.entity_id == customer.id for e in edits)


async def test_bad_values_get_a_clear_answer_and_change_nothing(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 刘洋 13900000102 美的")
    assert "不是有效的邮箱" in await rep.say("刘洋的邮箱是li@x")
    assert "这一天不存在" in await rep.say("刘洋生日是2月30日")
    assert "等级只能是 A、B 或 C" in await rep.say("把刘洋的等级改成Z")
    assert "不像电话号码" in await rep.say("刘洋的电话是call me")
    assert "没有找到" in await rep.say("把王不存在的等级改成B")
    customer = await _customer(world, "刘洋")
    assert (customer.tier, customer.email, customer.birthday) == ("C", None, None)
    assert await _edits(world) == []


async def test_preferences_and_notes_are_appended_with_the_date(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000103 华为")
    assert "已记到 张三 · 华为 的备注" in await rep.say("张三喜欢喝普洱茶")
    assert "已记到" in await rep.say("/notes 张三 周末不接电话")
    assert "已记到" in await rep.say("备注 张三：孩子在读高三")
    notes = (await _customer(world, "张三")).notes or ""
    assert notes.split("\n") == [
        "[2026-11-23] 喜欢喝普洱茶",
        "[2026-11-23] 周末不接电话",
        "[2026-11-23] 孩子在读高三",
    ]
    assert "周末不接电话" in await rep.say("/notes 张三")


async def test_tags_add_and_remove(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000104 华为")
    assert "#VIP #重点" in await rep.say("/tag 张三 #VIP #重点")
    assert "#重点 #新" in await rep.say("标签 张三 -#vip #新")
    assert (await _customer(world, "张三")).tags == "重点,新"
    assert "🏷 #重点 #新" in await rep.say("查客户 张三")
    assert "没有找到标签" in await rep.say("/tag 张三 #")


async def test_phone_is_normalised_and_a_duplicate_is_asked_about(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000105 华为")
    await rep.say("/newcustomer 李四 13900000106 腾讯")
    await people["rep_w"].say("/newcustomer 王五 13900000107 京东")
    reply = await rep.say("把张三的电话改成 +86 139 0000 0106")
    assert "已经登记在另一位客户名下" in reply and "李四 · 腾讯" in reply
    assert (await _customer(world, "张三")).phone == "13900000105"
    assert "电话已从「13900000105」改为「13900000106」" in await rep.say("仍然保存")
    reply = await rep.say("张三的手机号是139-0000-0107")
    assert "同事 rep_w 负责" in reply and "王五" not in reply
    assert "电话没有改" in await rep.say("不改了")
    assert (await _customer(world, "张三")).phone == "13900000106"


async def test_rename_keeps_search_right(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 欧阳锋 13900000108 白驼山庄")
    assert "改为「欧阳克」" in await rep.say("把欧阳锋的名字改成欧阳克")
    assert "改为「桃花岛」" in await rep.say("欧阳克的公司是桃花岛")
    assert "改为「13700000109」" in await rep.say("欧阳克的电话是13700000109")
    for query in ("欧阳克", "ouyangke", "桃花岛", "13700000109", "0109"):
        assert "欧阳克 · 桃花岛" in await rep.say(f"查客户 {query}"), query
    assert "没有找到" in await rep.say("查客户 白驼山庄")
    assert "没有找到" in await rep.say("查客户 13900000108")


async def test_card_edit_menu_with_buttons_and_typed_values(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 刘洋 13900000110 美的")
    card = await rep.say("查客户 刘洋")
    assert "✏️ 编辑" in card
    menu = await rep.say("4")  # 1 visit, 2 deal, 3 activities, 4 edit
    assert "要改哪一项" in menu and "9. 等级" in menu and "5. 第二个电话" in menu
    assert "改成" in await rep.say("9")
    assert "改为「A」" in await rep.say("1")
    assert "要改哪一项" in await rep.say("继续编辑")
    assert "请输入新的职位" in await rep.say("2")
    assert "不是有效的邮箱" not in await rep.say("采购总监")
    customer = await _customer(world, "刘洋")
    assert (customer.tier, customer.title) == ("A", "采购总监")
    await rep.say(payload=f"fe:f:{customer.id}:email")
    assert "不是有效的邮箱" in await rep.say("not-an-email")
    assert "改为「ly@midea.com」" in await rep.say("ly@midea.com")  # the question stayed
    assert "改为「同意接收」" in await rep.say(payload=f"fe:v:{customer.id}:care:on")
    assert "失效" in await rep.say(payload=f"fe:v:{customer.id}:tier:Z")
    assert "失效" in await rep.say(payload=f"fe:v:{customer.id}:search_key:x")
    assert (await _customer(world, "刘洋")).care_consent is True


async def test_which_customer_is_asked_never_guessed(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张伟 13900000111 华为")
    assert "可能已经有" in await rep.say("/newcustomer 张伟 13900000112 腾讯")
    assert "已新建客户" in await rep.say("不是，新建")
    reply = await rep.say("把张伟的等级改成A")
    assert "有 2 位客户都叫「张伟」" in reply
    async with world.uows() as uow:
        tiers = (await uow.session.scalars(select(Customer.tier))).all()
    assert set(tiers) == {"C"}
    assert "改为「A」" in await rep.say("2")
    async with world.uows() as uow:
        rows = (await uow.session.execute(select(Customer.company, Customer.tier))).all()
    assert sorted(rows) == [("华为", "C"), ("腾讯", "A")]


async def test_rep_and_manager_edit_only_within_scope(
    people: dict[str, Chat], world: World
) -> None:
    await people["rep_a"].say("/newcustomer 赵六 13900000113 京东")
    cid = (await _customer(world, "赵六")).id
    for who in ("rep_b", "rep_w", "boss_west"):
        intruder = people[who]
        assert "没有找到" in await intruder.say("把赵六的等级改成A"), who
        assert "无权查看" in await intruder.say(payload=f"fe:v:{cid}:tier:A"), who
        assert "无权查看" in await intruder.say(payload=f"fe:menu:{cid}"), who
        assert "无权查看" in await intruder.say(payload=f"fe:f:{cid}:name"), who
        assert "没有找到" in await intruder.say("/notes 赵六 偷看"), who
    assert (await _customer(world, "赵六")).tier == "C"
    assert await _edits(world) == []
    assert "改为「B」" in await people["boss_east"].say("把赵六的等级改成B")
    assert "改为「A」" in await people["admin"].say(payload=f"fe:v:{cid}:tier:A")


async def test_english_sentences(people_en: dict[str, Chat], world: World) -> None:
    rep = people_en["rep_a"]
    await rep.say("/newcustomer Li Wei 13900000114 Acme")
    reply = await rep.say("Li Wei's birthday is May 3")
    assert "birthday changed from “(empty)” to “5-3”" in reply
    reply = await rep.say("Change Li Wei's phone to 138 0013 8000")
    assert "phone changed from “13900000114” to “13800138000”" in reply
    assert "tier changed from “C” to “B”" in await rep.say("Set Li Wei to tier B")
    assert "Added to Li Wei · Acme's notes" in await rep.say("Li Wei likes green tea")
    assert "not a real date" in await rep.say("Li Wei's birthday is February 30")
    assert "Tier must be A, B or C" in await rep.say("Change Li Wei's tier to Z")
    customer = await _customer(world, "Li Wei")
    assert (customer.phone, customer.tier, customer.birthday) == (
        "13800138000",
        "B",
        date(1904, 5, 3),
    )
    assert (customer.notes or "").endswith("likes green tea")


async def test_a_second_phone_is_kept_found_checked_masked_and_forgotten(
    people: dict[str, Chat], world: World
) -> None:
    """A person customer's second number (an office line): set in a sentence, found by
    searching it, a duplicate when another customer has it, masked for who may not call,
    exported, and gone when the customer is anonymised."""
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000105 华为")
    done = await rep.say("张三的座机是 010-8888 6666")
    assert "第二个电话已从「（空）」改为「01088886666」" in done
    assert (await _customer(world, "张三")).phone2 == "01088886666"
    card = await rep.say("查客户 010 8888 6666")  # found by the second number
    assert "👤 张三 · 华为" in card and "📞 13900000105 · 01088886666" in card
    others = await rep.say("/newcustomer 李四 010-88886666 腾讯")
    assert "张三" in others  # the duplicate check knows the second number too
    boss = await people["boss_east"].say("查客户 张三")
    assert "010****6666" in boss or "010*****6666" in boss, boss  # a manager sees it masked
    customer_id = (await _customer(world, "张三")).id
    async with world.uows() as uow:
        customer = await uow.session.get(Customer, customer_id)
        assert customer is not None
        await anonymise(uow, None, customer, world.clock.now())
        await uow.commit()
    gone = await _customer_by_id(world, customer_id)
    assert gone.phone is None and gone.phone2 is None


async def _customer_by_id(world: World, customer_id: int) -> Customer:
    async with world.uows() as uow:
        found = await uow.session.get(Customer, customer_id)
        assert found is not None
        return found
