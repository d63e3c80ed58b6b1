"""Contacts in team operations: import with a contact column, export, merge, forget, care."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from sqlalchemy import select

from handlers.services.ops import exporter, importer
from handlers.services.ops.tabular import TableWriter, read_table
from store.models import Activity, AuditLog, Contact, Customer
from store.scope import Scope
from tests.ops.helpers import user_named
from tests.world import Chat, World

TABLE = [
    ["客户名称", "联系人", "手机", "职位", "行业"],
    ["华为", "张总", "13800000001", "总经理", "通信"],
    ["华为", "李工", "13800000002", "采购", "通信"],
    ["华为", "李工", "13800000002", "采购", "通信"],  # the same person again
    ["美的", "赵总", "", "", "家电"],
]


async def _import(world: World, path: Path) -> importer.ImportReport:
    async with world.uows() as uow:
        owner = await user_named(uow, "rep_a")
        report = await importer.import_customers(
            uow, owner, world.org_id, owner, read_table(path), world.clock.now()
        )
        await uow.commit()
        return report


def _csv(path: Path, table: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(table)
    return path


async def test_import_with_a_contact_column_makes_companies_with_people(
    people: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    report = await _import(world, _csv(tmp_path / "b2b.csv", TABLE))
    assert (report.created, report.contacts, len(report.rejected)) == (2, 3, 1)
    async with world.uows() as uow:
        companies = (await uow.session.scalars(select(Customer).order_by(Customer.id))).all()
        people_rows = (await uow.session.execute(
            select(Contact.name, Contact.phone, Contact.title, Contact.customer_id)
            .order_by(Contact.id)
        )).all()  # fmt: skip
        audited = (await uow.session.scalars(select(AuditLog.action))).all()
    assert [(c.name, c.kind, c.industry, c.phone) for c in companies] == [
        ("华为", "company", "通信", None), ("美的", "company", "家电", None),
    ]  # fmt: skip
    huawei, midea = companies[0].id, companies[1].id
    assert [tuple(r) for r in people_rows] == [
        ("张总", "13800000001", "总经理", huawei), ("李工", "13800000002", "采购", huawei),
        ("赵总", None, None, midea),
    ]  # fmt: skip
    assert audited.count("contact.import") == 3
    # Imported again: the companies are found, nobody is added twice.
    again = await _import(world, _csv(tmp_path / "again.csv", TABLE[:3]))
    assert (again.created, again.contacts) == (0, 0)
    # Found by a contact's phone, in chat, through the indexes.
    assert "👥 联系人（2）" in await people["rep_a"].say("查客户 13800000002")


async def test_a_file_with_only_a_contact_column_imports_people_as_before(
    people: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    table = [["联系人", "电话", "公司"], ["王小明", "13900001111", "华为"]]
    report = await _import(world, _csv(tmp_path / "old.csv", table))
    assert (report.created, report.contacts) == (1, 0)
    async with world.uows() as uow:
        customer = (await uow.session.scalars(select(Customer))).one()
    assert (customer.name, customer.company, customer.kind) == ("王小明", "华为", "person")


async def _company_with_two(rep: Chat) -> None:
    await rep.say("/newcontact 华为 张总 13800000001")
    await rep.say("1")
    await rep.say("/newcontact 华为 李工 13800000002")


async def test_export_lists_contacts_in_scope_masked_for_others(
    people: dict[str, Chat], world: World
) -> None:
    await _company_with_two(people["rep_a"])
    async with world.uows() as uow:
        boss = await user_named(uow, "boss_east")
        rep_w = await user_named(uow, "rep_w")
        buffer = io.BytesIO()
        rows = await exporter.export(
            uow, Scope(world.org_id, None), "contacts", TableWriter(buffer, "csv"), boss
        )
        none = await exporter.export(
            uow, Scope(world.org_id, frozenset({rep_w.id})), "contacts",
            TableWriter(io.BytesIO(), "csv"), rep_w,
        )  # fmt: skip
    table = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    assert rows == 2 and none == 0
    assert table[0][:4] == ["id", "customer_id", "company", "name"]
    assert [r[3] for r in table[1:]] == ["张总", "李工"] and table[1][5] == "138****0001"


async def test_forgetting_a_company_forgets_its_contacts(
    people: dict[str, Chat], world: World
) -> None:
    rep, admin = people["rep_a"], people["admin"]
    await _company_with_two(rep)
    await rep.say("今天拜访了华为张总，谈了报价")
    await rep.say("保存")
    reply = await admin.say("/aboutcustomer 华为")
    assert "contact" in reply, reply
    await admin.say("/forget 华为")
    async with world.uows() as uow:
        company = (await uow.session.scalars(select(Customer))).one()
    assert "已匿名化" in await admin.say(payload=f"pv:forget:{company.id}")
    async with world.uows() as uow:
        contacts = (await uow.session.scalars(select(Contact))).all()
        summary = (await uow.session.scalars(select(Activity.summary))).one()
        logged = (await uow.session.scalars(
            select(AuditLog).where(AuditLog.action == "contact.create")
        )).all()  # fmt: skip
    assert all(c.name.startswith("#") and c.phone is None for c in contacts)
    assert all(c.anonymised_at is not None for c in contacts)
    assert "张总" not in summary
    assert all("张总" not in str(a.after) and "13800000002" not in str(a.after) for a in logged)
    assert "华为" not in await rep.say("查客户 李工")


async def test_a_merge_moves_contacts_and_undo_brings_them_back(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await _company_with_two(rep)
    await rep.say("/newcontact 华为技术 王工 13800000003")
    await rep.say("2")  # ➕ a second company, 华为技术 (the first choice would be 华为)
    async with world.uows() as uow:
        admin = await user_named(uow, "admin")
        kept, other = (await uow.session.scalars(select(Customer).order_by(Customer.id))).all()
        from handlers.services.ops import dedupe

        log = await dedupe.merge(uow, admin, kept, other, world.clock.now())
        await uow.commit()
        moved = log.moved["contact"]
    async with world.uows() as uow:
        owners = (await uow.session.scalars(select(Contact.customer_id))).all()
    assert len(moved) == 1 and set(owners) == {kept.id}
    async with world.uows() as uow:
        admin = await user_named(uow, "admin")
        log_row = await uow.ops.merge_log(world.org_id, log.id)
        assert log_row is not None
        await dedupe.undo(uow, admin, log_row, world.clock.now())
        await uow.commit()
    async with world.uows() as uow:
        owners = (await uow.session.scalars(select(Contact.customer_id))).all()
    assert sorted(owners) == [kept.id, kept.id, other.id]


async def test_contact_birthdays_reach_the_reps_brief(
    world: World, people: dict[str, Chat]
) -> None:
    await _company_with_two(people["rep_a"])
    day = world.clock.now().date()
    async with world.uows() as uow:
        li = (await uow.session.scalars(select(Contact).where(Contact.name == "李工"))).one()
        li.birthday = date(1980, day.month, day.day)
        rep = await user_named(uow, "rep_a")
        from jobs.brief import birthday_days

        found = await uow.contacts.birthdays([rep.id], *birthday_days(day))
    assert found == [("李工", "华为", rep.id)]


async def test_forgetting_one_contact_keeps_the_company(
    people: dict[str, Chat], world: World
) -> None:
    rep, admin = people["rep_a"], people["admin"]
    await _company_with_two(rep)
    reply = await admin.say("/forget 华为李工")
    assert "的联系人 李工" in reply and "公司 华为 和它的记录保留" in reply
    assert "已匿名化 华为 的联系人 李工" in await admin.say("1")
    async with world.uows() as uow:
        company = (await uow.session.scalars(select(Customer))).one()
        names = sorted((await uow.session.scalars(select(Contact.name))).all())
        audited = (await uow.session.scalars(select(AuditLog.action))).all()
    assert company.anonymised_at is None and company.name == "华为"
    assert names[0].startswith("#") and names[1] == "张总"
    assert "contact.anonymise" in audited
    assert "只有管理员" in await rep.say(payload=f"pv:fc:{company.id}:1")


async def test_contacts_follow_their_company_in_a_handover(
    people: dict[str, Chat], world: World
) -> None:
    await _company_with_two(people["rep_a"])
    assert "没有找到" in await people["rep_b"].say("查客户 华为李工")
    async with world.uows() as uow:
        admin, leaving = await user_named(uow, "admin"), await user_named(uow, "rep_a")
        receiver = await user_named(uow, "rep_b")
        from handlers.services.ops import handover

        await handover.handover(uow, admin, leaving, [receiver], world.clock.now())
        await uow.commit()
    card = await people["rep_b"].say("查客户 华为李工")
    assert "👥 联系人（2）" in card and "13800000002" in card  # theirs now: the full number
