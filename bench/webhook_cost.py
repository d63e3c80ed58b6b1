"""What one update costs the server, measured in a way this shared machine cannot blur.

In one process, no load generator: the Starlette app (called over ASGI), PTB and the router
or the echo handler, on a fresh SQLite file; the outbox is filled but not delivered. For each
handler it prints Python function calls per update (cProfile's count, which includes each
resumption of a coroutine: the same on every run of the same code) and main-thread CPU per
update (which drifts with the machine). bench/telegram_webhook.py's throughput target, visit
at least half of echo, needs visit's cost within twice echo's.

Run from the repo root:  python bench/webhook_cost.py [--updates 400]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402  (needs the repo root on sys.path)

from bench.telegram_webhook import SECRET, TOKEN, Echo, Load, seed  # noqa: E402

CHATS = 200
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "content-type": "application/json"}


async def offline_app(name: str) -> tuple[Any, Any]:
    """The fake Bot API started on 127.0.0.1 and an app on a fresh SQLite file that talks to it."""
    from pydantic import SecretStr

    from bot.bootstrap import build_app
    from bot.settings import Settings
    from tests.fakes.telegram_api import FakeBotApi

    api = FakeBotApi(token=TOKEN, record=False)
    await api.start()
    folder = tempfile.mkdtemp(prefix=f"chatcrm-{name}-")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/{name}.db",
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=api.base_url,
        telegram_webhook_secret=SecretStr(SECRET),
    )
    return api, await build_app(settings)


@contextlib.asynccontextmanager
async def webhook_poster(mode: str, name: str) -> AsyncIterator[Callable[[int], Awaitable[None]]]:
    """`post(count)`: that many updates of `mode` through the webhook, in this process, into
    a seeded app on a fresh SQLite file (outbox filled, not delivered)."""
    from bot.telegram import build_runtime
    from bot.web import create_app

    api, app = await offline_app(name)
    await seed(app, CHATS)
    runtime = build_runtime(app)
    if mode == "echo":
        runtime.channel.handler = Echo(runtime.channel.uows)
    web = create_app(app, runtime.channel)
    load = Load(mode, CHATS)
    try:
        async with (
            runtime.running(webhook=False, deliver=False),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://t") as http,
        ):

            async def post(count: int) -> None:
                for _ in range(count):
                    body = load.update(load.next_chat())
                    response = await http.post("/telegram/webhook", content=body, headers=HEADERS)
                    assert response.status_code == 200, response.text

            yield post
    finally:
        await app.close()
        await api.stop()


async def measure(mode: str, updates: int) -> tuple[float, float]:
    """(calls, CPU ms) per update of `mode`, after as many updates of warm-up."""
    async with webhook_poster(mode, "cost") as post:
        await post(updates)  # warm-up: caches, first connections
        profile = cProfile.Profile()
        profile.enable()
        await post(updates)
        profile.disable()
        started = time.thread_time()
        await post(updates)
        cpu = (time.thread_time() - started) / updates * 1000
    calls: int = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return calls / updates, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--updates", type=int, default=400)
    args = parser.parse_args()
    costs = {mode: asyncio.run(measure(mode, args.updates)) for mode in ("echo", "visit")}
    print("| handler | Python calls per update | main-thread CPU ms per update |")
    print("|---|---|---|")
    for mode, (calls, cpu) in costs.items():
        print(f"| {mode} | {calls:,.0f} | {cpu:.2f} |")
    (echo_calls, echo_cpu), (visit_calls, visit_cpu) = costs["echo"], costs["visit"]
    print(
        f"echo/visit: {echo_calls / visit_calls:.2f} by calls, {echo_cpu / visit_cpu:.2f} by CPU"
    )


if __name__ == "__main__":
    main()
