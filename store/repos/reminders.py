"""Reminders: what is due for whom."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Reminder

OPEN = ("pending", "snoozed", "sent")


class ReminderRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, reminder: Reminder) -> Reminder:
        self.session.add(reminder)
        await self.session.flush()
        return reminder

    async def get_for_user(self, user_id: int, reminder_id: int) -> Reminder | None:
        reminder = await self.session.get(Reminder, reminder_id)
        return reminder if reminder is not None and reminder.user_id == user_id else None

    async def due_for_user(self, user_id: int, until: datetime) -> Sequence[Reminder]:
        stmt = (
            select(Reminder)
            .where(Reminder.user_id == user_id, Reminder.status.in_(OPEN))
            .where(Reminder.due_at < until)
            .order_by(Reminder.due_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def open_for_ticket(self, ticket_id: int) -> Sequence[Reminder]:
        """The desk's reminders to handle this ticket that are still open."""
        stmt = select(Reminder).where(Reminder.ticket_id == ticket_id, Reminder.status.in_(OPEN))
        return (await self.session.scalars(stmt.order_by(Reminder.id))).all()

    async def open_cadence(self, customer_id: int, created_before: datetime) -> Sequence[Reminder]:
        """The customer's open cadence check-ins made before `created_before`."""
        stmt = (
            select(Reminder)
            .where(Reminder.customer_id == customer_id, Reminder.kind == "cadence")
            .where(Reminder.status.in_(OPEN), Reminder.created_at < created_before)
            .order_by(Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def upcoming_for_customer(
        self, customer_id: int, after: datetime, limit: int = 3
    ) -> Sequence[Reminder]:
        stmt = (
            select(Reminder)
            .where(Reminder.customer_id == customer_id, Reminder.status.in_(OPEN))
            .where(Reminder.due_at >= after)
            .order_by(Reminder.due_at)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()
