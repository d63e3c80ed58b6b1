"""Payment reminders to the deal owner: N days before an instalment is due, and once overdue."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from handlers.i18n import add_texts, fmt_date, fmt_money, t
from handlers.messages import Reply
from jobs.common import OrgView, SlotWork, queue_for_users, run_daily, users_by_id
from jobs.context import JobContext
from jobs.slots import Slot
from store.uow import UnitOfWork

RUN_AT = time(9, 0)

add_texts(
    {
        "pm.soon": (
            "💰 回款提醒：「{deal}」{amount} 将于 {due} 到期。收到后发送 /payment 记录。",
            "💰 Payment due: {amount} on “{deal}” is due {due}. Send /payment when it arrives.",
        ),
        "pm.overdue": (
            "⚠️ 回款逾期：「{deal}」{amount} 已于 {due} 到期，尚未收到。",
            "⚠️ Payment overdue: {amount} on “{deal}” was due {due} and has not arrived.",
        ),
    }
)


async def run_payment_reminders(ctx: JobContext) -> int:
    return await run_daily(ctx, "payments", RUN_AT, _for_view)


def _for_view(view: OrgView) -> SlotWork:
    async def work(uow: UnitOfWork, slot: Slot, now: datetime) -> int:
        return await remind_payments(uow, view, slot, now)

    return work


async def remind_payments(uow: UnitOfWork, view: OrgView, slot: Slot, now: datetime) -> int:
    """Each instalment gets at most one "soon" and one "overdue" message, ever (their keys)."""
    until = slot.day + timedelta(days=view.sched.payment_lead_days)
    owners, items = users_by_id(view), []
    for instalment, deal in await uow.payments.unpaid(view.org.id, until):
        owner = owners.get(deal.owner_id or 0)
        if owner is None:
            continue
        kind = "overdue" if instalment.due_date < slot.day else "soon"
        lang = owner.lang
        amount = fmt_money(instalment.amount - instalment.paid_amount, instalment.currency, lang)
        due = fmt_date(instalment.due_date, lang)
        text = t(lang, f"pm.{kind}", deal=deal.title, amount=amount, due=due)
        items.append((owner, Reply(text, private=True), f"payment:{instalment.id}:{kind}"))
    return await queue_for_users(uow, items, now)
