"""A business-card photo becomes a customer: read (real OCR), checked, edited, saved.

The photos are made up (tests/card_images.py) and read by the real rapidocr engine, so
these tests need the `ocr` extra, as CI has; each OCR'd card costs a second or more, so
only a handful are read here (bench/cards.py reads 40).
"""

from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers import ocr
from handlers.messages import Attachment
from store.db import make_sessions
from store.models import AuditLog, Customer
from store.uow import UnitOfWorkFactory
from tests.card_images import SANS, Truth, card_photo
from tests.world import World, build_world, join_all


@dataclass
class Photos:
    """The channel's side: file id → bytes, as a chat app's download would give them."""

    files: dict[str, bytes] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    async def read(self, attachment: Attachment) -> bytes | None:
        self.asked.append(attachment.value)
        return self.files.get(attachment.value)

    def add(self, file_id: str, data: bytes) -> tuple[Attachment, ...]:
        self.files[file_id] = data
        return (Attachment("photo", file_id),)


@pytest.fixture
async def sq_world(sqlite_engine: AsyncEngine) -> World:
    return await build_world(UnitOfWorkFactory(make_sessions(sqlite_engine)))


@pytest.fixture
def photos(sq_world: World) -> Photos:
    sq_world.media = photos = Photos()
    return photos


async def _customers(world: World) -> list[Customer]:
    async with world.uows() as uow:
        return list(await uow.session.scalars(select(Customer).order_by(Customer.id)))


def _zh_card() -> tuple[bytes, Truth]:
    return card_photo(1, en=False, layout=0)


def _en_card() -> tuple[bytes, Truth]:
    return card_photo(2, en=True, layout=1)


@pytest.mark.slow  # OCR: a second or more a photo
async def test_captioned_card_is_edited_then_saved_with_every_field(world: World) -> None:
    """名片 + photo → the fields read, one corrected, saved and audited (both databases)."""
    world.media = photos = Photos()
    rep = (await join_all(world))["rep_a"]
    png, truth = _zh_card()
    reply = await rep.say("名片", attachments=photos.add("f1", png))
    assert "名片上读到的" in reply and "拜访照片" not in reply  # said to be a card: no guess
    for value in (truth.name, truth.company, truth.title, truth.email, truth.address):
        assert str(value) in reply, (value, reply)
    assert truth.phones[0][0] in reply
    assert "失效" in await rep.say(payload="bc:f:nope")  # a forged field
    await rep.say(payload="bc:edit")
    assert "新的邮箱" in await rep.say(payload="bc:f:email")
    assert "不像邮箱" in await rep.say("not an email")
    assert "新的职位" in await rep.say(payload="bc:f:title")
    assert "职位：销售副总裁" in await rep.say("销售副总裁")
    assert "已新建客户" in await rep.say(payload="bc:ok")
    (saved,) = await _customers(world)
    assert f"📍 {truth.address}" in await rep.say(f"/customer {truth.name}")
    assert (saved.name, saved.company, saved.title) == (truth.name, truth.company, "销售副总裁")
    assert (saved.phone, saved.email, saved.address) == (
        truth.phones[0][0],
        truth.email,
        truth.address,
    )
    assert saved.wechat == truth.wechat and saved.owner_id is not None
    async with world.uows() as uow:
        audit = (await uow.session.scalars(select(AuditLog))).all()
    (created,) = [a for a in audit if a.entity == "customer"]
    assert created.action == "customer.create" and created.after is not None
    assert (created.after["title"], created.after["email"]) == ("销售副总裁", truth.email)


@pytest.mark.slow  # OCR: a second or more a photo
async def test_card_sent_alone_is_read_as_one_and_duplicates_are_asked(
    sq_world: World, photos: Photos
) -> None:
    """No caption, no visit being logged: it reads like a card, so it is one (with a way
    out); the phone already belongs to a customer, so /newcustomer's check asks first."""
    rep = (await join_all(sq_world, "en"))["rep_a"]
    png, truth = _en_card()
    await rep.say(f"/newcustomer Old Contact {truth.phones[0][0]} Somewhere")
    reply = await rep.say(attachments=photos.add("f2", png))
    assert "Read from the card" in reply and "Visit photo" in reply
    assert truth.name in reply and str(truth.email) in reply
    reply = await rep.say(payload="bc:ok")
    assert "may already exist" in reply and "Old Contact" in reply
    assert len(await _customers(sq_world)) == 1
    assert "Customer added" in await rep.say(payload="nc:force")
    _old, new = await _customers(sq_world)
    assert (new.name, new.title, new.email) == (truth.name, truth.title, truth.email)


@pytest.mark.slow  # OCR: a second or more a photo
async def test_a_guessed_card_can_be_a_visit_photo_after_all(
    sq_world: World, photos: Photos
) -> None:
    rep = (await join_all(sq_world))["rep_a"]
    png, _truth = _zh_card()
    assert "拜访照片" in await rep.say(attachments=photos.add("f3", png))
    assert "哪个客户的拜访" in await rep.say(payload="bc:visit")
    assert "结束" in await rep.say(payload="bc:ok")  # the card's buttons are gone
    async with sq_world.uows() as uow:
        state = await uow.chat.sender("console", "rep_a", "rep_a")
    assert state is not None and state.state is not None
    assert state.state.state == "vi.who" and "f3" in str(state.state.data)
    assert await _customers(sq_world) == []


@pytest.mark.slow  # OCR: a second or more a photo
async def test_card_command_waits_for_the_photo_and_cancel_saves_nothing(
    sq_world: World, photos: Photos
) -> None:
    rep = (await join_all(sq_world, "en"))["rep_a"]
    assert "Send a photo of the business card" in await rep.say("/card")
    assert "Still waiting" in await rep.say("hmm")
    reply = await rep.say(attachments=photos.add("f4", _en_card()[0]))
    assert "Read from the card" in reply and "Visit photo" not in reply
    assert "wasn't saved" in await rep.say(payload="bc:no")
    assert await _customers(sq_world) == []


@pytest.mark.slow  # OCR: a second or more a photo
async def test_a_photo_without_text_or_during_a_visit_is_a_visit_photo(
    sq_world: World, photos: Photos
) -> None:
    rep = (await join_all(sq_world))["rep_a"]
    await rep.say("/newcustomer 欧阳锋 13912345678 白驼山庄")
    await rep.say("拜访 欧阳锋 聊了续约")
    assert "已附到这条拜访" in await rep.say(attachments=photos.add("f5", b"not read"))
    assert photos.asked == []  # a visit being logged: the photo is its own, not fetched
    await rep.say("/cancel")
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "#6b8e23").save(out, "PNG")  # a photo with no text on it
    assert "哪个客户的拜访" in await rep.say(attachments=photos.add("f6", out.getvalue()))
    assert photos.asked == ["f6"]


async def test_what_cannot_be_read_gets_a_clear_answer(
    sq_world: World, photos: Photos, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = (await join_all(sq_world))["rep_a"]
    assert "打不开" in await rep.say("名片", attachments=photos.add("bad", b"\x89PNG garbage"))
    sq_world.media = Photos()  # the channel gives no bytes
    assert "取不到照片" in await rep.say("名片", attachments=(Attachment("photo", "gone"),))
    monkeypatch.setattr(ocr, "available", lambda: False)  # the extra not installed
    assert "没有安装名片识别" in await rep.say("/card", attachments=(Attachment("photo", "x"),))
    assert "哪个客户的拜访" in await rep.say(attachments=(Attachment("photo", "y"),))
    assert await _customers(sq_world) == []


async def test_without_the_ocr_extra_english(
    sq_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = (await join_all(sq_world, "en"))["rep_a"]
    monkeypatch.setattr(ocr, "available", lambda: False)
    reply = await rep.say("business card", attachments=(Attachment("photo", "x"),))
    assert "isn't installed" in reply and "pip install -e '.[ocr]'" in reply
    assert "Which customer's visit" in await rep.say(attachments=(Attachment("photo", "y"),))


@pytest.mark.slow  # OCR: a second or more a photo
async def test_a_photo_with_a_little_text_asks_card_or_visit(
    sq_world: World, photos: Photos
) -> None:
    rep = (await join_all(sq_world))["rep_a"]
    image = Image.new("RGB", (800, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.text((80, 80), "张伟", font=ImageFont.truetype(str(SANS), 72), fill="black")
    draw.text((80, 220), "销售总监", font=ImageFont.truetype(str(SANS), 40), fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")  # a name and a title, no way to reach them: not clearly a card
    assert "是名片，还是拜访照片" in await rep.say(attachments=photos.add("f7", out.getvalue()))
    assert "是名片，还是拜访照片" in await rep.say("嗯？")  # asked again, choices kept
    reply = await rep.say("1")  # 📇 名片
    assert "姓名：张伟" in reply and "职位：销售总监" in reply
    assert "没读到姓名" not in await rep.say(payload="bc:no")
    assert await _customers(sq_world) == []


class LockChecking(Photos):
    """The channel's download, which also looks whether the database's write lock is free
    while it runs: another rep's message must not wait for a photo to arrive."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.lock_free: list[bool] = []

    def check(self) -> None:
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            self.lock_free.append(True)
        except sqlite3.OperationalError:  # database is locked
            self.lock_free.append(False)
        finally:
            probe.close()

    async def read(self, attachment: Attachment) -> bytes | None:
        self.check()
        return await super().read(attachment)


@pytest.mark.slow  # OCR: a second or more a photo
async def test_download_and_ocr_hold_no_lock(
    sq_world: World, sqlite_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has one writer: a card read (seconds) or a file downloaded inside the message's
    transaction stopped every other message for as long. Both now run outside it."""
    path = str(sqlite_engine.url.database)
    sq_world.media = photos = LockChecking(path)
    real = ocr.read_lines

    async def checked(image: bytes) -> list[Any]:
        photos.check()
        return await real(image)

    monkeypatch.setattr(ocr, "read_lines", checked)
    rep = (await join_all(sq_world))["rep_a"]
    png, truth = _zh_card()
    reply = await rep.say("名片", attachments=photos.add("f9", png))
    assert "名片上读到的" in reply and truth.name in reply
    assert photos.lock_free == [True, True]  # the download, then the OCR


@pytest.mark.slow  # OCR: a second or more a photo
async def test_a_cards_second_number_is_the_customers_second_phone(
    sq_world: World, photos: Photos
) -> None:
    rep = (await join_all(sq_world))["rep_a"]
    png, truth = card_photo(4, en=False, layout=0)  # a mobile and an office line
    (mobile, _), (office, _) = truth.phones
    await rep.say("名片", attachments=photos.add("f10", png))
    assert "已新建客户" in await rep.say(payload="bc:ok")
    (saved,) = await _customers(sq_world)
    assert (saved.phone, saved.phone2) == (mobile, office)
    assert office not in (saved.notes or "")  # not repeated in the notes
