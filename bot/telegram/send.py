"""Outbox rows to the Bot API: paced per bot, chat and group; provider errors as SendResults."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.delivery import SendResult
from bot.rate_limit import Pacer
from bot.telegram.inbound import CHANNEL
from bot.telegram.render import MAX_CAPTION, escape, keyboard, split_text, utf16_len
from handlers.i18n import add_texts, t
from handlers.messages import Document, Reply, reply_from_dict
from store.models import OutboxEntry

log = logging.getLogger(__name__)
NOTICE_EVERY = 60.0  # seconds: one "open a private chat" hint per person and group

add_texts(
    {
        "tg.open_private": (
            "{name}，含客户资料的回复只发私聊。请先打开 {link} 并发送 /start，然后再试一次。",
            "{name}, answers with customer data only go to a private chat. Open {link}, "
            "send /start, then try again.",
        ),
    }
)


class TelegramSender:
    """Sends one outbox row: a reply (maybe several messages long) or an edit of a pressed one."""

    channel = CHANNEL

    def __init__(self, bot: Bot, pacer: Pacer) -> None:
        self.bot, self.pacer = bot, pacer
        self._parts_done: dict[int, int] = {}  # a retried long reply resumes where it stopped
        self._noticed: dict[tuple[str, str], float] = {}

    async def send(self, entry: OutboxEntry) -> SendResult:
        result = await self._attempt(entry)
        if result.outcome not in ("retry_after", "error"):  # no retry will resume it
            self._parts_done.pop(entry.id, None)
        return result

    async def _attempt(self, entry: OutboxEntry) -> SendResult:
        try:
            return await self._deliver(entry, int(entry.recipient))
        except RetryAfter as err:
            return SendResult.wait(_seconds(err.retry_after), err.message)
        except Forbidden as err:
            if _is_blocked(err):
                return SendResult.blocked(err.message)
            return SendResult.failed(err.message)
        except BadRequest as err:  # the request itself is wrong: sending it again cannot help
            return SendResult.failed(err.message)
        except (NetworkError, TelegramError) as err:
            return SendResult.error(f"{type(err).__name__}: {err.message}")

    async def _deliver(self, entry: OutboxEntry, chat: int) -> SendResult:
        body = entry.body
        try:
            if body.get("op") == "edit":
                return await self._edit(chat, body)
            return await self._reply(entry.id, chat, body)
        except ChatMigrated as err:  # the group became a supergroup with a new id
            return await self._deliver(entry, err.new_chat_id)
        except Forbidden as err:
            if body.get("group_chat") and not _is_blocked(err):
                return await self._tell_group(chat, body)
            raise

    async def _reply(self, entry_id: int, chat: int, body: dict[str, Any]) -> SendResult:
        parts = plan(reply_from_dict(body), body.get("reply_to"))
        done = self._parts_done.get(entry_id, 0)
        message: Message | None = None
        for index in range(done, len(parts)):
            message = await self._call(chat, partial(parts[index].send, self.bot, chat))
            self._parts_done[entry_id] = index + 1
        return SendResult.sent(str(message.message_id) if message else None)

    async def _edit(self, chat: int, body: dict[str, Any]) -> SendResult:
        message_id = int(body["message_id"])
        text = body.get("text")
        try:
            if text:
                await self._call(
                    chat,
                    lambda: self.bot.edit_message_text(
                        escape(str(text)), chat, message_id, parse_mode=ParseMode.HTML
                    ),
                )
            else:
                await self._call(
                    chat, lambda: self.bot.edit_message_reply_markup(chat, message_id)
                )
        except BadRequest as err:
            if "not modified" not in err.message.lower():
                raise
        return SendResult.sent(str(message_id))

    async def _tell_group(self, user: int, body: dict[str, Any]) -> SendResult:
        """The person never opened a private chat: say so in the group, without the content."""
        group = str(body["group_chat"])
        last = self._noticed.get((group, str(user)), 0.0)
        if time.monotonic() - last > NOTICE_EVERY:
            name = f'<a href="tg://user?id={user}">{escape(str(body.get("user_name", "")))}</a>'
            link = f"https://t.me/{self.bot.username}"
            text = t(str(body.get("lang", "en")), "tg.open_private", name=name, link=link)
            await self._call(
                int(group),
                lambda: self.bot.send_message(int(group), text, parse_mode=ParseMode.HTML),
            )
            self._noticed[(group, str(user))] = time.monotonic()
        return SendResult.failed("no private chat with the bot yet; the group was told")

    async def _call(self, chat: int, request: Callable[[], Awaitable[Any]]) -> Any:
        await self.pacer.acquire(str(chat), is_group=chat < 0)
        try:
            return await request()
        except RetryAfter as err:
            self.pacer.pause(str(chat), _seconds(err.retry_after))
            raise


@dataclass(frozen=True)
class Part:
    """One Bot API message of a reply; its text is already HTML-escaped."""

    text: str | None
    photo: bytes | None = None
    markup: InlineKeyboardMarkup | None = None
    answering: ReplyParameters | None = None
    document: Document | None = None

    async def send(self, bot: Bot, chat: int) -> Message:
        if self.document is not None:
            doc = self.document
            return await bot.send_document(
                chat,
                InputFile(doc.data, filename=doc.filename),
                caption=self.text,
                parse_mode=ParseMode.HTML,
                reply_markup=self.markup,
                reply_parameters=self.answering,
                disable_content_type_detection=True,
            )
        if self.photo is not None:
            return await bot.send_photo(
                chat,
                self.photo,
                caption=self.text,
                parse_mode=ParseMode.HTML,
                reply_markup=self.markup,
                reply_parameters=self.answering,
            )
        return await bot.send_message(
            chat,
            self.text or "…",
            parse_mode=ParseMode.HTML,
            reply_markup=self.markup,
            reply_parameters=self.answering,
        )


def plan(reply: Reply, reply_to: object = None) -> list[Part]:
    """The messages one reply takes: a photo, text chunks, a document (the text its caption
    when short enough); the keyboard on the last one."""
    chunks = [escape(c) for c in split_text(reply.text)] if reply.text.strip() else []
    parts = [Part(chunk) for chunk in chunks]
    fits = len(chunks) == 1 and utf16_len(reply.text) <= MAX_CAPTION
    if reply.image_png is not None:
        caption = parts.pop().text if fits else None
        parts.insert(0, Part(caption, reply.image_png))
        fits = False
    if reply.document is not None:
        caption = parts.pop().text if fits else None
        parts.append(Part(caption, document=reply.document))
    if not parts:
        parts.append(Part(None))
    parts[-1] = replace(parts[-1], markup=keyboard(reply.choices))
    if reply_to:
        answering = ReplyParameters(int(str(reply_to)), allow_sending_without_reply=True)
        parts[0] = replace(parts[0], answering=answering)
    return parts


def _is_blocked(err: Forbidden) -> bool:
    text = err.message.lower()
    return "blocked" in text or "deactivated" in text


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
