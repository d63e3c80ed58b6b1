"""Set-based figures: nightly segments for a whole org in one UPDATE, and the sales funnel.

Segments are computed by the database (aggregates and window functions), never row by row
in Python: 200k customers take seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Integer, String, case, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from store.models import Activity, Customer, Deal, DealStageHistory, Feedback, PipelineStage
from store.types import Money, UTCDateTime


@dataclass(frozen=True)
class ClosedRow:
    owner_id: int | None
    currency: str
    won: int
    lost: int
    won_amount: Decimal  # in `currency`, over the won deals that have an amount
    priced: int  # won deals with an amount
    cycle_days: float  # average over won deals


@dataclass(frozen=True)
class SegmentCutoffs:
    year_ago: datetime  # revenue and frequency look back this far
    dormant_before: datetime
    lost_before: datetime


class OpsFigureQueries:
    session: AsyncSession

    async def recompute_segments(self, org_id: int, cut: SegmentCutoffs, now: datetime) -> int:
        ranked = _ranked(org_id, cut).subquery()
        stmt = (
            update(Customer)
            .where(Customer.id == ranked.c.id)
            .values(
                segment_abc=ranked.c.abc,
                rfm=cast(ranked.c.r, String) + cast(ranked.c.f, String) + cast(ranked.c.m, String),
                value_class=_value_class(ranked.c.r, ranked.c.m),
                lifecycle=ranked.c.lifecycle,
                segmented_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0)

    async def deal_reach(
        self, org_id: int, start: datetime, end: datetime
    ) -> list[tuple[int | None, int, str]]:
        """(owner, furthest pipeline position reached, outcome) for deals created in a window."""
        reached = func.max(
            case((PipelineStage.outcome == "lost", literal(-1)), else_=PipelineStage.position)
        )
        stmt = (
            select(Deal.owner_id, reached, Deal.stage)
            .join(DealStageHistory, DealStageHistory.deal_id == Deal.id)
            .join(
                PipelineStage,
                (PipelineStage.org_id == Deal.org_id)
                & (PipelineStage.key == DealStageHistory.to_stage),
            )
            .where(Deal.org_id == org_id, Deal.created_at >= start, Deal.created_at < end)
            .group_by(Deal.id, Deal.owner_id, Deal.stage)
        )
        return [(o, int(p), str(s)) for o, p, s in (await self.session.execute(stmt)).all()]

    async def time_in_stage(
        self, org_id: int, start: datetime, end: datetime
    ) -> list[tuple[int | None, str, float, int]]:
        """(owner, stage, average days spent, stays) for stays that ended in the window."""
        left = func.lead(DealStageHistory.at).over(
            partition_by=DealStageHistory.deal_id,
            order_by=(DealStageHistory.at, DealStageHistory.id),
        )
        stays = (
            select(
                Deal.owner_id, DealStageHistory.to_stage, DealStageHistory.at, left.label("left")
            )
            .join(Deal, Deal.id == DealStageHistory.deal_id)
            .where(Deal.org_id == org_id)
            .subquery()
        )
        days = self._days(stays.c.left) - self._days(stays.c.at)
        stmt = (
            select(stays.c.owner_id, stays.c.to_stage, func.avg(days), func.count())
            .where(stays.c.left >= start, stays.c.left < end)
            .group_by(stays.c.owner_id, stays.c.to_stage)
        )
        rows = (await self.session.execute(stmt)).all()
        return [(o, str(s), float(d or 0), int(n)) for o, s, d, n in rows]

    async def closed_figures(
        self, org_id: int, start: datetime, end: datetime
    ) -> list[ClosedRow]:
        """Closed deals per owner and currency: amounts are never added across currencies."""
        won = Deal.stage == "won"
        priced = won & Deal.amount.is_not(None)
        cycle = self._days(Deal.closed_at) - self._days(Deal.created_at)
        stmt = (
            select(
                Deal.owner_id,
                Deal.currency,
                func.sum(case((won, 1), else_=0)),
                func.sum(case((Deal.stage == "lost", 1), else_=0)),
                func.sum(case((priced, Deal.amount), else_=None), type_=Money()),
                func.sum(case((priced, 1), else_=0)),
                func.avg(case((won, cycle), else_=None)),
            )
            .where(Deal.org_id == org_id, Deal.stage.in_(("won", "lost")))
            .where(Deal.closed_at >= start, Deal.closed_at < end)
            .group_by(Deal.owner_id, Deal.currency)
        )
        rows = (await self.session.execute(stmt)).all()
        return [
            ClosedRow(o, str(cur), int(w), int(lo), a or Decimal(0), int(p), float(c or 0))
            for o, cur, w, lo, a, p, c in rows
        ]

    def _days(self, col: Any) -> ColumnElement[Any]:
        """A timestamp as fractional days, on either backend, for differences in SQL."""
        if self.session.get_bind().dialect.name == "sqlite":
            return cast(func.julianday(col), Float)
        return cast(func.extract("epoch", col), Float) / 86400.0


def _ranked(org_id: int, cut: SegmentCutoffs) -> Any:
    deals = (
        select(
            Deal.customer_id,
            func.sum(case((Deal.stage == "won", 1), else_=0)).label("won_n"),
            func.sum(case((Deal.stage == "lost", 1), else_=0)).label("lost_n"),
            func.sum(case((Deal.stage.not_in(("won", "lost")), 1), else_=0)).label("open_n"),
        )
        .where(Deal.org_id == org_id)
        .group_by(Deal.customer_id)
        .subquery()
    )
    acts = (
        select(Activity.customer_id, func.count(Activity.id).label("n"))
        .where(Activity.org_id == org_id, Activity.happened_at >= cut.year_ago)
        .group_by(Activity.customer_id)
        .subquery()
    )
    fb = (
        select(Feedback.customer_id, func.avg(Feedback.score).label("score"))
        .where(Feedback.org_id == org_id)
        .group_by(Feedback.customer_id)
        .subquery()
    )
    money = _money_scores(org_id, cut)
    won_n = func.coalesce(deals.c.won_n, 0)
    freq = func.coalesce(acts.c.n, 0) + won_n
    touch = func.coalesce(Customer.last_contact_at, Customer.created_at, type_=UTCDateTime())
    base = (
        select(
            Customer.id.label("id"),
            func.coalesce(money.c.abc, "C").label("abc"),
            func.coalesce(money.c.m, 1).label("m"),
            freq.label("freq"),
            touch.label("touch"),
            won_n.label("won_n"),
            func.coalesce(deals.c.lost_n, 0).label("lost_n"),
            func.coalesce(deals.c.open_n, 0).label("open_n"),
            func.coalesce(fb.c.score, 0).label("score"),
        )
        .outerjoin(deals, deals.c.customer_id == Customer.id)
        .outerjoin(money, money.c.customer_id == Customer.id)
        .outerjoin(acts, acts.c.customer_id == Customer.id)
        .outerjoin(fb, fb.c.customer_id == Customer.id)
        .where(Customer.org_id == org_id, Customer.merged_into_id.is_(None))
        .where(Customer.anonymised_at.is_(None))
        .subquery()
    )
    return select(
        base.c.id,
        base.c.abc,
        _quintile(base.c.touch, None).label("r"),
        _quintile(base.c.freq, base.c.freq > 0).label("f"),
        base.c.m,
        _lifecycle(base, cut).label("lifecycle"),
    )


def _money_scores(org_id: int, cut: SegmentCutoffs) -> Any:
    """ABC class and RFM monetary score per customer, ranked within each currency: yuan and
    dollars are never added. A customer paying in two currencies keeps the better score."""
    won = (
        select(
            Deal.customer_id.label("customer_id"),
            Deal.currency.label("currency"),
            func.sum(cast(Deal.amount, Integer)).label("rev"),  # cents, exact
        )
        .join(Customer, Customer.id == Deal.customer_id)
        .where(Deal.org_id == org_id, Deal.stage == "won", Deal.closed_at >= cut.year_ago)
        .where(cast(Deal.amount, Integer) > 0)
        .where(Customer.merged_into_id.is_(None), Customer.anonymised_at.is_(None))
        .group_by(Deal.customer_id, Deal.currency)
        .subquery()
    )
    order = (won.c.rev.desc(), won.c.customer_id)
    before = func.sum(won.c.rev).over(partition_by=won.c.currency, order_by=order) - won.c.rev
    total = func.sum(won.c.rev).over(partition_by=won.c.currency)
    abc = case((before * 100 < total * 80, "A"), (before * 100 < total * 95, "B"), else_="C")
    share = func.cume_dist().over(partition_by=won.c.currency, order_by=won.c.rev)
    scored = select(won.c.customer_id, abc.label("abc"), _score(share).label("m")).subquery()
    return (
        select(
            scored.c.customer_id,
            func.min(scored.c.abc).label("abc"),  # "A" < "B" < "C"
            func.max(scored.c.m).label("m"),
        )
        .group_by(scored.c.customer_id)
        .subquery()
    )


def _quintile(col: Any, positive: ColumnElement[bool] | None) -> ColumnElement[int]:
    """1–5 by cumulative share (ties share a score); zero values score 1 when `positive`."""
    if positive is None:
        return _score(func.cume_dist().over(order_by=col))
    share = func.cume_dist().over(partition_by=positive, order_by=col)
    return case((positive, _score(share)), else_=1)


def _score(share: Any) -> ColumnElement[int]:
    # Thresholds, not CAST: PostgreSQL rounds a cast to integer where SQLite truncates.
    steps = [(share <= limit, n) for n, limit in ((1, 0.2), (2, 0.4), (3, 0.6), (4, 0.8))]
    return case(*steps, else_=5)


def _lifecycle(base: Any, cut: SegmentCutoffs) -> ColumnElement[str]:
    only_lost = (base.c.won_n == 0) & (base.c.open_n == 0) & (base.c.lost_n > 0)
    return case(
        (only_lost & (base.c.touch < cut.lost_before), "lost"),
        (base.c.touch < cut.dormant_before, "dormant"),
        ((base.c.won_n >= 2) & (base.c.score >= 4.5), "advocate"),
        (base.c.won_n >= 2, "loyal"),
        (base.c.won_n >= 1, "customer"),
        else_="prospect",
    )


def _value_class(r: Any, m: Any) -> ColumnElement[str]:
    return case(
        ((r >= 3) & (m >= 3), "value"),
        (r >= 3, "potential"),
        (m >= 3, "migrating"),
        else_="frozen",
    )
