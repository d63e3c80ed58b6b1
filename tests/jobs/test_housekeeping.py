"""Housekeeping: inbound ids are forgotten once no channel can redeliver them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.settings import Settings
from jobs.context import JobContext
from jobs.housekeeping import INBOX_KEPT, purge_outbox, run_housekeeping
from jobs.scheduler import JOBS
from store.models import InboxEntry, OutboxEntry
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


async def test_old_sent_and_failed_outbox_rows_go_and_care_keys_stay_as_tombstones(
    world: World,
) -> None:
    ctx = JobContext(world.uows, world.clock, instance="test", outbox_retention_days=7)
    now, old = world.clock.now(), world.clock.now() - timedelta(days=8)
    rows = [  # (key, status, queued)
        ("reminder:1", "sent", old), ("tg:5:0", "failed", old),
        ("care:birthday:9:2026", "sent", old), ("reminder:2", "pending", old),
        ("reminder:3", "sent", now - timedelta(days=6)),
    ]  # fmt: skip
    async with world.uows() as uow:
        for key, status, at in rows:
            body = {"text": "张三 13912345678 " + "很长" * 100}
            await uow.outbox.enqueue("telegram", "7", body, key, at)
            row = await uow.outbox.by_key(key)
            assert row is not None
            row.status = status
        await uow.commit()
    assert await purge_outbox(ctx, batch=2) == 3
    async with world.uows() as uow:
        left = {r.idempotency_key: r for r in await uow.session.scalars(select(OutboxEntry))}
        assert sorted(left) == ["care:birthday:9:2026", "reminder:2", "reminder:3"]
        tomb = left["care:birthday:9:2026"]
        assert (tomb.status, tomb.body, tomb.last_error) == ("kept", {}, None)
        assert left["reminder:2"].status == "pending"  # not delivered yet: never purged
        # the tombstone still refuses its key; a purged key may be queued again
        assert not await uow.outbox.enqueue(
            "wechat_oa", "o1", {"text": "x"}, tomb.idempotency_key, now
        )
        assert await uow.outbox.enqueue("telegram", "7", {"text": "x"}, "tg:5:0", now)
        await uow.commit()
    assert await purge_outbox(ctx, batch=2) == 0  # the tombstone is not read again


def test_outbox_retention_is_a_setting_defaulting_to_30_days() -> None:
    assert Settings().outbox_retention_days == 30
    assert Settings(outbox_retention_days=90).outbox_retention_days == 90
    assert JobContext.__dataclass_fields__["outbox_retention_days"].default == 30
