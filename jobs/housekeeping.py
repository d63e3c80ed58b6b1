"""Housekeeping: forget inbound message ids once no channel can deliver them again, and
sent or failed outbox rows after CHATCRM_OUTBOX_RETENTION_DAYS.

The inbox only has to outlive redelivery: Telegram retries an update for up to a day, WeChat
within seconds. Kept longer it only grows, and after a week without updates Telegram picks the
next update_id at random, which could then meet an id kept from long ago and be dropped as a
duplicate. The outbox keeps the full text of every message (a digest's picture too): kept
only as long as someone may ask what was sent, except a tombstone for keys that must never
repeat (store/repos/outbox.TOMBSTONE_KEYS). Batches in transactions of their own keep each
delete short next to live traffic.
"""

from __future__ import annotations

from datetime import timedelta

from jobs.context import JobContext

INBOX_KEPT = timedelta(days=3)
BATCH = 5000


async def run_housekeeping(ctx: JobContext, batch: int = BATCH) -> int:
    """Old inbox rows and old sent or failed outbox rows removed, in batches; how many."""
    return await purge_inbox(ctx, batch) + await purge_outbox(ctx, batch)


async def purge_inbox(ctx: JobContext, batch: int = BATCH) -> int:
    before, purged = ctx.now() - INBOX_KEPT, 0
    while True:
        async with ctx.uow() as uow:
            done = await uow.chat.purge_inbox(before, batch)
            await uow.commit()
        purged += done
        if done == 0:  # a batch always holds the oldest row while that one is due
            return purged


async def purge_outbox(ctx: JobContext, batch: int = BATCH) -> int:
    """Rows queued before the retention period, deleted or left as tombstones; how many."""
    before = ctx.now() - timedelta(days=ctx.outbox_retention_days)
    purged = 0
    while True:
        async with ctx.uow() as uow:
            done = await uow.outbox.purge_done(before, batch)
            await uow.commit()
        purged += done
        if done < batch:
            return purged
