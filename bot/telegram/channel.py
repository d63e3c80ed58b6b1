"""Updates in, replies queued: the inbound half of the Telegram channel.

An update is handled in order with the other updates of its chat and person; other chats run
concurrently. Replies are queued in the outbox in the router's own transaction, never sent
inline: the delivery loop is what keeps Telegram's rate limits, honours 429s and retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.telegram.inbound import CHANNEL, BotIdentity, Inbound, to_inbound
from bot.telegram.media import TelegramMedia
from bot.telegram.render import chosen_text
from handlers.chat.router import OnReplies
from handlers.clock import Clock
from handlers.i18n import pick_lang
from handlers.media import MediaReader
from handlers.messages import InboundMessage, Reply, reply_to_dict
from store.errors import is_unavailable
from store.repos.outbox import outbox_row
from store.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
PTBApp = Application[Any, Any, Any, Any, Any, Any]
RETRY_FIRST, RETRY_MAX = 0.5, 10.0  # seconds between tries of a polled update, database away


class ChatHandler(Protocol):
    """What answers messages: the Router, or the benchmark's echo."""

    async def handle(
        self, msg: InboundMessage, on_replies: OnReplies | None = ..., media: MediaReader = ...
    ) -> list[Reply]: ...


class KeyedLocks:
    """One FIFO lock per key, forgotten when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class TelegramChannel:
    def __init__(
        self,
        application: PTBApp,
        handler: ChatHandler,
        uows: UnitOfWorkFactory,
        clock: Clock,
        default_lang: str = "zh",
        on_enqueued: Callable[[], None] = lambda: None,
    ) -> None:
        self.application, self.handler, self.uows, self.clock = application, handler, uows, clock
        self.default_lang, self.on_enqueued = default_lang, on_enqueued
        self._locks = KeyedLocks()
        self._failures: dict[int, BaseException] = {}
        self._spinners: set[asyncio.Task[None]] = set()
        self.media = TelegramMedia(application.bot)
        application.add_handler(TypeHandler(Update, self._on_update))

    @property
    def me(self) -> BotIdentity:
        bot = self.application.bot
        return BotIdentity(bot.id, bot.username)

    async def feed(self, update: Update) -> None:
        """Handle one update; raises when it failed, so the webhook asks Telegram to resend."""
        async with contextlib.AsyncExitStack() as stack:
            # The chat first, then the person: their conversation may span a group and a
            # private chat. Private updates take one lock only, so no two wait on each other.
            for key in _lock_keys(update):
                await stack.enter_async_context(self._locks.hold(key))
            await self.application.process_update(update)
        error = self._failures.pop(update.update_id, None)
        if error is not None:
            raise error

    async def consume(self, queue: asyncio.Queue[object]) -> None:
        """Polling: feed what the updater fetched, each chat in order, chats side by side."""
        running: set[asyncio.Task[None]] = set()
        while True:
            update = await queue.get()
            if isinstance(update, Update):
                task = asyncio.create_task(self._feed_logged(update))
                running.add(task)
                task.add_done_callback(running.discard)

    async def _feed_logged(self, update: Update) -> None:
        answer = spinner_answer(update)
        if answer is not None:  # at once, and without making the update wait
            spinner = asyncio.create_task(self._stop_spinner(answer["callback_query_id"]))
            self._spinners.add(spinner)
            spinner.add_done_callback(self._spinners.discard)
        # Polling has already moved past it: it cannot be fetched again, so while the database
        # is away it is tried again here. (Its chat's lock is let go between tries: a later
        # update of the chat may be handled first. Polling is for development.)
        wait = RETRY_FIRST
        while True:
            try:
                await self.feed(update)
                return
            except Exception as exc:
                if not is_unavailable(exc):
                    log.exception("update %s failed", update.update_id)
                    return
                log.warning("update %s waits for the database: %r", update.update_id, exc)
            await asyncio.sleep(wait)
            wait = min(wait * 2, RETRY_MAX)

    async def _on_update(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert isinstance(update, Update)
        try:
            await self._handle(update)
        except Exception as exc:  # PTB would only log it; feed() re-raises it to the caller
            self._failures[update.update_id] = exc

    async def _handle(self, update: Update) -> None:
        inbound = to_inbound(update, self.me, self.clock.now())
        if inbound is None:
            return

        async def queue(uow: UnitOfWork, replies: list[Reply]) -> None:
            await self._enqueue(uow, update.update_id, inbound, replies)

        # Queued in the router's own transaction: the change and its messages commit together,
        # and a redelivered update (deduplicated) queues nothing twice.
        await self.handler.handle(inbound.msg, queue, self.media)
        self.on_enqueued()

    async def _stop_spinner(self, query_id: str) -> None:
        try:
            await self.application.bot.answer_callback_query(query_id)
        except TelegramError as err:  # too old, or answered already: nothing to fix
            log.info("answerCallbackQuery failed: %s", err)

    async def _enqueue(
        self, uow: UnitOfWork, update_id: int, inbound: Inbound, replies: list[Reply]
    ) -> None:
        now, pressed, rows = self.clock.now(), inbound.pressed, []
        if pressed is not None:
            edit: dict[str, Any] = {"op": "edit", "message_id": pressed.message_id}
            if pressed.text is not None and pressed.label is not None:
                edit["text"] = chosen_text(pressed.text, pressed.label)
            rows.append(
                outbox_row(CHANNEL, str(inbound.chat_id), edit, f"tg:{update_id}:edit", now)
            )
        for index, reply in enumerate(replies):
            recipient, body = await self._address(uow, inbound, reply)
            rows.append(outbox_row(CHANNEL, recipient, body, f"tg:{update_id}:{index}", now))
        await uow.outbox.enqueue_many(rows)  # one statement for the edit and every reply

    async def _address(
        self, uow: UnitOfWork, inbound: Inbound, reply: Reply
    ) -> tuple[str, dict[str, Any]]:
        """Where a reply goes: in a group, anything private or with buttons goes to the person."""
        body = reply_to_dict(reply)
        if not inbound.is_group:
            return str(inbound.chat_id), body
        if not (reply.private or reply.choices):
            body["reply_to"] = inbound.message_id
            return str(inbound.chat_id), body
        msg = inbound.msg
        user = await uow.users.by_identity(CHANNEL, msg.user_id)
        lang = user.lang if user else pick_lang(msg.locale, self.default_lang)
        body.update(group_chat=inbound.chat_id, lang=lang, user_name=msg.display_name or "")
        return msg.user_id, body


def spinner_answer(update: Update) -> dict[str, Any] | None:
    """The Bot API call that stops a pressed button's spinner, as a webhook may answer it.

    A webhook reply can carry one Bot API call and Telegram makes it: no request of ours, and
    the button stops spinning the moment the update is handled. Polling makes the call itself.
    """
    query = update.callback_query
    if query is None:
        return None
    return {"method": "answerCallbackQuery", "callback_query_id": query.id}


def _lock_keys(update: Update) -> list[str]:
    chat, user = update.effective_chat, update.effective_user
    keys = [f"chat:{chat.id}"] if chat else []
    if user is not None and (chat is None or chat.id != user.id):
        keys.append(f"chat:{user.id}")
    return keys
