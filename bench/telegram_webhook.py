"""Benchmark POST /telegram/webhook over HTTP on loopback, the fake Bot API answering.

Three processes: the fake Bot API, the chatcrm server (uvicorn + Starlette + PTB + outbox
delivery at Telegram's real limits) and this load generator. Two handlers on the same stack:
  echo   replies with the text it got (no router, no inbox dedupe; the reply still goes through
         the outbox);
  visit  the full "log a visit" path: "/visit 今天拜访<customer>，谈了报价" (understood, matched,
         confirmation card saved as conversation state), then the "✅ 保存" button (activity,
         deal move, commit), alternating per chat.
Measured: updates/s with 16 clients back to back (--clients), and p50/p99 latency at a steady
100 updates/s (--rate).
Target: visit throughput at least half of echo's; visit p99 under 100 ms at 100 updates/s.

Run from the repo root:  python bench/telegram_webhook.py [--backend sqlite|postgres|both]
  [--handlers echo,visit] [--rate 100] [--seconds 10] [--chats 200] [--clients 16] [--book 1]
  [--rounds 3: echo and visit take turns this many times; medians and per-round ratios]
  [--workers N: server processes, PostgreSQL only, as CHATCRM_WORKERS]
PostgreSQL: --pg-url (default $CHATCRM_TEST_PG_URL or postgres@127.0.0.1:5432/test); a fresh
schema per run, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402  (needs the repo root on sys.path)

SECRET = "bench_secret"
TOKEN = "123456:BENCH"
CHAT_BASE = 10_000_000
SEARCH_MIGRATION_BEFORE = "0007_delivery"  # the last revision before 0008_search
DEFAULT_PG = os.environ.get(
    "CHATCRM_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- the server process -------------------------------------------------------------------


class Echo:
    """Says back what it got; its reply is queued in the outbox like the router's."""

    def __init__(self, uows: Any) -> None:
        self.uows = uows

    async def handle(self, msg: Any, on_replies: Any = None, media: Any = None) -> list[Any]:
        from handlers.messages import Reply

        replies = [Reply(msg.text or "")]
        async with self.uows() as uow:
            await on_replies(uow, replies)
            await uow.commit()
        return replies


async def serve(args: argparse.Namespace) -> None:
    import uvicorn
    from pydantic import SecretStr

    from bot.bootstrap import App, chat_config
    from bot.settings import Settings
    from bot.telegram.runtime import build_runtime
    from bot.web import create_app
    from bot.workers import WorkerRole
    from handlers.chat.app import build_router
    from handlers.clock import SystemClock
    from store.db import make_engine, make_sessions
    from store.migrate import upgrade
    from store.uow import UnitOfWorkFactory

    settings = Settings(
        database_url=args.db,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=f"http://127.0.0.1:{args.api_port}/bot",
        telegram_webhook_secret=SecretStr(SECRET),
    )
    extra = {"server_settings": {"search_path": args.schema}} if args.schema else {}
    engine = make_engine(args.db, connect_args=extra) if extra else make_engine(args.db)
    # The first worker seeds before the search migrations, which then index the books in one
    # pass (as on an existing database); the others share its database.
    await upgrade(engine, "head" if args.no_seed else SEARCH_MIGRATION_BEFORE)
    uows = UnitOfWorkFactory(make_sessions(engine))
    clock = SystemClock()
    app = App(settings, engine, uows, build_router(uows, clock, chat_config(settings)), clock)
    if not args.no_seed:
        await seed(app, args.chats, args.book)
        await upgrade(engine)  # SQLite with the default synchronous=NORMAL, as `serve` runs it
    role = WorkerRole(1 if args.no_seed else 0, args.workers_total)  # the first one sends
    runtime = build_runtime(app, policy=role.policy(settings.outbox_lease_seconds))
    if args.mode == "echo":  # the same stack, minus the router
        runtime.channel.handler = Echo(runtime.channel.uows)
    web = create_app(
        app,
        runtime.channel,
        lifespans=[lambda: runtime.running(webhook=False, deliver=role.delivers)],
    )
    config = uvicorn.Config(
        web,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        ws="none",
        timeout_keep_alive=75,  # as in serve: the load generator keeps its connections
    )
    # Several workers share the port as `serve` with CHATCRM_WORKERS does (one socket there,
    # SO_REUSEPORT here: these processes are not one parent's children).
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", args.port))
    await uvicorn.Server(config).serve(sockets=[sock])


async def seed(app: Any, chats: int, book: int = 1) -> None:
    """One rep per chat, joined the way /start would join them, each owning `book` customers:
    the one their visits name, and others with names of another family (a real book)."""
    from sqlalchemy import insert

    from handlers.services import org

    async with app.uows() as uow:
        now = app.clock.now()
        company = await org.create_org(uow, "Bench", now)
        for i in range(chats):
            invite = await org.create_invite(uow, company.id, "rep", now)
            who = org.Newcomer(
                "telegram",
                str(CHAT_BASE + i),
                str(CHAT_BASE + i),
                f"rep{i}",
                "zh",
                "Asia/Shanghai",
            )
            joined = await org.join(uow, invite.code, who, now)
            assert joined.user is not None
            # The whole book in one statement: 400,000 creates took more than 10 minutes.
            rows = [_book_row(company.id, joined.user.id, i, j, now) for j in range(book)]
            # The table as it is at this early revision: the model has columns added since
            # (customer.kind), which a model insert would name.
            await uow.session.execute(insert(await _live_table(uow, "customer")), rows)
        await uow.commit()


async def _live_table(uow: Any, name: str) -> Any:
    from sqlalchemy import MetaData, Table

    conn = await uow.session.connection()
    return await conn.run_sync(lambda sync: Table(name, MetaData(), autoload_with=sync))


@functools.cache
def _book_key(j: int) -> str:
    return search_key(other_name(j), f"商行{j}")


def search_key(name: str, company: str) -> str:
    from handlers.nlu.match import search_key as key

    return key(name, company)


def _book_row(org_id: int, owner: int, i: int, j: int, now: Any) -> dict[str, Any]:
    """Customer j of rep i's book; j = 0 is the one their visits name."""
    if j == 0:
        name, company, phone = customer_name(i), f"公司{i}", f"139{i:08d}"
        key = search_key(name, company)
    else:
        name, company, phone, key = other_name(j), f"商行{j}", f"138{i:04d}{j:04d}", _book_key(j)
    return {
        "org_id": org_id, "owner_id": owner, "name": name, "company": company,
        "phone": phone, "search_key": key, "tier": "C",
        "lifecycle": "prospect", "birthday_lunar": False, "care_consent": False,
        "created_at": now, "updated_at": now,
    }  # fmt: skip


def other_name(j: int) -> str:
    surnames, given = ("欧阳", "司马", "上官", "诸葛", "东方", "慕容"), "文武山川云海天地风雷星月"
    return surnames[j % 6] + given[(j // 6) % 12] + given[(j // 72) % 12]


def customer_name(i: int) -> str:
    surnames, given = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明"
    return surnames[i % 16] + given[(i // 16) % 16] + given[(i // 256) % 16]


def fake_api(args: argparse.Namespace) -> None:
    from tests.fakes.telegram_api import FakeBotApi

    async def run() -> None:
        api = FakeBotApi(token=TOKEN, port=args.port, record=False)
        await api.start()
        await asyncio.Event().wait()

    asyncio.run(run())


# ---- the load generator -------------------------------------------------------------------


@dataclass
class Load:
    """Update JSON for each chat in turn; in visit mode a chat alternates visit and button."""

    mode: str
    chats: int
    update_id: int = 1
    turn: int = 0

    def __post_init__(self) -> None:
        self.step = [0] * self.chats

    def next_chat(self) -> int:
        self.turn = (self.turn + 1) % self.chats
        return self.turn

    def update(self, chat: int) -> bytes:
        self.update_id += 1
        user = {"id": CHAT_BASE + chat, "is_bot": False, "first_name": f"rep{chat}"}
        user["language_code"] = "zh-hans"
        step = self.step[chat]
        self.step[chat] += 1
        if self.mode == "visit" and step % 2 == 1:
            return json.dumps(
                {"update_id": self.update_id, "callback_query": self._press(user)}
            ).encode()
        text = (
            f"/visit 今天拜访{customer_name(chat)}，谈了报价" if self.mode == "visit" else "hello"
        )
        message = {
            "message_id": self.update_id,
            "from": user,
            "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
            "date": int(time.time()),
            "text": text,
        }
        return json.dumps({"update_id": self.update_id, "message": message}).encode()

    def _press(self, user: dict[str, Any]) -> dict[str, Any]:
        shown = {
            "message_id": self.update_id,
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private"},
            "text": "请确认这条记录：…",
            "reply_markup": {"inline_keyboard": [[{"text": "✅ 保存", "callback_data": "vi:ok"}]]},
        }
        return {
            "id": f"q{self.update_id}",
            "from": user,
            "chat_instance": "b",
            "data": "vi:ok",
            "message": shown,
        }


async def post(client: httpx.AsyncClient, body: bytes) -> float:
    started = time.perf_counter()
    response = await client.post(
        "/telegram/webhook",
        content=body,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    if b'"callback_query"' in body:  # the spinner is stopped by the webhook reply itself
        assert response.json()["method"] == "answerCallbackQuery", response.text
    return time.perf_counter() - started


async def closed_loop(
    client: httpx.AsyncClient, load: Load, workers: int, seconds: float
) -> float:
    """Updates/s with `workers` clients, each sending its next update when the last returned."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(index: int) -> None:
        nonlocal done
        mine = list(range(index, load.chats, workers))
        turn = 0
        while time.perf_counter() < deadline:
            await post(client, load.update(mine[turn % len(mine)]))
            turn += 1
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(workers)))
    return done / (time.perf_counter() - started)


async def open_loop(
    client: httpx.AsyncClient, load: Load, rate: float, seconds: float
) -> list[float]:
    """Latencies when updates arrive at a steady `rate`, whether or not the last one is done."""
    count = int(rate * seconds)
    start = time.perf_counter()
    tasks = []
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(post(client, load.update(load.next_chat()))))
    return list(await asyncio.gather(*tasks))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def wait_ready(url: str, proc: subprocess.Popen[bytes], within: float = 600) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"server exited with {proc.returncode}")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("server did not start")


def spawn(*args: str) -> subprocess.Popen[bytes]:
    env = os.environ | {"PTB_TIMEDELTA": "true"}
    return subprocess.Popen([sys.executable, __file__, *args], cwd=ROOT, env=env)


async def run_case(mode: str, backend: str, args: argparse.Namespace) -> dict[str, Any]:
    db, schema, cleanup = await database(backend, args.pg_url)
    api_port, port = free_port(), free_port()
    fake = spawn("--role", "fake", "--port", str(api_port))
    server = spawn(*server_args(mode, db, schema, port, api_port, args))
    others: list[subprocess.Popen[bytes]] = []
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz", server)
        for _ in range(args.workers - 1):
            others.append(spawn(*server_args(mode, db, schema, port, api_port, args), "--no-seed"))
        if others:
            await asyncio.sleep(8)  # until every worker listens (they share /healthz's port)
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        timeout = httpx.Timeout(30)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=timeout
        ) as client:
            load = Load(mode, args.chats)
            await closed_loop(client, load, args.clients, 2)  # warm-up
            throughput = await closed_loop(client, load, args.clients, args.seconds)
            await asyncio.sleep(1)
            latencies = await open_loop(client, load, args.rate, args.seconds)
        saved = await count_activities(db, schema) if mode == "visit" else None
    finally:
        for proc in (server, fake, *others):
            proc.terminate()
            proc.wait(timeout=15)
        await cleanup()
    return {
        "backend": backend,
        "mode": mode,
        "updates_per_s": round(throughput, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "activities_saved": saved,
    }


def server_args(
    mode: str, db: str, schema: str, port: int, api_port: int, args: argparse.Namespace
) -> list[str]:
    return [
        "--role", "server", "--mode", mode, "--db", db, "--schema", schema,
        "--port", str(port), "--api-port", str(api_port), "--chats", str(args.chats),
        "--workers-total", str(args.workers), "--book", str(args.book),
    ]  # fmt: skip


async def database(backend: str, pg_url: str) -> tuple[str, str, Callable[[], Awaitable[None]]]:
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="chatcrm-bench-")
        path = Path(folder) / "bench.db"

        async def remove() -> None:
            shutil.rmtree(folder, ignore_errors=True)

        return f"sqlite+aiosqlite:///{path}", "", remove
    import asyncpg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    raw = pg_url.replace("+asyncpg", "")
    conn = await asyncpg.connect(raw)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(raw)
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()

    return pg_url, schema, drop


async def count_activities(db: str, schema: str) -> int:
    from sqlalchemy import func, select

    from store.db import make_engine
    from store.models import Activity

    extra = {"server_settings": {"search_path": schema}} if schema else {}
    engine = make_engine(db, connect_args=extra) if extra else make_engine(db)
    async with engine.connect() as conn:
        count = await conn.scalar(select(func.count(Activity.id)))
    await engine.dispose()
    return int(count or 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16, help="load clients back to back")
    parser.add_argument("--rate", type=float, default=100.0, help="updates/s for latency")
    parser.add_argument("--handlers", default="echo,visit")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--role", choices=("bench", "server", "fake"), default="bench")
    parser.add_argument("--mode", default="echo")
    parser.add_argument("--db", default="")
    parser.add_argument("--schema", default="")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-port", type=int, default=0)
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (PostgreSQL), as CHATCRM_WORKERS"
    )
    parser.add_argument("--workers-total", type=int, default=1)
    parser.add_argument(
        "--book", type=int, default=1, help="customers per rep (the visit names one of them)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="echo and visit take turns")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    if args.role == "fake":
        return fake_api(args)
    if args.role == "server":  # on the same event loop as `main.py serve`
        from bot.loop import run as run_loop

        return run_loop(serve(args))
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    if args.workers > 1 and "sqlite" in backends:
        raise SystemExit("--workers > 1 needs --backend postgres (as CHATCRM_WORKERS does)")
    modes = args.handlers.split(",")
    # The handlers take turns, round after round: on a shared machine the CPU's speed drifts
    # by tens of percent within minutes, and a ratio of two runs far apart measures the drift.
    rows = [
        asyncio.run(run_case(mode, b, args)) | {"round": r + 1}
        for b in backends
        for r in range(args.rounds)
        for mode in modes
    ]
    print(summary(rows, args))
    print(json.dumps(rows, indent=1))


def summary(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """One line per backend and handler: medians over the rounds, and visit/echo per round."""
    at = f"ms @ {args.rate:g}/s"
    lines = [] if args.workers == 1 else [f"{args.workers} server processes"]
    lines += [
        f"| backend | handler | updates/s ({args.clients} clients), median of {args.rounds} "
        f"| p50 {at} | p99 {at} | visit/echo per round |",
        "|---|---|---|---|---|---|",
    ]
    for backend in dict.fromkeys(row["backend"] for row in rows):
        mine = [row for row in rows if row["backend"] == backend]
        ratios = _ratios(mine)
        for mode in dict.fromkeys(row["mode"] for row in mine):
            runs = [row for row in mine if row["mode"] == mode]
            figures = [statistics.median(row[c] for row in runs) for c in FIGURES]
            ratio = ", ".join(f"{r:.2f}" for r in ratios) if mode == "visit" and ratios else ""
            lines.append(
                f"| {backend} | {mode} | "
                + " | ".join(f"{f:g}" for f in figures)
                + f" | {ratio} |"
            )
    return "\n".join(lines)


FIGURES = ("updates_per_s", "p50_ms", "p99_ms")


def _ratios(rows: list[dict[str, Any]]) -> list[float]:
    by_round: dict[int, dict[str, float]] = {}
    for row in rows:
        by_round.setdefault(row["round"], {})[row["mode"]] = row["updates_per_s"]
    return [r["visit"] / r["echo"] for r in by_round.values() if "visit" in r and "echo" in r]


if __name__ == "__main__":
    main()
