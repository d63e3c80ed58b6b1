"""Housekeeping: forget inbound message ids once no channel can deliver them again.

The inbox only has to outlive redelivery: Telegram retries an update for up to a day, WeChat
within seconds. Kept longer it only grows, and after a week without updates Telegram picks the
next update_id at random, which could then meet an id kept from long ago and be dropped as a
duplicate. Batches in transactions of their own keep each delete short next to live traffic.
"""

from __future__ import annotations

from datetime import timedelta

from jobs.context import JobContext

INBOX_KEPT = timedelta(days=3)
BATCH = 5000


async def run_housekeeping(ctx: JobContext, batch: int = BATCH) -> int:
    """Inbox rows older than INBOX_KEPT removed, in batches; how many."""
    before, purged = ctx.now() - INBOX_KEPT, 0
    while True:
        async with ctx.uow() as uow:
            done = await uow.chat.purge_inbox(before, batch)
            await uow.commit()
        purged += done
        if done == 0:  # a batch always holds the oldest row while that one is due
            return purged
