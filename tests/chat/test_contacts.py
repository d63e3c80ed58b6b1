"""Companies with contacts (客户 / 联系人): adding people, finding them, logging visits with
them, their last touch on the profile; within the user's scope, audited, in both languages."""

from __future__ import annotations

from sqlalchemy import func, select

from store.models import Activity, AuditLog, Contact, Customer, Deal
from tests.world import Chat, World


async def _contacts(world: World) -> list[tuple[str, str | None, str, int]]:
    async with world.uows() as uow:
        stmt = select(Contact.name, Contact.phone, Customer.name, Customer.id).join(
            Customer, Customer.id == Contact.customer_id
        )
        rows = (await uow.session.execute(stmt.order_by(Contact.id))).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def _count(world: World, model: type[Customer] | type[Contact]) -> int:
    async with world.uows() as uow:
        return int(await uow.session.scalar(select(func.count(model.id))) or 0)


async def test_newcontact_adds_a_company_and_its_person_audited(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    reply = await rep.say("/newcontact 华为 李工 13800000000")
    assert "还没有公司客户叫「华为」" in reply and "李工" in reply  # asked, never assumed
    assert await _count(world, Contact) == 0
    reply = await rep.say("1")  # ➕ new company 华为
    assert "已新建公司客户：华为" in reply and "已添加联系人：李工 📞 13800000000" in reply
    assert await _contacts(world) == [("李工", "13800000000", "华为", 1)]
    reply = await rep.say("/newcontact 华为 采购张总 13900000009")  # now certain: one 华为
    assert "已添加联系人：张总 · 采购" in reply and "新建公司" not in reply
    async with world.uows() as uow:
        company = (await uow.session.scalars(select(Customer))).one()
        actions = (await uow.session.scalars(select(AuditLog.action))).all()
    assert company.kind == "company" and company.owner_id is not None
    assert actions.count("contact.create") == 2 and "customer.create" in actions
    profile = await rep.say("查客户 华为")
    assert "联系人（2）" in profile and "• 李工 📞 13800000000 — 还没有联系记录" in profile


async def test_a_sentence_adds_a_contact_and_duplicates_are_asked(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcontact 华为 李工 13800000000")
    await rep.say("1")
    reply = await rep.say("华为新来的采购王伟，电话13900000001")
    assert "已添加联系人：王伟 · 采购 📞 13900000001" in reply
    reply = await rep.say("华为新来的李公，电话13800000000")  # same phone, similar name
    assert "可能已经有这个人了" in reply and "李工 · 华为" in reply
    assert await _count(world, Contact) == 2
    assert "没有添加" in await rep.say("取消")
    await rep.say("华为新来的李公，电话13800000000")
    assert "已添加联系人：李公" in await rep.say("不是，添加")
    assert await _count(world, Contact) == 3
    await rep.say("/newcustomer 赵六 13700000000 美的")  # a customer's phone counts too
    reply = await rep.say("/newcontact 华为 赵总 13700000000")
    assert "可能已经有这个人了" in reply and "赵六" in reply


async def test_company_and_contact_name_the_visit(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcontact 华为 张总 13800000001")
    await rep.say("1")
    await rep.say("/newcontact 华为 李工 13800000002")
    reply = await rep.say("今天拜访了华为张总，谈了报价，下周三回访")
    assert "客户：张总 · 华为" in reply, reply
    assert "已记录拜访：张总 · 华为" in await rep.say("保存")
    async with world.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        zhang = (await uow.session.scalars(select(Contact).where(Contact.name == "张总"))).one()
    assert activity.customer_id == zhang.customer_id and activity.contact_id == zhang.id
    profile = await rep.say("查客户 华为")
    assert "• 张总 📞 13800000001 — 今天联系过" in profile
    assert "• 李工 📞 13800000002 — 还没有联系记录" in profile
    # By the contact's phone, through the indexes: the company's card.
    assert "👥 联系人（2）" in await rep.say("查客户 13800000002")


async def test_two_contacts_alike_are_a_choice_that_keeps_the_contact(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcontact 华为 张总 13800000001")
    await rep.say("1")
    await rep.say("/newcontact 华为 张工 13800000002")
    reply = await rep.say("今天拜访了华为的小张，聊了交付")
    assert "张总 · 华为" in reply and "张工 · 华为" in reply  # never a guess
    payloads = [c.payload for r in rep.last for c in r.choices]
    zhang_gong = next(p for p, c in zip(payloads, _labels(rep), strict=True) if "张工" in c)
    reply = await rep.say(payload=zhang_gong)
    assert "客户：张工 · 华为" in reply
    await rep.say("保存")
    async with world.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        contact = await uow.session.get(Contact, activity.contact_id)
    assert contact is not None and contact.name == "张工"


def _labels(chat: Chat) -> list[str]:
    return [c.label for r in chat.last for c in r.choices]


async def test_someone_elses_company_or_contact_cannot_be_used(
    people: dict[str, Chat], world: World
) -> None:
    await people["rep_a"].say("/newcontact 华为 张总 13800000001")
    await people["rep_a"].say("1")
    ((_, _, _, company_id),) = await _contacts(world)
    other = people["rep_w"]
    await other.say("/newcontact 腾讯 马总 13600000000")
    reply = await other.say(payload=f"ct:co:{company_id}")
    assert "这个客户不存在，或你无权查看" in reply
    assert await _count(world, Contact) == 1  # the forged company was refused
    async with world.uows() as uow:
        contact_id = (await uow.session.scalars(select(Contact.id))).one()
    await other.say("/visit")
    reply = await other.say(payload=f"vi:cust:{company_id}:{contact_id}")
    assert "不存在" in reply or "无权" in reply
    reply = await other.say(payload=f"vi:for:{company_id}:{contact_id}")
    assert "不存在" in reply or "无权" in reply
    assert "华为" not in await other.say("查客户 张总")
    # The manager of rep_a's team sees the company and its contact; the phone is masked.
    card = await people["boss_east"].say("查客户 华为张总")
    assert "张总" in card and "138****0001" in card


async def test_english_contacts(people_en: dict[str, Chat], world: World) -> None:
    rep = people_en["rep_a"]
    reply = await rep.say("/newcontact Acme, Jane Doe, buyer, +1 415 555 0100")
    assert 'No company customer is called "Acme"' in reply
    reply = await rep.say("1")
    assert "Contact added: Jane Doe · buyer 📞 +14155550100" in reply
    reply = await rep.say("new contact at Acme: Bob Smith, 415 555 0199")
    assert "Contact added: Bob Smith" in reply
    reply = await rep.say("/visit met Acme's Jane today, sent the quote")
    assert "Customer: Jane Doe · buyer · Acme" in reply, reply
    assert "Logged visit with Jane Doe · buyer · Acme" in await rep.say("Save")
    profile = await rep.say("/customer Acme")
    assert "Contacts (2):" in profile and "Jane Doe · buyer 📞 +14155550100 — contacted today" in (
        profile
    )
    assert "Give the company, the name and a phone" in await rep.say("/newcontact Acme")


async def test_a_deal_for_a_company_contact_names_them(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcontact 华为 张总 13800000001")
    await rep.say("1")
    await rep.converse(
        [
            ("/deal new 华为张总", "商机"),
            ("服务器扩容", "金额"),
            ("跳过", "成交"),
            ("跳过", "新建商机"),
        ]
    )
    async with world.uows() as uow:
        deal = (await uow.session.scalars(select(Deal))).one()
        zhang = (await uow.session.scalars(select(Contact))).one()
    assert deal.customer_id == zhang.customer_id and deal.contact_id == zhang.id


async def test_a_contact_is_corrected_from_the_company_edit_menu(
    people: dict[str, Chat], world: World
) -> None:
    """A typo in a contact's phone, a new title, a second number: fixed in chat, checked as
    a customer's fields are, audited; nobody outside the company's scope can."""
    rep = people["rep_a"]
    await rep.say("/newcontact 华为 李工 13800000000")
    await rep.say("1")
    [contact_id] = [c.id for c in await _contact_rows(world)]
    company_id = (await _contacts(world))[0][3]
    menu = await rep.say("/edit 华为")
    assert "👥 联系人" in menu
    assert "李工" in await rep.say(payload=f"ce:list:{company_id}")
    assert "第二个电话" in await rep.say(payload=f"ce:menu:{contact_id}")
    assert "李工 · 华为 的电话现在是「13800000000」" in await rep.say(
        payload=f"ce:f:{contact_id}:phone"
    )
    assert "电话号码" in await rep.say("138")  # not a phone: said, and asked again
    done = await rep.say("139 0000 0001")
    assert "电话已从「13800000000」改为「13900000001」" in done
    await rep.say(payload=f"ce:f:{contact_id}:title")
    assert "「（空）」改为「采购总监」" in await rep.say("采购总监")
    await rep.say(payload=f"ce:f:{contact_id}:phone2")
    await rep.say("010-8888 6666")
    await rep.say(payload=f"ce:f:{contact_id}:name")
    assert "已经是「李工」了" in await rep.say("李工")
    await rep.say(payload=f"ce:f:{contact_id}:birthday")
    assert "改为「3-5（农历）」" in await rep.say("农历三月初五")
    await rep.say(payload=f"ce:f:{contact_id}:notes")
    assert "已记到" in await rep.say("喜欢喝普洱茶")
    assert "同意接收" in await rep.say(payload=f"ce:f:{contact_id}:care")
    await rep.say(payload=f"ce:v:{contact_id}:care:on")
    assert "失效" in await rep.say(payload=f"ce:v:{contact_id}:care:maybe")
    [row] = await _contact_rows(world)
    assert (row.phone, row.title, row.phone2) == ("13900000001", "采购总监", "01088886666")
    assert row.birthday is not None
    assert (row.birthday.month, row.birthday.day, row.birthday_lunar) == (3, 5, True)
    assert row.notes is not None and row.notes.endswith("喜欢喝普洱茶") and row.care_consent
    async with world.uows() as uow:
        edits = (
            await uow.session.scalars(select(AuditLog).where(AuditLog.action == "contact.edit"))
        ).all()
    assert len(edits) == 6 and edits[0].before == {"org_id": world.org_id, "phone": "13800000000"}
    profile = await rep.say("查客户 华为")
    assert "李工 · 采购总监 📞 13900000001 · 01088886666" in profile
    for who in ("rep_b", "rep_w"):  # not their company: nothing shown, nothing changed
        assert "不归你" in await people[who].say(payload=f"ce:menu:{contact_id}")
        assert "不存在" in await people[who].say(payload=f"ce:list:{company_id}")
    for forged in ("ce:f:1:owner_id", "ce:x", "ce:menu:abc", "ce:f"):
        assert "失效" in await rep.say(payload=forged), forged


async def _contact_rows(world: World) -> list[Contact]:
    async with world.uows() as uow:
        return list(await uow.session.scalars(select(Contact).order_by(Contact.id)))
