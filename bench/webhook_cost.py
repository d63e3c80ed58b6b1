"""What one update costs the server, measured in a way this shared machine cannot blur.

In one process, no load generator: the Starlette app (called over ASGI), PTB and the router
or the echo handler, on a fresh SQLite file (or, with --backend postgres, a fresh PostgreSQL
database, created and dropped); the outbox is filled but not delivered. For each
handler it prints Python function calls per update (cProfile's count, which includes each
resumption of a coroutine: the same on every run of the same code) and main-thread CPU per
update (which drifts with the machine). bench/telegram_webhook.py's throughput target, visit
at least half of echo, needs visit's cost within twice echo's.

Run from the repo root:  python bench/webhook_cost.py [--updates 400] [--backend sqlite|postgres]
  [--pg-url: default $CHATCRM_TEST_PG_URL or postgres@127.0.0.1:5432/test]
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
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402  (needs the repo root on sys.path)

from bench.telegram_webhook import DEFAULT_PG, SECRET, TOKEN, Echo, Load, seed  # noqa: E402

CHATS = 200
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "content-type": "application/json"}


@contextlib.asynccontextmanager
async def fresh_database(name: str, pg_url: str = "") -> AsyncIterator[str]:
    """The URL of an empty database: a SQLite file, or with `pg_url` a new PostgreSQL
    database on that server (dropped afterwards)."""
    if not pg_url:
        with tempfile.TemporaryDirectory(prefix=f"chatcrm-{name}-") as folder:
            yield f"sqlite+aiosqlite:///{folder}/{name}.db"
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    server = make_url(pg_url)
    database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server.set(drivername="postgresql").render_as_string(False))
    try:
        await admin.execute(f'CREATE DATABASE "{database}"')
        yield server.set(database=database).render_as_string(False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


async def offline_app(database_url: str) -> tuple[Any, Any]:
    """The fake Bot API started on 127.0.0.1 and an app on `database_url` that talks to it."""
    from pydantic import SecretStr

    from bot.bootstrap import build_app
    from bot.settings import Settings
    from tests.fakes.telegram_api import FakeBotApi

    api = FakeBotApi(token=TOKEN, record=False)
    await api.start()
    settings = Settings(
        database_url=database_url,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=api.base_url,
        telegram_webhook_secret=SecretStr(SECRET),
    )
    return api, await build_app(settings)


@contextlib.asynccontextmanager
async def webhook_poster(
    mode: str, name: str, pg_url: str = ""
) -> AsyncIterator[Callable[[int], Awaitable[None]]]:
    """`post(count)`: that many updates of `mode` through the webhook, in this process, into
    a seeded app on a fresh database (`fresh_database`; outbox filled, not delivered)."""
    async with fresh_database(name, pg_url) as url, _poster(mode, url) as post:
        yield post


@contextlib.asynccontextmanager
async def _poster(mode: str, database_url: str) -> AsyncIterator[Callable[[int], Awaitable[None]]]:
    from bot.telegram.runtime import build_runtime
    from bot.web import create_app

    api, app = await offline_app(database_url)
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


async def measure(mode: str, updates: int, pg_url: str) -> tuple[float, float]:
    """(calls, CPU ms) per update of `mode`, after as many updates of warm-up."""
    async with webhook_poster(mode, "cost", pg_url) as post:
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


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG)


def backend_url(args: argparse.Namespace) -> str:
    """The PostgreSQL server's URL, or "" for SQLite; --updates keeps visit and Save even."""
    if args.updates % (2 * CHATS):
        raise SystemExit(f"--updates must be a multiple of {2 * CHATS}")
    return args.pg_url if args.backend == "postgres" else ""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_backend_options(parser)
    args = parser.parse_args()
    pg_url = backend_url(args)
    costs = {mode: asyncio.run(measure(mode, args.updates, pg_url)) for mode in ("echo", "visit")}
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
