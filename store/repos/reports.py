"""The digest's and brief's aggregate queries: one statement per figure for a whole org.

Everything is grouped by owner in SQL, so the number of statements never grows with the
number of reps; callers slice the results per team in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, exists, extract, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Activity, Customer, Deal, DealStageHistory, Instalment, Reminder
from store.types import Money, UTCDateTime

OPEN = ("pending", "snoozed", "sent", "claimed")
CLOSED = ("won", "lost")
Counts = dict[int, int]


class ReportRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _counts(self, stmt: object) -> Counts:
        rows = (await self.session.execute(stmt)).all()  # type: ignore[call-overload]
        return {int(owner): int(n) for owner, n in rows if owner is not None}

    async def activity_counts(
        self, org_id: int, start: datetime, end: datetime, kind: str | None = "visit"
    ) -> Counts:
        stmt = select(Activity.user_id, func.count(Activity.id)).where(
            Activity.org_id == org_id, Activity.happened_at >= start, Activity.happened_at < end
        )
        if kind is not None:
            stmt = stmt.where(Activity.kind == kind)
        return await self._counts(stmt.group_by(Activity.user_id))

    async def new_customers(self, org_id: int, start: datetime, end: datetime) -> Counts:
        stmt = (
            select(Customer.owner_id, func.count(Customer.id))
            .where(Customer.org_id == org_id)
            .where(Customer.created_at >= start, Customer.created_at < end)
            .group_by(Customer.owner_id)
        )
        return await self._counts(stmt)

    async def stage_moves(
        self, org_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, str, int]]:
        """(deal owner, stage moved to, how many) for moves in the window; creations excluded."""
        stmt = (
            select(Deal.owner_id, DealStageHistory.to_stage, func.count(DealStageHistory.id))
            .join(Deal, Deal.id == DealStageHistory.deal_id)
            .where(Deal.org_id == org_id, DealStageHistory.from_stage.is_not(None))
            .where(DealStageHistory.at >= start, DealStageHistory.at < end)
            .group_by(Deal.owner_id, DealStageHistory.to_stage)
        )
        rows = (await self.session.execute(stmt)).all()
        return [(int(o), str(s), int(n)) for o, s, n in rows if o is not None]

    async def overdue_reminders(self, org_id: int, before: datetime) -> Counts:
        stmt = (
            select(Reminder.user_id, func.count(Reminder.id))
            .where(Reminder.org_id == org_id, Reminder.status.in_(OPEN))
            .where(Reminder.due_at < before)
            .group_by(Reminder.user_id)
        )
        return await self._counts(stmt)

    async def pipeline(self, org_id: int) -> list[tuple[int, str, str, int, Decimal]]:
        """(owner, stage, currency, open deals, their amount) over the org's open deals."""
        total = func.sum(Deal.amount, type_=Money())
        stmt = (
            select(Deal.owner_id, Deal.stage, Deal.currency, func.count(Deal.id), total)
            .where(Deal.org_id == org_id, Deal.stage.not_in(CLOSED))
            .group_by(Deal.owner_id, Deal.stage, Deal.currency)
        )
        rows = (await self.session.execute(stmt)).all()
        return [
            (int(o), str(s), str(c), int(n), _money(a)) for o, s, c, n, a in rows if o is not None
        ]

    async def overdue_payments(
        self, org_id: int, today: date
    ) -> list[tuple[int, str, int, Decimal]]:
        """(owner, currency, overdue instalments, amount outstanding) for instalments due
        before today; one row per currency, so yuan and dollars are never added."""
        outstanding = func.sum(Instalment.amount - Instalment.paid_amount, type_=Money())
        stmt = (
            select(Deal.owner_id, Instalment.currency, func.count(Instalment.id), outstanding)
            .join(Deal, Deal.id == Instalment.deal_id)
            .where(Instalment.org_id == org_id, Instalment.due_date < today)
            .where(Instalment.paid_amount < Instalment.amount)
            .group_by(Deal.owner_id, Instalment.currency)
        )
        rows = (await self.session.execute(stmt)).all()
        return [(int(o), str(c), int(n), _money(a)) for o, c, n, a in rows if o is not None]

    async def stale_deals(
        self, org_id: int, now: datetime, cutoffs: Mapping[str, datetime]
    ) -> Sequence[Deal]:
        """Open deals untouched since their stage's cutoff with nothing scheduled ahead."""
        if not cutoffs:
            return []
        untouched = [
            and_(
                Deal.stage == stage,
                Deal.stage_changed_at < cutoff,
                ~exists().where(
                    Activity.customer_id == Deal.customer_id, Activity.happened_at >= cutoff
                ),
            )
            for stage, cutoff in cutoffs.items()
        ]
        ahead = exists().where(
            Reminder.customer_id == Deal.customer_id,
            Reminder.status.in_(OPEN),
            Reminder.due_at >= now,
        )
        stmt = (
            select(Deal)
            .where(Deal.org_id == org_id, or_(*untouched), ~ahead)
            .order_by(Deal.owner_id, Deal.stage_changed_at)
        )
        return (await self.session.scalars(stmt)).all()

    async def last_activity(self, customer_ids: Sequence[int]) -> dict[int, datetime]:
        if not customer_ids:
            return {}
        stmt = (
            select(Activity.customer_id, func.max(Activity.happened_at, type_=UTCDateTime()))
            .where(Activity.customer_id.in_(sorted(set(customer_ids))))
            .group_by(Activity.customer_id)
        )
        rows = (await self.session.execute(stmt)).all()
        return {int(c): at for c, at in rows if at is not None}

    async def open_reminders(
        self, user_ids: Sequence[int], before: datetime
    ) -> Sequence[Reminder]:
        """Open reminders of these users due before a moment, oldest first."""
        stmt = (
            select(Reminder)
            .where(Reminder.user_id.in_(sorted(set(user_ids))), Reminder.status.in_(OPEN))
            .where(Reminder.due_at < before)
            .order_by(Reminder.user_id, Reminder.due_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def birthdays(
        self, owner_ids: Sequence[int], solar: Sequence[tuple[int, int]], lunar: tuple[int, int]
    ) -> Sequence[Customer]:
        """Customers whose birthday (month, day) is one of `solar`, or `lunar` when lunar."""
        month, day = extract("month", Customer.birthday), extract("day", Customer.birthday)
        on_solar = [and_(month == m, day == d) for m, d in solar]
        on_lunar = and_(Customer.birthday_lunar.is_(True), month == lunar[0], day == lunar[1])
        stmt = (
            select(Customer)
            .where(Customer.owner_id.in_(sorted(set(owner_ids))))
            .where(Customer.birthday.is_not(None))
            .where(or_(and_(Customer.birthday_lunar.is_(False), or_(*on_solar)), on_lunar))
            .order_by(Customer.owner_id, Customer.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def instalments_due(
        self, owner_ids: Sequence[int], until: date
    ) -> list[tuple[Instalment, Deal]]:
        """Unpaid instalments of these owners' deals due on or before `until` (overdue too)."""
        stmt = (
            select(Instalment, Deal)
            .join(Deal, Deal.id == Instalment.deal_id)
            .where(Deal.owner_id.in_(sorted(set(owner_ids))), Instalment.due_date <= until)
            .where(Instalment.paid_amount < Instalment.amount)
            .order_by(Deal.owner_id, Instalment.due_date, Instalment.id)
        )
        return [(i, d) for i, d in (await self.session.execute(stmt)).all()]

    async def cancel_reset_cadence(self, org_id: int, now: datetime) -> int:
        """Cadence reminders made moot by a contact logged after them are cancelled."""
        contacted = exists().where(
            Customer.id == Reminder.customer_id, Customer.last_contact_at > Reminder.created_at
        )
        stmt = (
            update(Reminder)
            .where(Reminder.org_id == org_id, Reminder.kind == "cadence")
            .where(Reminder.status.in_(("pending", "snoozed", "sent")), contacted)
            .values(status="cancelled", updated_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0)

    async def cadence_due(
        self, org_id: int, tier: str, cutoff: datetime, limit: int
    ) -> Sequence[Customer]:
        """Owned customers of a tier not contacted since `cutoff`, without an open cadence one."""
        waiting = exists().where(
            Reminder.customer_id == Customer.id,
            Reminder.kind == "cadence",
            Reminder.status.in_(OPEN),
        )
        last = func.coalesce(Customer.last_contact_at, Customer.created_at)
        stmt = (
            select(Customer)
            .where(Customer.org_id == org_id, Customer.tier == tier)
            .where(Customer.owner_id.is_not(None), last < cutoff, ~waiting)
            .order_by(Customer.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()


def _money(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)
