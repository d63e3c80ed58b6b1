"""Payment plans: instalments of a deal and the money received against them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Deal, Instalment, Payment
from store.scope import Scope


class PaymentRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Instalment | Payment) -> None:
        self.session.add(row)
        await self.session.flush()

    async def plan(self, deal_id: int) -> Sequence[Instalment]:
        stmt = (
            select(Instalment)
            .where(Instalment.deal_id == deal_id)
            .order_by(Instalment.due_date, Instalment.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def customer_deals(self, scope: Scope, customer_id: int) -> Sequence[Deal]:
        """Every visible deal of a customer, won ones included: money comes after the win."""
        stmt = (
            select(Deal)
            .where(scope.where(Deal.org_id, Deal.owner_id), Deal.customer_id == customer_id)
            .where(Deal.stage != "lost")
            .order_by(Deal.created_at.desc(), Deal.id.desc())
        )
        return (await self.session.scalars(stmt)).all()

    async def unpaid(self, org_id: int, until: date) -> list[tuple[Instalment, Deal]]:
        """An org's unpaid instalments due on or before `until`, with their deals."""
        stmt = (
            select(Instalment, Deal)
            .join(Deal, Deal.id == Instalment.deal_id)
            .where(Instalment.org_id == org_id, Instalment.due_date <= until)
            .where(Instalment.paid_amount < Instalment.amount)
            .order_by(Instalment.due_date, Instalment.id)
        )
        return [(i, d) for i, d in (await self.session.execute(stmt)).all()]
