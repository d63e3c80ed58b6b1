"""Wires the WeChat channels from settings: callback routes, senders and their delivery loop.

`python main.py serve` mounts them with `build_wechat(app)`: its `routes` go to create_app()
and its `running` joins the lifespans. A channel whose settings are missing is left out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute, Route
from wechatpy.crypto import WeChatCrypto as OACrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from bot.bootstrap import App
from bot.delivery import Delivery, DeliveryPolicy, Sender
from bot.metrics import metered
from bot.settings import Settings
from bot.wechat.api import AppKeys, WeChatApi
from bot.wechat.callbacks import ACK_BUDGET, Acker, Callback
from bot.wechat.card_links import CARD_PATH, CardLinks
from bot.wechat.card_page import CardPage
from bot.wechat.files import WeComMedia
from bot.wechat.inbound import WECOM_CHANNEL, oa_message, wecom_message
from bot.wechat.inbox import DurableInbox, Handle, InboxPolicy
from bot.wechat.media import PhotoKeeper
from bot.wechat.send import OASender, WeComSender
from bot.wechat.tokens import DbTokenStore, TokenStore
from bot.wechat.work import WeComInbox
from handlers.desk.config import OA_CHANNEL, DeskConfig
from handlers.desk.desk import Desk
from handlers.messages import InboundMessage

WORK_PATH, OA_PATH = "/wechat/work", "/wechat/oa"

if TYPE_CHECKING:  # redis is the optional [redis] extra: imported only when configured
    from redis.asyncio import Redis


@dataclass
class WeChatRuntime:
    acker: Acker
    inbox: DurableInbox
    routes: list[BaseRoute] = field(default_factory=list)
    senders: list[Sender] = field(default_factory=list)
    apis: dict[str, WeChatApi] = field(default_factory=dict)
    desk: Desk | None = None
    delivery: Delivery | None = None
    redis: Redis | None = None  # closed when the runtime stops

    def wake(self) -> None:
        """New outbox rows: deliver them now rather than at the next poll."""
        if self.delivery is not None:
            self.delivery.wake()

    @contextlib.asynccontextmanager
    async def running(self, deliver: bool = True) -> AsyncIterator[None]:
        """Delivering while the web app runs (unless another worker of this host is the one
        that sends, bot/workers.py); callback work in flight finishes on shutdown."""
        assert self.delivery is not None
        delivery = self.delivery.run() if deliver else asyncio.Event().wait()
        task = asyncio.create_task(delivery, name="wechat-delivery")
        # Every worker retries the inbox: a row is claimed by whoever handles it first.
        retrying = asyncio.create_task(self.inbox.run(), name="wechat-inbox")
        try:
            yield
        finally:
            await self.acker.drain()
            for running in (retrying, task):
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
            for api in self.apis.values():  # their aiohttp sessions
                await api.close()
            if self.redis is not None:
                await self.redis.aclose()


def desk_config(settings: Settings) -> DeskConfig:
    """Reps hear about tickets on WeCom if it is set up, else on Telegram."""
    on = {"wecom": settings.wecom_enabled, "telegram": settings.telegram_token is not None}
    channels = tuple(name for name, enabled in on.items() if enabled)
    return DeskConfig(settings.wechat_org_id, channels, settings.default_lang)


def build_wechat(
    app: App,
    policy: DeliveryPolicy | None = None,
    ack_budget: float = ACK_BUDGET,
    handle_wecom: Handle | None = None,
    inbox_policy: InboxPolicy | None = None,
) -> WeChatRuntime | None:
    """The configured WeChat channels, or None when neither is configured."""
    s = app.settings
    if not (s.wecom_enabled or s.wechat_enabled):
        return None
    inbox = DurableInbox(app.uows, app.clock, {}, inbox_policy)
    runtime = WeChatRuntime(Acker(ack_budget), inbox)
    tokens = _token_store(app, runtime)
    if s.wecom_enabled:
        _add_wecom(app, runtime, tokens, handle_wecom)
    if s.wechat_enabled:
        _add_oa(app, runtime, tokens)
    runtime.delivery = Delivery(app.uows, app.clock, metered(runtime.senders), policy)
    return runtime


def _token_store(app: App, runtime: WeChatRuntime) -> TokenStore:
    """Redis when configured (its client connects on first use), else the database."""
    url = app.settings.redis_url
    if url is None:
        return DbTokenStore(app.uows, app.clock)
    from redis.asyncio import Redis

    from bot.wechat.redis_tokens import RedisTokenStore

    runtime.redis = Redis.from_url(url.get_secret_value(), decode_responses=True)
    return RedisTokenStore(runtime.redis, app.clock, app.settings.redis_prefix)


def _add_wecom(
    app: App, runtime: WeChatRuntime, tokens: TokenStore, handle: Handle | None
) -> None:
    s = app.settings
    assert s.wecom_corp_id and s.wecom_secret and s.wecom_token and s.wecom_aes_key
    assert s.wecom_agent_id is not None
    secret, token = s.wecom_secret.get_secret_value(), s.wecom_token.get_secret_value()
    keys = AppKeys("wecom", s.wecom_corp_id, secret, s.wechat_api_url, s.wecom_agent_id)
    api = runtime.apis["wecom"] = WeChatApi(keys, tokens, app.clock)
    cards = None
    if s.public_url:  # text cards need a page of ours that WeCom can open
        ttl = timedelta(hours=s.wecom_card_ttl_hours)
        cards = CardLinks(s.public_url, secret, app.clock, ttl)
        page = CardPage(cards, app.uows)
        runtime.routes.append(Route(CARD_PATH + "{link}", page.show, methods=["GET"]))
    runtime.senders.append(WeComSender(api, s.wecom_agent_id, app.uows, cards))
    crypto = WeComCrypto(token, s.wecom_aes_key.get_secret_value(), s.wecom_corp_id)
    photos = PhotoKeeper(api, app.uows, app.clock)
    media = WeComMedia(api)
    inbox = WeComInbox(
        app.router, app.uows, app.clock, s.default_lang, runtime.wake, photos, media
    )
    runtime.inbox.handlers[WECOM_CHANNEL] = handle or inbox
    callback = Callback(
        token, crypto, wecom_message, runtime.inbox, runtime.acker, True, "", app.clock
    )
    runtime.routes += _routes(WORK_PATH, callback)


def _add_oa(app: App, runtime: WeChatRuntime, tokens: TokenStore) -> None:
    s = app.settings
    assert s.wechat_appid and s.wechat_secret and s.wechat_token
    keys = AppKeys("oa", s.wechat_appid, s.wechat_secret.get_secret_value(), s.wechat_api_url)
    api = runtime.apis["oa"] = WeChatApi(keys, tokens, app.clock)
    config = desk_config(s)
    runtime.senders.append(OASender(api, app.uows, app.clock, config, s.wechat_template_id))
    desk = runtime.desk = Desk(app.uows, app.clock, config)
    token = s.wechat_token.get_secret_value()
    aes = s.wechat_aes_key.get_secret_value() if s.wechat_aes_key else None
    crypto = OACrypto(token, aes, s.wechat_appid) if aes else None

    async def handle(msg: InboundMessage) -> None:
        await desk.handle(msg)
        runtime.wake()

    runtime.inbox.handlers[OA_CHANNEL] = handle
    callback = Callback(
        token, crypto, oa_message, runtime.inbox, runtime.acker, False, "success", app.clock
    )
    runtime.routes += _routes(OA_PATH, callback)


def _routes(path: str, callback: Callback) -> list[BaseRoute]:
    return [
        Route(path, callback.verify, methods=["GET"]),
        Route(path, callback.receive, methods=["POST"]),
    ]
