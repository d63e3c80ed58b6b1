"""The read-mostly lists a rep opens from chat: their book, agenda, receivables and tickets.

Every list is read a page at a time (offset, limit) in a stable order, so ▶ more shows the
next items and never one twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, extract, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Customer, CustomerLink, Deal, Feedback, Instalment, Reminder, Ticket
from store.repos.deals import still_open
from store.scope import Scope
from store.types import Money

OPEN_REMINDER = ("pending", "snoozed", "sent", "claimed")
BookSort = Literal["last", "tier", "amount"]
Totals = dict[str, Decimal]


def _live() -> ColumnElement[bool]:
    return and_(Customer.merged_into_id.is_(None), Customer.anonymised_at.is_(None))


def _outstanding() -> Any:
    return Instalment.amount - Instalment.paid_amount


class ViewRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ---- a rep's book -------------------------------------------------------------------
    async def book(
        self,
        org_id: int,
        owner_id: int,
        sort: BookSort,
        currency: str | None,
        offset: int,
        limit: int,
    ) -> Sequence[Customer]:
        """The owner's live customers; never-contacted and longest-quiet first, unless sorted
        by tier (A first) or by the open deal amount in one currency (largest first)."""
        quiet = (Customer.last_contact_at.asc().nulls_first(), Customer.id)
        stmt = select(Customer).where(
            Customer.org_id == org_id, Customer.owner_id == owner_id, _live()
        )
        if sort == "tier":
            stmt = stmt.order_by(Customer.tier, *quiet)
        elif sort == "amount":
            total = (
                select(Deal.customer_id, func.sum(Deal.amount, type_=Money()).label("total"))
                .where(Deal.org_id == org_id, still_open(Deal.stage), Deal.currency == currency)
                .group_by(Deal.customer_id)
                .subquery()
            )
            stmt = stmt.outerjoin(total, total.c.customer_id == Customer.id)
            stmt = stmt.order_by(total.c.total.desc().nulls_last(), *quiet)
        else:
            stmt = stmt.order_by(*quiet)
        return (await self.session.scalars(stmt.offset(offset).limit(limit))).all()

    async def book_size(self, org_id: int, owner_ids: Sequence[int]) -> dict[int, int]:
        stmt = (
            select(Customer.owner_id, func.count(Customer.id))
            .where(Customer.org_id == org_id, Customer.owner_id.in_(sorted(owner_ids)), _live())
            .group_by(Customer.owner_id)
        )
        return {int(o or 0): int(n) for o, n in (await self.session.execute(stmt)).all()}

    async def quiet_counts(
        self, org_id: int, owner_ids: Sequence[int], before: datetime
    ) -> dict[int, int]:
        """Per owner, live customers not contacted since `before` (or never)."""
        quiet = or_(Customer.last_contact_at.is_(None), Customer.last_contact_at < before)
        stmt = (
            select(Customer.owner_id, func.count(Customer.id))
            .where(Customer.org_id == org_id, Customer.owner_id.in_(sorted(owner_ids)))
            .where(_live(), quiet)
            .group_by(Customer.owner_id)
        )
        return {int(o or 0): int(n) for o, n in (await self.session.execute(stmt)).all()}

    async def open_totals(self, customer_ids: Sequence[int]) -> dict[int, Totals]:
        """Open deal amounts per customer, per currency (currencies are never added up)."""
        if not customer_ids:
            return {}
        stmt = (
            select(Deal.customer_id, Deal.currency, func.sum(Deal.amount, type_=Money()))
            .where(Deal.customer_id.in_(sorted(set(customer_ids))), still_open(Deal.stage))
            .where(Deal.amount.is_not(None))
            .group_by(Deal.customer_id, Deal.currency)
        )
        totals: dict[int, Totals] = {}
        for customer_id, currency, amount in (await self.session.execute(stmt)).all():
            totals.setdefault(int(customer_id), {})[str(currency)] = amount or Decimal(0)
        return totals

    async def owner_totals(self, org_id: int, owner_ids: Sequence[int]) -> dict[int, Totals]:
        """Open deal amounts per owner, per currency."""
        stmt = (
            select(Deal.owner_id, Deal.currency, func.sum(Deal.amount, type_=Money()))
            .where(Deal.org_id == org_id, Deal.owner_id.in_(sorted(owner_ids)))
            .where(still_open(Deal.stage), Deal.amount.is_not(None))
            .group_by(Deal.owner_id, Deal.currency)
        )
        totals: dict[int, Totals] = {}
        for owner_id, currency, amount in (await self.session.execute(stmt)).all():
            totals.setdefault(int(owner_id or 0), {})[str(currency)] = amount or Decimal(0)
        return totals

    async def open_currencies(self, org_id: int, owner_id: int) -> list[str]:
        """Currencies of the owner's customers' open deals, most used first."""
        stmt = (
            select(Deal.currency, func.count(Deal.id))
            .join(Customer, Customer.id == Deal.customer_id)
            .where(Customer.org_id == org_id, Customer.owner_id == owner_id, _live())
            .where(still_open(Deal.stage), Deal.amount.is_not(None))
            .group_by(Deal.currency)
        )
        rows = (await self.session.execute(stmt)).all()
        return [str(c) for c, _ in sorted(rows, key=lambda r: (-int(r[1]), str(r[0])))]

    # ---- reminders and birthdays --------------------------------------------------------
    async def reminders_between(
        self, user_id: int, start: datetime, end: datetime, offset: int = 0, limit: int = 500
    ) -> Sequence[Reminder]:
        stmt = (
            select(Reminder)
            .where(Reminder.user_id == user_id, Reminder.status.in_(OPEN_REMINDER))
            .where(Reminder.due_at >= start, Reminder.due_at < end)
            .order_by(Reminder.due_at, Reminder.id)
            .offset(offset)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def count_overdue(self, user_id: int, before: datetime) -> int:
        stmt = select(func.count(Reminder.id)).where(
            Reminder.user_id == user_id,
            Reminder.status.in_(OPEN_REMINDER),
            Reminder.due_at < before,
        )
        return int(await self.session.scalar(stmt) or 0)

    async def birthdays(
        self,
        org_id: int,
        owner_id: int,
        solar: Sequence[tuple[int, int]],
        lunar: Sequence[tuple[int, int]],
    ) -> Sequence[Customer]:
        """The owner's customers born on one of these (month, day)s, of their own calendar."""
        month, day = extract("month", Customer.birthday), extract("day", Customer.birthday)
        on_solar = [and_(month == m, day == d) for m, d in solar]
        on_lunar = [and_(month == m, day == d) for m, d in lunar]
        stmt = (
            select(Customer)
            .where(Customer.org_id == org_id, Customer.owner_id == owner_id, _live())
            .where(Customer.birthday.is_not(None))
            .where(
                or_(
                    and_(Customer.birthday_lunar.is_(False), or_(*on_solar)),
                    and_(Customer.birthday_lunar.is_(True), or_(*on_lunar)),
                )
            )
            .order_by(Customer.id)
        )
        return (await self.session.scalars(stmt)).all()

    # ---- receivables ---------------------------------------------------------------------
    async def unpaid(
        self, scope: Scope, until: date, offset: int = 0, limit: int = 500
    ) -> list[tuple[Instalment, Deal, Customer]]:
        """Unpaid instalments of visible deals due on or before `until` (overdue first)."""
        stmt = (
            select(Instalment, Deal, Customer)
            .join(Deal, Deal.id == Instalment.deal_id)
            .join(Customer, Customer.id == Deal.customer_id)
            .where(scope.where(Deal.org_id, Deal.owner_id), Instalment.due_date <= until)
            .where(Instalment.paid_amount < Instalment.amount, Deal.stage != "lost")
            .order_by(Instalment.due_date, Instalment.id)
            .offset(offset)
            .limit(limit)
        )
        return [(i, d, c) for i, d, c in (await self.session.execute(stmt)).all()]

    async def unpaid_totals(
        self, scope: Scope, today: date, until: date
    ) -> dict[bool, tuple[Totals, int]]:
        """{overdue?: (outstanding per currency, how many instalments)} up to `until`."""
        overdue = case((Instalment.due_date < today, 1), else_=0)
        stmt = (
            select(overdue, Instalment.currency, func.sum(_outstanding(), type_=Money()))
            .add_columns(func.count(Instalment.id))
            .join(Deal, Deal.id == Instalment.deal_id)
            .where(scope.where(Deal.org_id, Deal.owner_id), Instalment.due_date <= until)
            .where(Instalment.paid_amount < Instalment.amount, Deal.stage != "lost")
            .group_by(overdue, Instalment.currency)
        )
        result: dict[bool, tuple[Totals, int]] = {True: ({}, 0), False: ({}, 0)}
        for late, currency, amount, count in (await self.session.execute(stmt)).all():
            totals, n = result[bool(late)]
            totals[str(currency)] = amount
            result[bool(late)] = (totals, n + int(count))
        return result

    async def customer_plan(self, scope: Scope, customer_id: int) -> list[tuple[Instalment, Deal]]:
        """Every instalment of the customer's visible deals, by deal then due date."""
        stmt = (
            select(Instalment, Deal)
            .join(Deal, Deal.id == Instalment.deal_id)
            .where(scope.where(Deal.org_id, Deal.owner_id), Deal.customer_id == customer_id)
            .order_by(Deal.id, Instalment.due_date, Instalment.id)
        )
        return [(i, d) for i, d in (await self.session.execute(stmt)).all()]

    # ---- tickets -------------------------------------------------------------------------
    def _ticket_visible(self, scope: Scope) -> ColumnElement[bool]:
        """Assigned to someone in scope, or about a customer owned by someone in scope."""
        return or_(
            scope.where(Ticket.org_id, Ticket.assignee_id),
            scope.where(Ticket.org_id, Customer.owner_id),
        )

    async def open_tickets(
        self, scope: Scope, offset: int, limit: int
    ) -> list[tuple[Ticket, Customer | None]]:
        stmt = (
            select(Ticket, Customer)
            .outerjoin(Customer, Customer.id == Ticket.customer_id)
            .where(self._ticket_visible(scope), Ticket.status == "open")
            .order_by(Ticket.due_by, Ticket.id)
            .offset(offset)
            .limit(limit)
        )
        return [(tk, c) for tk, c in (await self.session.execute(stmt)).all()]

    async def ticket(self, scope: Scope, ticket_id: int) -> tuple[Ticket, Customer | None] | None:
        stmt = (
            select(Ticket, Customer)
            .outerjoin(Customer, Customer.id == Ticket.customer_id)
            .where(self._ticket_visible(scope), Ticket.id == ticket_id)
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def customer_tickets(self, customer_id: int, limit: int = 3) -> Sequence[Ticket]:
        stmt = (
            select(Ticket)
            .where(Ticket.customer_id == customer_id, Ticket.status == "open")
            .order_by(Ticket.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def count_customer_tickets(self, customer_id: int) -> int:
        stmt = select(func.count(Ticket.id)).where(
            Ticket.customer_id == customer_id, Ticket.status == "open"
        )
        return int(await self.session.scalar(stmt) or 0)

    async def latest_feedback(self, customer_id: int) -> Feedback | None:
        stmt = (
            select(Feedback)
            .where(Feedback.customer_id == customer_id)
            .order_by(Feedback.at.desc(), Feedback.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def link(self, link_id: int) -> CustomerLink | None:
        """The customer's chat identity a ticket came in on (where a reply goes)."""
        return await self.session.get(CustomerLink, link_id)
