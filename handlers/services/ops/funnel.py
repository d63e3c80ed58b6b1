"""Funnel analytics for a period: reach and conversion per stage, time in stage, win rate,
average deal size, sales cycle; per rep for the leaderboard. Figures come from three
grouped queries for the whole org and are sliced to the viewer's reps in memory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from handlers.i18n import Totals, add_to
from handlers.services.deals import Pipeline, pipeline
from store.repos.ops_figures import ClosedRow
from store.uow import UnitOfWork


@dataclass
class RepFigures:
    won: int = 0
    lost: int = 0
    amounts: Totals = field(default_factory=dict)  # won amount per currency, never added up
    priced: dict[str, int] = field(default_factory=dict)  # won deals with an amount, per currency
    cycle_days: float = 0.0

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None

    @property
    def average(self) -> Totals:
        """Average won deal per currency, over the won deals that carry an amount."""
        return {
            c: (v / self.priced[c]).quantize(Decimal("0.01"))
            for c, v in self.amounts.items()
            if self.priced.get(c)
        }

    def add(self, row: ClosedRow | RepFigures) -> None:
        won = row.won
        if won:  # the average cycle, weighted by won deals
            cycles = self.cycle_days * self.won + row.cycle_days * won
            self.cycle_days = cycles / (self.won + won)
        self.won, self.lost = self.won + won, self.lost + row.lost
        if isinstance(row, ClosedRow):
            pairs = [(row.currency, row.won_amount, row.priced)] if row.priced else []
        else:
            pairs = [(c, v, row.priced.get(c, 0)) for c, v in row.amounts.items()]
        for currency, amount, priced in pairs:
            add_to(self.amounts, currency, amount)
            self.priced[currency] = self.priced.get(currency, 0) + priced


@dataclass
class Funnel:
    pipe: Pipeline
    reached: list[tuple[str, int]] = field(default_factory=list)  # open stage key, deals reached
    days_in: dict[str, float] = field(default_factory=dict)
    total: RepFigures = field(default_factory=RepFigures)
    reps: dict[int, RepFigures] = field(default_factory=dict)

    def conversion(self, index: int) -> float | None:
        """Share of deals that reached stage `index` and went on to the next one."""
        if index + 1 >= len(self.reached) or not self.reached[index][1]:
            return None
        return self.reached[index + 1][1] / self.reached[index][1]


async def funnel(
    uow: UnitOfWork, org_id: int, start: datetime, end: datetime, owners: frozenset[int] | None
) -> Funnel:
    def mine(owner: int | None) -> bool:
        return owner is not None and (owners is None or owner in owners)

    result = Funnel(await pipeline(uow, org_id))
    open_stages = result.pipe.open_stages
    furthest = [p for o, p, _ in await uow.ops.deal_reach(org_id, start, end) if mine(o)]
    won_at = max((s.position for s in result.pipe.stages if s.outcome == "won"), default=0)
    for stage in open_stages:
        reached = sum(1 for p in furthest if p >= stage.position or p == won_at)
        result.reached.append((stage.key, reached))
    stays: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for owner, stage_key, days, n in await uow.ops.time_in_stage(org_id, start, end):
        if mine(owner):
            stays[stage_key].append((days, n))
    result.days_in = {k: sum(d * n for d, n in v) / sum(n for _, n in v) for k, v in stays.items()}
    for row in await uow.ops.closed_figures(org_id, start, end):
        if mine(row.owner_id):
            result.reps.setdefault(row.owner_id or 0, RepFigures()).add(row)
            result.total.add(row)
    return result


def main_currency(result: Funnel) -> str:
    """The currency most won deals were priced in: the leaderboard ranks by it."""
    priced = result.total.priced
    return max(sorted(priced), key=lambda c: priced[c]) if priced else "CNY"

