"""The nightly operations run for one org, as plain functions a scheduler can call.

Order matters: leads are routed first (so a new lead is not pooled), then the pool sweep,
then segments over the settled ownership, then the audit log is trimmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.services.ops.pool import sweep_pool
from handlers.services.ops.privacy import purge_audit
from handlers.services.ops.routing import route_new
from handlers.services.ops.segments import recompute_segments
from store.uow import UnitOfWork


@dataclass(frozen=True)
class NightlyResult:
    routed: int
    released: int
    warned: int
    segmented: int
    audit_purged: int


async def nightly(uow: UnitOfWork, org_id: int, now: datetime) -> NightlyResult:
    """Everything in the caller's transaction: the job commits it with its job_run slot."""
    routed = await route_new(uow, org_id, now)
    sweep = await sweep_pool(uow, org_id, now)
    segmented = await recompute_segments(uow, org_id, now)
    purged = await purge_audit(uow, org_id, now)
    return NightlyResult(routed, sweep.released, sweep.warned, segmented, purged)
