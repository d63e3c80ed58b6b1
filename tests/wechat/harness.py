"""Both WeChat channels under test: callbacks encrypted by real wechatpy crypto exactly as
WeChat builds them, in over ASGI; replies out through the delivery loop to the fake API."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import xmltodict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from wechatpy.crypto import WeChatCrypto as OACrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from bot.bootstrap import App, chat_config
from bot.delivery import DeliveryPolicy
from bot.settings import Settings
from bot.web import create_app
from bot.wechat.callbacks import Handle
from bot.wechat.inbox import InboxPolicy
from bot.wechat.routes import WeChatRuntime, build_wechat
from handlers.chat.app import build_router
from store.db import make_sessions
from store.models import InboxEntry, OutboxEntry
from store.uow import UnitOfWorkFactory
from tests.fakes.wechat_api import (
    AGENT_ID,
    APP_SECRET,
    APPID,
    CORP_ID,
    CORP_SECRET,
    Call,
    FakeWeChatApi,
)
from tests.world import seed_small_org

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
WECOM_TOKEN, OA_TOKEN = "wecomCallbackToken", "oaCallbackToken"
WECOM_AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the console shows
OA_AES = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
OA_ORIGIN = "gh_0123456789ab"
QUICK = DeliveryPolicy(poll_every=0.05, backoff_first=0.05)
QUICK_INBOX = InboxPolicy(grace=0.2, poll_every=0.05, backoff_first=0.05, backoff_max=0.5)


class MovableClock:
    """Moves with real time (retries come due) and jumps when a test says days have passed."""

    def __init__(self, start: datetime) -> None:
        self.start, self.t0, self.offset = start, time.monotonic(), timedelta()

    def now(self) -> datetime:
        return self.start + self.offset + timedelta(seconds=time.monotonic() - self.t0)

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


def cdata(fields: dict[str, str | int]) -> str:
    inner = "".join(
        f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>"
        for k, v in fields.items()
    )
    return f"<xml>{inner}</xml>"


def _sender(xml: str) -> str:
    """FromUserName by pattern: hostile test XML must not be parsed here either."""
    found = re.search(r"<FromUserName>(?:<!\[CDATA\[)?([^<\]]+)", xml)
    return found.group(1) if found else ""


def plain_signature(token: str, timestamp: str, nonce: str) -> str:
    """The OA's URL signature, computed here independently of wechatpy."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


@dataclass
class WeChat:
    app: App
    api: FakeWeChatApi
    runtime: WeChatRuntime
    http: httpx.AsyncClient
    clock: MovableClock
    invites: dict[str, str]

    def __post_init__(self) -> None:
        self._ids = itertools.count(7_000_000_000_000_000_001)

    def stamp(self, skew: float = 0.0) -> str:
        """A callback's signed timestamp: WeChat's clock, which is ours in these tests."""
        return str(int(self.clock.now().timestamp() + skew))

    # WeCom: reps and managers

    def wecom_xml(self, user: str, text: str | None = None, **extra: str | int) -> str:
        fields: dict[str, str | int] = {
            "ToUserName": CORP_ID,
            "FromUserName": user,
            "CreateTime": int(self.clock.now().timestamp()),
        }
        if text is not None:
            fields |= {"MsgType": "text", "Content": text, "MsgId": next(self._ids)}
        fields |= extra
        return cdata({**fields, "AgentID": AGENT_ID})

    def wecom_request(self, inner_xml: str, skew: float = 0.0) -> tuple[dict[str, str], str]:
        """Query and body of the POST WeChat makes: Encrypt in an envelope, msg_signature."""
        timestamp, nonce = self.stamp(skew), f"n{next(self._ids)}"
        sealed = WeComCrypto(WECOM_TOKEN, WECOM_AES, CORP_ID).encrypt_message(
            inner_xml, nonce, timestamp
        )
        env = xmltodict.parse(sealed)["xml"]
        body = cdata({"ToUserName": CORP_ID, "AgentID": str(AGENT_ID), "Encrypt": env["Encrypt"]})
        query = {"msg_signature": env["MsgSignature"], "timestamp": timestamp, "nonce": nonce}
        return query, body

    async def post_wecom(self, inner_xml: str) -> httpx.Response:
        query, body = self.wecom_request(inner_xml)
        return await self.http.post("/wechat/work", params=query, content=body.encode())

    async def rep_says(self, user: str, text: str) -> str:
        """What the rep reads back in WeCom, once every answer was delivered."""
        mark = len(self.api.calls)
        response = await self.post_wecom(self.wecom_xml(user, text))
        assert response.status_code == 200, response.text
        await self.settled()
        calls = self.api.calls[mark:]
        return "\n\n".join(c.text for c in calls if c.path == "message/send" and c.to == user)

    # The Official Account: customers

    def oa_xml(self, openid: str, text: str | None = None, **extra: str | int) -> str:
        fields: dict[str, str | int] = {
            "ToUserName": OA_ORIGIN,
            "FromUserName": openid,
            "CreateTime": int(self.clock.now().timestamp()),
        }
        if text is not None:
            fields |= {"MsgType": "text", "Content": text, "MsgId": next(self._ids)}
        return cdata(fields | extra)

    def oa_request(
        self, xml: str, safe: bool = True, skew: float = 0.0
    ) -> tuple[dict[str, str], str]:
        timestamp, nonce = self.stamp(skew), f"n{next(self._ids)}"
        query = {
            "signature": plain_signature(OA_TOKEN, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": _sender(xml),
        }
        if not safe:
            return query, xml
        sealed = OACrypto(OA_TOKEN, OA_AES, APPID).encrypt_message(xml, nonce, timestamp)
        env = xmltodict.parse(sealed)["xml"]
        query |= {"encrypt_type": "aes", "msg_signature": env["MsgSignature"]}
        return query, cdata({"ToUserName": OA_ORIGIN, "Encrypt": env["Encrypt"]})

    async def post_oa(self, xml: str, safe: bool = True) -> httpx.Response:
        query, body = self.oa_request(xml, safe)
        return await self.http.post("/wechat/oa", params=query, content=body.encode())

    async def customer_says(self, openid: str, text: str, safe: bool = True) -> str:
        return await self._customer(self.oa_xml(openid, text), openid, safe)

    async def customer_event(self, openid: str, event: str, key: str = "") -> str:
        xml = self.oa_xml(openid, MsgType="event", Event=event, EventKey=key)
        return await self._customer(xml, openid, True)

    async def _customer(self, xml: str, openid: str, safe: bool) -> str:
        mark = len(self.api.calls)
        response = await self.post_oa(xml, safe)
        assert response.status_code == 200 and response.text == "success", response.text
        await self.settled()
        calls = self.api.calls[mark:]
        return "\n\n".join(c.text for c in calls if c.to == openid and c.ok)

    def sent_to(self, user: str) -> list[Call]:
        return [c for c in self.api.calls if c.to == user and c.ok]

    # Both

    async def settled(self, within: float = 10.0) -> None:
        """Callback work done, nothing acknowledged left to handle, no outbox row waiting."""
        await self.runtime.acker.drain()
        deadline = time.monotonic() + within
        while busy := await self._unfinished():
            if time.monotonic() > deadline:
                raise AssertionError(busy)
            await asyncio.sleep(0.02)

    async def _unfinished(self) -> list[tuple[str, str, str | None]]:
        unsent = [r for r in await self.rows() if r.status in ("pending", "sending")]
        async with self.app.uows() as uow:
            due = InboxEntry.next_attempt_at.is_not(None)
            waiting = (await uow.session.scalars(select(InboxEntry).where(due))).all()
        return [(r.idempotency_key, r.status, r.last_error) for r in unsent] + [
            (r.dedupe_key, "inbox", None) for r in waiting
        ]

    async def rows(self, key_prefix: str = "") -> list[OutboxEntry]:
        async with self.app.uows() as uow:
            stmt = select(OutboxEntry).where(OutboxEntry.idempotency_key.startswith(key_prefix))
            return list((await uow.session.scalars(stmt.order_by(OutboxEntry.id))).all())


async def seed(app: App) -> tuple[int, dict[str, str]]:
    return await seed_small_org(app.uows, app.clock.now())


def settings_for(engine: AsyncEngine, api: FakeWeChatApi, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": str(engine.url),
        "wecom_corp_id": CORP_ID,
        "wecom_agent_id": AGENT_ID,
        "wecom_secret": CORP_SECRET,
        "wecom_token": WECOM_TOKEN,
        "wecom_aes_key": WECOM_AES,
        "wechat_appid": APPID,
        "wechat_secret": APP_SECRET,
        "wechat_token": OA_TOKEN,
        "wechat_aes_key": OA_AES,
        "wechat_api_url": api.base_url,
    }
    return Settings(**(values | extra))


@asynccontextmanager
async def running(
    engine: AsyncEngine,
    ack_budget: float = 3.0,
    handle_wecom: Handle | None = None,
    inbox_policy: InboxPolicy = QUICK_INBOX,
    **extra: Any,
) -> AsyncIterator[WeChat]:
    api = FakeWeChatApi()
    await api.start()
    try:
        clock = MovableClock(START)
        uows = UnitOfWorkFactory(make_sessions(engine))
        bare = Settings(database_url=str(engine.url))
        app = App(bare, engine, uows, build_router(uows, clock, chat_config(bare)), clock)
        org_id, invites = await seed(app)
        app.settings = settings_for(engine, api, wechat_org_id=org_id, **extra)
        runtime = build_wechat(app, QUICK, ack_budget, handle_wecom, inbox_policy)
        assert runtime is not None
        web = create_app(app, routes=runtime.routes)
        transport = httpx.ASGITransport(app=web)
        async with (
            runtime.running(),
            httpx.AsyncClient(transport=transport, base_url="http://crm.test") as http,
        ):
            yield WeChat(app, api, runtime, http, clock, invites)
    finally:
        await api.stop()
