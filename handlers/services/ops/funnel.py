"""Funnel analytics for a period: reach and conversion per stage, time in stage, win rate,
average deal size, sales cycle; per rep for the leaderboard. Figures come from three
grouped queries for the whole org and are sliced to the viewer's reps in memory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from handlers.chart import FUNNEL, Canvas
from handlers.services.deals import Pipeline, pipeline
from store.uow import UnitOfWork


@dataclass
class RepFigures:
    won: int = 0
    lost: int = 0
    amount: Decimal = Decimal(0)
    cycle_days: float = 0.0

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None

    @property
    def average(self) -> Decimal | None:
        return (self.amount / self.won).quantize(Decimal("0.01")) if self.won else None


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
    for owner, won, lost, cents, cycle in await uow.ops.closed_figures(org_id, start, end):
        if mine(owner):
            rep = RepFigures(won, lost, Decimal(cents) / 100, cycle)
            result.reps[owner or 0] = rep
            _add(result.total, rep)
    return result


def _add(total: RepFigures, rep: RepFigures) -> None:
    if rep.won:
        total.cycle_days = (total.cycle_days * total.won + rep.cycle_days * rep.won) / (
            total.won + rep.won
        )
    total.won, total.lost, total.amount = (
        total.won + rep.won,
        total.lost + rep.lost,
        total.amount + rep.amount,
    )


def chart(result: Funnel) -> bytes:
    """Deals reaching each open stage, numbered in pipeline order (names are in the text)."""
    canvas = Canvas(400, 270)
    canvas.text(10, 10, "DEALS BY STAGE")
    peak = max([n for _, n in result.reached] + [1])
    slot = 380 // max(1, len(result.reached))
    for i, (_, n) in enumerate(result.reached):
        h = round(180 * n / peak)
        x = 10 + i * slot
        canvas.rect(x, 230 - h, max(4, slot - 8), h, FUNNEL)
        canvas.text(x, 230 - h - 20, str(n))
        canvas.text(x, 238, str(i + 1))
    return canvas.png()
