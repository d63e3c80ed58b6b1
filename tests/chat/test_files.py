"""Files in and out of chat through the console driver: /export as a file within the user's
scope, a customer table sent into the chat and imported, voice notes, /attach."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.console.chat import Console, attach, saved_files
from bot.console.media import attachment_for, save
from handlers.messages import reply_from_dict
from handlers.services.ops import export_file
from handlers.services.ops.tabular import read_table_bytes
from jobs.context import JobContext
from jobs.exports import run_exports
from store.models import AuditLog, Customer, OutboxEntry
from tests.ops.helpers import add_customer, rows
from tests.world import Chat, World


def _table(chat: Chat) -> list[list[str]]:
    document = chat.last[0].document
    assert document is not None
    return list(read_table_bytes(document.data, document.filename.endswith(".xlsx")))


def _column(chat: Chat, name: str) -> list[str]:
    table = _table(chat)
    return [row[table[0].index(name)] for row in table[1:]]


async def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def _send_file(chat: Chat, path: Path, caption: str | None = None) -> str:
    return await chat.say(caption, attachments=(attachment_for(path),))


async def test_export_is_a_file_within_each_scope(
    people_en: dict[str, Chat], world: World
) -> None:
    await add_customer(world, "rep_a", "Ann", "13912345678")
    await add_customer(world, "rep_b", "Bob", "13987654321")
    await add_customer(world, "rep_w", "Wes", "13711112222")
    rep = people_en["rep_a"]
    assert "customers-20261123.xlsx: 1 rows" in await rep.say("/export customers")
    assert _column(rep, "name") == ["Ann"]
    assert "outside" in await rep.say("/export customers rep_b")
    assert rep.last[0].document is None
    assert "outside" in await rep.say("/export customers team West")
    boss = people_en["boss_east"]
    await boss.say("/export customers csv")
    document = boss.last[0].document
    assert document is not None and document.filename.endswith(".csv")
    assert sorted(_column(boss, "name")) == ["Ann", "Bob"]
    await boss.say("/export customers rep_b")
    assert _column(boss, "name") == ["Bob"]
    [phone] = _column(boss, "phone")
    assert phone != "13987654321" and phone.endswith("4321")  # not the manager's own customer
    assert "outside" in await boss.say("/export customers West")
    admin = people_en["admin"]
    await admin.say("/export customers team West")
    assert _column(admin, "name") == ["Wes"]
    assert "No team or colleague" in await admin.say("/export customers Nobody")
    assert "Usage" in await admin.say("/export everything")
    exports = await rows(world, AuditLog, action="data.export")
    assert len(exports) == 4  # rep, boss ×2, admin; refusals leave nothing


async def test_export_in_chinese_and_empty(people: dict[str, Chat]) -> None:
    reply = await people["rep_a"].say("导出 商机")
    assert "deals-20261123.xlsx：没有符合条件的记录" in reply
    [header] = _table(people["rep_a"])
    assert "stage" in header
    assert "用法" in await people["rep_a"].say("导出 什么")


async def test_import_preview_choice_and_rejects(
    people: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    await add_customer(world, "boss_east", "张三", "13912345678", "华为")
    path = await _csv(
        tmp_path,
        "客户.csv",
        "姓名,手机,公司,邮箱\n"
        "张三,13912345678,华为,zs@huawei.com\n"
        "李四,13800001111,小米,\n"
        ",13800002222,无名,\n"
        "王五,not-a-phone,腾讯,\n",
    )
    boss = people["boss_east"]
    preview = await _send_file(boss, path)
    assert "name←姓名" in preview and "phone←手机" in preview
    assert "共 1 个新客户，1 个与已有客户重复，2 行有问题" in preview
    assert [c.payload for c in boss.last[0].choices] == [
        "fi:merge", "fi:skip", "fi:create", "fi:cancel",
    ]  # fmt: skip
    assert len(await rows(world, Customer)) == 1  # a preview saves nothing
    assert "请选择" in await boss.say("随便说点什么")
    done = await boss.say("1")  # merge
    assert "新建 1，合并 1，跳过 0，拒绝 2 行" in done
    assert "第 4 行：缺少姓名" in done and "第 5 行：电话号码无效" in done
    document = boss.last[0].document
    assert document is not None and document.filename == "rejects-客户.csv"
    assert len(list(read_table_bytes(document.data, False))) == 3
    customers = {c.name: c for c in await rows(world, Customer)}
    assert customers["张三"].email == "zs@huawei.com"  # merged: a blank filled in
    assert customers["李四"].owner_id == customers["张三"].owner_id  # the importer's
    assert "按钮已经失效" in await boss.say(payload="fi:merge")  # the choice is used up


async def test_import_refusals_change_nothing(
    people_en: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    good = await _csv(tmp_path, "ok.csv", "name,phone\nAnn,13912345678\n")
    assert "manager or an admin" in await _send_file(people_en["rep_a"], good)
    notes = await _csv(tmp_path, "notes.txt", "hello")
    assert 'as .csv or .xlsx (this is "notes.txt")' in await _send_file(people_en["admin"], notes)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is no workbook")
    assert "Cannot read this file" in await _send_file(people_en["admin"], broken)
    no_name = await _csv(tmp_path, "x.csv", "foo,bar\n1,2\n")
    assert "No name column" in await _send_file(people_en["admin"], no_name)
    admin = people_en["admin"]
    await _send_file(admin, good)
    good.write_text("name,phone\nEve,13912345670\n", encoding="utf-8")  # changed meanwhile
    assert "not the one previewed" in await admin.say("2")
    await _send_file(admin, good)
    assert "nothing was imported" in await admin.say("4")
    assert await rows(world, Customer) == []


async def test_import_merge_leaves_other_teams_customers_alone(
    people_en: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    await add_customer(world, "rep_w", "Wes", "13711112222")
    path = await _csv(tmp_path, "c.csv", "name,phone,email\nWes,13711112222,w@x.com\n")
    boss = people_en["boss_east"]
    assert "1 already exist" in await _send_file(boss, path)
    done = await boss.say("1")
    assert "0 merged" in done and "1 duplicates belong to colleagues outside" in done
    [wes] = await rows(world, Customer)
    assert wes.email is None


async def test_voice_asks_for_text_and_keeps_the_form(people: dict[str, Chat]) -> None:
    from handlers.messages import Attachment

    rep = people["rep_a"]
    await rep.say("新客户")
    assert "打字" in await rep.say(attachments=(Attachment("voice", "v1"),))
    async with rep.world.uows() as uow:
        assert (await uow.session.scalars(select(Customer))).all() == []
    assert "已取消" in await rep.say("取消")  # the form was still open


async def test_console_attach_and_saved_files(world: World, tmp_path: Path) -> None:
    missing = attach("/attach /no/such/file.csv")
    assert isinstance(missing, str) and missing.startswith("/attach: no such file")
    photo = tmp_path / "card.JPG"
    photo.write_bytes(b"\xff\xd8\xff")
    sent = attach(f"/attach {photo} 名片")
    assert not isinstance(sent, str)
    said, files = sent
    assert said == "名片" and files[0].kind == "photo" and files[0].size == 3
    table = tmp_path / "t.xlsx"
    table.write_bytes(b"x")
    sent = attach(f"/attach {table}")
    assert not isinstance(sent, str) and sent[1][0].kind == "document"
    first = save("../../etc/passwd", b"a", tmp_path / "media")
    second = save("passwd", b"b", tmp_path / "media")
    assert first.parent == second.parent == (tmp_path / "media").resolve()
    assert (first.name, second.name) == ("passwd", "passwd-1")
    console = Console(world.router, "admin", "en", media=tmp_path / "out")
    assert "invite code" in await console.send(f"/attach {table}")  # strangers: a join prompt
    await console.send(f"/start {world.invites['admin']}")
    printed = await console.send("/export deals csv")
    [saved] = list((tmp_path / "out").iterdir())
    assert saved.name == "deals-20261123.csv" and f"📎 {saved}" in printed
    assert saved.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel wants
    good = tmp_path / "ok.csv"
    good.write_text("name,phone\nAnn,13912345678\n", encoding="utf-8")
    assert "1 new customers" in await console.send(f"/attach {good}")
    assert "1 created" in await console.send("3")
    assert saved_files([]) == []


async def test_large_export_is_built_by_the_job_after_a_progress_message(
    people_en: dict[str, Chat], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_file, "INLINE_ROWS", 1)
    for name, phone in (("Ann", "13912345678"), ("Amy", "13912345679")):
        await add_customer(world, "rep_a", name, phone)
    await add_customer(world, "rep_b", "Bob", "13987654321")
    rep = people_en["rep_a"]
    assert "building it now" in await rep.say("/export customers")
    assert rep.last[0].document is None
    [queued] = await rows(world, OutboxEntry, channel="export")
    assert queued.body["to"] == "rep_a" and queued.body["what"] == "customers"
    job = JobContext(world.uows, world.clock)
    assert await run_exports(job) == 1
    assert await run_exports(job) == 0  # built once
    [done] = await rows(world, OutboxEntry, channel="export")
    assert done.status == "sent"
    [sent] = await rows(world, OutboxEntry, channel="console")
    reply = reply_from_dict(sent.body)
    assert sent.recipient == "rep_a" and "2 rows" in reply.text and reply.document is not None
    table = list(read_table_bytes(reply.document.data, xlsx=True))
    assert sorted(r[table[0].index("name")] for r in table[1:]) == ["Amy", "Ann"]  # own only
    monkeypatch.setattr(export_file, "MAX_ROWS", 1)
    await rep.say("/export customers csv")
    await run_exports(job)
    last = reply_from_dict((await rows(world, OutboxEntry, channel="console"))[-1].body)
    assert "larger than a chat file can be" in last.text and last.document is None
