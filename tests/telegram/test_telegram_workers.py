"""CHATCRM_WORKERS: `main.py serve` as several processes on one port, PostgreSQL only."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from bot.settings import Settings
from bot.workers import WorkerRole, check_workers
from tests.conftest import PG_URL, require_pg
from tests.fakes.telegram_api import TOKEN, TgUser, Updates
from tests.telegram.harness import SECRET
from tests.telegram.test_telegram_run import _free_port, _until_healthy, fake_api

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = [TgUser(6100 + i, f"访客{i}", "zh-hans") for i in range(12)]


async def _join_as_admin(
    env: dict[str, str], http_port: int, person: TgUser, updates: Updates
) -> None:
    """The admin's invite from the CLI, as a deployer makes it, sent through the webhook."""
    made = await asyncio.create_subprocess_exec(
        sys.executable, "main.py", "admin", "create-org", "Workers", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await made.communicate()
    code = out.decode().split("/start ")[-1].strip(" )\n")
    update = updates.message(person, f"/start {code}")  # update ids go on from the others'
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_port}") as http:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert (await http.post("/telegram/webhook", json=update, headers=headers)).is_success


def test_only_the_first_worker_sends_and_it_polls_for_the_others() -> None:
    lone, first, second = WorkerRole(), WorkerRole(0, 3), WorkerRole(1, 3)
    assert (lone.delivers, first.delivers, second.delivers) == (True, True, False)
    assert lone.policy(600).poll_every == 1.0 and first.policy(600).poll_every == 0.2
    assert first.policy(30).lease == timedelta(seconds=30)


def test_several_workers_on_sqlite_are_refused_with_the_reason() -> None:
    settings = Settings(database_url="sqlite+aiosqlite:///x.db", workers=2)
    with pytest.raises(SystemExit, match="needs PostgreSQL"):
        check_workers(settings)
    check_workers(Settings(database_url="sqlite+aiosqlite:///x.db", workers=1))


@pytest.mark.slow
async def test_two_workers_answer_every_update_once_and_stop_cleanly() -> None:
    await require_pg()
    name = f"wk_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        async with fake_api() as api:
            port = _free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCRM_")} | {
                "CHATCRM_DATABASE_URL": PG_URL.rsplit("/", 1)[0] + f"/{name}",
                "CHATCRM_TELEGRAM_TOKEN": TOKEN,
                "CHATCRM_TELEGRAM_API_URL": api.base_url,
                "CHATCRM_TELEGRAM_WEBHOOK_SECRET": SECRET,
                "CHATCRM_HTTP_PORT": str(port),
                "CHATCRM_WORKERS": "2",
                "CHATCRM_LOG_LEVEL": "INFO",  # uvicorn's "Finished server process" lines
            }
            server = await asyncio.create_subprocess_exec(
                sys.executable, "main.py", "serve", cwd=ROOT, env=env,
                stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            try:
                updates, headers = Updates(), {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                    await _until_healthy(http)
                    posts = [
                        http.post("/telegram/webhook", json=update, headers=headers)
                        for update in (updates.message(p, "你好") for p in PEOPLE * 2)
                    ]
                    assert {r.status_code for r in await asyncio.gather(*posts)} == {200}
                    await api.wait_for(lambda: len(api.sent()) >= 2 * len(PEOPLE), 30)
                    await asyncio.sleep(0.5)  # a duplicate send would show up by now
                assert Counter(c.chat_id for c in api.sent()) == {p.id: 2 for p in PEOPLE}
                # one sender for the host: a person's replies arrive in the order asked
                await _join_as_admin(env, port, PEOPLE[0], updates)
                await api.wait_for(lambda: len(api.sent(PEOPLE[0].id)) >= 3, 30)
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                    for n in range(8):
                        update = updates.message(PEOPLE[0], f"/customer 客户{n}号")
                        await http.post("/telegram/webhook", json=update, headers=headers)
                await api.wait_for(lambda: len(api.sent(PEOPLE[0].id)) >= 11, 30)
                answers = [c.text for c in api.sent(PEOPLE[0].id)][3:]
                assert all(f"客户{n}号" in text for n, text in enumerate(answers)), answers
            finally:
                server.send_signal(signal.SIGTERM)
                _out, err = await asyncio.wait_for(server.communicate(), 40)
            log = err.decode()
            assert server.returncode == 0, log[-2000:]
            assert log.count("Finished server process") == 2, log[-2000:]
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
