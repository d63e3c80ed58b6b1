"""Due reminders claimed into the outbox and delivered to the fake Bot API.

    python bench/reminders.py [--count 100000] [--processes 3] [--limited-seconds 30]
                              [--hosts 2]

1. Claim: every reminder due at once becomes one outbox row (jobs.reminders), timed.
2. No send limits: `--processes` serve-like workers drain it; lateness = received - due, p50/p99.
3. Telegram's limits (30 msg/s per bot) for `--limited-seconds`, `--hosts` independent
   serve-like processes (no common parent): together they must keep one bot's 30 msg/s (one
   of them leads, store/leader.py) and each chat's order; the busiest 1 s and 5 s are shown.
Needs PostgreSQL at 127.0.0.1:5432 (a fresh database per run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from handlers.clock import SystemClock
from jobs.context import JobContext
from jobs.reminders import deliver_due_reminders
from store.db import make_engine, make_sessions
from store.migrate import upgrade
from store.models import OutboxEntry
from store.uow import UnitOfWorkFactory
from tests.fakes.telegram_api import TOKEN, FakeBotApi
from tests.jobs import test_exactly_once as eo

WORKER = Path(__file__).resolve().parents[1] / "tests" / "jobs" / "worker.py"


async def spawn(url: str, api: FakeBotApi, limits: str) -> asyncio.subprocess.Process:
    env = os.environ | {
        "CHATCRM_DATABASE_URL": url,
        "CHATCRM_TELEGRAM_TOKEN": TOKEN,
        "CHATCRM_TELEGRAM_API_URL": api.base_url,
        "CHATCRM_BENCH_LIMITS": limits,
        "PYTHONPATH": str(WORKER.parents[2]),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), env=env, stderr=asyncio.subprocess.DEVNULL
    )


async def phase(count: int, processes: int, limits: str, seconds: float) -> None:
    name, url = await eo._fresh_database()
    engine = make_engine(url)
    api, procs = FakeBotApi(), []
    try:
        await upgrade(engine)
        uows = UnitOfWorkFactory(make_sessions(engine))
        eo.REMINDERS = count
        due = datetime.now(UTC)
        await eo._seed(uows, due + timedelta(seconds=1))
        t0 = time.perf_counter()
        claimed = await deliver_due_reminders(JobContext(uows, SystemClock()), batch=1000)
        claim_s = time.perf_counter() - t0
        print(f"[{limits}] claimed {claimed} into the outbox in {claim_s:.1f}s", flush=True)
        await api.start()
        start = time.monotonic()
        procs = [await spawn(url, api, limits) for _ in range(processes)]
        tally = eo.Tally(api)
        for _ in range(int(seconds * 4)):
            if len(tally()) >= count:
                break
            await asyncio.sleep(0.25)
        elapsed = time.monotonic() - start
        report(api, tally, count, elapsed, limits)
        ordered = await eo._outbox_ids(uows)
        late = eo._out_of_order(eo._sends(api), ordered)
        print(f"[{limits}] {processes} processes; chats out of order: {late}", flush=True)
        async with uows() as uow:
            failed = await uow.session.scalar(
                select(func.count(OutboxEntry.id)).where(OutboxEntry.status == "failed")
            )
        print(f"[{limits}] failed rows: {failed}", flush=True)
    finally:
        for proc in procs:
            proc.kill()
            await proc.wait()
        if api.port:
            await api.stop()
        await engine.dispose()
        await eo._drop_database(name)


def report(api: FakeBotApi, tally: eo.Tally, count: int, elapsed: float, limits: str) -> None:
    sends = [c for c in api.sent()]
    if not sends:
        print(f"[{limits}] nothing delivered", flush=True)
        return
    first = sends[0].at
    window = max(1e-6, sends[-1].at - first)
    rate = (len(sends) - 1) / window if len(sends) > 1 else 0.0
    lateness = sorted(c.at - first for c in sends)  # all were due together: since the first
    p50, p99 = lateness[len(lateness) // 2], lateness[int(len(lateness) * 0.99) - 1]
    dupes = sum(n - 1 for n in tally().values())
    times = [c.at for c in sends]
    peak, peak5 = eo._busiest(times, 1.0), eo._busiest(times, 5.0)
    print(
        f"[{limits}] delivered {len(tally())}/{count} distinct ({dupes} duplicates) in "
        f"{elapsed:.1f}s; {rate:.1f} msg/s; lateness after the first send p50 {p50:.1f}s "
        f"p99 {p99:.1f}s",
        flush=True,
    )
    print(f"[{limits}] busiest 1 s {peak} msgs, busiest 5 s {peak5} msgs", flush=True)
    if limits == "telegram":
        print(f"[{limits}] {rate / 30:.0%} of Telegram's 30 msg/s", flush=True)


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--count", type=int, default=100_000)
    p.add_argument("--processes", type=int, default=3)
    p.add_argument("--unlimited-seconds", type=float, default=900)
    p.add_argument("--limited-seconds", type=float, default=30)
    p.add_argument("--hosts", type=int, default=2)
    args = p.parse_args()
    await phase(args.count, args.processes, "none", args.unlimited_seconds)
    limited = min(args.count, int(40 * args.limited_seconds))
    # Several hosts, one bot: only the leader sends, so together they keep its 30 msg/s.
    await phase(limited, args.hosts, "telegram", args.limited_seconds)


if __name__ == "__main__":
    asyncio.run(main())
