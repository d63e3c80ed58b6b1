"""The manager digest's figures: queried once per org and window, then sliced per team."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.i18n import Totals, add_to
from handlers.services.deals import Pipeline, pipeline
from handlers.services.schedule import OrgSchedule
from store.models import Deal, User
from store.uow import UnitOfWork

CHART_DAYS = 14


@dataclass(frozen=True)
class Window:
    """The local days a digest covers, ending at the start of `today` in `tz`."""

    tz: str
    today: date
    days: int = 1

    def start(self, days: int | None = None) -> datetime:
        first = self.today - timedelta(days=self.days if days is None else days)
        return datetime.combine(first, time(), ZoneInfo(self.tz))

    @property
    def end(self) -> datetime:
        return datetime.combine(self.today, time(), ZoneInfo(self.tz))


@dataclass
class RepFigures:
    user: User
    visits: int = 0
    new_customers: int = 0
    moved: int = 0
    won: int = 0
    lost: int = 0
    overdue: int = 0
    stale: list[Deal] = field(default_factory=list)
    visits_14d: int = 0
    overdue_payments: int = 0
    overdue_amount: Totals = field(default_factory=dict)

    @property
    def needs_attention(self) -> bool:
        return bool(self.overdue or self.stale or self.overdue_payments) or not self.visits


@dataclass(frozen=True)
class StageFigures:
    key: str
    count: int
    amount: Totals  # per currency
    weighted: Totals


@dataclass
class Digest:
    window: Window
    title: str  # the team's name, or the org's for an admin
    reps: list[RepFigures]
    stages: list[StageFigures]
    pipeline: Pipeline
    late: bool = False

    @property
    def overdue_payments(self) -> tuple[int, Totals]:
        count, totals = sum(r.overdue_payments for r in self.reps), Totals()
        for rep in self.reps:
            for currency, amount in rep.overdue_amount.items():
                add_to(totals, currency, amount)
        return count, totals


@dataclass
class OrgFigures:
    """Every rep's figures and the pipeline per owner, from a fixed number of queries."""

    window: Window
    reps: dict[int, RepFigures]
    pipeline_rows: list[tuple[int, str, str, int, Decimal]]
    pipeline: Pipeline


async def org_figures(
    uow: UnitOfWork, org_id: int, window: Window, now: datetime, sched: OrgSchedule
) -> OrgFigures:
    start, end = window.start(), window.end
    users = [u for u in await uow.users.in_org(org_id) if u.active]
    reps = {u.id: RepFigures(u) for u in users}
    pipe = await pipeline(uow, org_id)
    _fill(reps, "visits", await uow.reports.activity_counts(org_id, start, end))
    _fill(reps, "new_customers", await uow.reports.new_customers(org_id, start, end))
    _fill(reps, "overdue", await uow.reports.overdue_reminders(org_id, end))
    chart_start = window.start(CHART_DAYS)
    _fill(reps, "visits_14d", await uow.reports.activity_counts(org_id, chart_start, end))
    for owner, stage, n in await uow.reports.stage_moves(org_id, start, end):
        if owner in reps:
            outcome = pipe.by_key[stage].outcome if stage in pipe.by_key else "open"
            kind = {"won": "won", "lost": "lost"}.get(outcome, "moved")
            setattr(reps[owner], kind, getattr(reps[owner], kind) + n)
    for owner, currency, n, amount in await uow.reports.overdue_payments(org_id, window.today):
        if owner in reps:
            reps[owner].overdue_payments += n
            add_to(reps[owner].overdue_amount, currency, amount)
    for deal in await stale_deals(uow, org_id, now, sched, pipe):
        if deal.owner_id in reps:
            reps[deal.owner_id].stale.append(deal)
    return OrgFigures(window, reps, await uow.reports.pipeline(org_id), pipe)


async def stale_deals(
    uow: UnitOfWork, org_id: int, now: datetime, sched: OrgSchedule, pipe: Pipeline
) -> Sequence[Deal]:
    cutoffs = {s.key: now - timedelta(days=sched.stale_for(s.key)) for s in pipe.open_stages}
    return await uow.reports.stale_deals(org_id, now, cutoffs)


def _fill(reps: dict[int, RepFigures], name: str, counts: dict[int, int]) -> None:
    for user_id, n in counts.items():
        if user_id in reps:
            setattr(reps[user_id], name, n)


def digest_for(figures: OrgFigures, member_ids: Sequence[int], title: str) -> Digest:
    """One team's (or the whole org's) digest out of the org-wide figures."""
    members = set(member_ids)
    reps = [figures.reps[i] for i in member_ids if i in figures.reps]
    counts: dict[str, int] = {}
    amounts: dict[str, Totals] = {}
    for owner, key, currency, n, amount in figures.pipeline_rows:
        if owner in members:
            counts[key] = counts.get(key, 0) + n
            add_to(amounts.setdefault(key, {}), currency, amount)
    stages = []
    for stage in figures.pipeline.open_stages:
        in_stage = amounts.get(stage.key, {})
        weighted = {
            c: (v * stage.probability / 100).quantize(Decimal("0.01")) for c, v in in_stage.items()
        }
        stages.append(StageFigures(stage.key, counts.get(stage.key, 0), in_stage, weighted))
    return Digest(figures.window, title, reps, stages, figures.pipeline)


def audience(viewer: User, users: Sequence[User], team_names: dict[int, str]) -> list[int]:
    """Whose figures a viewer gets: a manager their team's reps, an admin every rep."""
    active_reps = [u for u in users if u.active and u.role == "rep"]
    if viewer.role == "admin":
        return [u.id for u in active_reps]
    if viewer.role == "manager" and viewer.team_id in team_names:
        return [u.id for u in active_reps if u.team_id == viewer.team_id]
    return [viewer.id]


def title_for(viewer: User, team_names: dict[int, str], org_name: str) -> str:
    if viewer.role == "admin" or viewer.team_id is None:
        return org_name if viewer.role != "rep" else viewer.name
    return team_names.get(viewer.team_id, "") if viewer.role == "manager" else viewer.name


async def for_viewer(
    uow: UnitOfWork, viewer: User, now: datetime, days: int, sched: OrgSchedule
) -> Digest:
    """The digest a user asks for with /digest: up to yesterday in their own timezone."""
    window = Window(viewer.tz, now.astimezone(ZoneInfo(viewer.tz)).date(), days)
    figures = await org_figures(uow, viewer.org_id, window, now, sched)
    users = [f.user for f in figures.reps.values()]
    team_names = {team.id: team.name for team in await uow.users.teams(viewer.org_id)}
    org = await uow.users.org(viewer.org_id)
    title = title_for(viewer, team_names, org.name if org else "")
    return digest_for(figures, audience(viewer, users, team_names), title)
