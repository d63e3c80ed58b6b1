"""Files and voice through the real PTB stack and the fake Bot API: /export arrives as
sendDocument (multipart), a table sent as a document is downloaded (getFile + file URL) and
imported, a voice note gets "please type it", a file over 20 MB is refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.services.ops.tabular import read_table_bytes
from store.models import Customer
from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import Harness

BOSS = TgUser(7301, "老板", "zh-hans")
REP = TgUser(7302, "Ann", "en")


def _document(file_id: str, name: str, size: int) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": name,
            "mime_type": "text/csv", "file_size": size}  # fmt: skip


async def test_export_arrives_as_a_document(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    await tg.say(REP, "/newcustomer Jane Doe 13912345678 Acme")
    [sent] = await tg.say(REP, "/export customers")
    assert sent.method == "sendDocument"
    assert "customers-20261123.xlsx: 1 rows" in sent.text  # the caption
    assert sent.params["document.filename"] == "customers-20261123.xlsx"
    table = list(read_table_bytes(sent.params["document"], xlsx=True))
    assert [row[table[0].index("name")] for row in table[1:]] == ["Jane Doe"]
    [csv] = await tg.say(REP, "/export deals csv")
    assert csv.params["document.filename"].endswith(".csv") and "nothing matches" in csv.text


async def test_import_by_sending_a_table(tg: Harness) -> None:
    await tg.join(BOSS, "boss")
    data = "姓名,手机,公司\n王五,13800001111,腾讯\n,13800002222,无名\n".encode()
    tg.api.files["BQAD-in"] = data
    update = tg.updates.message(BOSS, None, document=_document("BQAD-in", "名单.csv", len(data)))
    [preview] = await tg.send(update)
    assert "共 1 个新客户，0 个与已有客户重复，1 行有问题" in preview.text
    assert [p for _, p in preview.buttons] == ["fi:merge", "fi:skip", "fi:create", "fi:cancel"]
    assert tg.api.called("getFile") and [c for c in tg.api.calls if c.method == "download"]
    _edit, report = await tg.press(BOSS, preview, "fi:skip")
    assert report.method == "sendDocument" and "新建 1" in report.text
    assert report.params["document.filename"] == "rejects-名单.csv"
    async with tg.app.uows() as uow:
        assert [c.name for c in (await uow.session.scalars(select(Customer))).all()] == ["王五"]


async def test_refusals_voice_and_big_files(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    await tg.join(BOSS, "boss")
    voice = {"file_id": "AwAD-v", "file_unique_id": "uv", "duration": 3}
    [said] = await tg.send(tg.updates.message(REP, None, voice=voice))
    assert "Please type it" in said.text
    [said] = await tg.send(tg.updates.message(BOSS, None, voice=voice))
    assert "请把内容打字发给我" in said.text
    huge = _document("BQAD-big", "big.csv", 25 * 1024 * 1024)
    [refused] = await tg.send(tg.updates.message(BOSS, None, document=huge))
    assert "超过 20 MB" in refused.text and not tg.api.called("getFile")
    gone = _document("BQAD-gone", "gone.xlsx", 100)  # the Bot API no longer has it
    [refused] = await tg.send(tg.updates.message(BOSS, None, document=gone))
    assert "没能取到这个文件" in refused.text
    [refused] = await tg.send(tg.updates.message(REP, None, document=gone))
    assert "manager or an admin" in refused.text


def test_document_reply_survives_the_outbox_and_plans_its_caption() -> None:
    from bot.telegram.send import plan
    from handlers.messages import Choice, Document, Reply, reply_from_dict, reply_to_dict

    doc = Document("客户.xlsx", bytes(range(256)) * 4, "application/x")
    reply = Reply("📄 1 行", (Choice("OK", "x:1"),), private=True, document=doc)
    body = reply_to_dict(reply)
    assert isinstance(body["document"], dict) and body["document"]["filename"] == "客户.xlsx"
    assert reply_from_dict(body) == reply
    [part] = plan(reply)
    assert part.document == doc and part.text == "📄 1 行" and part.markup is not None
    long = Reply("字" * 1500, document=doc)  # over a caption's 1,024: text first, then the file
    text, file = plan(long)
    assert text.document is None and file.document == doc and file.text is None
