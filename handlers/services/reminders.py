"""Reminders: set, done, snoozed, rescheduled; all audited."""

from __future__ import annotations

from datetime import datetime

from handlers.services.audit import record, snapshot
from store.models import Reminder, User
from store.uow import UnitOfWork

FIELDS = ("user_id", "customer_id", "due_at", "kind", "text", "status")


async def create(
    uow: UnitOfWork,
    actor: User,
    due_at: datetime,
    text: str,
    now: datetime,
    customer_id: int | None = None,
    kind: str = "custom",
    activity_id: int | None = None,
    for_user_id: int | None = None,  # someone else's (a manager fixing a rep's visit)
) -> Reminder:
    reminder = Reminder(
        org_id=actor.org_id,
        user_id=for_user_id or actor.id,
        customer_id=customer_id,
        due_at=due_at,
        kind=kind,
        text=text,
        status="pending",
        created_at=now,
        updated_at=now,
        activity_id=activity_id,
    )
    await uow.reminders.add(reminder)
    after = snapshot(reminder, FIELDS)
    await record(uow, actor, "reminder.create", ("reminder", reminder.id), now, after=after)
    return reminder


async def change(
    uow: UnitOfWork,
    actor: User,
    reminder: Reminder,
    now: datetime,
    status: str,
    due_at: datetime | None = None,
) -> None:
    """Mark done, or move to a new time (snooze / reschedule) and make it pending again."""
    before = snapshot(reminder, FIELDS)
    reminder.status = status
    if due_at is not None:
        reminder.due_at = due_at
    reminder.updated_at = now
    after = snapshot(reminder, FIELDS)
    await record(uow, actor, f"reminder.{status}", ("reminder", reminder.id), now, before, after)


async def link(
    uow: UnitOfWork, actor: User, reminder: Reminder, customer_id: int, now: datetime
) -> None:
    """Attach the reminder to the customer the user picked after it was set."""
    before = snapshot(reminder, FIELDS)
    reminder.customer_id, reminder.updated_at = customer_id, now
    after = snapshot(reminder, FIELDS)
    await record(uow, actor, "reminder.link", ("reminder", reminder.id), now, before, after)
