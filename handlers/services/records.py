"""Correcting what was saved: a logged activity (edit, delete, undo) and a deal (edit, reopen).

Who may: a rep their own activities on their own customers and their own deals; a manager
their team's; an admin the whole org. Every change writes an audit row with before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from handlers.services import reminders
from handlers.services.audit import record, snapshot
from handlers.services.deals import DEAL_FIELDS
from store.models import Activity, AuditLog, Customer, Deal, DealStageHistory, User
from store.scope import Scope
from store.uow import UnitOfWork

UNDO_WINDOW = timedelta(minutes=10)  # the "↩️ Undo" under a saved visit works this long
ACTIVITY_FIELDS = ("customer_id", "user_id", "kind", "happened_at", "summary")
EDITABLE = ("kind", "happened_at", "summary")


async def activity_in_scope(
    uow: UnitOfWork, actor: User, scope: Scope, activity_id: int
) -> tuple[Activity, Customer] | None:
    """The activity and its customer, when `actor` may change it; None otherwise (or gone)."""
    activity = await uow.records.activity(activity_id)
    if activity is None or activity.org_id != actor.org_id:
        return None
    customer = await uow.customers.get(scope, activity.customer_id)
    if customer is None:
        return None
    if actor.role == "rep" and activity.user_id != actor.id:
        return None  # a rep corrects their own reports, not a colleague's or manager's
    return activity, customer


def undo_expired(activity: Activity, now: datetime) -> bool:
    return now - activity.created_at > UNDO_WINDOW


async def edit_activity(
    uow: UnitOfWork, actor: User, activity: Activity, changes: dict[str, Any], now: datetime
) -> bool:
    """Apply `changes` (of EDITABLE); False when nothing differs. A new time recomputes the
    customer's last contact, which also starts the pool's contact clock."""
    changes = {k: v for k, v in changes.items() if k in EDITABLE and getattr(activity, k) != v}
    if not changes:
        return False
    before = snapshot(activity, tuple(changes))
    for name, value in changes.items():
        setattr(activity, name, value)
    after = snapshot(activity, tuple(changes))
    await record(uow, actor, "activity.edit", ("activity", activity.id), now, before, after)
    if "happened_at" in changes:
        await uow.records.recompute_last_contact(activity.customer_id)
    return True


async def set_follow_up(
    uow: UnitOfWork,
    actor: User,
    activity: Activity,
    due_at: datetime | None,
    now: datetime,
    owner_id: int | None = None,
) -> None:
    """Move the activity's follow-up reminder to `due_at`, make one, or (None) cancel it.
    A new one is the customer owner's (`owner_id`), else the author's: whoever fixes the
    visit, the follow-up stays with the rep who will make it."""
    pending = list(await uow.records.follow_ups(activity.id))
    if due_at is None:
        for reminder in pending:
            await reminders.change(uow, actor, reminder, now, "cancelled")
        return
    if not pending:
        await reminders.create(
            uow, actor, due_at, activity.summary[:200], now, activity.customer_id,
            "follow_up", activity.id, owner_id or activity.user_id,
        )  # fmt: skip
        return
    await reminders.change(uow, actor, pending[0], now, "pending", due_at)
    for extra in pending[1:]:
        await reminders.change(uow, actor, extra, now, "cancelled")


async def delete_activity(
    uow: UnitOfWork, actor: User, activity: Activity, now: datetime, action: str
) -> int:
    """Delete (or undo) the activity: its follow-up ends, the customer's last contact is the
    latest activity left. The audit row keeps the whole activity. How many follow-ups ended."""
    ended = len(await uow.records.follow_ups(activity.id))
    await set_follow_up(uow, actor, activity, None, now)
    before = snapshot(activity, ("id", *ACTIVITY_FIELDS, "location", "photo", "created_at"))
    customer_id = activity.customer_id
    await uow.records.delete_activity(activity)
    # Filed under the customer, not the activity: the activity row is gone, and the
    # customer's trail (/history) must still show that a visit was removed and what it said.
    await record(uow, actor, action, ("customer", customer_id), now, before=before)
    await uow.records.recompute_last_contact(customer_id)
    return ended


async def edit_deal(
    uow: UnitOfWork, actor: User, deal: Deal, changes: dict[str, Any], now: datetime
) -> bool:
    """Change a deal's title or expected close; False when nothing differs."""
    allowed = ("title", "expected_close")
    changes = {k: v for k, v in changes.items() if k in allowed and getattr(deal, k) != v}
    if not changes:
        return False
    before = snapshot(deal, tuple(changes))
    for name, value in changes.items():
        setattr(deal, name, value)
    after = snapshot(deal, tuple(changes))
    await record(uow, actor, "deal.edit", ("deal", deal.id), now, before, after)
    return True


async def clear_amount(uow: UnitOfWork, actor: User, deal: Deal, now: datetime) -> None:
    """The rep no longer knows the amount: better blank than wrong."""
    before = {"amount": str(deal.amount) if deal.amount is not None else None,
              "currency": deal.currency}  # fmt: skip
    deal.amount = None
    after = {"amount": None, "currency": deal.currency}
    await record(uow, actor, "deal.amount", ("deal", deal.id), now, before, after)


async def reopen_deal(
    uow: UnitOfWork, actor: User, deal: Deal, stage: str, reason: str, now: datetime
) -> None:
    """A won or lost deal back to an open stage; the history and the audit keep why."""
    fields = (*DEAL_FIELDS, "close_reason", "closed_at")
    before = snapshot(deal, fields)
    history = DealStageHistory(
        deal_id=deal.id, user_id=actor.id, from_stage=deal.stage, to_stage=stage, at=now
    )
    deal.stage, deal.stage_changed_at = stage, now
    deal.closed_at, deal.close_reason = None, None
    await uow.deals.add_history(history)
    after = {**snapshot(deal, fields), "reason": reason}
    await record(uow, actor, "deal.reopen", ("deal", deal.id), now, before, after)


def stage_spans(history: list[DealStageHistory]) -> list[tuple[str, datetime, datetime | None]]:
    """Each stage the deal was in: (stage, entered, left; None while it is still there)."""
    spans: list[tuple[str, datetime, datetime | None]] = []
    for i, row in enumerate(history):
        left = history[i + 1].at if i + 1 < len(history) else None
        spans.append((row.to_stage, row.at, left))
    return spans


@dataclass
class DealUndo:
    """What undoing a visit did to the deals its Save changed, by deal title."""

    reverted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed again since: left as they are


async def undo_deal_changes(
    uow: UnitOfWork, actor: User, scope: Scope, activity: Activity, now: datetime
) -> DealUndo:
    """Put back what the visit's Save did to deals (a deal opened, a stage moved, an amount
    set), latest first; a deal someone changed since is left alone and named."""
    done = DealUndo()
    changes = await uow.records.deal_changes_at(activity.user_id, activity.created_at)
    since = {  # asked before any revert: the reverts write audit rows of their own
        deal_id: await uow.records.changed_since("deal", deal_id, activity.created_at)
        for deal_id in {c.entity_id or 0 for c in changes}
    }
    for change in reversed(changes):
        deal = await uow.deals.get(scope, change.entity_id or 0)
        if deal is None:
            continue
        if since[deal.id]:
            done.kept.append(deal.title)
            continue
        if await _revert(uow, actor, deal, change, now):
            done.reverted.append(deal.title)
        else:
            done.kept.append(deal.title)
    done.reverted = list(dict.fromkeys(done.reverted))
    done.kept = [t for t in dict.fromkeys(done.kept) if t not in done.reverted]
    return done


async def _revert(
    uow: UnitOfWork, actor: User, deal: Deal, change: AuditLog, now: datetime
) -> bool:
    before = change.before or {}
    fields = (*DEAL_FIELDS, "close_reason", "closed_at")
    target = ("deal", deal.id)
    if change.action == "deal.create":
        if await uow.records.has_money(deal.id):
            return False
        gone = snapshot(deal, fields)
        await uow.records.delete_deal(deal)
        await record(uow, actor, "deal.undo", target, now, before=gone)
        return True
    was = snapshot(deal, fields)
    if change.action == "deal.move" and before.get("stage"):
        latest = await uow.records.drop_moves_at(deal.id, change.at)
        deal.stage, deal.close_reason = str(before["stage"]), before.get("close_reason")
        deal.stage_changed_at = latest or deal.created_at  # the pool's deal clock goes back too
        deal.closed_at = None
    elif change.action == "deal.amount":
        amount = before.get("amount")
        deal.amount = Decimal(str(amount)) if amount is not None else None
        deal.currency = str(before.get("currency") or deal.currency)
    else:
        return False
    await record(uow, actor, "deal.undo", target, now, was, snapshot(deal, fields))
    return True
