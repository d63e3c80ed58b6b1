"""Queries behind team operations: who owns what, the team pool, routing and handover."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Customer, Deal, MergeLog, OwnerChange, Reminder, Ticket
from store.repos.ops_data import OpsDataQueries
from store.repos.ops_figures import OpsFigureQueries
from store.repos.ops_lists import OpsListQueries
from store.repos.ops_scrub import OpsScrubQueries
from store.types import UTCDateTime

OPEN_REMINDER = ("pending", "snoozed", "sent", "claimed")
CLOSED_DEAL = ("won", "lost")


def live() -> ColumnElement[bool]:
    """Customers that still count: not merged into another, not anonymised."""
    return and_(Customer.merged_into_id.is_(None), Customer.anonymised_at.is_(None))


class OpsRepo(OpsDataQueries, OpsFigureQueries, OpsListQueries, OpsScrubQueries):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: OwnerChange | MergeLog) -> None:
        self.session.add(row)
        await self.session.flush()

    async def customer(self, customer_id: int, fresh: bool = False) -> Customer | None:
        """Any customer by id, unscoped: callers have checked the scope or run as a job."""
        return await self.session.get(Customer, customer_id, populate_existing=fresh)

    async def merge_log(self, org_id: int, log_id: int) -> MergeLog | None:
        row = await self.session.get(MergeLog, log_id)
        return row if row is not None and row.org_id == org_id else None

    async def customers_of(self, org_id: int, owner_id: int) -> Sequence[Customer]:
        stmt = select(Customer).where(Customer.org_id == org_id, Customer.owner_id == owner_id)
        return (await self.session.scalars(stmt.order_by(Customer.id))).all()

    async def deals_of(self, org_id: int, owner_id: int) -> Sequence[Deal]:
        stmt = select(Deal).where(Deal.org_id == org_id, Deal.owner_id == owner_id)
        return (await self.session.scalars(stmt.order_by(Deal.id))).all()

    async def open_deals_of_customer(self, customer_id: int) -> Sequence[Deal]:
        stmt = select(Deal).where(Deal.customer_id == customer_id, Deal.stage.not_in(CLOSED_DEAL))
        return (await self.session.scalars(stmt.order_by(Deal.id))).all()

    async def open_reminders_of(
        self, user_id: int, customer_id: int | None = None
    ) -> Sequence[Reminder]:
        stmt = select(Reminder).where(
            Reminder.user_id == user_id, Reminder.status.in_(OPEN_REMINDER)
        )
        if customer_id is not None:
            stmt = stmt.where(Reminder.customer_id == customer_id)
        return (await self.session.scalars(stmt.order_by(Reminder.due_at, Reminder.id))).all()

    async def open_tickets_of(self, user_id: int) -> Sequence[Ticket]:
        stmt = select(Ticket).where(Ticket.assignee_id == user_id, Ticket.status != "closed")
        return (await self.session.scalars(stmt.order_by(Ticket.id))).all()

    async def owned_counts(self, org_id: int) -> dict[int, int]:
        """Live customers per owner: the load handover balances and routing caps."""
        stmt = (
            select(Customer.owner_id, func.count(Customer.id))
            .where(Customer.org_id == org_id, Customer.owner_id.is_not(None), live())
            .group_by(Customer.owner_id)
        )
        return {int(o or 0): int(n) for o, n in (await self.session.execute(stmt)).all()}

    async def owner_history(self, customer_id: int) -> Sequence[OwnerChange]:
        stmt = select(OwnerChange).where(OwnerChange.customer_id == customer_id)
        return (await self.session.scalars(stmt.order_by(OwnerChange.at, OwnerChange.id))).all()

    async def pool(
        self, team_ids: Sequence[int], limit: int = 20, offset: int = 0
    ) -> Sequence[Customer]:
        stmt = (
            select(Customer)
            .where(Customer.pool_team_id.in_(sorted(team_ids)), Customer.owner_id.is_(None))
            .where(Customer.pooled_at.is_not(None), live())
            .order_by(Customer.pooled_at.desc(), Customer.id)
            .offset(offset)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def take_from_pool(self, customer_id: int, team_ids: Sequence[int], owner: int) -> bool:
        """Claim atomically: of two reps pressing Claim at once, exactly one gets it."""
        stmt = (
            update(Customer)
            .where(Customer.id == customer_id, Customer.owner_id.is_(None))
            .where(Customer.pool_team_id.in_(sorted(team_ids)), Customer.pooled_at.is_not(None))
            .values(owner_id=owner, pool_team_id=None, pooled_at=None)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def changes_by(self, user_id: int, reason: str, since: datetime) -> int:
        stmt = select(func.count(OwnerChange.id)).where(
            OwnerChange.by_user_id == user_id, OwnerChange.reason == reason
        )
        return int(await self.session.scalar(stmt.where(OwnerChange.at >= since)) or 0)

    async def pool_candidates(
        self, org_id: int, contact_before: datetime, deal_before: datetime
    ) -> list[tuple[Customer, datetime, datetime]]:
        """Owned customers whose contact clock or deal clock started before a cutoff.

        Both clocks start at the later of creation and the moment the current owner got the
        customer (assignment, routing, claim, a manager's extension): a customer claimed
        today is not overdue because nobody called them last year."""
        deal_touch = (
            select(
                Deal.customer_id, func.max(Deal.stage_changed_at, type_=UTCDateTime()).label("at")
            )
            .where(Deal.org_id == org_id)
            .group_by(Deal.customer_id)
            .subquery()
        )
        handed = (
            select(
                OwnerChange.customer_id,
                OwnerChange.to_owner_id,
                func.max(OwnerChange.at, type_=UTCDateTime()).label("at"),
            )
            .where(OwnerChange.org_id == org_id, OwnerChange.to_owner_id.is_not(None))
            .group_by(OwnerChange.customer_id, OwnerChange.to_owner_id)
            .subquery()
        )
        start = _later(Customer.created_at, handed.c.at)
        contact = _later(start, Customer.last_contact_at)
        dealt = _later(start, deal_touch.c.at)
        stmt = (
            select(Customer, contact, dealt)
            .outerjoin(deal_touch, deal_touch.c.customer_id == Customer.id)
            .outerjoin(
                handed,
                (handed.c.customer_id == Customer.id)
                & (handed.c.to_owner_id == Customer.owner_id),
            )
            .where(Customer.org_id == org_id, Customer.owner_id.is_not(None), live())
            .where((contact < contact_before) | (dealt < deal_before))
            .order_by(Customer.id)
        )
        return [(c, a, b) for c, a, b in (await self.session.execute(stmt)).all()]

    async def routing_history(
        self, user_ids: Sequence[int], since: datetime
    ) -> dict[int, tuple[int, datetime]]:
        """Per rep: leads routed to them since a moment, and when the last one came."""
        last = func.max(OwnerChange.at, type_=UTCDateTime())
        stmt = (
            select(OwnerChange.to_owner_id, func.count(OwnerChange.id), last)
            .where(OwnerChange.to_owner_id.in_(sorted(user_ids)), OwnerChange.reason == "routing")
            .where(OwnerChange.at >= since)
            .group_by(OwnerChange.to_owner_id)
        )
        rows = (await self.session.execute(stmt)).all()
        return {int(u or 0): (int(n), at) for u, n, at in rows}

    async def unrouted(self, org_id: int, limit: int = 500) -> Sequence[Customer]:
        """Leads nobody owns that are not sitting in a pool."""
        stmt = (
            select(Customer)
            .where(Customer.org_id == org_id, Customer.owner_id.is_(None))
            .where(Customer.pooled_at.is_(None), live())
            .order_by(Customer.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()


def _later(first: Any, second: Any) -> ColumnElement[datetime]:
    """The later of two moments, `second` possibly NULL; the same SQL on both backends
    (SQLite's max() and PostgreSQL's greatest() differ in name and NULL handling)."""
    other = func.coalesce(second, first, type_=UTCDateTime())
    return case((other > first, other), else_=first)
