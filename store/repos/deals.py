"""Deals and their stage history."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Deal, DealStageHistory
from store.scope import Scope, Shape, bound_where

CLOSED = ("won", "lost")


class DealBrief(NamedTuple):
    """An open deal as a visit's Save first reads it: enough to tell whether it changes
    (`CustomerRepo.ref_and_open_deals`)."""

    id: int
    title: str
    stage: str
    amount: Decimal | None
    currency: str


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
        stmt = _open_deals(scope.shape, customer_id is not None, limit)
        binds = scope.binds()
        if customer_id is not None:
            binds["customer_id"] = customer_id
        return (await self.session.scalars(stmt, binds)).all()

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


def still_open(stage: Any) -> ColumnElement[bool]:
    """Not won or lost. `!=` each, not NOT IN (…): a list is an expanding parameter, whose SQL
    is re-rendered on every execution."""
    return and_(*(stage != closed for closed in CLOSED))


@functools.cache
def _open_deals(shape: Shape, of_customer: bool, limit: int) -> Select[Any]:
    """Built once per shape: the pipeline and a customer's card ask this often."""
    stmt = select(Deal).where(
        bound_where(Deal.org_id, Deal.owner_id, shape), still_open(Deal.stage)
    )
    if of_customer:
        stmt = stmt.where(Deal.customer_id == bindparam("customer_id"))
    return stmt.order_by(Deal.stage_changed_at.desc(), Deal.id.desc()).limit(limit)
