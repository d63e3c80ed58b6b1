"""Logging visits, calls and meetings, and the follow-up they promise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.services import reminders
from handlers.services.audit import audit_row, snapshot
from store.models import Customer, Reminder, User
from store.repos.customers import CustomerRef
from store.uow import UnitOfWork

KINDS = ("visit", "call", "message", "meeting")
RECENT = timedelta(days=7)  # a contact this recent answers a check-in made before it was logged
# A check-in is only ever made for a customer quiet for whole days, and a contact settles it at
# once: a customer contacted within the last day has none open, so the hot path skips the query.
QUIET = timedelta(days=1)


@dataclass(frozen=True)
class NewActivity:
    kind: str
    happened_at: datetime
    summary: str
    follow_up_at: datetime | None = None
    location: str | None = None
    photo: str | None = None
    contact_id: int | None = None  # the company's contact involved, checked by the caller


async def log(
    uow: UnitOfWork,
    actor: User,
    customer: Customer | CustomerRef,
    new: NewActivity,
    now: datetime,
) -> tuple[int, Reminder | None]:
    """Save the activity (and its follow-up reminder, if any); the activity's id."""
    values = {
        "org_id": customer.org_id,
        "customer_id": customer.id,
        "user_id": actor.id,
        "kind": new.kind,
        "happened_at": new.happened_at,
        "summary": new.summary,
        "location": new.location,
        "photo": new.photo,
        "created_at": now,
        "contact_id": new.contact_id,
    }
    after = {"customer_id": customer.id, **snapshot(new, ("kind", "happened_at", "summary"))}
    if new.contact_id is not None:
        after["contact_id"] = new.contact_id
    audit = audit_row(actor, "activity.create", ("activity", None), now, after=after)
    activity_id = await uow.customers.add_activity(values, audit)
    if customer.last_contact_at is None or customer.last_contact_at < new.happened_at:
        await uow.customers.contacted(customer.id, new.happened_at)
    if customer.last_contact_at is None or customer.last_contact_at < now - QUIET:
        await settle_cadence(uow, actor, customer.id, new.happened_at, now)
    reminder = None
    if new.follow_up_at is not None:
        text = new.summary[:200]
        reminder = await reminders.create(
            uow, actor, new.follow_up_at, text, now, customer.id, "follow_up", activity_id
        )
    return activity_id, reminder


async def settle_cadence(
    uow: UnitOfWork, actor: User, customer_id: int, happened_at: datetime, now: datetime
) -> int:
    """A contact answers the customer's open cadence check-in at once (not at the next 07:00
    run): "⚠️ overdue check-in" must not stay on /today after the call is logged. A contact
    logged late (yesterday's call typed today) counts too; one from months ago does not."""
    settle_before = max(happened_at, now) if happened_at >= now - RECENT else happened_at
    settled = await uow.reminders.open_cadence(customer_id, settle_before)
    for reminder in settled:
        await reminders.change(uow, actor, reminder, now, "cancelled")  # as the 07:00 job does
    return len(settled)
