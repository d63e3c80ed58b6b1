"""The Telegram channel, assembled: PTB, the inbound side, the outbox delivery and the menu.

Webhook (production, `bot.web.serve`) and long polling (development, `poll`) feed the same
`TelegramChannel.feed`; see bot/telegram/channel.py for what happens to an update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder

from bot.bootstrap import App
from bot.delivery import Delivery, DeliveryPolicy
from bot.metrics import MeteredRouter, metered
from bot.rate_limit import Limits, Pacer
from bot.settings import Settings
from bot.telegram.channel import ChatHandler, PTBApp, TelegramChannel
from bot.telegram.request import AiohttpRequest
from bot.telegram.send import TelegramSender
from handlers.chat.app import build_router
from store.turns import for_engine

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = ("message", "callback_query")
# (command, 中文, English): the menu Telegram shows next to the text field
MENU = (
    ("start", "开始使用（附邀请码）", "Get started (with your invite code)"),
    ("visit", "记录拜访/电话/会议", "Log a visit, call or meeting"),
    ("customer", "查客户", "Look up a customer"),
    ("find", "搜索拜访记录和备注", "Search visits and notes"),
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
    # aiohttp under PTB (bot/telegram/request.py); long polling gets its own connection
    builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(pool_size=1))
    if not polling:
        builder = builder.updater(None)
    return builder.build()


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
    async def running(self, webhook: bool, deliver: bool = True) -> AsyncIterator[None]:
        """Connected to the Bot API (getMe), menu set, webhook set if public, delivering
        unless another worker of this host is the one that sends (bot/workers.py)."""
        async with self.application:
            await set_commands(self.application, self.settings.default_lang)
            if webhook and self.settings.public_url:
                url = await set_webhook(self.application, self.settings)
                log.info("Telegram webhook set to %s", url)
            if not deliver:
                yield
                return
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
            app.router
            if uows is app.uows
            else MeteredRouter.around(build_router(uows, app.clock, app.router.config))
        )
    sender = TelegramSender(application.bot, Pacer(limits or Limits()))
    policy = policy or DeliveryPolicy(lease=timedelta(seconds=app.settings.outbox_lease_seconds))
    delivery = Delivery(uows, app.clock, metered([sender]), policy)
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
