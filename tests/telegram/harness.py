"""The whole Telegram stack under test: webhook in over ASGI, PTB out over HTTP to the fake."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import App, chat_router
from bot.delivery import DeliveryPolicy
from bot.rate_limit import Limits, Rate
from bot.settings import Settings
from bot.telegram.runtime import TelegramRuntime, build_runtime
from bot.web import SECRET_HEADER, create_app
from store.db import make_sessions
from store.models import OutboxEntry
from store.uow import UnitOfWorkFactory
from tests.fakes.telegram_api import EDITS, SENDS, TOKEN, Call, FakeBotApi, TgUser, Updates
from tests.world import seed_small_org

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # a Monday morning
SECRET = "test_webhook-Secret1"
# Telegram's limits scaled down 50-100x: the same pacing code, in test time.
FAST = Limits(per_bot=Rate(30, 0.02), per_chat=Rate(1, 0.005), per_group=Rate(20, 0.3))
QUICK = DeliveryPolicy(
    poll_every=0.05, overflow_delay=timedelta(milliseconds=50), backoff_first=0.05
)


class TickingClock:
    """Starts at a fixed instant and moves with real time, so retries come due."""

    def __init__(self, start: datetime) -> None:
        self.start, self.t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.t0)


@dataclass
class Harness:
    app: App
    api: FakeBotApi
    runtime: TelegramRuntime
    http: httpx.AsyncClient
    invites: dict[str, str]
    updates: Updates = field(default_factory=Updates)

    async def post(
        self, update: dict[str, Any] | bytes, secret: str | None = SECRET
    ) -> httpx.Response:
        body = update if isinstance(update, bytes) else json.dumps(update).encode()
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        response = await self.http.post("/telegram/webhook", content=body, headers=headers)
        await self._make_answered_call(response)
        return response

    async def _make_answered_call(self, response: httpx.Response) -> None:
        """What Telegram does with a webhook reply that names a Bot API method: calls it."""
        if response.headers.get("content-type", "").startswith("application/json"):
            params = response.json()
            method = params.pop("method")
            async with httpx.AsyncClient() as client:
                await client.post(f"{self.api.base_url}{TOKEN}/{method}", json=params)

    async def send(self, update: dict[str, Any]) -> list[Call]:
        """POST the update and return the messages it caused, once all were delivered."""
        response = await self.post(update)
        assert response.status_code == 200, response.text
        return await self.delivered(update["update_id"])

    async def say(self, user: TgUser, text: str, chat: int | None = None) -> list[Call]:
        return await self.send(self.updates.message(user, text, chat))

    async def press(self, user: TgUser, shown: Call, data: str) -> list[Call]:
        return await self.send(self.updates.press(user, shown, data))

    async def join(self, user: TgUser, who: str) -> None:
        [welcome] = await self.say(user, f"/start {self.invites[who]}")
        assert user.first_name in welcome.text or who in welcome.text, welcome.text

    async def delivered(self, update_id: int, within: float = 10.0) -> list[Call]:
        """The sends (and edits) caused by one update, in order, after delivery finished."""
        rows = await self.rows(f"tg:{update_id}:")
        deadline = time.monotonic() + within
        while any(row.status in ("pending", "sending") for row in rows):
            assert time.monotonic() < deadline, [(r.id, r.status, r.last_error) for r in rows]
            await asyncio.sleep(0.01)
            rows = await self.rows(f"tg:{update_id}:")
        return [self._call_of(row) for row in rows if row.status == "sent"]

    def _call_of(self, row: OutboxEntry) -> Call:
        """The (last) successful Bot API call that delivered an outbox row."""
        methods = EDITS if row.body.get("op") == "edit" else SENDS
        return next(
            call
            for call in reversed(self.api.calls)
            if call.method in methods
            and call.status == 200
            and str(call.result["message_id"]) == row.provider_message_id
        )

    async def rows(self, key_prefix: str = "") -> list[OutboxEntry]:
        async with self.app.uows() as uow:
            stmt = (
                select(OutboxEntry)
                .where(OutboxEntry.idempotency_key.startswith(key_prefix))
                .order_by(OutboxEntry.id)
            )
            return list((await uow.session.scalars(stmt)).all())


def text_of(calls: list[Call]) -> str:
    return "\n\n".join(call.text for call in calls if call.method in SENDS)


async def seed(app: App) -> dict[str, str]:
    """An organisation and invite codes; people join through the webhook like real users."""
    _org_id, invites = await seed_small_org(app.uows, app.clock.now())
    return invites


@asynccontextmanager
async def running(
    engine: AsyncEngine,
    limits: Limits = FAST,
    policy: DeliveryPolicy = QUICK,
    **settings: Any,
) -> AsyncIterator[Harness]:
    api = FakeBotApi()
    await api.start()
    try:
        config = Settings(
            database_url=str(engine.url),
            telegram_token=SecretStr(TOKEN),
            telegram_api_url=api.base_url,
            telegram_webhook_secret=SecretStr(SECRET),
            **settings,
        )
        clock = TickingClock(START)
        uows = UnitOfWorkFactory(make_sessions(engine))
        app = App(config, engine, uows, chat_router(uows, clock, config), clock)
        invites = await seed(app)
        runtime = build_runtime(app, limits=limits, policy=policy)
        web = create_app(app, runtime.channel)
        transport = httpx.ASGITransport(app=web)
        async with (
            runtime.running(webhook=True),
            httpx.AsyncClient(transport=transport, base_url="http://crm.test") as http,
        ):
            yield Harness(app, api, runtime, http, invites)
    finally:
        await api.stop()
