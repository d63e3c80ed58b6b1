"""Changing hands: every owner change writes an OwnerChange row and an audit row."""

from __future__ import annotations

from datetime import datetime

from handlers.services.audit import record, snapshot
from store.models import Customer, Deal, OwnerChange, Reminder, Ticket, User
from store.uow import UnitOfWork

OWNER_FIELDS = ("org_id", "owner_id", "pool_team_id", "pooled_at")


class OpsError(Exception):
    """A refused operation; key is an i18n text key, values fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


async def change_owner(
    uow: UnitOfWork,
    actor: User | None,
    customer: Customer,
    to_owner: int | None,
    reason: str,
    now: datetime,
    pool_team: int | None = None,
) -> None:
    """Give a customer to someone, or (to_owner None, pool_team set) back to a team's pool."""
    before = snapshot(customer, OWNER_FIELDS)
    from_owner = customer.owner_id
    customer.owner_id, customer.pool_team_id = to_owner, pool_team
    customer.pooled_at = now if pool_team is not None else None
    customer.updated_at = now
    after = snapshot(customer, OWNER_FIELDS)
    await log_change(uow, actor, customer, from_owner, reason, now)
    await record(uow, actor, f"customer.{reason}", ("customer", customer.id), now, before, after)


async def log_change(
    uow: UnitOfWork,
    actor: User | None,
    customer: Customer,
    from_owner: int | None,
    reason: str,
    now: datetime,
) -> None:
    change = OwnerChange(
        org_id=customer.org_id,
        customer_id=customer.id,
        from_owner_id=from_owner,
        to_owner_id=customer.owner_id,
        reason=reason,
        by_user_id=actor.id if actor else None,
        at=now,
    )
    await uow.ops.add(change)


async def move_deal(
    uow: UnitOfWork, actor: User | None, deal: Deal, to_owner: int | None, now: datetime
) -> None:
    before = snapshot(deal, ("org_id", "owner_id", "customer_id"))
    deal.owner_id = to_owner
    after = snapshot(deal, ("org_id", "owner_id", "customer_id"))
    await record(uow, actor, "deal.owner", ("deal", deal.id), now, before, after)


async def move_reminder(
    uow: UnitOfWork, actor: User | None, reminder: Reminder, to_user: int, now: datetime
) -> None:
    before = snapshot(reminder, ("org_id", "user_id", "customer_id", "status"))
    reminder.user_id, reminder.updated_at = to_user, now
    after = snapshot(reminder, ("org_id", "user_id", "customer_id", "status"))
    await record(uow, actor, "reminder.owner", ("reminder", reminder.id), now, before, after)


async def cancel_reminder(
    uow: UnitOfWork, actor: User | None, reminder: Reminder, now: datetime
) -> None:
    before = snapshot(reminder, ("org_id", "user_id", "customer_id", "status"))
    reminder.status, reminder.updated_at = "cancelled", now
    after = snapshot(reminder, ("org_id", "user_id", "customer_id", "status"))
    await record(uow, actor, "reminder.cancelled", ("reminder", reminder.id), now, before, after)


async def move_ticket(
    uow: UnitOfWork, actor: User | None, ticket: Ticket, to_user: int, now: datetime
) -> None:
    before = snapshot(ticket, ("org_id", "assignee_id", "customer_id", "status"))
    ticket.assignee_id = to_user
    after = snapshot(ticket, ("org_id", "assignee_id", "customer_id", "status"))
    await record(uow, actor, "ticket.assignee", ("ticket", ticket.id), now, before, after)
