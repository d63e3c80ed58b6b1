"""PostgreSQL restarted, then stopped for seconds, while Telegram and WeChat keep sending.

The platforms' side is played honestly: an update or callback that is not acknowledged is
sent again (Telegram resends on any non-200; WeChat retries a callback that got no `success`)
and one that is acknowledged is never sent again. What must hold afterwards, with no restart
of ours: every acknowledged message is stored and handled, and answered exactly once.
The server is a PostgreSQL of this test's own (tests/own_postgres.py).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import App, chat_config
from bot.settings import Settings
from bot.telegram.runtime import build_runtime
from bot.web import SECRET_HEADER, create_app
from bot.wechat.routes import build_wechat
from handlers.chat.app import build_router
from store.db import make_engine, make_sessions
from store.errors import is_unavailable
from store.migrate import upgrade
from store.models import InboxEntry, OutboxEntry, Ticket
from store.uow import UnitOfWorkFactory
from tests.fakes.telegram_api import TOKEN, FakeBotApi, TgUser, Updates
from tests.fakes.wechat_api import FakeWeChatApi
from tests.own_postgres import OwnPostgres, own_postgres
from tests.telegram.harness import FAST, SECRET
from tests.telegram.harness import QUICK as TG_QUICK
from tests.wechat.harness import QUICK, QUICK_INBOX, START, MovableClock, WeChat, settings_for
from tests.world import seed_small_org

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
EVERY = 0.05  # seconds between two new messages of one sender
SENDERS = 3  # per channel, each with its own messages: requests overlap, as they do live
RESTARTS = 3
RESEND_AFTER = 0.1  # a platform's retry of what was not acknowledged
WITHIN = 150.0  # only a bound so a broken run ends: about 15 s alone, far more on a busy machine


@dataclass
class Stream:
    """One channel's traffic: what was sent, acknowledged, refused along the way."""

    name: str
    acked: list[str] = field(default_factory=list)
    refusals: int = 0


@dataclass
class Traffic:
    wx: WeChat
    tg: httpx.AsyncClient
    deadline: float
    streams: dict[str, Stream] = field(default_factory=dict)
    stopping: bool = False
    updates: Updates = field(default_factory=Updates)

    def __post_init__(self) -> None:
        self.streams = {name: Stream(name) for name in ("telegram", "wecom", "oa")}
        self._ids = itertools.count(1)

    async def run(self, name: str, send: Callable[[int], Awaitable[str | None]]) -> None:
        """New messages at a steady rate until stopped; each resent until acknowledged."""
        stream = self.streams[name]
        while not self.stopping:
            n = next(self._ids)
            while (key := await send(n)) is None:
                stream.refusals += 1
                assert time.monotonic() < self.deadline, f"{name} {n} never acknowledged"
                await asyncio.sleep(RESEND_AFTER)
            stream.acked.append(key)
            await asyncio.sleep(EVERY)

    async def telegram(self, n: int) -> str | None:
        user = TgUser(900_000 + n, f"访客{n}")
        update = self.updates.message(user, f"你好 {n}")
        headers = {SECRET_HEADER: SECRET}
        sent = lambda: self.tg.post("/telegram/webhook", json=update, headers=headers)  # noqa: E731
        return await self._until_acked(sent, str(update["update_id"]), "")

    async def wecom(self, n: int) -> str | None:
        xml = self.wx.wecom_xml(f"newbie{n}", f"你好 {n}")
        query, body = self.wx.wecom_request(xml)  # a retry repeats the same request
        sent = lambda: self.wx.http.post("/wechat/work", params=query, content=body.encode())  # noqa: E731
        return await self._until_acked(sent, _msg_id(xml), "")

    async def oa(self, n: int) -> str | None:
        xml = self.wx.oa_xml(f"oVisitor{n}", f"请问第{n}号订单什么时候发货")
        query, body = self.wx.oa_request(xml)
        sent = lambda: self.wx.http.post("/wechat/oa", params=query, content=body.encode())  # noqa: E731
        return await self._until_acked(sent, _msg_id(xml), "success")

    async def _until_acked(
        self, send: Callable[[], Awaitable[httpx.Response]], key: str, answer: str
    ) -> str | None:
        """The message's key once acknowledged; None after a refusal (it will be resent)."""
        response = await send()
        if response.status_code == 200 and response.text == answer:
            return key
        assert response.status_code == 503, (response.status_code, response.text)
        return None

    async def at_least(self, count: int) -> None:
        """Until every channel has had `count` more messages acknowledged."""
        goal = {name: len(s.acked) + count for name, s in self.streams.items()}
        while any(len(s.acked) < goal[name] for name, s in self.streams.items()):
            assert time.monotonic() < self.deadline, {
                n: len(s.acked) for n, s in self.streams.items()
            }
            await asyncio.sleep(0.05)


def _msg_id(xml: str) -> str:
    return xml.split("<MsgId>")[1].split("</MsgId>")[0]


@asynccontextmanager
async def _served(
    engine: AsyncEngine,
) -> AsyncIterator[tuple[WeChat, httpx.AsyncClient, FakeBotApi]]:
    """Both channels in one web app, as `serve` runs them, against fake platform APIs."""
    wapi, tapi = FakeWeChatApi(), FakeBotApi()
    await wapi.start()
    await tapi.start()
    try:
        clock = MovableClock(START)
        uows = UnitOfWorkFactory(make_sessions(engine))
        bare = Settings(database_url=str(engine.url))
        app = App(bare, engine, uows, build_router(uows, clock, chat_config(bare)), clock)
        org_id, invites = await seed_small_org(uows, clock.now())
        app.settings = settings_for(
            engine,
            wapi,
            wechat_org_id=org_id,
            telegram_token=SecretStr(TOKEN),
            telegram_api_url=tapi.base_url,
            telegram_webhook_secret=SecretStr(SECRET),
        )
        telegram = build_runtime(app, limits=FAST, policy=TG_QUICK)
        wechat = build_wechat(app, QUICK, 3.0, None, QUICK_INBOX)
        assert wechat is not None
        web = create_app(app, telegram.channel, wechat.routes)
        transport = httpx.ASGITransport(app=web)
        async with (
            telegram.running(webhook=True),
            wechat.running(),
            httpx.AsyncClient(transport=transport, base_url="http://crm.test") as http,
        ):
            yield WeChat(app, wapi, wechat, http, clock, invites), http, tapi
    finally:
        await tapi.stop()
        await wapi.stop()


async def _settled(wx: WeChat, deadline: float) -> None:
    """Nothing acknowledged left to handle and no reply left to send."""
    while True:
        try:
            async with wx.app.uows() as uow:
                waiting = await uow.session.scalars(
                    select(InboxEntry.id).where(InboxEntry.next_attempt_at.is_not(None))
                )
                unsent = await uow.session.scalars(
                    select(OutboxEntry.id).where(OutboxEntry.status.in_(("pending", "sending")))
                )
                if not waiting.all() and not unsent.all():
                    return
        except Exception as exc:  # the pool's first connection after the outage
            if not is_unavailable(exc):
                raise
        assert time.monotonic() < deadline, "not settled in time"
        await asyncio.sleep(0.1)


async def _outage(pg: OwnPostgres, traffic: Traffic) -> None:
    """Restart under load; then stopped for several seconds, and started again."""
    for _ in range(RESTARTS):
        await traffic.at_least(5)
        await pg.arestart()
    await traffic.at_least(5)
    await pg.astop()
    refused = sum(s.refusals for s in traffic.streams.values())
    await asyncio.sleep(3.0)  # the outage itself: traffic keeps arriving and is refused
    assert sum(s.refusals for s in traffic.streams.values()) > refused
    await pg.astart()
    await traffic.at_least(5)


async def test_restart_and_outage_lose_nothing_that_was_acknowledged() -> None:
    deadline = time.monotonic() + WITHIN
    with own_postgres() as pg:
        engine = make_engine(pg.url, pool_size=5)
        await upgrade(engine)
        try:
            async with _served(engine) as (wx, tg, tapi):
                traffic = Traffic(wx, tg, deadline)
                channels = (
                    ("telegram", traffic.telegram),
                    ("wecom", traffic.wecom),
                    ("oa", traffic.oa),
                )
                senders = [
                    asyncio.create_task(traffic.run(name, send))
                    for name, send in channels
                    for _ in range(SENDERS)
                ]
                try:
                    await _outage(pg, traffic)
                finally:
                    traffic.stopping = True
                    await asyncio.gather(*senders)
                await _settled(wx, deadline)
                await _check(wx, tapi, traffic)
        finally:
            await engine.dispose()


async def _check(wx: WeChat, tapi: FakeBotApi, traffic: Traffic) -> None:
    streams = traffic.streams
    for s in streams.values():  # shown with -s: the figures of the run
        print(f"{s.name}: {len(s.acked)} acknowledged, {s.refusals} refusals resent")
    async with wx.app.uows() as uow:
        inbox = {
            (r.channel, r.dedupe_key): r for r in (await uow.session.scalars(select(InboxEntry)))
        }
        outbox = list(await uow.session.scalars(select(OutboxEntry)))
        tickets = list(await uow.session.scalars(select(Ticket)))
    keys = {r.idempotency_key for r in outbox if r.status == "sent"}
    for channel, stream, prefix in (
        ("telegram", streams["telegram"], "tg"),
        ("wecom", streams["wecom"], "wecom"),
        ("wechat_oa", streams["oa"], "wechat_oa"),
    ):
        assert stream.refusals > 0, f"{channel} never saw the outage"
        for key in stream.acked:
            row = inbox[(channel, key)]  # stored
            assert row.payload is None and row.next_attempt_at is None  # and handled
            assert f"{prefix}:{key}:0" in keys  # answered
    # exactly once: one reply each, as the platforms received them
    for key in streams["telegram"].acked:
        assert [
            r.idempotency_key for r in outbox if r.idempotency_key.startswith(f"tg:{key}:")
        ] == [f"tg:{key}:0"]
    tg_users = [c.chat_id for c in tapi.sent() if c.chat_id and c.chat_id >= 900_000]
    assert len(tg_users) == len(set(tg_users)) == len(streams["telegram"].acked)
    wecom = [c.to for c in wx.api.sent("message/send") if c.to.startswith("newbie")]
    assert len(wecom) == len(set(wecom)) == len(streams["wecom"].acked)
    oa = [c.to for c in wx.api.sent("message/custom/send") if c.to.startswith("oVisitor")]
    assert len(oa) == len(set(oa)) == len(streams["oa"].acked)
    assert len({t.link_id for t in tickets}) == len(tickets) == len(streams["oa"].acked)
