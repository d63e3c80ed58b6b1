"""A business-card photo through the real PTB stack and the fake Bot API: the photo's largest
size is fetched (getFile, then the file URL), read by the real OCR engine, shown as a
prefilled card with buttons, corrected with ✏️ and saved; in Chinese and in English."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from store.models import Customer
from tests.card_images import card_photo
from tests.fakes.telegram_api import Call, TgUser
from tests.telegram.harness import Harness

pytestmark = pytest.mark.slow  # OCR: a second or more a photo

ZH = TgUser(7401, "小王", "zh-hans")
EN = TgUser(7402, "Ann", "en")


def _photo(tg: Harness, file_id: str, data: bytes) -> list[dict[str, Any]]:
    """Telegram's PhotoSize list: a thumbnail and the full photo, which is what gets read."""
    tg.api.files[file_id] = data
    thumb = {"file_id": "thumb", "file_unique_id": "ut", "width": 90, "height": 50}
    full = {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1000, "height": 560}
    return [thumb, full]


async def _customers(tg: Harness) -> list[Customer]:
    async with tg.app.uows() as uow:
        return list(await uow.session.scalars(select(Customer).order_by(Customer.id)))


def _payloads(shown: Call) -> list[str]:
    return [payload for _, payload in shown.buttons]


async def test_a_card_photo_alone_is_read_corrected_and_saved_in_chinese(tg: Harness) -> None:
    await tg.join(ZH, "rep_a")
    png, truth = card_photo(11, en=False, layout=0)
    [card] = await tg.send(tg.updates.message(ZH, None, photo=_photo(tg, "AgAD-card", png)))
    assert [c.params["file_id"] for c in tg.api.calls if c.method == "getFile"] == ["AgAD-card"]
    assert "名片上读到的" in card.text
    for value in (truth.name, truth.company, truth.title, truth.email, truth.phones[0][0]):
        assert str(value) in card.text, (value, card.text)
    assert {"bc:ok", "bc:edit", "bc:visit"} <= set(_payloads(card))  # a guess, with a way out
    closed, fields = await tg.press(ZH, card, "bc:edit")
    assert closed.method == "editMessageText" and closed.buttons == []  # no double taps
    *_, ask = await tg.press(ZH, fields, "bc:f:title")
    assert "新的职位" in ask.text
    [edited] = await tg.say(ZH, "大客户总监")
    assert "职位：大客户总监" in edited.text
    *_, saved = await tg.press(ZH, edited, "bc:ok")
    assert "已新建客户" in saved.text
    [customer] = await _customers(tg)
    assert (customer.name, customer.company) == (truth.name, truth.company)
    assert (customer.title, customer.email) == ("大客户总监", truth.email)


async def test_card_command_then_photo_in_english(tg: Harness) -> None:
    await tg.join(EN, "rep_a")
    [ask] = await tg.say(EN, "/card")
    assert "Send a photo of the business card" in ask.text
    png, truth = card_photo(12, en=True, layout=1)
    [card] = await tg.send(tg.updates.message(EN, None, photo=_photo(tg, "AgAD-en", png)))
    assert "Read from the card" in card.text and "bc:visit" not in _payloads(card)
    assert truth.name in card.text and str(truth.email) in card.text
    *_, saved = await tg.press(EN, card, "bc:ok")
    assert "Customer added" in saved.text
    [customer] = await _customers(tg)
    assert (customer.name, customer.phone) == (truth.name, truth.phones[0][0])
    *_, again = await tg.press(EN, card, "bc:ok")  # tapped twice (an old button): no copy
    assert len(await _customers(tg)) == 1 and "no longer open" in again.text
