"""Housekeeping: inbound ids are forgotten once no channel can redeliver them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jobs.context import JobContext
from jobs.housekeeping import INBOX_KEPT, run_housekeeping
from jobs.scheduler import JOBS
from store.models import InboxEntry
from tests.world import World


async def test_old_inbox_rows_go_in_batches_and_recent_ones_stay(
    world: World, jobs: JobContext
) -> None:
    now = world.clock.now()
    ages = [INBOX_KEPT + timedelta(hours=h) for h in (30, 20, 10, 1)] + [timedelta(hours=70)]
    async with world.uows() as uow:
        for i, age in enumerate(ages):
            assert await uow.chat.first_delivery("telegram", f"u{i}", now - age)
        await uow.commit()
    assert await run_housekeeping(jobs, batch=3) == 4
    assert await run_housekeeping(jobs, batch=3) == 0
    async with world.uows() as uow:
        kept = (await uow.session.scalars(select(InboxEntry.dedupe_key))).all()
    assert kept == ["u4"]  # 70 hours old: inside the three days kept
    assert (run_housekeeping, 3600) in JOBS
