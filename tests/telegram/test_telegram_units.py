"""The pure parts: splitting, keyboards, update conversion, pacing, settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from telegram import Update

from bot.rate_limit import Limits, Pacer, Rate
from bot.settings import Settings
from bot.telegram.inbound import BotIdentity, to_inbound
from bot.telegram.render import chosen_text, keyboard, split_text, utf16_len
from handlers.messages import Attachment, Choice
from tests.fakes.telegram_api import TgUser, Updates

ME = BotIdentity(42, "crm_bot")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
REP = TgUser(10, "Ann", "en-US")


def _inbound(update: dict[str, Any]) -> Any:
    return to_inbound(Update.de_json(update, None), ME, NOW)


def test_split_keeps_lines_whole_and_counts_utf16() -> None:
    text = "\n".join(["😀" * 1000, "b" * 2000, "c" * 3000])  # the emoji line is 2,000 units
    chunks = split_text(text)
    assert chunks == ["😀" * 1000 + "\n" + "b" * 2000, "c" * 3000]
    assert all(utf16_len(chunk) <= 4096 for chunk in chunks)
    assert split_text("x" * 9000) == ["x" * 4096, "x" * 4096, "x" * 808]
    assert split_text("short") == ["short"]


def test_keyboard_pairs_short_labels_and_drops_oversized_payloads() -> None:
    choices = [Choice("✅ Save", "vi:ok"), Choice("❌ Cancel", "vi:no")]
    choices += [Choice("A rather long customer title · Acme", "cu:show:1")]
    choices += [Choice("too long", "x" * 65)]
    markup = keyboard(choices)
    assert markup is not None
    rows = [[b.callback_data for b in row] for row in markup.inline_keyboard]
    assert rows == [["vi:ok", "vi:no"], ["cu:show:1"]]
    assert keyboard([]) is None


def test_chosen_text_stays_within_the_limit() -> None:
    assert chosen_text("Please confirm", "✅ Save") == "Please confirm\n→ ✅ Save"
    assert utf16_len(chosen_text("y" * 4096, "✅ Save")) <= 4096


def test_location_photo_and_private_chat_conversion() -> None:
    updates = Updates()
    location = {"latitude": 31.2304, "longitude": 121.4737}
    inbound = _inbound(updates.message(REP, None, location=location))
    assert inbound.msg.attachments == (Attachment("location", "31.230400,121.473700"),)
    assert inbound.msg.chat_id == "10" and inbound.msg.locale == "en-US"
    assert inbound.msg.dedupe_key == str(updates.next_id) and not inbound.is_group


def test_forwarded_messages_are_marked() -> None:
    updates = Updates()
    origin = {"type": "hidden_user", "sender_user_name": "Can Wang", "date": 1_700_000_000}
    forwarded = _inbound(updates.message(REP, "Can you send the quote?", forward_origin=origin))
    assert forwarded.msg.forwarded and forwarded.msg.text == "Can you send the quote?"
    assert not _inbound(updates.message(REP, "met Li today")).msg.forwarded


def test_group_messages_need_to_be_addressed() -> None:
    updates = Updates()
    assert _inbound(updates.message(REP, "hello all", -5)) is None
    assert _inbound(updates.message(REP, "/help@other_bot", -5)) is None
    inbound = _inbound(updates.message(REP, "/start@CRM_bot ABC123", -5))
    assert inbound.msg.text == "/start ABC123" and inbound.is_group and inbound.chat_id == -5
    assert inbound.msg.chat_id == "10"  # the conversation is the person's, not the group's


def test_bot_and_channel_posts_are_ignored() -> None:
    bot_user = {"id": 99, "is_bot": True, "first_name": "Other"}
    update = Updates().message(REP, "hi")
    update["message"]["from"] = bot_user
    assert _inbound(update) is None


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_pacer_keeps_every_window() -> None:
    clock = FakeTime()
    pacer = Pacer(Limits(Rate(3, 1.0), Rate(1, 1.0), Rate(2, 60.0)), clock)
    await pacer.acquire("1", is_group=False)
    assert pacer.delay("1", False) == 1.0  # one per second per chat
    await pacer.acquire("2", False)
    await pacer.acquire("-3", True)
    assert pacer.delay("4", False) == 1.0  # three per second per bot
    clock.now = 1.0
    await pacer.acquire("-3", True)
    clock.now = 2.0
    assert pacer.delay("-3", True) == 58.0  # two per minute per group
    pacer.pause("1", 30)
    assert pacer.delay("1", False) == 30.0  # a 429's retry_after


def test_limits_default_to_telegrams() -> None:
    assert Limits() == Limits(Rate(30, 1.0), Rate(1, 1.0), Rate(20, 60.0))


def test_webhook_secret_must_be_what_telegram_accepts() -> None:
    assert (
        Settings(telegram_webhook_secret=SecretStr("ok_-09AZ")).telegram_webhook_secret is not None
    )
    with pytest.raises(ValidationError):
        Settings(telegram_webhook_secret=SecretStr("has space"))
    assert "s3cret" not in repr(Settings(telegram_webhook_secret=SecretStr("s3cret")))


def test_commands_addressed_to_us_are_normalised_everywhere() -> None:
    updates = Updates()
    inbound = _inbound(updates.message(REP, "/start@crm_bot CODE42"))
    assert inbound.msg.text == "/start CODE42" and not inbound.is_group
    assert _inbound(updates.message(REP, "/start@other_bot CODE42")) is None
