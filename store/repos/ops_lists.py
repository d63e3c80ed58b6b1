"""Customer lists by segment, and how many customers sit in each segment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Customer
from store.scope import Scope


@dataclass(frozen=True)
class SegmentFilter:
    abc: str | None = None
    lifecycle: str | None = None
    value_class: str | None = None
    quiet_since: datetime | None = None  # not contacted since this moment


class OpsListQueries:
    session: AsyncSession

    async def segment_customers(
        self, scope: Scope, wanted: SegmentFilter, limit: int = 20, offset: int = 0
    ) -> tuple[int, Sequence[Customer]]:
        """How many customers match, and the first few, longest-uncontacted first."""
        conds = [
            scope.where(Customer.org_id, Customer.owner_id),
            Customer.merged_into_id.is_(None),
            Customer.anonymised_at.is_(None),
        ]
        for column, value in (
            (Customer.segment_abc, wanted.abc),
            (Customer.lifecycle, wanted.lifecycle),
            (Customer.value_class, wanted.value_class),
        ):
            if value is not None:
                conds.append(column == value)
        if wanted.quiet_since is not None:
            last = Customer.last_contact_at
            conds.append(or_(last.is_(None), last < wanted.quiet_since))
        where = and_(*conds)
        total = int(await self.session.scalar(select(func.count(Customer.id)).where(where)) or 0)
        stmt = (
            select(Customer)
            .where(where)
            .order_by(Customer.last_contact_at.is_not(None), Customer.last_contact_at, Customer.id)
            .offset(offset)
            .limit(limit)
        )
        return total, (await self.session.scalars(stmt)).all()

    async def segment_counts(self, scope: Scope) -> dict[str, dict[str, int]]:
        """{"abc": {"A": n…}, "lifecycle": {…}, "value_class": {…}} over visible customers."""
        counts: dict[str, dict[str, int]] = {}
        for name in ("segment_abc", "lifecycle", "value_class"):
            column = getattr(Customer, name)
            stmt = (
                select(column, func.count(Customer.id))
                .where(scope.where(Customer.org_id, Customer.owner_id))
                .where(Customer.merged_into_id.is_(None), column.is_not(None))
                .group_by(column)
            )
            rows = (await self.session.execute(stmt)).all()
            counts[name] = {str(k): int(n) for k, n in rows}
        return counts
