"""One customer's audit trail: its own changes and those of the records that belong to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import (
    Activity,
    AuditLog,
    Contact,
    Deal,
    Instalment,
    Payment,
    Reminder,
    Ticket,
)


class HistoryRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def records_of(self, customer_id: int) -> dict[str, list[int]]:
        """The ids of everything audited under a customer, by audit entity name."""
        deals = await self._ids(select(Deal.id).where(Deal.customer_id == customer_id))
        found = {
            "customer": [customer_id],
            "deal": deals,
            "activity": await self._ids(
                select(Activity.id).where(Activity.customer_id == customer_id)
            ),
            "reminder": await self._ids(
                select(Reminder.id).where(Reminder.customer_id == customer_id)
            ),
            "ticket": await self._ids(select(Ticket.id).where(Ticket.customer_id == customer_id)),
            "contact": await self._ids(
                select(Contact.id).where(Contact.customer_id == customer_id)
            ),
        }
        if deals:
            found["payment"] = await self._ids(
                select(Payment.id).where(Payment.deal_id.in_(deals))
            )
            found["instalment"] = await self._ids(
                select(Instalment.id).where(Instalment.deal_id.in_(deals))
            )
        return found

    async def _ids(self, stmt: Select[Any]) -> list[int]:
        return list(await self.session.scalars(stmt))

    async def changes(
        self,
        org_id: int,
        records: Mapping[str, Sequence[int]],
        skip: int,
        limit: int,
    ) -> Sequence[AuditLog]:
        """Newest first by when it happened (imports and demo data write out of order); one
        customer's trail is short, so paging by offset is enough."""
        targets = [
            and_(AuditLog.entity == entity, AuditLog.entity_id.in_(ids))
            for entity, ids in records.items()
            if ids
        ]
        stmt = select(AuditLog).where(AuditLog.org_id == org_id, or_(*targets))
        stmt = stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()).offset(skip).limit(limit)
        return (await self.session.scalars(stmt)).all()
