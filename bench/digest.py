"""Every manager digest of a big org: time, SQL statements, and the bare aggregate queries.

    python bench/digest.py [--scale 1.0] [--backend sqlite|postgres|both]

Scale 1.0 is 1,000 reps in 100 teams, 200k customers, 2M activities, 200k deals. The targets:
the statement count does not depend on the number of reps; building every manager's figures
stays within 2x of running the aggregate queries bare; text and chart take under 300 ms a
digest (the chart is most of it: bench/charts.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.services import org as org_svc
from handlers.services.digest import Window, audience, digest_for, org_figures
from handlers.services.digest_text import digest_reply
from handlers.services.schedule import org_schedule
from store.db import make_engine, make_sessions
from store.migrate import upgrade
from store.models import Activity, Customer, Deal, Team, User
from store.uow import UnitOfWorkFactory

PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
STAGES = ("meet", "discover", "confirm", "needs", "proposal", "commit", "acceptance", "payment")
CHUNK = 20_000


async def seed(engine: AsyncEngine, scale: float) -> int:
    """The org, then bulk rows straight through Core: services would take hours at 2M."""
    rnd = random.Random(7)
    reps, teams = int(1000 * scale) or 10, max(1, int(100 * scale))
    uows = UnitOfWorkFactory(make_sessions(engine))
    async with uows() as uow:
        org = await org_svc.create_org(uow, "Bench", NOW)
        await uow.commit()
    base = {"org_id": org.id, "lang": "zh", "tz": "Asia/Shanghai", "created_at": NOW}
    async with engine.begin() as conn:
        await conn.execute(
            insert(Team), [{"id": t + 1, "org_id": org.id, "name": f"T{t}"} for t in range(teams)]
        )
        users = [
            {"id": i + 1, "team_id": i % teams + 1, "name": f"rep{i}", "role": "rep", **base}
            for i in range(reps)
        ]
        users += [
            {"id": reps + t + 1, "team_id": t + 1, "name": f"mgr{t}", "role": "manager", **base}
            for t in range(teams)
        ]
        await conn.execute(insert(User), users)
    n_customers = int(200_000 * scale)
    await _bulk(
        engine,
        Customer,
        n_customers,
        lambda i: {
            "id": i + 1,
            "org_id": org.id,
            "owner_id": i % reps + 1,
            "name": f"c{i}",
            "tier": "ABC"[i % 3],
            "search_key": "",
            "created_at": NOW - timedelta(days=rnd.randint(0, 700)),
            "updated_at": NOW,
        },
    )
    await _bulk(
        engine,
        Activity,
        int(2_000_000 * scale),
        lambda i: {
            "org_id": org.id,
            "customer_id": (c := rnd.randrange(n_customers)) + 1,
            "user_id": c % reps + 1,
            "kind": rnd.choice(("visit", "call", "message", "meeting")),
            "summary": "s",
            "happened_at": (at := NOW - timedelta(minutes=rnd.randint(0, 365 * 24 * 60))),
            "created_at": at,
        },
    )
    await _bulk(
        engine,
        Deal,
        int(200_000 * scale),
        lambda i: {
            "org_id": org.id,
            "customer_id": (c := rnd.randrange(n_customers)) + 1,
            "owner_id": c % reps + 1,
            "title": f"d{i}",
            "amount": rnd.randint(1, 500) * 1000,
            "stage": rnd.choice((*STAGES, "won", "lost")),
            "stage_changed_at": NOW - timedelta(days=rnd.randint(0, 200)),
            "created_at": NOW,
        },
    )
    return org.id


async def _bulk(engine: AsyncEngine, model: Any, count: int, row: Any) -> None:
    for start in range(0, count, CHUNK):
        async with engine.begin() as conn:
            await conn.execute(
                insert(model), [row(i) for i in range(start, min(count, start + CHUNK))]
            )


class Counter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.n = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
        self.n += 1


async def run(engine: AsyncEngine, label: str, scale: float) -> None:
    t0 = time.perf_counter()
    org_id = await seed(engine, scale)
    print(f"[{label}] seeded in {time.perf_counter() - t0:.0f}s", flush=True)
    uows, counter = UnitOfWorkFactory(make_sessions(engine)), Counter(engine)
    window = Window("Asia/Shanghai", NOW.astimezone(ZoneInfo("Asia/Shanghai")).date())
    async with uows() as uow:  # bare: the same aggregate statements, results discarded
        t0 = time.perf_counter()
        r = uow.reports
        start, end = window.start(), window.end
        await r.activity_counts(org_id, start, end)
        await r.new_customers(org_id, start, end)
        await r.overdue_reminders(org_id, end)
        await r.activity_counts(org_id, window.start(14), end)
        await r.stage_moves(org_id, start, end)
        await r.overdue_payments(org_id, window.today)
        cutoffs = {s: NOW - timedelta(days=14) for s in STAGES}
        await r.stale_deals(org_id, NOW, cutoffs)
        await r.pipeline(org_id)
        bare = time.perf_counter() - t0
    async with uows() as uow:
        counter.n = 0
        t0 = time.perf_counter()
        org = await uow.users.org(org_id)
        assert org is not None
        sched = org_schedule(org, "Asia/Shanghai", "zh")
        figures = await org_figures(uow, org_id, window, NOW, sched)
        users = [f.user for f in figures.reps.values()]
        teams = {t.id: t.name for t in await uow.users.teams(org_id)}
        managers = [u for u in users if u.role == "manager"]
        digests = [
            digest_for(figures, audience(m, users, teams), teams[m.team_id or 0])
            for m in managers
        ]
        built = time.perf_counter() - t0
        await digest_reply(digests[0], "zh", NOW)  # the drawing process starts once
        t0 = time.perf_counter()
        for digest in digests:
            await digest_reply(digest, "zh", NOW)
        drawn = time.perf_counter() - t0
    print(
        f"[{label}] {len(managers)} manager digests: figures {built:.2f}s in {counter.n} SQL"
        f" statements (bare aggregate queries {bare:.2f}s; ratio {built / bare:.2f}x);"
        f" text and chart {drawn:.2f}s ({1000 * drawn / len(digests):.0f} ms a digest)",
        flush=True,
    )


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = p.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite+aiosqlite:///{folder}/bench.db")
            await upgrade(engine)
            await run(engine, "sqlite", args.scale)
            await engine.dispose()
    if args.backend in ("postgres", "both"):
        name = f"bench_{int(time.time())}"
        admin = await asyncpg.connect(PG.replace("+asyncpg", ""))
        await admin.execute(f'CREATE DATABASE "{name}"')
        engine = make_engine(PG.rsplit("/", 1)[0] + f"/{name}")
        try:
            await upgrade(engine)
            await run(engine, "postgres", args.scale)
        finally:
            await engine.dispose()
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
