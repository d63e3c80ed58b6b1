"""Correcting what was saved: a logged activity and its follow-up, a deal's money and history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from store.models import (
    Activity,
    AuditLog,
    Customer,
    Deal,
    DealStageHistory,
    Instalment,
    Payment,
    Reminder,
)
from store.repos.deals import CLOSED
from store.repos.reminders import OPEN
from store.scope import Scope


class RecordRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def activity(self, activity_id: int) -> Activity | None:
        """An activity by id; the caller checks who may see it (through its customer)."""
        return await self.session.get(Activity, activity_id)

    async def activities_of(
        self, customer_id: int, limit: int, offset: int = 0
    ) -> Sequence[Activity]:
        """A customer's activities, latest first, a page at a time."""
        stmt = (
            select(Activity)
            .where(Activity.customer_id == customer_id)
            .order_by(Activity.happened_at.desc(), Activity.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def follow_ups(self, activity_id: int) -> Sequence[Reminder]:
        """The activity's follow-up reminders still to come (normally one)."""
        stmt = (
            select(Reminder)
            .where(Reminder.activity_id == activity_id, Reminder.status.in_(OPEN))
            .order_by(Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def delete_activity(self, activity: Activity) -> None:
        """Remove the row; reminders it made keep their history but lose the link."""
        unlink = update(Reminder).where(Reminder.activity_id == activity.id)
        await self.session.execute(
            unlink.values(activity_id=None).execution_options(synchronize_session="fetch")
        )
        await self.session.delete(activity)
        await self.session.flush()

    async def recompute_last_contact(self, customer_id: int) -> datetime | None:
        """The customer's last contact from the activities that remain: a deleted or moved
        visit neither keeps a customer out of the pool nor sends one there early."""
        await self.session.flush()
        latest = (
            select(func.max(Activity.happened_at))
            .where(Activity.customer_id == customer_id)
            .scalar_subquery()
        )
        stmt = update(Customer).where(Customer.id == customer_id).values(last_contact_at=latest)
        await self.session.execute(stmt.execution_options(synchronize_session=False))
        at = await self.session.scalar(
            select(Customer.last_contact_at).where(Customer.id == customer_id)
        )
        held = self.session.identity_map.get(identity_key(Customer, customer_id))
        if isinstance(held, Customer):
            set_committed_value(held, "last_contact_at", at)
        return at

    async def closed_deals(self, scope: Scope, customer_id: int, limit: int = 5) -> Sequence[Deal]:
        """A customer's won and lost deals visible in scope, latest closed first."""
        stmt = (
            select(Deal)
            .where(scope.where(Deal.org_id, Deal.owner_id), Deal.customer_id == customer_id)
            .where(Deal.stage.in_(CLOSED))
            .order_by(Deal.stage_changed_at.desc(), Deal.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def has_money(self, deal_id: int) -> bool:
        """Whether a payment plan or a payment is booked against the deal (in its currency)."""
        planned = select(Instalment.id).where(Instalment.deal_id == deal_id).limit(1)
        paid = select(Payment.id).where(Payment.deal_id == deal_id).limit(1)
        found = await self.session.scalar(planned)
        return found is not None or (await self.session.scalar(paid)) is not None

    async def deal_changes_at(self, user_id: int, at: datetime) -> Sequence[AuditLog]:
        """The deal changes one message made (one transaction writes them all with one `now`):
        what a visit's Save did to deals, for its Undo."""
        stmt = (
            select(AuditLog)
            .where(AuditLog.user_id == user_id, AuditLog.at == at, AuditLog.entity == "deal")
            .order_by(AuditLog.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def changed_since(self, entity: str, entity_id: int, after: datetime) -> bool:
        """Whether anyone changed the record after a moment (its audit rows say so)."""
        stmt = select(AuditLog.id).where(
            AuditLog.entity == entity, AuditLog.entity_id == entity_id, AuditLog.at > after
        )
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def drop_moves_at(self, deal_id: int, at: datetime) -> datetime | None:
        """Remove the deal's stage moves made at `at`; when the latest remaining one was."""
        stmt = delete(DealStageHistory).where(
            DealStageHistory.deal_id == deal_id, DealStageHistory.at == at
        )
        await self.session.execute(stmt.execution_options(synchronize_session="fetch"))
        latest = select(func.max(DealStageHistory.at)).where(DealStageHistory.deal_id == deal_id)
        return await self.session.scalar(latest)

    async def delete_deal(self, deal: Deal) -> None:
        """A deal created a moment ago and untouched since: it and its first history row."""
        stmt = delete(DealStageHistory).where(DealStageHistory.deal_id == deal.id)
        await self.session.execute(stmt.execution_options(synchronize_session="fetch"))
        await self.session.delete(deal)
        await self.session.flush()
