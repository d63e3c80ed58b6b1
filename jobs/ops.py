"""Nightly team operations at 02:00 org time: lead routing, the team pool, segments, retention.

The work itself lives in handlers.services.ops.nightly; this only gives it a daily slot, so
one instance runs it once per org per local night, and a crash leaves the slot free.
"""

from __future__ import annotations

from datetime import datetime, time

from handlers.services.ops.nightly import nightly
from jobs.common import OrgView, SlotWork, run_daily
from jobs.context import JobContext
from jobs.slots import Slot
from store.uow import UnitOfWork

RUN_AT = time(2, 0)  # quiet hours: segments are fresh for the 08:00 digest


async def run_ops(ctx: JobContext) -> int:
    return await run_daily(ctx, "ops", RUN_AT, _for_view)


def _for_view(view: OrgView) -> SlotWork:
    async def work(uow: UnitOfWork, slot: Slot, now: datetime) -> int:
        result = await nightly(uow, view.org.id, now)
        return result.warned + result.released + result.routed

    return work
