"""Operations settings: Org.settings["ops"] over defaults in code, and audited changes to it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

from handlers.services.audit import record
from store.models import Org, User
from store.uow import UnitOfWork

ROUTING_RULES = ("weighted", "round_robin", "least_loaded", "off")


@dataclass(frozen=True)
class OpsSettings:
    pool_contact_days: int = 30  # N: no follow-up for this long → back to the team pool
    pool_deal_days: int = 90  # M: no deal created or moved for this long → back to the pool
    pool_warn_days: int = 3  # D: the owner is warned this many days before
    claim_cap: int = 5  # pool customers one rep may claim per local day
    routing_rule: str = "weighted"
    routing_team: int | None = None  # where ownerless leads without a team go; None: whole org
    audit_retention_days: int | None = None  # None: keep the audit log forever
    dormant_days: int = 180  # lifecycle: no contact this long → dormant
    lost_days: int = 90  # lifecycle: only lost deals and no contact this long → lost


def ops_settings(org: Org) -> OpsSettings:
    stored: dict[str, Any] = dict((org.settings or {}).get("ops") or {})
    known = {f.name for f in fields(OpsSettings)}
    return replace(OpsSettings(), **{k: v for k, v in stored.items() if k in known})


async def update_settings(
    uow: UnitOfWork, actor: User | None, org: Org, now: datetime, **changes: Any
) -> OpsSettings:
    """Change some ops settings; the JSON column is replaced whole so the ORM sees it."""
    before = asdict(ops_settings(org))
    after = asdict(replace(ops_settings(org), **changes))
    org.settings = {**(org.settings or {}), "ops": dict(after)}
    before["org_id"] = after["org_id"] = org.id  # the audit row's org when no actor
    await uow.session.flush()
    await record(uow, actor, "org.ops_settings", ("org", org.id), now, before, after)
    return ops_settings(org)
