"""Cadence reminders: every customer is seen again after their tier's days (A 7, B 14, C 30).

Any logged activity resets the clock: it moves last_contact_at, and a cadence reminder
created before that contact is cancelled instead of sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.i18n import add_texts, t
from handlers.services import reminders as reminder_svc
from jobs.common import OrgView, SlotWork, run_daily, users_by_id
from jobs.context import JobContext
from jobs.slots import Slot
from store.models import User
from store.uow import UnitOfWork

RUN_AT = time(7, 0)  # before the 08:30 brief, so the brief lists today's cadence visits
PER_RUN = 5000  # per tier and org; the rest follow tomorrow rather than flood one morning

add_texts(
    {
        "cad.text": (
            "定期回访 {name}（{tier} 类客户，已 {days} 天未联系）",
            "Regular check-in with {name} (tier {tier}, no contact for {days} days)",
        ),
    }
)


async def run_cadence(ctx: JobContext) -> int:
    return await run_daily(ctx, "cadence", RUN_AT, _work(ctx.default_hour))


def _work(hour: int) -> Callable[[OrgView], SlotWork]:
    def for_view(view: OrgView) -> SlotWork:
        async def work(uow: UnitOfWork, slot: Slot, now: datetime) -> int:
            return await create_cadence(uow, view, now, hour)

        return work

    return for_view


async def create_cadence(uow: UnitOfWork, view: OrgView, now: datetime, hour: int) -> int:
    await uow.reports.cancel_reset_cadence(view.org.id, now)
    owners, created = users_by_id(view), 0
    for tier, days in sorted(view.sched.cadence_days.items()):
        due = await uow.reports.cadence_due(view.org.id, tier, now - timedelta(days=days), PER_RUN)
        for customer in due:
            owner = owners.get(customer.owner_id or 0)
            if owner is None:
                continue  # an inactive owner: the manager's digest shows the gap instead
            last = customer.last_contact_at or customer.created_at
            text = t(owner.lang, "cad.text", name=customer.name, tier=tier, days=(now - last).days)
            at = _next_hour(owner, now, hour)
            await reminder_svc.create(
                uow, owner, at, text, now, customer_id=customer.id, kind="cadence"
            )
            created += 1
    return created


def _next_hour(owner: User, now: datetime, hour: int) -> datetime:
    """Today at the working hour in the owner's zone, or now if that has passed."""
    tz = ZoneInfo(owner.tz)
    at = datetime.combine(now.astimezone(tz).date(), time(hour), tz)
    return max(at, now)
