"""Deals and their stage history."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Deal, DealStageHistory
from store.scope import Scope

CLOSED = ("won", "lost")


class DealRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, deal: Deal) -> Deal:
        self.session.add(deal)
        await self.session.flush()
        return deal

    async def get(self, scope: Scope, deal_id: int) -> Deal | None:
        deal = await self.session.get(Deal, deal_id)
        if deal is None or not scope.allows(deal.org_id, deal.owner_id):
            return None
        return deal

    async def of_customer(self, deal_id: int, customer_id: int) -> Deal | None:
        """A deal, only if it is this customer's (for answers coming from the customer)."""
        deal = await self.session.get(Deal, deal_id)
        return deal if deal is not None and deal.customer_id == customer_id else None

    async def open_deals(
        self, scope: Scope, customer_id: int | None = None, limit: int = 50
    ) -> Sequence[Deal]:
        stmt = select(Deal).where(
            scope.where(Deal.org_id, Deal.owner_id), Deal.stage.not_in(CLOSED)
        )
        if customer_id is not None:
            stmt = stmt.where(Deal.customer_id == customer_id)
        stmt = stmt.order_by(Deal.stage_changed_at.desc(), Deal.id.desc()).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def add_history(self, row: DealStageHistory) -> None:
        self.session.add(row)
        await self.session.flush()

    async def history(self, deal_id: int) -> Sequence[DealStageHistory]:
        stmt = (
            select(DealStageHistory)
            .where(DealStageHistory.deal_id == deal_id)
            .order_by(DealStageHistory.id)
        )
        return (await self.session.scalars(stmt)).all()
