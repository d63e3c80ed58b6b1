"""Stale deals: no activity for the stage's days and nothing scheduled ahead → tell the owner.

One alert per stall: the key carries the last touch, so a deal alerts again only after it
was touched and then stalled once more. The digest lists every stale deal regardless.
"""

from __future__ import annotations

from datetime import datetime, time

from handlers.i18n import add_texts, t
from handlers.messages import Reply
from handlers.services.deals import pipeline
from handlers.services.digest import stale_deals
from jobs.common import OrgView, SlotWork, queue_for_users, run_daily, users_by_id
from jobs.context import JobContext
from jobs.slots import Slot
from store.uow import UnitOfWork

RUN_AT = time(9, 0)

add_texts(
    {
        "st.alert": (
            "🐢 商机「{title}」在「{stage}」已 {days} 天没有进展，也没有安排下一步。"
            "记一次跟进或设个提醒吧。",
            "🐢 Deal “{title}” has sat in “{stage}” for {days} days with nothing scheduled. "
            "Log a follow-up or set a reminder.",
        ),
    }
)


async def run_stale(ctx: JobContext) -> int:
    return await run_daily(ctx, "stale", RUN_AT, _for_view)


def _for_view(view: OrgView) -> SlotWork:
    async def work(uow: UnitOfWork, slot: Slot, now: datetime) -> int:
        return await alert_stale(uow, view, now)

    return work


async def alert_stale(uow: UnitOfWork, view: OrgView, now: datetime) -> int:
    pipe = await pipeline(uow, view.org.id)
    deals = await stale_deals(uow, view.org.id, now, view.sched, pipe)
    touched = await uow.reports.last_activity([d.customer_id for d in deals])
    owners, items = users_by_id(view), []
    for deal in deals:
        owner = owners.get(deal.owner_id or 0)
        if owner is None:
            continue
        last = max(deal.stage_changed_at, touched.get(deal.customer_id, deal.stage_changed_at))
        stage = pipe.name(deal.stage, owner.lang)
        days = (now - last).days
        text = t(owner.lang, "st.alert", title=deal.title, stage=stage, days=days)
        items.append((owner, Reply(text, private=True), f"stale:{deal.id}:{last.isoformat()}"))
    return await queue_for_users(uow, items, now)
