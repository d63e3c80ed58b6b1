"""3 `main.py serve` processes, one PostgreSQL, one fake Bot API: 5,000 reminders due at
once, one process killed -9 mid-run.

Every reminder gets exactly one outbox row (the idempotency key) and reaches Telegram; only a
message in flight in the killed process at the kill can go out twice (Telegram has no
idempotency key; the outbox lease then returns it), which the test bounds and reports.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, insert, select

from bot.delivery import DeliveryPolicy
from handlers.services import org as org_svc
from store.db import make_engine, make_sessions
from store.migrate import upgrade
from store.models import Identity, OutboxEntry, Reminder, User
from store.uow import UnitOfWorkFactory
from tests.conftest import PG_URL, require_pg
from tests.fakes.telegram_api import SENDS, TOKEN, FakeBotApi

REMINDERS, USERS, PROCESSES = 5000, 100, 3
LEASE_S = 30  # outlasts a process's local queue at Telegram's 30 msg/s (200 rows ≈ 7 s)
MAX_IN_FLIGHT = DeliveryPolicy().max_in_flight
ROOT = Path(__file__).resolve().parents[2]
DONE = re.compile(r"^rm:done:(\d+)$")


async def _fresh_database() -> tuple[str, str]:
    """A new database per run: the serve processes only take a URL (no search_path)."""
    await require_pg()
    name = f"eo_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return name, PG_URL.rsplit("/", 1)[0] + f"/{name}"


async def _drop_database(name: str) -> None:
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def _seed(uows: UnitOfWorkFactory, now: datetime) -> None:
    async with uows() as uow:
        org = await org_svc.create_org(uow, "EO", now)
        users = [
            User(org_id=org.id, name=f"u{i}", role="rep", lang="en", tz="UTC", created_at=now)
            for i in range(USERS)
        ]
        uow.session.add_all(users)
        await uow.session.flush()
        uow.session.add_all(
            Identity(
                user_id=u.id, channel="telegram", external_id=str(7000 + i), chat_id=str(7000 + i)
            )
            for i, u in enumerate(users)
        )
        rows = [
            dict(org_id=org.id, user_id=users[i % USERS].id, due_at=now - timedelta(seconds=1),
                 kind="custom", text=f"r{i}", status="pending", created_at=now, updated_at=now)
            for i in range(REMINDERS)
        ]  # fmt: skip
        await uow.session.execute(insert(Reminder), rows)
        await uow.commit()


async def _spawn(url: str, api: FakeBotApi) -> asyncio.subprocess.Process:
    """`python main.py serve` as deployed: webhook app, jobs' clock, Telegram delivery."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCRM_")} | {
        "CHATCRM_DATABASE_URL": url,
        "CHATCRM_TELEGRAM_TOKEN": TOKEN,
        "CHATCRM_TELEGRAM_API_URL": api.base_url,
        "CHATCRM_TELEGRAM_WEBHOOK_SECRET": "exactly-once-secret",
        "CHATCRM_HTTP_PORT": str(_free_port()),
        "CHATCRM_OUTBOX_LEASE_SECONDS": str(LEASE_S),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "main.py", "serve", cwd=str(ROOT), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Tally:
    """Reminder ids seen at the fake, read incrementally: the fake serves from this loop too."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api, self.seen, self.ids = api, 0, Counter[int]()

    def __call__(self) -> Counter[int]:
        calls = self.api.calls
        for call in calls[self.seen :]:
            if call.method in SENDS and call.status == 200:
                self.ids.update(int(m.group(1)) for _, d in call.buttons if (m := DONE.match(d)))
        self.seen = len(calls)
        return self.ids


async def _outbox_state(uows: UnitOfWorkFactory) -> tuple[int, int, Counter[str]]:
    """(reminder outbox rows, those not yet marked sent, reminder statuses)."""
    async with uows() as uow:
        ours = OutboxEntry.idempotency_key.like("reminder:%")
        keys = await uow.session.scalar(select(func.count(OutboxEntry.id)).where(ours))
        unsent = await uow.session.scalar(
            select(func.count(OutboxEntry.id)).where(ours, OutboxEntry.status != "sent")
        )
        statuses = Counter((await uow.session.scalars(select(Reminder.status))).all())
    return int(keys or 0), int(unsent or 0), statuses


async def _wait(check: Callable[[], bool], seconds: float) -> None:
    for _ in range(int(seconds * 4)):
        if check():
            return
        await asyncio.sleep(0.25)


@pytest.mark.slow
@pytest.mark.timeout(900)  # ~140 s on a 2-core machine
async def test_5000_due_reminders_exactly_once_with_kill_9() -> None:
    name, url = await _fresh_database()
    engine = make_engine(url)
    api, procs = FakeBotApi(), []
    try:
        await upgrade(engine)
        uows = UnitOfWorkFactory(make_sessions(engine))
        await _seed(uows, datetime.now(UTC))
        await api.start()
        t0 = time.monotonic()
        procs = [await _spawn(url, api) for _ in range(PROCESSES)]
        tally = Tally(api)
        await _wait(lambda: len(tally()) >= REMINDERS // 4, 120)
        t1 = time.monotonic()
        procs[0].send_signal(signal.SIGKILL)  # mid-run: whatever it held must come back
        await _wait(lambda: len(tally()) >= REMINDERS, 240)
        t2 = time.monotonic()
        # Rows the killed process sent but never marked come back when their lease ends
        # and go out again: wait for the outbox to settle before counting.
        for _ in range(4 * (LEASE_S + 30)):
            keys, unsent, statuses = await _outbox_state(uows)
            if unsent == 0:
                break
            await asyncio.sleep(0.25)
        delivered = tally()
        assert statuses == {"sent": REMINDERS}
        assert keys == REMINDERS and unsent == 0  # one outbox row per reminder, all sent
        assert len(delivered) == REMINDERS  # none lost
        twice = sum(n - 1 for n in delivered.values())
        print(
            f"\nexactly-once: {REMINDERS} delivered, {twice} re-sent after the kill;"
            f" first quarter {t1 - t0:.1f}s, the rest {t2 - t1:.1f}s"
        )
        assert twice <= MAX_IN_FLIGHT  # at most what the killed process had in flight
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
            await proc.wait()
        if api.port:
            await api.stop()
        await engine.dispose()
        await _drop_database(name)
