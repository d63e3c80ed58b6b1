"""What scheduled jobs claim: due reminders, cron slots, and the care log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import (
    CareLog,
    Customer,
    CustomerLink,
    Deal,
    Feedback,
    Identity,
    JobRun,
    PipelineStage,
    Reminder,
    User,
)
from store.repos.once import insert_once

OPEN = ("pending", "snoozed", "sent")


class JobRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _is_pg(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    async def claim_due_reminders(
        self, now: datetime, limit: int, lease: timedelta
    ) -> Sequence[Reminder]:
        """Due reminders for this instance only; others skip them until commit or lease end.

        PostgreSQL: FOR UPDATE SKIP LOCKED, so several instances claim disjoint batches.
        SQLite: the transaction began IMMEDIATE, so claimers are serialised already.
        A 'claimed' row whose lease ran out (its claimer died between phases) is due again.
        """
        due = or_(
            Reminder.status.in_(("pending", "snoozed")) & (Reminder.due_at <= now),
            (Reminder.status == "claimed") & (Reminder.lease_until < now),
        )
        stmt = select(Reminder).where(due).order_by(Reminder.due_at, Reminder.id).limit(limit)
        if self._is_pg():
            stmt = stmt.with_for_update(skip_locked=True)
        rows = (await self.session.scalars(stmt)).all()
        for row in rows:
            row.status, row.lease_until = "claimed", now + lease
        await self.session.flush()
        return rows

    async def users(self, user_ids: Sequence[int]) -> dict[int, User]:
        if not user_ids:
            return {}
        stmt = select(User).where(User.id.in_(sorted(set(user_ids))))
        return {u.id: u for u in (await self.session.scalars(stmt)).all()}

    async def identities(self, user_ids: Sequence[int]) -> dict[int, Identity]:
        """Each user's first reachable identity (not blocked), one query for a whole batch."""
        if not user_ids:
            return {}
        stmt = (
            select(Identity)
            .where(Identity.user_id.in_(sorted(set(user_ids))), Identity.blocked_at.is_(None))
            .order_by(Identity.id)
        )
        found: dict[int, Identity] = {}
        for identity in (await self.session.scalars(stmt)).all():
            found.setdefault(identity.user_id, identity)
        return found

    async def customer_names(self, customer_ids: Sequence[int]) -> dict[int, str]:
        if not customer_ids:
            return {}
        stmt = select(Customer.id, Customer.name).where(Customer.id.in_(sorted(set(customer_ids))))
        return {cid: name for cid, name in (await self.session.execute(stmt)).all()}

    async def mark_reminders(self, ids: Sequence[int], status: str, now: datetime) -> None:
        if ids:
            await self.session.execute(
                update(Reminder)
                .where(Reminder.id.in_(ids))
                .values(status=status, lease_until=None, updated_at=now)
            )

    async def claim_slot(self, job: str, slot: str, instance: str, now: datetime) -> bool:
        """Insert job_run(job, slot); False when someone else already has it (do nothing)."""
        run = {"job": job, "slot": slot, "instance": instance[:64], "started_at": now}
        return await insert_once(self.session, JobRun, run)

    async def finish_slot(self, job: str, slot: str, now: datetime) -> None:
        await self.session.execute(
            update(JobRun).where(JobRun.job == job, JobRun.slot == slot).values(finished_at=now)
        )

    async def slot_taken(self, job: str, slot: str) -> bool:
        stmt = select(JobRun.id).where(JobRun.job == job, JobRun.slot == slot)
        return (await self.session.scalar(stmt)) is not None

    async def log_care(self, entry: dict[str, Any]) -> bool:
        """Record a care message (care_log columns); False when its key was logged before."""
        return await insert_once(self.session, CareLog, entry)

    async def care_counts(
        self, customer_ids: Sequence[int], since: datetime
    ) -> dict[tuple[int, str], int]:
        """Care messages per (customer, channel) since a moment: for monthly budgets."""
        if not customer_ids:
            return {}
        stmt = (
            select(CareLog.customer_id, CareLog.channel, func.count(CareLog.id))
            .where(CareLog.customer_id.in_(sorted(set(customer_ids))), CareLog.sent_at >= since)
            .group_by(CareLog.customer_id, CareLog.channel)
        )
        rows = (await self.session.execute(stmt)).all()
        return {(int(c), str(ch)): int(n) for c, ch, n in rows}

    async def care_audience(self, org_id: int) -> list[tuple[Customer, CustomerLink]]:
        """Customers who consented, each with a link that consented and can be written to."""
        stmt = (
            select(Customer, CustomerLink)
            .join(CustomerLink, CustomerLink.customer_id == Customer.id)
            .where(Customer.org_id == org_id, Customer.care_consent.is_(True))
            .where(CustomerLink.consent.is_(True), CustomerLink.subscribed.is_(True))
            .where(CustomerLink.opted_out_at.is_(None))
            .order_by(Customer.id, CustomerLink.id.desc())
        )
        rows = (await self.session.execute(stmt)).all()
        seen: dict[int, tuple[Customer, CustomerLink]] = {}
        for customer, link in rows:
            seen.setdefault(customer.id, (customer, link))  # the newest link wins
        return list(seen.values())

    async def won_between(self, org_id: int, start: datetime, end: datetime) -> Sequence[Deal]:
        won = select(PipelineStage.key).where(
            PipelineStage.org_id == org_id, PipelineStage.outcome == "won"
        )
        stmt = (
            select(Deal)
            .where(Deal.org_id == org_id, Deal.stage.in_(won))
            .where(Deal.closed_at >= start, Deal.closed_at < end)
        )
        return (await self.session.scalars(stmt)).all()

    async def add_feedback(self, row: Feedback) -> None:
        self.session.add(row)
        await self.session.flush()
