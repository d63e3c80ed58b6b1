"""The two ways to run it: `main.py serve` (webhook, as deployed) and polling (development)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import App, chat_config
from bot.settings import Settings
from bot.telegram.runtime import poll
from handlers.chat.app import build_router
from handlers.clock import SystemClock
from store.db import make_sessions
from store.uow import UnitOfWorkFactory
from tests.fakes.telegram_api import TOKEN, FakeBotApi, TgUser, Updates
from tests.telegram.harness import SECRET, seed

ROOT = Path(__file__).resolve().parents[2]
REP = TgUser(5001, "小周", "zh-hans")


@contextlib.asynccontextmanager
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


def _app(engine: AsyncEngine, settings: Settings) -> App:
    uows, clock = UnitOfWorkFactory(make_sessions(engine)), SystemClock()
    return App(settings, engine, uows, build_router(uows, clock, chat_config(settings)), clock)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
async def test_main_serve_sets_webhook_and_menu_and_answers(
    sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    async with fake_api() as api:
        invites = await seed(
            _app(sqlite_engine, Settings(database_url="sqlite+aiosqlite:///unused.db"))
        )
        port = _free_port()
        env = os.environ | {
            "CHATCRM_DATABASE_URL": str(sqlite_engine.url),
            "CHATCRM_TELEGRAM_TOKEN": TOKEN,
            "CHATCRM_TELEGRAM_API_URL": api.base_url,
            "CHATCRM_TELEGRAM_WEBHOOK_SECRET": SECRET,
            "CHATCRM_PUBLIC_URL": "https://crm.example.com/",
            "CHATCRM_HTTP_PORT": str(port),
            "CHATCRM_WECHAT_APPID": "wx-app",
            "CHATCRM_WECHAT_SECRET": "wx-secret",
            "CHATCRM_WECHAT_TOKEN": "wx-token",
            "CHATCRM_WECHAT_API_URL": api.base_url,  # never called in this test
            "CHATCRM_LOG_LEVEL": "INFO",  # uvicorn's start and shutdown lines, in JSON
            "CHATCRM_LOG_FORMAT": "json",
        }
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "main.py",
            "serve",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,  # uvicorn's access log
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base) as http:
                await _until_healthy(http)
                [hook] = api.called("setWebhook")
                assert hook.params["url"] == "https://crm.example.com/telegram/webhook"
                assert hook.params["secret_token"] == SECRET
                assert len(api.called("setMyCommands")) == 3
                update = Updates().message(REP, f"/start {invites['rep_a']}")
                forged = await http.post("/telegram/webhook", json=update)
                assert forged.status_code == 403
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                ok = await http.post("/telegram/webhook", json=update, headers=headers)
                assert ok.status_code == 200
                await api.wait_for(lambda: api.sent(REP.id))
                # the WeChat Official Account routes share the same app and port
                signed = _oa_verification("wx-token", "e-42")
                echo = await http.get("/wechat/oa", params=signed)
                assert (echo.status_code, echo.text) == (200, "e-42")
            assert "欢迎加入" in api.sent(REP.id)[0].text
        finally:
            server.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(server.communicate(), 15)
        # uvicorn shuts down cleanly, then re-raises SIGTERM so the exit status says why
        assert server.returncode in (0, -signal.SIGTERM), err.decode()[-2000:]
        logged = [json.loads(line) for line in err.decode().splitlines() if line[:1] == "{"]
        assert "Application shutdown complete." in {line["event"] for line in logged}
        assert "wx-secret" not in err.decode()
        assert SECRET not in err.decode() and TOKEN not in err.decode()  # no secrets in logs
        # the access log names the path, never a signed query string someone could replay
        events = [str(line["event"]) for line in logged]
        assert any('"GET /wechat/oa?… HTTP/1.1" 200' in e for e in events), events
        assert signed["signature"] not in out.decode() + err.decode()


def _oa_verification(token: str, echostr: str) -> dict[str, str]:
    """The GET WeChat sends when the OA's server URL is saved, signed as WeChat signs it."""
    # Now, by the served process's clock: older timestamps are refused as replays.
    timestamp, nonce = str(int(time.time())), "n0nce"
    signature = hashlib.sha1("".join(sorted((token, timestamp, nonce))).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}


async def _until_healthy(http: httpx.AsyncClient) -> None:
    """Until the server answers: a deadline for a hung start, not a speed limit (a busy
    2-core machine has taken 10 s to migrate and spawn two workers)."""
    for _ in range(1200):
        with contextlib.suppress(httpx.TransportError):
            if (await http.get("/healthz")).status_code == 200:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("server never became healthy")


async def test_polling_answers_updates(sqlite_engine: AsyncEngine) -> None:
    async with fake_api() as api:
        settings = Settings(
            database_url="sqlite+aiosqlite:///unused.db",
            telegram_token=SecretStr(TOKEN),
            telegram_api_url=api.base_url,
        )
        app = _app(sqlite_engine, settings)
        invites = await seed(app)
        polling = asyncio.create_task(poll(app))
        try:
            api.push_update(Updates().message(REP, f"/start {invites['rep_b']}"))
            await api.wait_for(lambda: api.sent(REP.id))
        finally:
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
        assert "欢迎加入" in api.sent(REP.id)[0].text
        assert api.called("deleteWebhook")  # polling and a webhook exclude each other
