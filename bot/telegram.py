"""The Telegram channel: a PTB Application receives updates; answers go out through the outbox.

Webhook (production) and long polling (development) feed the same `TelegramChannel.feed`.
An update is handled in order with the other updates of its chat and person, other chats
run concurrently. Its replies are queued in the outbox, never sent inline: the delivery loop
is what keeps Telegram's rate limits, honours 429s and retries failed sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.bootstrap import App
from bot.db_gate import for_engine
from bot.delivery import Delivery, DeliveryPolicy
from bot.rate_limit import Limits, Pacer
from bot.settings import Settings
from bot.telegram_inbound import CHANNEL, BotIdentity, Inbound, to_inbound
from bot.telegram_render import chosen_text
from bot.telegram_sender import TelegramSender
from handlers.chat.app import build_router
from handlers.chat.router import OnReplies
from handlers.clock import Clock
from handlers.i18n import pick_lang
from handlers.messages import InboundMessage, Reply, reply_to_dict
from store.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = ("message", "callback_query")
PTBApp = Application[Any, Any, Any, Any, Any, Any]
# (command, 中文, English): the menu Telegram shows next to the text field
MENU = (
    ("start", "开始使用（附邀请码）", "Get started (with your invite code)"),
    ("visit", "记录拜访/电话/会议", "Log a visit, call or meeting"),
    ("customer", "查客户", "Look up a customer"),
    ("newcustomer", "新建客户", "Add a customer"),
    ("deal", "商机：列表、新建、推进", "Deals: list, create, advance"),
    ("pipeline", "我的销售漏斗", "My pipeline"),
    ("remind", "设提醒", "Set a reminder"),
    ("today", "今天和逾期的待办", "Due today and overdue"),
    ("lang", "语言 / Language", "Language / 语言"),
    ("tz", "时区", "Timezone"),
    ("cancel", "取消正在填写的内容", "Cancel the form in progress"),
    ("help", "帮助", "Help"),
)


class ChatHandler(Protocol):
    """What answers messages: the Router, or the benchmark's echo."""

    async def handle(
        self, msg: InboundMessage, on_replies: OnReplies | None = None
    ) -> list[Reply]: ...


def build_application(settings: Settings, polling: bool = False) -> PTBApp:
    """A PTB Application talking to the configured Bot API; no updater when a webhook feeds it."""
    if settings.telegram_token is None:
        raise SystemExit("CHATCRM_TELEGRAM_TOKEN is not set (the token BotFather gave you)")
    api = settings.telegram_api_url.rstrip("/")
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(api)
        .base_file_url(api.removesuffix("/bot") + "/file/bot")
    )
    if not polling:
        builder = builder.updater(None)
    return builder.build()


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
        try:
            await self.feed(update)
        except Exception:  # polling has already moved past it: it cannot be fetched again
            log.exception("update %s failed", update.update_id)

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
        if inbound.pressed is not None:  # at once, and without making the update wait
            spinner = asyncio.create_task(self._stop_spinner(inbound.pressed.query_id))
            self._spinners.add(spinner)
            spinner.add_done_callback(self._spinners.discard)

        async def queue(uow: UnitOfWork, replies: list[Reply]) -> None:
            await self._enqueue(uow, update.update_id, inbound, replies)

        # Queued in the router's own transaction: the change and its messages commit together,
        # and a redelivered update (deduplicated) queues nothing twice.
        await self.handler.handle(inbound.msg, queue)
        self.on_enqueued()

    async def _stop_spinner(self, query_id: str) -> None:
        try:
            await self.application.bot.answer_callback_query(query_id)
        except TelegramError as err:  # too old, or answered already: nothing to fix
            log.info("answerCallbackQuery failed: %s", err)

    async def _enqueue(
        self, uow: UnitOfWork, update_id: int, inbound: Inbound, replies: list[Reply]
    ) -> None:
        now, pressed = self.clock.now(), inbound.pressed
        if pressed is not None:
            edit: dict[str, Any] = {"op": "edit", "message_id": pressed.message_id}
            if pressed.text is not None and pressed.label is not None:
                edit["text"] = chosen_text(pressed.text, pressed.label)
            key = f"tg:{update_id}:edit"
            await uow.outbox.enqueue(CHANNEL, str(inbound.chat_id), edit, key, now)
        for index, reply in enumerate(replies):
            recipient, body = await self._address(uow, inbound, reply)
            key = f"tg:{update_id}:{index}"
            await uow.outbox.enqueue(CHANNEL, recipient, body, key, now)

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


def _lock_keys(update: Update) -> list[str]:
    chat, user = update.effective_chat, update.effective_user
    keys = [f"chat:{chat.id}"] if chat else []
    if user is not None and (chat is None or chat.id != user.id):
        keys.append(f"chat:{user.id}")
    return keys


async def set_commands(application: PTBApp, default_lang: str) -> None:
    """The command menu in Chinese and English, and the default language for everyone else."""
    bot = application.bot
    for lang in ("zh", "en"):
        commands = [BotCommand(name, zh if lang == "zh" else en) for name, zh, en in MENU]
        await bot.set_my_commands(commands, language_code=lang)
    default = [BotCommand(name, zh if default_lang == "zh" else en) for name, zh, en in MENU]
    await bot.set_my_commands(default)


async def set_webhook(application: PTBApp, settings: Settings) -> str:
    """Point Telegram at this server; the secret makes forged webhook calls detectable."""
    assert settings.public_url and settings.telegram_webhook_secret
    url = settings.public_url.rstrip("/") + WEBHOOK_PATH
    await application.bot.set_webhook(
        url,
        secret_token=settings.telegram_webhook_secret.get_secret_value(),
        allowed_updates=list(ALLOWED_UPDATES),
        max_connections=40,
    )
    return url


@dataclass
class TelegramRuntime:
    """Everything the Telegram channel runs: PTB, the inbound side and its delivery loop."""

    application: PTBApp
    channel: TelegramChannel
    delivery: Delivery
    settings: Settings

    @contextlib.asynccontextmanager
    async def running(self, webhook: bool) -> AsyncIterator[None]:
        """Connected to the Bot API (getMe), menu set, webhook set if public, delivering."""
        async with self.application:
            await set_commands(self.application, self.settings.default_lang)
            if webhook and self.settings.public_url:
                url = await set_webhook(self.application, self.settings)
                log.info("Telegram webhook set to %s", url)
            task = asyncio.create_task(self.delivery.run(), name="telegram-delivery")
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


def build_runtime(
    app: App,
    polling: bool = False,
    limits: Limits | None = None,
    policy: DeliveryPolicy | None = None,
    handler: ChatHandler | None = None,
) -> TelegramRuntime:
    application = build_application(app.settings, polling)
    uows = for_engine(app.engine, app.uows)
    if handler is None:
        handler = (
            app.router if uows is app.uows else build_router(uows, app.clock, app.router.config)
        )
    sender = TelegramSender(application.bot, Pacer(limits or Limits()))
    delivery = Delivery(uows, app.clock, [sender], policy)
    channel = TelegramChannel(
        application,
        handler,
        uows,
        app.clock,
        app.settings.default_lang,
        on_enqueued=delivery.wake,
    )
    return TelegramRuntime(application, channel, delivery, app.settings)


async def poll(app: App) -> None:
    """Development: long polling, no public URL; stops the webhook while it runs."""
    runtime = build_runtime(app, polling=True)
    async with runtime.running(webhook=False):
        updater = runtime.application.updater
        assert updater is not None
        await updater.start_polling(allowed_updates=list(ALLOWED_UPDATES))
        log.warning("polling Telegram as @%s; Ctrl-C stops", runtime.application.bot.username)
        try:
            await runtime.channel.consume(runtime.application.update_queue)
        finally:
            await updater.stop()
