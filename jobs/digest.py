"""The manager digest at 08:00 local on workdays, and the weekly summary on Mondays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.services.digest import Window, audience, digest_for, org_figures, title_for
from handlers.services.digest_text import digest_reply
from handlers.services.schedule import OrgSchedule
from jobs.common import OrgView, SlotWork, org_views, queue_for_users, run_slot
from jobs.context import JobContext
from jobs.slots import Slot, latest_slot
from store.models import User
from store.uow import UnitOfWork


async def run_digests(ctx: JobContext) -> int:
    """Every due digest slot of every org and manager timezone; returns messages queued."""
    queued = 0
    now = ctx.now()
    for view in await org_views(ctx):
        sched = view.sched
        kinds = (("digest", 1, sched.digest_days), ("weekly", 7, (sched.weekly_day,)))
        for tz, managers in view.by_tz(("manager",)).items():
            for job, days, weekdays in kinds:
                name = f"{job}:{view.org.id}"
                slot = latest_slot(name, now, tz, sched.digest_at, weekdays)
                if slot is not None:
                    work = _sender(view, managers, days, job)
                    queued += await run_slot(ctx, slot, work) or 0
    return queued


def _sender(view: OrgView, managers: list[User], days: int, job: str) -> SlotWork:
    async def send(uow: UnitOfWork, slot: Slot, now: datetime) -> int:
        return await send_digests(uow, view, managers, slot, days, job, now)

    return send


async def send_digests(
    uow: UnitOfWork,
    view: OrgView,
    managers: list[User],
    slot: Slot,
    days: int,
    job: str,
    now: datetime,
) -> int:
    """Figures once for the org, then one digest per manager, sliced from them."""
    sched: OrgSchedule = view.sched
    figures = await org_figures(uow, view.org.id, Window(slot.tz, slot.day, days), now, sched)
    team_names = {team.id: team.name for team in await uow.users.teams(view.org.id)}
    due_at = slot.at.astimezone(ZoneInfo(slot.tz))
    items = []
    for manager in managers:
        title = title_for(manager, team_names, view.org.name)
        digest = digest_for(figures, audience(manager, view.users, team_names), title)
        digest.late = slot.is_late(now)
        reply = await digest_reply(digest, manager.lang, now, due_at)
        items.append((manager, reply, f"{job}:{manager.id}:{slot.day.isoformat()}"))
    return await queue_for_users(uow, items, now)
