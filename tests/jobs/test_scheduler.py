"""The real APScheduler ticks the jobs; the console delivery prints what they queued."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from bot.console.send import print_console_rows
from bot.settings import Settings
from jobs.scheduler import start_jobs
from store.models import OutboxEntry
from tests.jobs.helpers import outbox
from tests.world import NOW, Chat, World


async def test_scheduler_delivers_due_reminders(people: dict[str, Chat], world: World) -> None:
    await people["rep_a"].say("/remind 今天中午12点回访客户")
    world.clock.at = NOW.replace(hour=12, minute=1)
    app: Any = SimpleNamespace(uows=world.uows, clock=world.clock, settings=Settings())
    jobs = start_jobs(app, speed=50)
    try:
        rows: list[OutboxEntry] = []
        for _ in range(100):
            rows = await outbox(world, "reminder:")
            if rows:
                break
            await asyncio.sleep(0.05)
        assert len(rows) == 1
    finally:
        await jobs.stop()
    out = io.StringIO()
    assert await print_console_rows(app, out) >= 1  # the digests and briefs due today too
    assert "→ rep_a" in out.getvalue() and "回访客户" in out.getvalue()
    assert "1. ✅ 完成" in out.getvalue()
    world.clock.at += timedelta(minutes=1)
    assert await print_console_rows(app, out) == 0


async def test_a_tick_running_at_stop_gets_its_grace(world: World) -> None:
    """APScheduler's shutdown cancels the ticks it runs at once: stopping shut it down first,
    so a tick slowed down for a moment was cut off inside a query, and the pool printed a
    traceback at the end of a console script. Stopping now waits the grace, then cuts."""
    started, release, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow() -> None:
        started.set()
        await release.wait()
        finished.set()

    app: Any = SimpleNamespace(uows=world.uows, clock=world.clock, settings=Settings())
    jobs = start_jobs(app, extra=[("slow", slow, 3600.0)])
    await started.wait()
    stopping = asyncio.create_task(jobs.stop(grace=30))
    await asyncio.sleep(0)  # stop() has begun and waits for the running tick
    release.set()
    await stopping
    assert finished.is_set()
