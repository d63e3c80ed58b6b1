"""Every change leaves a row: who did what to which record, before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from store.models import User
from store.uow import UnitOfWork

Snapshot = dict[str, Any]


def snapshot(row: object, fields: tuple[str, ...]) -> Snapshot:
    """The named fields of a row as JSON-safe values."""
    return {name: _jsonable(getattr(row, name)) for name in fields}


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


async def record(
    uow: UnitOfWork,
    actor: User | None,
    action: str,
    target: tuple[str, int | None],
    now: datetime,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
) -> None:
    await uow.chat.audit(audit_row(actor, action, target, now, before, after))


def audit_row(
    actor: User | None,
    action: str,
    target: tuple[str, int | None],
    now: datetime,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
) -> dict[str, Any]:
    """The audit row `record` writes (AuditLog's columns, no id), for a store method that
    writes it together with the change."""
    entity, entity_id = target
    org_id = actor.org_id if actor is not None else (after or before or {}).get("org_id")
    return {
        "org_id": org_id,
        "user_id": actor.id if actor is not None else None,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": before,
        "after": after,
        "at": now,
    }
